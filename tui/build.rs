//! Two things the binary needs from its knowledge base before it runs:
//!
//! - Its version for `tokenyar --version`, so a support agent who reads it from a user's screen
//!   knows which cases that copy knows (the `version:` line of kb/kb.yaml).
//! - The knowledge base itself, loaded with the engine's own YAML loader, checked with the
//!   checker's rules, and frozen (`kb::frozen`): the binary starts from these bytes instead of
//!   parsing YAML at every start. A knowledge base with an error does not build; its
//!   diagnostics are printed. (The scenario tests and the content rules are the test suite's:
//!   `engine/tests/kb.rs` refuses a knowledge base that fails any rule of `kb check`.)

use std::path::Path;

use tokenyar_engine::kb::{self, Source};

fn main() {
    println!("cargo:rerun-if-changed=../kb");
    println!("cargo:rerun-if-changed=../scripts");
    let text = std::fs::read_to_string("../kb/kb.yaml").unwrap_or_default();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=TOKENYAR_KB_VERSION={version}");

    if let Err(e) = freeze() {
        // Each line on its own so cargo shows them all.
        for line in e.lines() {
            println!("cargo:warning={line}");
        }
        eprintln!("{e}");
        std::process::exit(1);
    }
}

/// Loads and checks ../kb (with ../scripts) and writes `$OUT_DIR/kb.frozen`.
fn freeze() -> Result<(), String> {
    let out = std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?;
    let src = Source::from_dir(Path::new("../kb")).map_err(|e| e.to_string())?;
    let (mut kb, diags) = kb::load_and_check(&src);
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "the knowledge base in kb/ has {} error(s) (`tokenyar kb check --kb kb`):\n{}",
            errors.len(),
            errors.join("\n")
        ));
    }
    kb.origin = "embedded".into();
    let bytes = kb::frozen::freeze(&kb).map_err(|e| e.to_string())?;
    std::fs::write(Path::new(&out).join("kb.frozen"), bytes).map_err(|e| e.to_string())
}
