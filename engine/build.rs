//! The knowledge base and the probe scripts are embedded with `include_dir!`, which cannot tell
//! cargo which files it read on stable Rust; this makes any edit under kb/ or scripts/ rebuild.
//!
//! It also computes the embedded knowledge base's digest (its version's suffix) here, once,
//! so a command that needs only part of the knowledge base (`lookup`) neither reads nor hashes
//! the rest at every start. The rule is `kb::source::content_digest`'s, over the files
//! `Source::embedded` collects (every UTF-8 file, sorted by path); a test keeps the two equal.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=../kb");
    println!("cargo:rerun-if-changed=../scripts");
    let mut files = Vec::new();
    collect(Path::new("../kb"), Path::new("../kb"), "kb", &mut files);
    collect(
        Path::new("../scripts"),
        Path::new("../scripts"),
        "scripts",
        &mut files,
    );
    files.sort();
    let mut h: u64 = 0xcbf29ce484222325;
    for (p, t) in &files {
        for b in p.bytes().chain([0]).chain(t.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    println!("cargo:rustc-env=TOKENYAR_KB_DIGEST={:08x}", h >> 32);
}

/// Every file under `dir` that is UTF-8 text, as (`prefix/relative/path`, text).
fn collect(root: &Path, dir: &Path, prefix: &str, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, prefix, out);
        } else if let Ok(bytes) = std::fs::read(&p)
            && let Ok(text) = String::from_utf8(bytes)
        {
            let rel: Vec<String> = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((format!("{prefix}/{}", rel.join("/")), text));
        }
    }
}
