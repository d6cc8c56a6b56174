//! Hostile input never crashes, hangs or lies: property tests over the readers of files that
//! others write (knowledge bases, bundles) and of data tokens hand over (certificates).
//! Case counts are fixed, so the run is bounded; a failure prints the minimal input, which then
//! becomes a regression test below.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::sync::Arc;

use proptest::prelude::*;
use tokenyar_engine::facts::{Bundle, Facts, Snapshot, cert};
use tokenyar_engine::infer::diagnose;
use tokenyar_engine::kb::{Source, yaml};

static SHIPPED: std::sync::LazyLock<Arc<tokenyar_engine::kb::Kb>> =
    std::sync::LazyLock::new(|| {
        Arc::new(tokenyar_engine::authoring::load_checked(&Source::embedded()).0)
    });

fn kb_with(node_file: &str) -> Source {
    let mut src = Source::embedded();
    // Only the meta files and scripts: the fuzzed file is the whole knowledge base.
    src.files
        .retain(|(p, _)| p == "scripts/cert/count.rhai" || p.matches('/').count() == 1);
    src.files
        .push(("kb/general/fuzz.yaml".into(), node_file.into()));
    src
}

/// Fragments of real node files, so random combinations look like what editors write.
fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "- id: general/x\n",
        "  kind: symptom\n",
        "  kind: question\n",
        "  kind: remedy\n",
        "  kind: probe\n",
        "  title: {fa: \"الف\", en: A}\n",
        "  title: {en: only}\n",
        "  next: general/root\n",
        "  next: [1, 2]\n",
        "  choices:\n    - text: {fa: \"ب\", en: B}\n      next: general/x\n",
        "  steps: [{fa: \"گ\", en: S}]\n",
        "  script: cert/count.rhai\n",
        "  outcomes: {ok: general/x}\n",
        "  check: general/x\n",
        "  : :\n",
        "\t- [\n",
        "  unknown_field: 1\n",
        "- id: \"\"\n",
        "---\n",
        "  *alias\n",
        "  &anchor a: b\n",
        "  codes: [\"23\"]\n",
        "  escalate: {contact: {fa: \"پ\", en: P}}\n",
        "- id: general/x/y\n  kind: info\n",
        "  messages: \"not a list\"\n",
    ]);
    prop::collection::vec(atoms, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn the_kb_loader_survives_any_node_file(text in yamlish()) {
        let (_kb, diags) = tokenyar_engine::authoring::load_checked(&kb_with(&text));
        for d in &diags {
            prop_assert!(d.line >= 1, "{d}");
        }
    }

    #[test]
    fn the_yaml_layer_survives_arbitrary_text(text in "\\PC{0,300}") {
        if let Ok(doc) = yaml::parse(&text) {
            let _ = doc.nearest("[0].x[2].y");
        }
    }

    #[test]
    fn the_bundle_reader_survives_arbitrary_text(text in "\\PC{0,400}") {
        let _ = Bundle::parse(&text, "fuzz.json");
    }

    #[test]
    fn the_bundle_reader_survives_mangled_bundles(cut in 0usize..600, junk in "\\PC{0,8}") {
        let good = include_str!("../benches/bundle.json");
        let at = good.char_indices().nth(cut % good.chars().count()).map(|(i, _)| i).unwrap_or(0);
        let text = format!("{}{}{}", &good[..at], junk, &good[at..]);
        if let Ok(b) = Bundle::parse(&text, "fuzz.json") {
            // Whatever parses must diagnose without panicking.
            let facts: Arc<dyn Facts> = Arc::new(Snapshot::from_bundle(&b));
            let _ = diagnose(&SHIPPED, facts, None);
        }
    }

    #[test]
    fn certificate_analysis_survives_arbitrary_der(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let v = cert::analyse(&bytes);
        prop_assert!(v.get("ok").is_some());
    }

    #[test]
    fn certificate_analysis_survives_mutated_certificates(pos in 0usize..2000, byte in any::<u8>(), truncate in any::<bool>()) {
        let pem = include_str!("../../kb/certs/iran-root-ca-g3.pem");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine as _;
        let mut der = base64::engine::general_purpose::STANDARD.decode(b64).unwrap();
        let i = pos % der.len();
        if truncate { der.truncate(i) } else { der[i] = byte }
        let v = cert::analyse(&der);
        prop_assert!(v.get("ok").is_some());
    }
}

#[test]
fn garbage_in_a_token_fact_is_unknown_or_a_finding_never_a_crash() {
    let kb = Arc::clone(&SHIPPED);
    let weird = [
        serde_json::json!(null),
        serde_json::json!("text"),
        serde_json::json!({"slots": "not a list"}),
        serde_json::json!({"slots": [{"token_present": "yes", "token": 7, "certificates": [{"der": 12}]}]}),
        serde_json::json!({"modules": [], "slots": [{"token_present": true, "token": {"flags": null}, "certificates": [{"der": "%%%"}]}]}),
    ];
    for w in weird {
        let mut m = std::collections::BTreeMap::new();
        m.insert(
            "token".to_string(),
            tokenyar_engine::facts::Fact::Value(w.clone()),
        );
        m.insert(
            "clock".to_string(),
            tokenyar_engine::facts::Fact::Value(serde_json::json!({"now": "2025-01-01T00:00:00Z"})),
        );
        let facts: Arc<dyn Facts> = Arc::new(Snapshot::new(m));
        let d = diagnose(&kb, facts, None);
        assert!(!d.checks.is_empty(), "{w}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn the_session_reader_survives_arbitrary_text(text in "\\PC{0,400}") {
        let _ = tokenyar_engine::infer::saved::SavedSession::parse(&text, "fuzz.json");
    }

    #[test]
    fn normalising_is_idempotent_and_lookup_never_panics(text in "\\PC{0,200}") {
        let once = tokenyar_engine::lookup::normalize(&text);
        prop_assert_eq!(tokenyar_engine::lookup::normalize(&once), once.clone());
        let _ = LOOKUP.search(&text, 5);
    }
}

static LOOKUP: std::sync::LazyLock<tokenyar_engine::lookup::Index> =
    std::sync::LazyLock::new(|| tokenyar_engine::lookup::Index::build(&SHIPPED));
