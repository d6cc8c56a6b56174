//! The shipped knowledge base must be clean and its scenarios must pass; a broken one must be
//! reported precisely, every mistake at once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokenyar_engine::kb::Source;
use tokenyar_engine::kb::source::Parts;

fn kb_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb")
}

#[test]
fn the_shipped_knowledge_base_is_clean() {
    let (kb, diags) =
        tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap());
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(diags.is_empty(), "kb check found:\n{}", shown.join("\n"));
    assert!(kb.node("general/root").is_some());
}

#[test]
fn the_embedded_knowledge_base_is_the_one_on_disk() {
    let disk = Source::from_dir(&kb_dir()).unwrap();
    let emb = Source::embedded();
    let names = |s: &Source| s.files.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&disk), names(&emb));
}

#[test]
fn the_build_time_digest_is_the_digest_of_the_embedded_files() {
    let emb = Source::embedded();
    let computed = tokenyar_engine::kb::source::content_digest(
        emb.files.iter().map(|(p, t)| (p.as_str(), t.as_str())),
    );
    assert_eq!(emb.digest.as_deref(), Some(computed.as_str()));
    // The version names the whole knowledge base however little of it a command reads.
    let disk = Source::from_dir(&kb_dir()).unwrap();
    let whole = tokenyar_engine::kb::Kb::load(&disk).0.version;
    for parts in [Parts::ALL, Parts::RUN, Parts::INDEX] {
        let (kb, _) = tokenyar_engine::kb::Kb::load(&Source::embedded_parts(parts));
        assert_eq!(kb.version, whole, "{parts:?}");
    }
}

#[test]
fn a_partial_load_reads_only_its_parts() {
    let index = Source::embedded_parts(Parts::INDEX);
    assert!(
        index
            .files
            .iter()
            .all(|(p, _)| !p.starts_with("scripts/") && !p.contains("/tests/"))
    );
    let (kb, diags) = tokenyar_engine::kb::Kb::load(&index);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(kb.scripts.is_empty() && kb.scenarios.is_empty());
    assert!(kb.node("general/root").is_some());
    let run = Source::embedded_parts(Parts::RUN);
    let (kb, _) = tokenyar_engine::kb::Kb::load(&run);
    assert!(!kb.scripts.is_empty() && kb.scenarios.is_empty() && kb.test_data.is_empty());
    // Lookup answers from the index alone exactly as from the whole knowledge base.
    let whole = tokenyar_engine::kb::Kb::load(&Source::embedded()).0;
    let q = "خطا ۲۹ در امضا";
    let hits = |kb: &tokenyar_engine::kb::Kb| {
        tokenyar_engine::lookup::Index::build(kb)
            .search(q, 5)
            .into_iter()
            .map(|h| h.node)
            .collect::<Vec<_>>()
    };
    let index_kb = tokenyar_engine::kb::Kb::load(&index).0;
    assert!(!hits(&whole).is_empty());
    assert_eq!(hits(&index_kb), hits(&whole));
}

