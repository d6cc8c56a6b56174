//! The knowledge-base editor's commands (`kb test`, `kb coverage`, `kb graph`) on a small
//! working copy, run as an editor would: the real binary with `--kb DIR`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::support::run_in as tokenyar;
use std::path::Path;

use serde_json::Value;

const NODES: &str = r#"
- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "کدام؟", en: Which?}
  choices:
    - {text: {fa: "گواهی", en: Certificate}, next: general/cert-expired}
- id: general/cert-expired
  kind: symptom
  case: general/cert-expired
  title: {fa: "گواهی منقضی", en: Expired}
  messages: ["گواهی منقضی شده"]
  check: general/probe/flag
  next: general/probe/flag
- id: general/probe/flag
  kind: probe
  title: {fa: "پرچم", en: Flag}
  script: t/flag.rhai
  outcomes: {fail: general/renew, ok: general/fine, unknown: general/fine}
- id: general/renew
  kind: remedy
  case: general/cert-expired
  title: {fa: "تمدید", en: Renew}
  steps: [{fa: "گام", en: Step}]
  escalate: {contact: {fa: "پشتیبانی", en: Support}}
- id: general/fine
  kind: info
  title: {fa: "خوب", en: Fine}
"#;

/// A working copy with one case, a probe reading the fact `flag`, and the given tests.
fn working_copy(dir: &Path, tests: &[(&str, &str)], extra_nodes: &str) {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    let kb = dir.join("kb");
    std::fs::create_dir_all(kb.join("general/tests")).unwrap();
    for meta in ["kb.yaml", "catalog.yaml", "tokens.yaml"] {
        std::fs::copy(shipped.join(meta), kb.join(meta)).unwrap();
    }
    std::fs::write(
        kb.join("systems.yaml"),
        "systems:\n  - id: general\n    name: {fa: \"عمومی\", en: General}\n    root: general/root\n",
    )
    .unwrap();
    std::fs::write(
        kb.join("general/nodes.yaml"),
        format!("{NODES}{extra_nodes}"),
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("scripts/t")).unwrap();
    std::fs::write(
        dir.join("scripts/t/flag.rhai"),
        "let f = fact(\"flag\");\n#{ status: if f.bad { \"fail\" } else { \"ok\" } }\n",
    )
    .unwrap();
    for (name, text) in tests {
        std::fs::write(kb.join("general/tests").join(name), text).unwrap();
    }
}

const GOOD: &str = "name: expired\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/cert-expired}\nexpect: {cases: [general/cert-expired], remedy: general/renew, questions: 1, findings: [general/cert-expired]}\n";

#[test]
fn kb_test_shows_a_diff_and_the_walk_when_a_scenario_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "name: wrong remedy\nfacts: {flag: {value: {bad: true}}}\nanswers: {general/root: general/cert-expired}\nexpect: {remedy: general/fine, questions: 0}\n";
    working_copy(dir.path(), &[("a.yaml", GOOD), ("b.yaml", bad)], "");
    let (code, out, err) = tokenyar(dir.path(), &["kb", "test", "--kb", "kb"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("ok   kb/general/tests/a.yaml"), "{out}");
    assert!(
        out.contains("FAIL kb/general/tests/b.yaml — wrong remedy"),
        "{out}"
    );
    assert!(
        out.contains("- general/fine") && out.contains("+ general/renew"),
        "{out}"
    );
    assert!(
        out.contains("general/root ─answer 1→ general/cert-expired ─next→ general/probe/flag ─fail→ general/renew"),
        "{out}"
    );
    assert!(out.contains("1 passed, 1 failed"), "{out}");

    let (code, out, _) = tokenyar(dir.path(), &["kb", "test", "--kb", "kb", "--json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["failed"], 1);
    assert_eq!(v["scenarios"][1]["walk"][3]["node"], "general/renew");
}

#[test]
fn kb_test_runs_the_scenarios_of_a_knowledge_base_with_errors_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let dangling = "- id: general/orphan-question\n  kind: question\n  title: {fa: \"پرسش\", en: Q}\n  text: {fa: \"؟\", en: \"?\"}\n  choices:\n    - {text: {fa: \"الف\", en: A}, next: general/nowhere}\n";
    working_copy(dir.path(), &[("a.yaml", GOOD)], dangling);
    let (code, out, err) = tokenyar(dir.path(), &["kb", "test", "--kb", "kb"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("1 error(s)") && err.contains("general/nowhere"),
        "{err}"
    );
    assert!(out.contains("1 passed, 0 failed"), "{out}");
}

#[test]
fn kb_coverage_json_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    working_copy(dir.path(), &[("a.yaml", GOOD)], "");
    let (code, out, err) = tokenyar(dir.path(), &["kb", "coverage", "--kb", "kb", "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let cases = v["cases"].as_array().unwrap();
    let expired = cases
        .iter()
        .find(|c| c["case"] == "general/cert-expired")
        .unwrap();
    // Two nodes carry the case; the one scenario names it in `cases` and `findings`.
    assert_eq!(expired["nodes"], 2);
    assert_eq!(expired["tests"], 1);
    assert_eq!(expired["reachable"], true);
    assert_eq!(expired["lookup"], true);
    let missing = cases
        .iter()
        .find(|c| c["case"] == "setad/onboarding")
        .unwrap();
    assert_eq!(missing["nodes"], 0);
    assert_eq!(missing["reachable"], false);
    assert_eq!(v["median_questions"], 1.0);
    // The scenario never reaches the "fine" branch.
    assert_eq!(v["unreached_nodes"], serde_json::json!(["general/fine"]));

    let (_, out, _) = tokenyar(dir.path(), &["kb", "coverage", "--kb", "kb"]);
    assert!(
        out.contains("1/66 catalog cases have nodes and tests"),
        "{out}"
    );
    assert!(
        out.contains("median questions asked per scenario: 1"),
        "{out}"
    );
}

#[test]
fn kb_graph_draws_one_system_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    working_copy(dir.path(), &[], "");
    let (code, out, _) = tokenyar(
        dir.path(),
        &[
            "kb", "graph", "--kb", "kb", "--system", "general", "--format", "mermaid",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("flowchart LR"), "{out}");
    assert!(
        out.contains("general_probe_flag -->|outcomes.fail| general_renew"),
        "{out}"
    );
    let (code, out, _) = tokenyar(dir.path(), &["kb", "graph", "--kb", "kb"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "\"general/cert-expired\" -> \"general/probe/flag\" [label=\"check\", style=dashed];"
        ),
        "{out}"
    );
    let (code, _, err) = tokenyar(
        dir.path(),
        &["kb", "graph", "--kb", "kb", "--system", "nosuch"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("nosuch"), "{err}");
}
