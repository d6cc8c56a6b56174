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

/// Issue 13, item 6: the scenarios recorded on the default Windows 10 machine (UAC on, Persian
/// regional format) pass unchanged on the other default machines: Windows 10 in English and
/// Windows 11 in Persian and in English (UAC on everywhere, as Windows ships).
#[test]
fn every_scenario_on_the_default_machine_passes_on_the_other_default_machines() {
    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap());
    let kb = Arc::new(kb);
    let on_default: Vec<_> = kb
        .scenarios
        .iter()
        .filter(|f| {
            f.text.lines().any(|l| {
                l.starts_with("bundle:") && l.trim_end().ends_with("/machine.json")
                    || l.trim_end() == "bundle: machine.json"
            })
        })
        .collect();
    assert!(
        on_default.len() > 50,
        "only {} scenarios use the default machine",
        on_default.len()
    );
    let mut failures = Vec::new();
    for machine in [
        "machine-win10-en.json",
        "machine-win11-fa.json",
        "machine-win11-en.json",
    ] {
        // The variant must be a default machine too, or the test proves nothing about it.
        let bundle = kb
            .test_data
            .get(&format!("kb/general/tests/{machine}"))
            .unwrap_or_else(|| panic!("{machine} is missing"));
        let facts: serde_json::Value = serde_json::from_str(bundle).unwrap();
        assert_eq!(
            facts["facts"]["windows.uac"]["value"]["enable_lua"],
            serde_json::json!(1),
            "{machine}: UAC must be on"
        );
        for f in &on_default {
            let mut f = (*f).clone();
            f.text = f
                .text
                .lines()
                .map(|l| {
                    if l.starts_with("bundle:") {
                        l.replace("machine.json", machine)
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let r = tokenyar_engine::authoring::scenario::run(&kb, &f);
            if !r.passed() {
                failures.push(format!("{machine}: {}: {}", r.path, r.failures.join("; ")));
            }
        }
    }
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

/// The wording rule (W007, review §3) and Persian digits in a Latin token (W003): each old
/// wording the review found is planted once, at a known line; a quoted on-screen message that
/// holds the same words draws nothing.
#[test]
fn wording_rules_are_kb_check_rules() {
    let dir = broken_kb(&[(
        "kb/general/a.yaml",
        r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - {text: {fa: "تعداد گواهی‌ها با خواست سامانه جور نیست", en: A}, next: general/end}
    - {text: {fa: "آنتی‌ویروس و دیوار آتش", en: B}, next: general/end}
    - {text: {fa: "سامانه‌ی مودیان", en: C}, next: general/end}
    - {text: {fa: "نماد سبز کنار ساعت", en: D}, next: general/end}
    - {text: {fa: "الف", en: "Upload it in your cartable"}, next: general/end}
    - {text: {fa: "با گواهی خود امضا امضا کنید", en: F}, next: general/end}
    - {text: {fa: "ب", en: "Choose \"Change time zone\""}, next: general/end}
    - {text: {fa: "گزینه‌ی (UTC+۰۳:۳۰) Tehran", en: H}, next: general/end}
    - {text: {fa: "پس از پنج بار ورود رمz اشتباه", en: "After five wrong PIN entries the PIN locks"}, next: general/end}
    - {text: {fa: "پیام «گواهی با سامانه جور نیست» را می‌بینید", en: "You see «cartable»"}, next: general/end}
    - {text: {fa: "پ", en: "A VPN is on on this computer"}, next: general/end}
- id: general/end
  kind: info
  title: {fa: "پایان", en: End}
"#,
    )]);
    let got = codes_at(&dir);
    let has = |code: &str, line: u32| {
        got.iter()
            .any(|(c, f, l)| c == code && f.ends_with("a.yaml") && *l == line)
    };
    assert!(has("W007", 6), "colloquial «جور»: {got:?}");
    assert!(has("W007", 7), "«دیوار آتش», a second term: {got:?}");
    assert!(
        has("W007", 8),
        "«مودیان», not the official spelling: {got:?}"
    );
    assert!(has("W007", 9), "«نماد سبز», a second term: {got:?}");
    assert!(has("W007", 10), "«cartable»: {got:?}");
    assert!(has("W007", 11), "a word twice in a row: {got:?}");
    assert!(has("W007", 12), "ASCII double quotes: {got:?}");
    assert!(has("W003", 13), "Persian digits in a Latin token: {got:?}");
    assert!(has("W007", 14), "the PIN tries in another wording: {got:?}");
    assert!(
        !has("W007", 15),
        "words inside a quoted on-screen message are the system's: {got:?}"
    );
    assert!(has("W007", 16), "«is on on»: {got:?}");
}

/// Issue 13, done when: every defect of the knowledge review (../shared/reviews/knowledge.md)
/// has a scenario test, named by its id as «(review G5)»; `.ci/review-before-after` runs each on
/// the knowledge base the review read (it must fail there) and on this one (it must pass). The
/// review's §3 language findings are the wording rule's (W007, `wording_rules_are_kb_check_rules`).
#[test]
fn every_review_defect_has_a_scenario() {
    let (kb, _) = tokenyar_engine::kb::Kb::load(&Source::from_dir(&kb_dir()).unwrap());
    let mut named: std::collections::BTreeSet<String> = Default::default();
    for f in &kb.scenarios {
        let Some(name) = f.text.lines().find_map(|l| l.strip_prefix("name:")) else {
            continue;
        };
        let Some((_, rest)) = name.split_once("(review ") else {
            continue;
        };
        let ids = rest.split(')').next().unwrap_or("");
        named.extend(
            ids.split([',', ';'])
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty()),
        );
    }
    let mut want: Vec<String> = Vec::new();
    for (prefix, n) in [
        ("G", 11),
        ("S", 5),
        ("M", 4),
        ("J", 3),
        ("A", 3),
        ("T", 3),
        ("B", 2),
        ("D", 9),
    ] {
        want.extend((1..=n).map(|i| format!("{prefix}{i}")));
    }
    let missing: Vec<&String> = want.iter().filter(|id| !named.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "review defects without a scenario: {missing:?}"
    );
}

/// E016 follows every path from a doubtful reading, not just the first step: an `unknown` that
/// reaches a risky remedy's confirmation through an info node, or through another probe's `ok`,
/// is reported at the edge it started from; one that the user's own word settles on the way (an
/// answer, or "it did not help" after a cheaper remedy) is not.
#[test]
fn e016_follows_every_path() {
    let dir = broken_kb(&[
        (
            "kb/general/a.yaml",
            r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - {text: {fa: "الف", en: A}, next: general/two-step}
    - {text: {fa: "ب", en: B}, next: general/via-ok}
    - {text: {fa: "پ", en: C}, next: general/settled}
- id: general/two-step
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/confirm, unknown: general/explain}
- id: general/explain
  kind: info
  title: {fa: "توضیح", en: Explain}
  next: general/confirm
- id: general/via-ok
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/end, unknown: general/second}
- id: general/second
  kind: probe
  title: {fa: "بررسی دوم", en: Second check}
  script: p.rhai
  outcomes: {ok: general/confirm, fail: general/end, unknown: general/end}
- id: general/settled
  kind: probe
  title: {fa: "بررسی", en: Check}
  script: p.rhai
  outcomes: {ok: general/end, fail: general/end, unknown: general/cheap}
- id: general/cheap
  kind: remedy
  title: {fa: "گام ارزان", en: Cheap step}
  steps: [{fa: "گام", en: Step}]
  unresolved: general/confirm
- id: general/confirm
  kind: question
  title: {fa: "تأیید", en: Confirm}
  text: {fa: "ادامه؟", en: "Go on?"}
  choices:
    - {text: {fa: "بله", en: "Yes"}, next: general/risky}
    - {text: {fa: "نه", en: "No"}, next: general/end}
- id: general/risky
  kind: remedy
  risk: cost
  title: {fa: "گواهی تازه", en: New certificate}
  steps: [{fa: "گام", en: Step}]
  unresolved: general/end
- id: general/end
  kind: info
  title: {fa: "پایان", en: End}
"#,
        ),
        ("scripts/p.rhai", "#{ status: \"ok\" }\n"),
    ]);
    let got = codes_at(&dir);
    let e016 = |line: u32| {
        got.iter()
            .any(|(c, f, l)| c == "E016" && f.ends_with("a.yaml") && *l == line)
    };
    assert!(e016(13), "unknown → info → confirmation: {got:?}");
    assert!(
        e016(22),
        "unknown → another probe's ok → confirmation: {got:?}"
    );
    assert!(
        !e016(31),
        "unknown → a cheaper remedy the user says did not help → confirmation: {got:?}"
    );
    assert_eq!(
        got.iter().filter(|(c, _, _)| c == "E016").count(),
        2,
        "{got:?}"
    );
}

