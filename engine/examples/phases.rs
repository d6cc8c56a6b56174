//! Where the time of loading a large knowledge base goes (a profiling aid for editors).
#![allow(clippy::unwrap_used)]
use std::time::Instant;
#[path = "../tests/support/synthetic.rs"]
mod synthetic;
use tokenyar_engine::kb::{self, yaml};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let (src, _) = synthetic::generate(n, synthetic::Mistakes::None);
    let t = Instant::now();
    let mut values = Vec::new();
    for (p, text) in &src.files {
        if p.ends_with(".yaml") {
            values.push(serde_yaml::from_str::<serde_yaml::Value>(text).unwrap());
        }
    }
    println!("serde_yaml parse:      {:?}", t.elapsed());
    let t = Instant::now();
    for (p, text) in &src.files {
        if p.ends_with(".yaml") {
            let _ = yaml::parse(text).unwrap();
        }
    }
    println!("yaml::parse:           {:?}", t.elapsed());
    let t = Instant::now();
    let (kb, _) = kb::Kb::load(&src);
    println!("Kb::load:              {:?}", t.elapsed());
    let t = Instant::now();
    let d = kb::check::check(&kb);
    println!(
        "check::check:          {:?} ({} diags)",
        t.elapsed(),
        d.len()
    );
}
