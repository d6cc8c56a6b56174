//! Puts the embedded knowledge base's version into `tokenyar --version`, so a support agent who
//! reads it from a user's screen knows which cases that copy knows. The KB is embedded by the
//! engine from ../kb; its `version:` line in kb.yaml is the one the KB loader reads.
fn main() {
    println!("cargo:rerun-if-changed=../kb/kb.yaml");
    let text = std::fs::read_to_string("../kb/kb.yaml").unwrap_or_default();
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("version:"))
        .map(|v| v.trim().trim_matches('"').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=TOKENYAR_KB_VERSION={version}");
}
