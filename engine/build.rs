//! The knowledge base and the probe scripts are embedded with `include_dir!`, which cannot tell
//! cargo which files it read on stable Rust; this makes any edit under kb/ or scripts/ rebuild.
fn main() {
    println!("cargo:rerun-if-changed=../kb");
    println!("cargo:rerun-if-changed=../scripts");
}