/// A text argument a remedy names must be one kb/tokens.yaml defines (E019), or the user would
/// read «{token_softwre}» as written; the defined ones draw nothing.
#[test]
fn text_arguments_are_kb_check_rules() {
    let dir = broken_kb(&[(
        "kb/general/a.yaml",
        r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - {text: {fa: "الف", en: A}, next: general/fix}
- id: general/fix
  kind: remedy
  title: {fa: "درمان", en: Fix}
  steps:
    - {fa: "{token_software} را از {token_software_site} بگیرید", en: "Get {token_software} from {token_software_site}"}
    - {fa: "{token_softwre} را حذف کنید", en: "Uninstall {token_softwre}"}
  unresolved: general/root
"#,
    )]);
    let got = codes_at(&dir);
    let e019: Vec<_> = got.iter().filter(|(c, _, _)| c == "E019").collect();
    assert_eq!(
        e019.len(),
        2,
        "the misspelt argument, in fa and en: {got:?}"
    );
    // W008: nothing confirms this remedy (no verify, no escalation, no «it helped» step).
    assert!(
        got.iter()
            .any(|(c, f, l)| c == "W008" && f.ends_with("a.yaml") && *l == 11),
        "{got:?}"
    );
}

/// A probe's argument its script never reads is a typo (E020), reported on the key's own line
/// with the argument the script does read; a script that reads `args` in a way the scan cannot
/// follow may read any key and draws nothing.
#[test]
fn unread_probe_arguments_are_kb_check_rules() {
    let dir = broken_kb(&[
        (
            "kb/general/a.yaml",
            r#"- id: general/root
  kind: question
  title: {fa: "ریشه", en: Root}
  text: {fa: "؟", en: "?"}
  choices:
    - {text: {fa: "الف", en: A}, next: general/typo}
    - {text: {fa: "ب", en: B}, next: general/right}
    - {text: {fa: "پ", en: C}, next: general/computed}
- id: general/typo
  kind: probe
  script: version.rhai
  args:
    min_versoin: "5,0,4,5"
  outcomes: {ok: general/end, fail: general/end, unknown: general/end}
- id: general/right
  kind: probe
  script: version.rhai
  args: {min_version: "5,0,4,5", fresh_days: 2}
  outcomes: {ok: general/end, fail: general/end, unknown: general/end}
- id: general/computed
  kind: probe
  script: computed.rhai
  args: {whatever: 1}
  outcomes: {ok: general/end, fail: general/end, unknown: general/end}
- id: general/end
  kind: info
  title: {fa: "پایان", en: End}
"#,
        ),
        (
            "scripts/version.rhai",
            "let min = if args.min_version != () { args.min_version } else { \"1\" };\n\
             let days = args[\"fresh_days\"];\n\
             #{ status: \"ok\", note: #{ id: \"x\", args: #{ min: min } } }\n",
        ),
        (
            "scripts/computed.rhai",
            "let k = \"what\" + \"ever\"; let v = args[k];\n#{ status: \"ok\" }\n",
        ),
    ]);
    let (_, diags) = tokenyar_engine::authoring::load_checked(
        &Source::from_dir(&dir.path().join("kb")).unwrap(),
    );
    let e020: Vec<_> = diags.iter().filter(|d| d.code.as_str() == "E020").collect();
    assert_eq!(e020.len(), 1, "only the misspelt key: {diags:?}");
    assert!(e020[0].is_error());
    assert!(e020[0].file.ends_with("a.yaml"), "{:?}", e020[0]);
    assert_eq!(
        e020[0].line, 13,
        "the line of `min_versoin:`: {:?}",
        e020[0]
    );
    assert_eq!(e020[0].node.as_deref(), Some("general/typo"));
    assert!(
        e020[0].message.contains("`min_versoin`")
            && e020[0].message.contains("did you mean `min_version`?"),
        "{}",
        e020[0].message
    );
}

