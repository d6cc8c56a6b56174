//! The shipped knowledge base keeps the issue's content rules: every catalog case has nodes and
//! a scenario and is reachable from its system's root; every symptom is found by its own
//! messages and codes; Persian texts use Persian letters and digits.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::Path;
use std::sync::Arc;

use tokenyar_engine::kb::{Body, Kb, Source, Text};
use tokenyar_engine::lookup::Index;

fn shipped() -> Arc<Kb> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::from_dir(&dir).unwrap()).0)
}

#[test]
fn every_catalog_case_has_nodes_a_scenario_and_a_walk_from_its_root() {
    let kb = shipped();
    let c = tokenyar_engine::authoring::coverage::coverage(&kb);
    let mut missing = Vec::new();
    for cc in &c.cases {
        let kind = kb
            .catalog
            .iter()
            .find(|x| x.id == cc.case)
            .map(|x| x.kind.as_str());
        let mut why = Vec::new();
        if cc.nodes == 0 {
            why.push("no node");
        }
        if cc.tests == 0 {
            why.push("no scenario");
        }
        if !cc.reachable {
            why.push("not reachable from its system's root");
        }
        if kind == Some("symptom") && !cc.lookup {
            why.push("no symptom for the lookup");
        }
        if !why.is_empty() {
            missing.push(format!("{}: {}", cc.case, why.join(", ")));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_symptom_is_found_by_its_own_messages_and_codes() {
    let kb = shipped();
    let index = Index::build(&kb);
    let mut lost = Vec::new();
    for n in &kb.nodes {
        let Body::Symptom {
            messages, codes, ..
        } = &n.body
        else {
            continue;
        };
        let queries = messages
            .iter()
            .cloned()
            .chain(codes.iter().map(|c| format!("خطای {c}")));
        for q in queries {
            // A message several systems show ("عدم شناسایی توکن") ranks several symptoms alike;
            // the one it belongs to must be among the first few.
            let hits = index.search(&q, 6);
            if !hits.iter().any(|h| h.node == n.id) {
                lost.push(format!(
                    "{}: «{q}» finds {:?}",
                    n.id,
                    hits.iter().map(|h| h.node.as_str()).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(lost.is_empty(), "{}", lost.join("\n"));
}

/// Persian letters only (not Arabic ي ك), and Persian digits except inside Latin tokens such
/// as product names, versions and addresses (epass3003, UTC+03:30, tax.gov.ir).
fn persian_style(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    if text.contains(['ي', 'ك']) {
        out.push("Arabic ي or ك".to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let latin =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphabetic() || "_.:+-/()".contains(*c));
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let before = start.checked_sub(1).and_then(|j| chars.get(j));
            if !latin(before) && !latin(chars.get(i)) {
                out.push(format!(
                    "Latin digits «{}»",
                    chars[start..i].iter().collect::<String>()
                ));
            }
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn the_style_check_catches_what_it_should() {
    assert!(persian_style("خطای ۲۵ در epass3003 و UTC+03:30").is_empty());
    assert_eq!(persian_style("خطاي 25").len(), 2);
}

#[test]
fn persian_texts_use_persian_letters_and_digits() {
    let kb = shipped();
    let mut bad = Vec::new();
    for n in &kb.nodes {
        let mut texts: Vec<&Text> = vec![&n.title];
        texts.extend(n.text.iter());
        match &n.body {
            Body::Question { choices, .. } => texts.extend(choices.iter().map(|c| &c.text)),
            Body::Remedy {
                steps, escalate, ..
            } => {
                texts.extend(steps.iter());
                if let Some(e) = escalate {
                    texts.push(&e.contact);
                    texts.extend(e.collect.iter());
                }
            }
            _ => {}
        }
        for t in texts {
            // Quoted on-screen messages («...») are kept as the system writes them.
            let outside: String =
                t.fa.split('«')
                    .map(|part| part.split_once('»').map_or(part, |(_, rest)| rest))
                    .collect();
            for issue in persian_style(&outside) {
                bad.push(format!("{} ({}): {issue}: {}", n.id, n.pos, t.fa));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
