//! ARCHITECTURE.md's recipes "Adding a system", "Adding a probe" and "Adding a case", followed
//! from scratch on a copy of the shipped knowledge base, with no Rust: the result must pass
//! `kb check` with no finding, its scenarios must pass, and a diagnosis must use it.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use tokenyar_engine::authoring::{load_checked, scenario};
use tokenyar_engine::facts::{Fact, Snapshot};
use tokenyar_engine::kb::Source;
use tokenyar_engine::{Facts, Index, diagnose};

fn shipped() -> Source {
    Source::from_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb")).unwrap()
}

fn set(src: &mut Source, path: &str, text: String) {
    match src.files.iter_mut().find(|(p, _)| p == path) {
        Some((_, t)) => *t = text,
        None => src.files.push((path.to_string(), text)),
    }
}

fn get(src: &Source, path: &str) -> String {
    src.get(path).unwrap().to_string()
}

/// The recipes' steps: a system `demo` with a root question, a case whose symptom is checked by
/// a new probe script, its remedy, and scenarios.
fn with_demo_system() -> Source {
    let mut src = shipped();
    // Adding a system, step 1: systems.yaml.
    let systems = get(&src, "kb/systems.yaml").replacen(
        "systems:\n",
        "systems:\n  - id: demo\n    name: {fa: \"سامانه‌ی نمونه\", en: Demo portal}\n    root: demo/root\n    aliases: [demo portal]\n    certificate:\n      lifetime_years: [1, 2]\n",
        1,
    );
    set(&mut src, "kb/systems.yaml", systems);
    // Adding a case, step 1 (and a system's step 2): the catalog.
    let catalog = get(&src, "kb/catalog.yaml")
        + "  - {id: demo/signer-conflict, system: demo, kind: symptom}\n";
    set(&mut src, "kb/catalog.yaml", catalog);
    // Adding a probe, step 1: the script; `fail` only when the conflicting program is seen.
    set(
        &mut src,
        "scripts/demo/conflict.rhai",
        r#"let p = fact("processes");
let seen = p.names.filter(|n| glob_match(args.program, n));
#{ status: if seen.is_empty() { "ok" } else { "fail" }, evidence: #{ seen: seen } }
"#
        .into(),
    );
    // Steps 2–3 of each recipe: the nodes.
    set(
        &mut src,
        "kb/demo/root.yaml",
        r#"- id: demo/root
  kind: question
  title: {fa: "عیب‌یابی توکن در سامانه‌ی نمونه", en: "Token troubleshooting for the demo portal"}
  text: {fa: "سامانه‌ی نمونه چه پیامی نشان می‌دهد؟", en: "What does the demo portal show?"}
  choices:
    - text: {fa: "«امضاکننده‌ی دیگری در حال اجراست»", en: "«Another signer is running»"}
      next: demo/signer-conflict

- id: demo/signer-conflict
  kind: symptom
  case: demo/signer-conflict
  title: {fa: "امضاکننده‌ی دیگری با توکن درگیر است", en: "Another signing program holds the token"}
  messages: ["امضاکننده‌ی دیگری در حال اجراست", "another signer is running"]
  check: demo/probe/conflict
  next: demo/probe/conflict

- id: demo/probe/conflict
  kind: probe
  title: {fa: "آیا برنامه‌ی امضای دیگری باز است؟", en: "Is another signing program open?"}
  script: demo/conflict.rhai
  args: {program: "othersigner*"}
  outcomes: {ok: demo/signer-conflict/fine, fail: demo/signer-conflict/close, unknown: demo/signer-conflict/ask}

- id: demo/signer-conflict/ask
  kind: question
  title: {fa: "برنامه‌ی امضای دیگر", en: "The other signing program"}
  text: {fa: "آیا برنامه‌ی امضای دیگری باز است؟", en: "Is another signing program open?"}
  choices:
    - text: {fa: "بله", en: "Yes"}
      next: demo/signer-conflict/close
    - text: {fa: "نه", en: "No"}
      next: demo/signer-conflict/fine

- id: demo/signer-conflict/close
  kind: remedy
  title: {fa: "برنامه‌ی امضای دیگر را ببندید", en: "Close the other signing program"}
  steps:
    - {fa: "برنامه‌ی امضای دیگر را ببندید و دوباره امضا کنید.", en: "Close the other signing program and sign again."}
  verify: demo/probe/conflict
  escalate:
    contact: {fa: "پشتیبانی سامانه‌ی نمونه", en: "the demo portal's support"}

- id: demo/signer-conflict/fine
  kind: info
  title: {fa: "برنامه‌ی دیگری درگیر نیست", en: "No other program holds the token"}
  text: {fa: "مشکل از این نیست.", en: "This is not the problem."}
"#
        .into(),
    );
    // Step 4: scenarios, one per outcome the probe can reach.
    set(
        &mut src,
        "kb/demo/tests/conflict.yaml",
        r#"name: "Another signer runs: the machine sees it and says to close it"
facts:
  processes: {value: {names: [explorer.exe, OtherSigner.exe]}}
answers:
  demo/root: demo/signer-conflict
expect:
  cases: [demo/signer-conflict]
  remedy: demo/signer-conflict/close
  questions: 1
"#
        .into(),
    );
    set(
        &mut src,
        "kb/demo/tests/unknown.yaml",
        r#"name: "The process list cannot be read: the walk asks instead of guessing"
facts:
  processes: {unknown: "tasklist printed nothing"}
answers:
  demo/root: demo/signer-conflict
  demo/signer-conflict/ask: demo/signer-conflict/fine
expect:
  visits: [demo/signer-conflict/ask, demo/signer-conflict/fine]
  questions: 2
"#
        .into(),
    );
    src
}

#[test]
fn a_new_system_probe_and_case_need_no_rust_and_pass_every_rule() {
    let src = with_demo_system();
    let (kb, diags) = load_checked(&src);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "{}", shown.join("\n"));
    let kb = Arc::new(kb);
    let reports: Vec<_> = scenario::run_all(&kb)
        .into_iter()
        .filter(|r| r.path.starts_with("kb/demo/"))
        .collect();
    assert_eq!(reports.len(), 2);
    for r in &reports {
        assert!(r.passed(), "{}: {:?}", r.path, r.failures);
    }

    // The diagnosis of the new system runs the new probe, and only with positive evidence
    // reports the case.
    let run = |names: serde_json::Value| {
        let facts: Arc<dyn Facts> = Arc::new(Snapshot::new(BTreeMap::from([(
            "processes".to_string(),
            Fact::Value(json!({ "names": names })),
        )])));
        diagnose(&kb, facts, Some("demo"))
    };
    let found = |d: &tokenyar_engine::Diagnosis| {
        d.findings.iter().any(|f| f.case == "demo/signer-conflict")
    };
    assert!(found(&run(json!(["othersigner.exe"]))));
    assert!(!found(&run(json!(["explorer.exe"]))));

    // The lookup finds the new case by the message users see.
    let hits = Index::build(&kb).search("امضا کننده دیگری در حال اجرا است", 3);
    assert_eq!(
        hits.first().map(|h| h.node.as_str()),
        Some("demo/signer-conflict")
    );
}

#[test]
fn a_case_left_half_done_is_a_kb_check_warning() {
    let mut src = with_demo_system();
    // Without its scenarios the case is not covered.
    src.files.retain(|(p, _)| !p.starts_with("kb/demo/tests/"));
    let (_, diags) = load_checked(&src);
    assert!(
        diags
            .iter()
            .any(|d| d.code.as_str() == "W004" && d.message.contains("demo/signer-conflict")),
        "{diags:?}"
    );
}
