//! The scenario runner on a small knowledge base of its own: what each expectation checks, and
//! that a failure says what was expected, what happened and which way the walk went.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokenyar_engine::authoring::scenario::{self, Report};
use tokenyar_engine::kb::Source;

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb")
}

const NODES: &str = r#"
- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "کدام؟", en: Which?}
  choices:
    - {text: {fa: "نشانه", en: Symptom}, next: general/sym}
    - {text: {fa: "پرسش", en: Question}, next: general/ask}
- id: general/sym
  kind: symptom
  case: general/cert-expired
  title: {fa: "نشانه", en: Symptom}
  check: general/probe/flag
  next: general/probe/flag
- id: general/probe/flag
  kind: probe
  title: {fa: "پرچم", en: Flag}
  script: t/flag.rhai
  outcomes: {fail: general/fix, ok: general/fine}
- id: general/fix
  kind: remedy
  title: {fa: "درمان", en: Fix}
  steps: [{fa: "گام", en: Step}]
  verify: general/probe/flag
  escalate: {contact: {fa: "پشتیبانی", en: Support}}
- id: general/fine
  kind: info
  title: {fa: "خوب", en: Fine}
- id: general/ask
  kind: question
  title: {fa: "پرسش", en: Question}
  text: {fa: "کدام؟", en: Which?}
  choices:
    - {text: {fa: "خوب", en: Fine}, next: general/fine}
    - {text: {fa: "درمان", en: Fix}, next: general/fix}
"#;

const BUNDLE: &str = r#"{"format": "tokenyar-bundle", "version": 1, "facts": {
  "flag": {"value": {"bad": false, "note": "from the bundle"}},
  "token": {"value": {"slots": [{"token_present": true, "certificates": [{"label": "c",
     "der": {"synth_cert": {"cn": "A [Sign]", "o": "Unaffiliated", "not_before": "2025-01-01T00:00:00Z", "not_after": "2026-01-01T00:00:00Z"}}}]}]}}
}}"#;

/// A knowledge base with the nodes above, a probe reading the fact `flag`, and these tests.
fn run(tests: &[(&str, &str)]) -> Vec<Report> {
    let (reports, errors) = run_with_errors(tests);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    reports
}

/// Like [`run`], also returning what `kb check` says (scenario files it cannot read).
fn run_with_errors(tests: &[(&str, &str)]) -> (Vec<Report>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let kb_dir = dir.path().join("kb");
    std::fs::create_dir_all(kb_dir.join("general/tests/sub")).unwrap();
    std::fs::create_dir_all(kb_dir.join("general/tests/data")).unwrap();
    for meta in ["kb.yaml", "catalog.yaml", "tokens.yaml"] {
        std::fs::copy(shipped().join(meta), kb_dir.join(meta)).unwrap();
    }
    std::fs::write(
        kb_dir.join("systems.yaml"),
        "systems:\n  - id: general\n    name: {fa: \"عمومی\", en: General}\n    root: general/root\n",
    )
    .unwrap();
    std::fs::write(kb_dir.join("general/nodes.yaml"), NODES).unwrap();
    std::fs::write(kb_dir.join("general/tests/data/machine.json"), BUNDLE).unwrap();
    std::fs::create_dir_all(dir.path().join("scripts/t")).unwrap();
    std::fs::write(
        dir.path().join("scripts/t/flag.rhai"),
        "let f = fact(\"flag\");\n#{ status: if f.bad { \"fail\" } else { \"ok\" }, evidence: #{ note: f.note } }\n",
    )
    .unwrap();
    for (name, text) in tests {
        std::fs::write(kb_dir.join("general/tests").join(name), text).unwrap();
    }
    let (kb, diags) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir).unwrap());
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect();
    let mut reports = scenario::run_all(&Arc::new(kb));
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    (reports, errors)
}

fn one(test: &str) -> Report {
    run(&[("t.yaml", test)]).remove(0)
}

#[test]
fn a_failure_shows_expected_and_got_and_the_walk() {
    let r = one(
        "name: wrong\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/sym}\nexpect: {remedy: general/fine, questions: 2}\n",
    );
    assert!(!r.passed());
    let all = r.failures.join("\n");
    assert!(
        all.contains("- general/fine") && all.contains("+ general/fix"),
        "{all}"
    );
    assert!(all.contains("- 2") && all.contains("+ 1"), "{all}");
    assert_eq!(
        r.walk_line(),
        "general/root ─answer 1→ general/sym ─next→ general/probe/flag ─fail→ general/fix"
    );
}

#[test]
fn the_same_walk_passes_with_the_right_expectation() {
    let r = one(
        "name: right\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/sym}\nexpect: {cases: [general/cert-expired], remedy: general/fix, questions: 1, visits: [general/probe/flag]}\n",
    );
    assert!(r.passed(), "{:?}", r.failures);
}