#[test]
fn every_scenario_passes() {
    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap());
    let kb = Arc::new(kb);
    assert!(!kb.scenarios.is_empty());
    let failures: Vec<String> = tokenyar_engine::authoring::scenario::run_all(&kb)
        .into_iter()
        .filter(|r| !r.passed())
        .map(|r| format!("{} ({}):\n  {}", r.path, r.name, r.failures.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Issue 13: the scenarios recorded on the default Windows 10 machine (UAC on, Persian display
/// language) pass unchanged on the default Windows 11 one in English.
#[test]
fn every_scenario_on_the_default_machine_passes_on_windows_11_in_english() {
    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap());
    let kb = Arc::new(kb);
    let mut ran = 0;
    let mut failures = Vec::new();
    for f in kb.scenarios.iter().filter(|f| {
        f.text.lines().any(|l| {
            l.starts_with("bundle:") && l.trim_end().ends_with("/machine.json")
                || l.trim_end() == "bundle: machine.json"
        })
    }) {
        let mut f = f.clone();
        f.text = f
            .text
            .lines()
            .map(|l| {
                if l.starts_with("bundle:") {
                    l.replace("machine.json", "machine-win11-en.json")
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        ran += 1;
        let r = tokenyar_engine::authoring::scenario::run(&kb, &f);
        if !r.passed() {
            failures.push(format!("{}: {}", r.path, r.failures.join("; ")));
        }
    }
    assert!(ran > 50, "only {ran} scenarios use the default machine");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A small KB in a temporary folder, with the shipped meta files and the given node files.
fn broken_kb(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    std::fs::create_dir_all(kb.join("general")).unwrap();
    for meta in ["kb.yaml", "catalog.yaml", "tokens.yaml"] {
        std::fs::copy(kb_dir().join(meta), kb.join(meta)).unwrap();
    }
    std::fs::write(
        kb.join("systems.yaml"),
        "systems:\n  - id: general\n    name: {fa: \"عمومی\", en: General}\n    root: general/root\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

fn codes_at(dir: &tempfile::TempDir) -> Vec<(String, String, u32)> {
    let (_, diags) = tokenyar_engine::authoring::load_checked(
        &Source::from_dir(&dir.path().join("kb")).unwrap(),
    );
    diags
        .iter()
        .map(|d| (d.code.as_str().to_string(), d.file.clone(), d.line))
        .collect()
}

#[test]
fn every_mistake_is_reported_with_its_file_and_line() {
    let dir = broken_kb(&[
        (
            "kb/general/a.yaml",
            r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - text: {fa: "الف", en: A}
      next: general/nowhere
    - text: {fa: "ب", en: B}
      next: general/fix
    - text: {en: "only English"}
      next: general/loop-a
- id: general/fix
  kind: remedy
  title: {fa: "درمان", en: Fix}
  steps: [{fa: "گام", en: Step}]
- id: general/fix
  kind: info
  title: {fa: "تکراری", en: Duplicate}
- id: general/loop-a
  kind: probe
  script: none/missing.rhai
  outcomes: {ok: general/loop-b, fail: general/loop-b}
- id: general/loop-b
  kind: probe
  script: bad.rhai
  outcomes: {ok: general/loop-a, fail: general/loop-a}
- id: general/orphan
  kind: info
  title: {fa: "تنها", en: Orphan}
  nxt: general/root
- id: general/typed
  kind: info
  title: {fa: "نوع", en: Typed}
  next: [1, 2]
- id: general/orphan2
  kind: info
  title: {fa: "تنها", en: Orphan}
"#,
        ),
        (
            "kb/general/b.yaml",
            "- id: general/x\n  kind: info\n  title: {fa: a, en: b\n",
        ),
        ("scripts/bad.rhai", "let x = ;\n"),
    ]);
    let got = codes_at(&dir);
    let has = |code: &str, file: &str, line: u32| {
        got.iter()
            .any(|(c, f, l)| c == code && f.ends_with(file) && *l == line)
    };
    assert!(has("E004", "a.yaml", 7), "dangling next: {got:?}");
    assert!(has("E006", "a.yaml", 11), "missing Persian: {got:?}");
    assert!(has("E010", "a.yaml", 12), "remedy with no way out: {got:?}");
    assert!(has("E003", "a.yaml", 16), "duplicate id: {got:?}");
    assert!(has("E008", "a.yaml", 21), "missing script: {got:?}");
    assert!(has("E009", "a.yaml", 19), "inescapable loop: {got:?}");
    assert!(has("E002", "a.yaml", 30), "unknown field: {got:?}");
    assert!(has("E002", "a.yaml", 34), "wrong type: {got:?}");
    assert!(has("W001", "a.yaml", 35), "unreachable: {got:?}");
    assert!(has("E001", "b.yaml", 4), "syntax error: {got:?}");
    assert!(has("E007", "bad.rhai", 1), "script error: {got:?}");
}

#[test]
fn content_and_token_rules_are_kb_check_rules() {
    let dir = broken_kb(&[
        (
            "kb/catalog.yaml",
            "cases:\n  - {id: general/pin-locked, system: general, kind: symptom}\n  - {id: general/no-test, system: general, kind: symptom}\n",
        ),
        (
            "kb/general/a.yaml",
            r#"- id: general/root
  kind: question
  title: {fa: "ريشه", en: Root}
  choices:
    - text: {fa: "خطای 25", en: "Error 25"}
      next: general/pin
    - text: {fa: "نسخه‌ی epass3003 و UTC+03:30", en: B}
      next: general/other
- id: general/pin
  kind: symptom
  case: general/pin-locked
  title: {fa: "رمز قفل شده است", en: PIN locked}
  messages: ["؟"]
  next: general/fix
- id: general/other
  kind: symptom
  case: general/no-test
  title: {fa: "کار نمی کند", en: Other}
  messages: ["توکن شناسایی نمی‌شود"]
  next: general/fix
- id: general/fix
  kind: info
  title: {fa: "درمان", en: Fix}
"#,
        ),
        (
            "kb/general/tests/pin.yaml",
            "name: pin\nfacts: {}\nanswers: {general/root: general/pin}\nexpect: {cases: [general/pin-locked]}\n",
        ),
        (
            "kb/tokens.yaml",
            "models:\n  - id: x\n    name: X\n    modules:\n      - {os: windows, dirs: [a], files: [b], couse: c}\n",
        ),
    ]);
    let got = codes_at(&dir);
    let has = |code: &str, file: &str, line: u32| {
        got.iter()
            .any(|(c, f, l)| c == code && f.ends_with(file) && *l == line)
    };
    assert!(has("W003", "a.yaml", 3), "Arabic yeh: {got:?}");
    assert!(has("W003", "a.yaml", 6), "Latin digits: {got:?}");
    assert!(
        !has("W003", "a.yaml", 8),
        "Latin words keep their digits: {got:?}"
    );
    assert!(has("W003", "a.yaml", 18), "a spaced affix: {got:?}");
    assert!(
        has("W005", "a.yaml", 13),
        "a symptom its message cannot find: {got:?}"
    );
    assert!(
        has("W004", "catalog.yaml", 3),
        "a case no scenario expects: {got:?}"
    );
    assert!(!has("W004", "catalog.yaml", 2), "a covered case: {got:?}");
    assert!(
        has("E002", "tokens.yaml", 5),
        "a misspelt tokens.yaml field: {got:?}"
    );
}

/// The three-valued and risk rules of `kb check` (issue 13): each violation planted once, at a
/// known line, beside a risky remedy written the right way, which must draw none of them.
#[test]
fn risk_rules_are_kb_check_rules() {
    let dir = broken_kb(&[
        (
            "kb/general/a.yaml",
            r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - {text: {fa: "الف", en: A}, next: general/good-probe}
    - {text: {fa: "ب", en: B}, next: general/straight}
    - {text: {fa: "پ", en: C}, next: general/on-unknown}
    - {text: {fa: "ت", en: D}, next: general/untagged}
    - {text: {fa: "ث", en: E}, next: general/no-unknown}
- id: general/good-probe
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/confirm, unknown: general/end}
- id: general/confirm
  kind: question
  title: {fa: "تأیید", en: Confirm}
  text: {fa: "ادامه؟", en: "Go on?"}
  choices:
    - {text: {fa: "بله", en: "Yes"}, next: general/risky}
    - {text: {fa: "نه", en: "No"}, next: general/end}
- id: general/risky
  kind: remedy
  risk: lowers-security
  title: {fa: "خاموش کردن", en: Turn off Admin Approval Mode}
  steps: [{fa: "گام", en: Step}]
  revert: [{fa: "روشن کنید", en: Turn it back on}]
  unresolved: general/end
- id: general/straight
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/risky, unknown: general/end}
- id: general/on-unknown
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/end, unknown: general/confirm}
- id: general/untagged
  kind: remedy
  title: {fa: "درمان", en: Fix}
  steps: [{fa: "گام", en: Set Admin Approval Mode to Disabled}]
  unresolved: general/no-revert
- id: general/no-revert
  kind: remedy
  risk: lowers-security
  title: {fa: "درمان", en: Fix}
  steps: [{fa: "گام", en: Step}]
  unresolved: general/end
- id: general/no-unknown
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/end}
- id: general/end
  kind: info
  title: {fa: "پایان", en: End}
"#,
        ),
        ("scripts/p.rhai", "#{ status: \"ok\" }\n"),
    ]);
    let got = codes_at(&dir);
    let has = |code: &str, line: u32| {
        got.iter()
            .any(|(c, f, l)| c == code && f.ends_with("a.yaml") && *l == line)
    };
    assert!(
        has("E015", 34),
        "fail straight into a risky remedy: {got:?}"
    );
    assert!(has("E016", 39), "confirmation reached on unknown: {got:?}");
    assert!(has("E018", 40), "risk words without a risk tag: {got:?}");
    assert!(
        has("E015", 44),
        "unresolved straight into a risky remedy: {got:?}"
    );
    assert!(
        has("E017", 45),
        "lowered security without a way back: {got:?}"
    );
    assert!(has("E014", 51), "a probe with no unknown outcome: {got:?}");
    // The risky remedy written the right way (fail -> confirmation -> remedy with revert) draws
    // no risk diagnostic of its own.
    let on_good = got.iter().any(|(c, f, l)| {
        f.ends_with("a.yaml")
            && ["E014", "E015", "E016", "E017", "E018"].contains(&c.as_str())
            && (11..=29).contains(l)
    });
    assert!(!on_good, "the well-formed risky path was flagged: {got:?}");
}
