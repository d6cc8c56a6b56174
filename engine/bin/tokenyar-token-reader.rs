//! The token reader on its own: `tokenyar probe-token` without the rest of tokenyar. Built for
//! 32-bit Windows (i686) and shipped beside tokenyar.exe as `tokenyar-reader32.exe`, it reads the
//! 32-bit PKCS#11 modules that older installers leave in SysWOW64, which the 64-bit tokenyar.exe
//! cannot load (facts/token/arch.rs picks it). Same arguments as `tokenyar probe-token`, same
//! output lines, and like it never logs in and never touches a PIN.
//!
//!   tokenyar-reader32.exe [probe-token] --module PATH [--deadline SECONDS]

use std::path::PathBuf;
use std::time::Duration;

use tokenyar_engine::facts::token::reader;

fn main() {
    std::process::exit(run());
}

/// The knowledge base's version, as `tokenyar --version` prints it.
fn kb_version() -> &'static str {
    include_str!("../../kb/kb.yaml")
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches('"'))
        .unwrap_or("unknown")
}

fn usage(why: &str) -> i32 {
    eprintln!("tokenyar-token-reader: {why}");
    eprintln!("usage: tokenyar-token-reader [probe-token] --module PATH [--deadline SECONDS]");
    2
}

fn run() -> i32 {
    let mut args = std::env::args_os().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "probe-token") {
        args.next();
    }
    let mut module: Option<PathBuf> = None;
    let mut deadline: Option<Duration> = None;
    while let Some(a) = args.next() {
        match a.to_str() {
            Some("--version") => {
                println!(
                    "tokenyar-token-reader {} (kb {}, {}-bit)",
                    env!("CARGO_PKG_VERSION"),
                    kb_version(),
                    usize::BITS
                );
                return 0;
            }
            Some("--module") => match args.next() {
                Some(p) => module = Some(PathBuf::from(p)),
                None => return usage("--module needs a path"),
            },
            Some("--deadline") => {
                let secs = args
                    .next()
                    .and_then(|v| v.to_str()?.parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0);
                match secs {
                    Some(s) => deadline = Some(Duration::from_secs_f64(s)),
                    None => return usage("--deadline takes seconds, above 0 and at most 3600"),
                }
            }
            _ => return usage(&format!("unknown argument {}", a.to_string_lossy())),
        }
    }
    let Some(module) = module else {
        return usage("--module is required");
    };
    if let Some(d) = deadline {
        reader::watchdog(d);
    }
    match reader::run(&module, &mut std::io::stdout().lock()) {
        Ok(()) => 0,
        // The parent is gone or stopped reading: nobody is left to tell.
        Err(_) => 1,
    }
}