/// Issue 13: support numbers carry the confidence of where they come from. A node that gives a
/// phone number is never `verified` (no source is the system's own); one whose number is in no
/// source tokenyar has (shared/sources, or a support answer the review quotes) is `unverified`.
#[test]
fn support_numbers_are_labelled_by_their_source() {
    use tokenyar_engine::model::Confidence;
    // The numbers a source gives: 1556 (source 003, Bank Mellat); 021-82488 (Bank Mellat's
    // support answer quoted by the review, B2).
    const SOURCED: [&str; 2] = ["1556", "021-82488"];
    let (kb, _) = tokenyar_engine::kb::Kb::load(&Source::from_dir(&kb_dir()).unwrap());
    let number = regex::Regex::new(r"(?:^|[^0-9])(0[0-9]{2}-[0-9]{4,8}|1556)(?:[^0-9]|$)").unwrap();
    let ascii = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
                c => c,
            })
            .collect()
    };
    let mut seen = 0;
    let mut bad = Vec::new();
    for n in &kb.nodes {
        let text: String = n
            .texts()
            .iter()
            .map(|t| {
                format!(
                    "{} {} ",
                    ascii(t.get(tokenyar_engine::Lang::Fa)),
                    t.get(tokenyar_engine::Lang::En)
                )
            })
            .collect();
        let numbers: Vec<String> = number
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .collect();
        if numbers.is_empty() {
            continue;
        }
        seen += 1;
        let unsourced = numbers.iter().any(|x| !SOURCED.contains(&x.as_str()));
        let ok = match n.confidence {
            Confidence::Verified => false,
            Confidence::Sourced => !unsourced,
            Confidence::Unverified => true,
        };
        if !ok {
            bad.push(format!("{} ({:?}): {numbers:?}", n.id, n.confidence));
        }
    }
    assert!(seen >= 5, "only {seen} nodes give a number");
    assert!(
        bad.is_empty(),
        "numbers labelled above their source: {bad:#?}"
    );
}

