//! `tokenyar lookup`, run as a user would: the real binary, on a small knowledge base written
//! here (so these tests do not depend on how much content exists), and once on the embedded
//! knowledge base for the issue's example.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn tokenyar(args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(args)
        .current_dir(dir.path())
        .env("LANG", "C")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A small knowledge base of its own (the shipped meta files and lookup data, three systems and
/// a few symptoms, two sharing a code across systems), so these tests do not depend on how far
/// the shipped content has come.
fn working_copy() -> (tempfile::TempDir, PathBuf) {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    for sub in ["general", "sabt-man", "moadian"] {
        std::fs::create_dir_all(kb.join(sub)).unwrap();
    }
    for f in ["kb.yaml", "catalog.yaml", "tokens.yaml", "lookup.yaml"] {
        std::fs::copy(shipped.join(f), kb.join(f)).unwrap();
    }
    let files = [
        (
            "systems.yaml",
            r#"systems:
  - {id: general, name: {fa: "عمومی", en: "General (all systems)"}, root: general/root, aliases: [توکن]}
  - {id: sabt-man, name: {fa: "ثبت من", en: "Sabt-e Man"}, root: sabt-man/root, aliases: [ثبت من, sabt]}
  - {id: moadian, name: {fa: "مودیان", en: "Moadian tax system"}, root: moadian/root, aliases: [هلو, holoo]}
"#,
        ),
        (
            "general/root.yaml",
            r#"
- id: general/root
  kind: question
  title: {fa: "عیب‌یابی", en: "Troubleshooting"}
  text: {fa: "مشکل چیست؟", en: "What is wrong?"}
  choices:
    - {text: {fa: "گواهی پیدا نمی‌شود", en: "No certificate"}, next: general/cert-missing}
- id: general/cert-missing
  kind: symptom
  case: general/cert-missing
  title: {fa: "گواهی امضا روی توکن نیست", en: "No signing certificate on the token"}
  messages: ["گواهی امضا یافت نشد"]
"#,
        ),
        (
            "sabt-man/root.yaml",
            r#"
- id: sabt-man/root
  kind: question
  title: {fa: "ثبت من", en: "Sabt-e Man"}
  text: {fa: "مشکل چیست؟", en: "What is wrong?"}
  choices:
    - {text: {fa: "هشدار ۲۹", en: "Warning 29"}, next: sabt-man/warning-29}
    - {text: {fa: "خطای ۳۱", en: "Error 31"}, next: sabt-man/error-31}
- id: sabt-man/warning-29
  kind: symptom
  case: sabt-man/warning-29
  title: {fa: "ثبت من: حساب کاربری قفل شده است", en: "Sabt-e Man: the account is locked"}
  messages: ["هشدار 29", "خطای 29"]
  codes: ["29"]
- id: sabt-man/error-31
  kind: symptom
  case: sabt-man/error-31
  title: {fa: "ثبت من: خطای ۳۱", en: "Sabt-e Man: error 31"}
  messages: ["خطای 31"]
  codes: ["31"]
"#,
        ),
        (
            "moadian/root.yaml",
            r#"
- id: moadian/root
  kind: question
  title: {fa: "مودیان", en: "Moadian"}
  text: {fa: "مشکل چیست؟", en: "What is wrong?"}
  choices:
    - {text: {fa: "خطای ۳۱ در هلو", en: "Error 31 in Holoo"}, next: moadian/holoo-error-31}
- id: moadian/holoo-error-31
  kind: symptom
  case: moadian/holoo-error-31
  title: {fa: "هلو: خطای ۳۱", en: "Holoo: error 31"}
  messages: ["خطای 31"]
  codes: ["31"]
"#,
        ),
    ];
    for (path, text) in files {
        std::fs::write(kb.join(path), text).unwrap();
    }
    (dir, kb)
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn lookup_ranks_the_typed_error_first_in_the_json_contract() {
    let (_dir, kb) = working_copy();
    let kb = kb.to_str().unwrap();
    let q = "خطا ۲۹درامضا چیست";
    let (code, out, err) = tokenyar(&["lookup", "--kb", kb, "--json", q]);
    assert_eq!(code, 0, "{out}{err}");
    let v = json(&out);
    assert_eq!(v["query"], q);
    let first = &v["results"][0];
    assert_eq!(first["case"], "sabt-man/warning-29", "{out}");
    assert_eq!(first["node"], "sabt-man/warning-29");
    assert!(first["score"].as_f64().unwrap() > 0.0);
    assert!(!first["title"]["fa"].as_str().unwrap().is_empty());
    assert!(!first["title"]["en"].as_str().unwrap().is_empty());
}

#[test]
fn the_system_named_in_the_query_or_given_breaks_a_code_tie() {
    let (_dir, kb) = working_copy();
    let kb = kb.to_str().unwrap();
    // Words given as separate arguments are one query.
    let (code, out, _) = tokenyar(&["lookup", "--kb", kb, "--json", "خطای", "۳۱", "هلو"]);
    assert_eq!(code, 0);
    assert_eq!(json(&out)["results"][0]["case"], "moadian/holoo-error-31");
    let (_, out, _) = tokenyar(&["lookup", "--kb", kb, "--json", "خطای ۳۱ ثبت من"]);
    assert_eq!(json(&out)["results"][0]["case"], "sabt-man/error-31");
    let (_, out, _) = tokenyar(&[
        "lookup", "--kb", kb, "--json", "--system", "moadian", "error 31",
    ]);
    assert_eq!(json(&out)["results"][0]["case"], "moadian/holoo-error-31");
    let (_, out, _) = tokenyar(&["lookup", "--kb", kb, "--json", "--limit", "1", "خطای 31"]);
    assert_eq!(json(&out)["results"].as_array().unwrap().len(), 1);
}

#[test]
fn plain_output_names_the_case_in_the_chosen_language() {
    let (_dir, kb) = working_copy();
    let kb = kb.to_str().unwrap();
    let (code, out, _) = tokenyar(&["lookup", "--kb", kb, "هشدار 29"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("1. Sabt-e Man: the account is locked (sabt-man/warning-29)"),
        "{out}"
    );
    let (_, out, _) = tokenyar(&["lookup", "--kb", kb, "--lang", "fa", "هشدار 29"]);
    assert!(out.contains("ثبت من: حساب کاربری قفل شده است"), "{out}");
}

#[test]
fn nothing_relevant_says_so_and_offers_the_systems() {
    let (_dir, kb) = working_copy();
    let kb = kb.to_str().unwrap();
    let (code, out, _) = tokenyar(&["lookup", "--kb", kb, "قیمت دلار امروز چنده"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Nothing in the knowledge base matches"),
        "{out}"
    );
    assert!(out.contains("sabt-man") && out.contains("Moadian"), "{out}");
    let (code, out, _) = tokenyar(&["lookup", "--kb", kb, "--json", "سلام، لطفا راهنمایی کنید"]);
    assert_eq!(code, 1);
    let v = json(&out);
    assert_eq!(v["results"], Value::Array(vec![]));
    let systems: Vec<&str> = v["systems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(systems, ["general", "sabt-man", "moadian"]);
    let (_, out, _) = tokenyar(&["lookup", "--kb", kb, "--lang", "fa", "how to bake bread"]);
    assert!(out.contains("پیدا نشد"), "{out}");
}

#[test]
fn usage_mistakes_exit_with_2() {
    let (code, _, err) = tokenyar(&["lookup"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = tokenyar(&["lookup", "--limit", "0", "خطای 31"]);
    assert_eq!(code, 2, "{err}");
    let (_dir, kb) = working_copy();
    let kb = kb.to_str().unwrap();
    let (code, _, err) = tokenyar(&["lookup", "--kb", kb, "--system", "nowhere", "خطای 31"]);
    assert_eq!(code, 2);
    assert!(err.contains("known systems"), "{err}");
    let (code, _, err) = tokenyar(&["lookup", "--kb", kb, "؟ ! ."]);
    assert_eq!(code, 2);
    assert!(err.contains("empty"), "{err}");
}

/// The issue's "done when", on the knowledge base built into the binary.
#[test]
fn the_embedded_kb_ranks_sabt_man_warning_29_first() {
    let (code, out, err) = tokenyar(&["lookup", "--json", "خطا ۲۹درامضا چیست"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        json(&out)["results"][0]["case"],
        "sabt-man/warning-29",
        "{out}"
    );
}
