//! A knowledge base of 10 000 nodes with every kind of mistake: all are reported, each with its
//! file and line, and the checker does not stop at the first. (The data rules: the content
//! rules of `kb check`, coverage and lookup, are for real knowledge bases and tested in `kb`.)

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::synthetic;

#[test]
fn ten_thousand_nodes_of_mistakes_are_all_reported() {
    let (src, planted) = synthetic::generate(10_000, synthetic::Mistakes::Every);
    let (kb, diags) = tokenyar_engine::kb::load_and_check(&src);
    assert!(kb.nodes.len() >= 9_000, "{}", kb.nodes.len());
    let codes: std::collections::BTreeSet<&str> = planted.iter().map(|p| p.code).collect();
    for code in [
        "E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010", "E011",
        "E012", "W001",
    ] {
        assert!(codes.contains(code), "the generator plants no {code}");
    }
    let mut missing = Vec::new();
    for p in &planted {
        let found = diags
            .iter()
            .any(|d| d.code.as_str() == p.code && d.file == p.file && d.line == p.line);
        if !found {
            missing.push(format!("{} at {}:{}", p.code, p.file, p.line));
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} planted mistakes not reported, e.g. {:?}",
        missing.len(),
        planted.len(),
        &missing[..missing.len().min(5)]
    );
    assert!(planted.len() > 800, "{}", planted.len());
}

#[test]
fn a_clean_synthetic_kb_is_clean() {
    let (src, _) = synthetic::generate(2_000, synthetic::Mistakes::None);
    let (_, diags) = tokenyar_engine::kb::load_and_check(&src);
    let shown: Vec<String> = diags.iter().take(5).map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "{}", shown.join("\n"));
}