/// Issue 13, item 5: a remedy's `verify` must be able to see the fix, so it must not already
/// pass on the machine the remedy is shown on. Every remedy a scenario reaches is verified on
/// that scenario's own facts (the state before the fix); a verification that passes there
/// confirms nothing. Prints the counts the issue asks for; fails when a verification passes on
/// any scenario's machine but those listed, whose machine is the one after the fix.
#[test]
fn remedies_verify_with_a_check_that_sees_the_fix() {
    use std::collections::{BTreeMap, BTreeSet};
    use tokenyar_engine::authoring::scenario;
    use tokenyar_engine::infer::Runner;
    use tokenyar_engine::kb::{Body, Kind, Status};

    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::from_dir(&kb_dir()).unwrap());
    let kb = Arc::new(kb);
    let verify_of = |id: &str| match kb.node(id).map(|n| &n.body) {
        Some(Body::Remedy { verify, .. }) => verify.clone(),
        _ => None,
    };
    let remedies: Vec<&str> = kb
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Remedy)
        .map(|n| n.id.as_str())
        .collect();
    let without = remedies.iter().filter(|r| verify_of(r).is_none()).count();
    // remedy -> (scenarios where its check already passed, where it found the problem, where
    // it could not tell)
    type Seen = (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);
    let mut seen: BTreeMap<String, Seen> = BTreeMap::new();
    for f in &kb.scenarios {
        let Ok(sc) = scenario::parse(&kb, f) else {
            continue;
        };
        let Ok(facts) = scenario::facts_of(&kb, f, &sc) else {
            continue;
        };
        let system = sc.system.clone().unwrap_or_else(|| f.system.clone());
        let report = scenario::run(&kb, f);
        let snapshot: Arc<dyn tokenyar_engine::facts::Facts> =
            Arc::new(tokenyar_engine::facts::Snapshot::new(facts));
        for node in report
            .visited
            .iter()
            .filter(|v| remedies.contains(&v.as_str()))
        {
            let Some(probe) = verify_of(node) else {
                continue;
            };
            // A walk that went on into a system's subtree runs that system's checks there.
            let here = kb
                .node(node)
                .map(|n| n.system.clone())
                .filter(|s| s != "general")
                .unwrap_or_else(|| system.clone());
            let r = Runner::new(Arc::clone(&kb), Arc::clone(&snapshot), Some(here)).run(&probe);
            let e = seen.entry(node.clone()).or_default();
            match r.status {
                Status::Ok => e.0.insert(f.path.clone()),
                Status::Unknown => e.2.insert(f.path.clone()),
                _ => e.1.insert(f.path.clone()),
            };
        }
    }
    let with = remedies.len() - without;
    let passed_before: Vec<&String> = seen
        .iter()
        .filter(|(_, (p, _, _))| !p.is_empty())
        .map(|(r, _)| r)
        .collect();
    let sees = seen
        .values()
        .filter(|(p, f, _)| p.is_empty() && !f.is_empty())
        .count();
    let cannot_tell = seen
        .values()
        .filter(|(p, f, _)| p.is_empty() && f.is_empty())
        .count();
    println!(
        "remedies: {}; without verify: {without}; with verify: {with}, of which {} reached by a \
         scenario: {sees} whose check found the problem before the fix, {cannot_tell} whose check \
         could not tell on the scenarios' machines, {} whose check already passed before the fix",
        remedies.len(),
        seen.len(),
        passed_before.len()
    );
    for r in &passed_before {
        println!("  passed before: {r} ({:?})", seen[*r].0);
    }
    for (r, (p, f, u)) in &seen {
        if p.is_empty() && f.is_empty() {
            println!("  could not tell: {r} ({u:?})");
        }
    }
    // The scenarios that show a verification passing: their machine is the one after the
    // reinstall (the install date is today).
    let allowed = [
        (
            "general/token-software-outdated/reinstall",
            "kb/general/tests/reinstall-verified-by-install-date.yaml",
        ),
        (
            "general/new-computer/driver",
            "kb/general/tests/new-computer.yaml",
        ),
        (
            "setad/unable-to-launch-java/reinstall",
            "kb/setad/tests/unable-to-launch-java-reinstalled.yaml",
        ),
    ];
    let unexpected: Vec<(&String, &BTreeSet<String>)> = passed_before
        .iter()
        .map(|r| (*r, &seen[*r].0))
        .filter(|(r, paths)| {
            !paths
                .iter()
                .all(|p| allowed.contains(&(r.as_str(), p.as_str())))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "remedies verified by a check that already passes before the fix: {unexpected:?}"
    );
}