#[test]
fn a_bundle_is_found_through_dot_dot_and_patched() {
    // The bundle says the flag is fine; the patch turns only `bad` on and keeps `note`.
    let reports = run(&[(
        "sub/p.yaml",
        "name: patched\nbundle: ../data/machine.json\npatch: {flag: {bad: true}}\nanswers: {general/root: general/sym}\nexpect: {remedy: general/fix}\n",
    )]);
    let r = &reports[0];
    assert!(r.passed(), "{:?}", r.failures);
    let unpatched = run(&[(
        "sub/p.yaml",
        "name: unpatched\nbundle: ../data/machine.json\nanswers: {general/root: general/sym}\nexpect: {remedy: general/fix}\n",
    )]);
    assert!(
        !unpatched[0].passed(),
        "the bundle alone says the flag is fine"
    );
}

#[test]
fn certificates_in_a_bundle_are_synthesised() {
    let dir = tempfile::tempdir().unwrap();
    let kb_dir = dir.path().join("kb");
    std::fs::create_dir_all(kb_dir.join("general/tests/data")).unwrap();
    for meta in ["kb.yaml", "catalog.yaml", "tokens.yaml"] {
        std::fs::copy(shipped().join(meta), kb_dir.join(meta)).unwrap();
    }
    std::fs::write(
        kb_dir.join("systems.yaml"),
        "systems:\n  - id: general\n    name: {fa: \"عمومی\", en: General}\n    root: general/root\n",
    )
    .unwrap();
    std::fs::write(kb_dir.join("general/tests/data/machine.json"), BUNDLE).unwrap();
    std::fs::write(
        kb_dir.join("general/tests/c.yaml"),
        "name: c\nbundle: data/machine.json\nexpect: {findings: []}\n",
    )
    .unwrap();
    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir).unwrap());
    let file = &kb.scenarios[0];
    let sc = scenario::parse(&kb, file).unwrap();
    let facts = scenario::facts_of(&kb, file, &sc).unwrap();
    let Some(tokenyar_engine::facts::Fact::Value(token)) = facts.get("token") else {
        panic!("no token fact: {facts:?}");
    };
    let der = token["slots"][0]["certificates"][0]["der"]
        .as_str()
        .unwrap();
    let parsed = tokenyar_engine::facts::cert::analyse_text(der);
    assert_eq!(parsed["ok"], serde_json::json!(true), "{parsed}");
    assert_eq!(
        parsed["subject"]["CN"],
        serde_json::json!("A [Sign]"),
        "{parsed}"
    );
}

#[test]
fn until_stops_the_walk_and_says_when_it_never_got_there() {
    // Without `until` the walk stops at an unanswered question: a failure.
    let r = one("name: q\nanswers: {general/root: general/ask}\nexpect: {questions: 1}\n");
    assert!(
        r.failures.iter().any(|f| f.contains("gives no answer")),
        "{:?}",
        r.failures
    );
    let r = one(
        "name: q\nanswers: {general/root: general/ask}\nuntil: general/ask\nexpect: {questions: 1}\n",
    );
    assert!(r.passed(), "{:?}", r.failures);
    let r = one(
        "name: q\nanswers: {general/root: general/ask}\nuntil: general/elsewhere\nexpect: {questions: 1}\n",
    );
    assert!(
        r.failures
            .iter()
            .any(|f| f.contains("never reached `general/elsewhere` (no node has this id)")),
        "{:?}",
        r.failures
    );
}

#[test]
fn findings_are_exact_and_findings_include_is_a_subset() {
    let bad = "facts: {flag: {value: {bad: true}}}\n";
    let r = one(&format!("name: f\n{bad}expect: {{findings: []}}\n"));
    assert!(
        r.failures
            .iter()
            .any(|f| f.contains("+ general/cert-expired")),
        "{:?}",
        r.failures
    );
    let r = one(&format!(
        "name: f\n{bad}expect: {{findings_include: [general/cert-expired]}}\n"
    ));
    assert!(r.passed(), "{:?}", r.failures);
    let r = one(
        "name: f\nfacts: {flag: {value: {bad: false}}}\nexpect: {findings_include: [general/cert-expired]}\n",
    );
    assert!(
        r.failures
            .iter()
            .any(|f| f.contains("- general/cert-expired")),
        "{:?}",
        r.failures
    );
}

#[test]
fn a_remedy_whose_check_still_fails_leaves_the_walk_open() {
    // The user says the fix helped; the flag is still bad, so the walk does not end resolved.
    let r = one(
        "name: v\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/sym}\nremedy_outcomes: {general/fix: helped}\nexpect: {end: open}\n",
    );
    assert!(r.passed(), "{:?}", r.failures);
    let r = one(
        "name: v\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/sym}\nremedy_outcomes: {general/fix: not-helped}\nexpect: {end: escalated}\n",
    );
    assert!(r.passed(), "{:?}", r.failures);
}

#[test]
fn an_unknown_end_is_a_scenario_error() {
    let (reports, errors) = run_with_errors(&[("t.yaml", "name: e\nexpect: {end: done}\n")]);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("E013") && e.contains("t.yaml:2")),
        "{errors:?}"
    );
    let r = &reports[0];
    assert!(
        r.failures.iter().any(|f| f.contains("must be resolved")),
        "{:?}",
        r.failures
    );
}
