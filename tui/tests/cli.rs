//! The command-line contract, run as a user would: the real binary, from another folder.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::support::run_in as tokenyar;
use std::path::Path;

use serde_json::{Value, json};
use tokenyar_engine::authoring::scenario::synth_cert;

fn bundle(not_after: &str) -> Value {
    bundle_of(not_after, "0076543210")
}

fn bundle_of(not_after: &str, national_id: &str) -> Value {
    let der = synth_cert(&json!({
        "cn": "Sara Ahmadi [Sign]", "o": "Unaffiliated", "serial_number": national_id,
        "not_before": "2024-01-01T00:00:00Z", "not_after": not_after,
    }))
    .unwrap();
    let flags = json!({"token_initialized": true, "user_pin_initialized": true, "user_pin_locked": false,
        "user_pin_final_try": false, "user_pin_count_low": false, "so_pin_locked": false});
    json!({
        "format": "tokenyar-bundle", "version": 1,
        "facts": {
            "clock": {"value": {"now": "2025-03-01T09:00:00+03:30"}},
            "token": {"value": {"slots": [{"token_present": true,
                "token": {"label": "sara", "flags": flags},
                "certificates": [{"label": "sign", "der": der}]}]}}
        }
    })
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.display().to_string()
}

#[test]
fn kb_check_is_clean_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = tokenyar(dir.path(), &["kb", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("0 error(s), 0 warning(s)"), "{out}");
    let (code, out, _) = tokenyar(dir.path(), &["kb", "check", "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["errors"], json!(0));
}

#[test]
fn diagnose_names_an_expired_certificate_and_nothing_for_a_healthy_token() {
    let dir = tempfile::tempdir().unwrap();
    let expired = write(dir.path(), "expired.json", &bundle("2025-01-01T00:00:00Z"));
    let (code, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", &expired, "--json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let cases: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["case"].as_str().unwrap())
        .collect();
    assert_eq!(cases, vec!["general/cert-expired"]);
    assert_eq!(v["tool"], json!("tokenyar"));
    assert!(v["kb_version"].as_str().unwrap().starts_with("20"));
    let f = &v["findings"][0];
    assert_eq!(f["severity"], json!("error"));
    assert!(f["title"]["fa"].as_str().unwrap().contains("گواهی"));
    assert_eq!(f["remedy"]["id"], json!("general/cert-expired/renew"));
    assert!(
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["id"].is_string() && c["status"].is_string())
    );

    let healthy = write(dir.path(), "healthy.json", &bundle("2026-01-01T00:00:00Z"));
    let (code, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", &healthy, "--json"]);
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"], json!([]));

    let (code, out, _) = tokenyar(
        dir.path(),
        &["diagnose", "--snapshot", &expired, "--lang", "fa"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("تمدید"), "{out}");
}

#[test]
fn diagnose_json_masks_national_ids_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    let id = "0076543218";
    assert!(tokenyar_engine::text::is_national_id(id));
    let p = write(dir.path(), "b.json", &bundle_of("2025-01-01T00:00:00Z", id));
    let (code, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", &p, "--json"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("3218"), "the masked id is still there: {out}");
    assert!(
        !out.contains(id),
        "full national id in user-mode JSON: {out}"
    );
    let (_, out, _) = tokenyar(
        dir.path(),
        &["diagnose", "--snapshot", &p, "--json", "--no-redact"],
    );
    assert!(out.contains(id), "{out}");
}

#[test]
fn failing_checks_say_what_they_found_worst_first_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = bundle("2025-01-01T00:00:00Z");
    b["facts"]["os.calendar"] = json!({"not_applicable": "not Windows"});
    let p = write(dir.path(), "b.json", &b);
    let (code, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", &p]);
    assert_eq!(code, 1, "{out}{err}");
    let lines: Vec<&str> = out.lines().collect();
    let fail = lines.iter().position(|l| l.starts_with("[✗]")).unwrap();
    // The reason, in words and both calendars, right under the failing check.
    assert!(
        lines[fail + 1].contains("expired 59 days ago, on 2025-01-01 (1403/10/12)"),
        "{out}"
    );
    // Worst first: no passing check above a failing one.
    let first_ok = lines.iter().position(|l| l.starts_with("[✓]")).unwrap();
    assert!(fail < first_ok, "{out}");
    assert!(out.contains("1 problem, "), "summary line: {out}");
    // A Windows setting on another system is "does not apply" (–), last, never a pass.
    let na = lines.iter().position(|l| l.starts_with("[–]")).unwrap();
    assert!(lines[na].contains("calendar"), "{out}");
    assert!(
        lines[na + 1].contains("no system calendar setting"),
        "{out}"
    );
    let last_ok = lines.iter().rposition(|l| l.starts_with("[✓]")).unwrap();
    assert!(last_ok < na, "{out}");
    // Piped output has no colour codes.
    assert!(!out.contains('\x1b'), "{out}");
    // In Persian: no English sentence (ids in parentheses and Latin names aside).
    let (_, out, _) = tokenyar(dir.path(), &["diagnose", "--snapshot", &p, "--lang", "fa"]);
    assert!(out.contains("۵۹ روز پیش"), "{out}");
    for l in out.lines() {
        // The holder's name is data, shown as written.
        let l = l.replace("Sara Ahmadi [Sign]", "");
        let words = l
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 3)
            .count();
        assert!(
            words < 3 || l.contains('('),
            "English in Persian output: {l}"
        );
    }
}

/// Global flags mean the same before or after the command.
#[test]
fn global_flags_work_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "b.json", &bundle("2025-01-01T00:00:00Z"));
    let after = tokenyar(
        dir.path(),
        &["diagnose", "--snapshot", &p, "--json", "--lang", "en"],
    );
    let before = tokenyar(
        dir.path(),
        &["--snapshot", &p, "--lang", "en", "diagnose", "--json"],
    );
    assert_eq!(after.0, 1, "{}{}", after.1, after.2);
    assert_eq!(before.0, after.0, "{}", before.2);
    // The same answer: equal but for when each check ran.
    fn timeless(v: Value) -> Value {
        match v {
            Value::Object(o) => o
                .into_iter()
                .filter(|(k, _)| k != "at" && k != "elapsed_ms")
                .map(|(k, v)| (k, timeless(v)))
                .collect(),
            Value::Array(a) => a.into_iter().map(timeless).collect(),
            other => other,
        }
    }
    let parse = |s: &str| timeless(serde_json::from_str::<Value>(s).unwrap());
    assert_eq!(parse(&before.1), parse(&after.1));
    // `report` takes a top-level --snapshot too.
    let (code, out, err) = tokenyar(
        dir.path(),
        &["--snapshot", &p, "report", "--format", "json"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("general/cert-expired"), "{out}");
}

#[test]
fn bad_input_gets_one_clear_message_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(
        &p,
        "{\"format\": \"tokenyar-bundle\",\n \"version\": 1,\n \"facts\": {,}}",
    )
    .unwrap();
    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", p.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("broken.json:3:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let mut future = bundle("2026-01-01T00:00:00Z");
    future["version"] = json!(7);
    let f = write(dir.path(), "future.json", &future);
    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", &f]);
    assert_eq!(code, 2);
    assert!(err.contains("newer"), "{err}");

    let (code, _, err) = tokenyar(
        dir.path(),
        &["diagnose", "--snapshot", "/no/such/file.json"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.json"), "{err}");
    // In Persian, the same failure is a Persian sentence (the path kept as typed), and the
    // system's English reason is put in words.
    let (code, _, err) = tokenyar(
        dir.path(),
        &[
            "--lang",
            "fa",
            "diagnose",
            "--snapshot",
            "/no/such/file.json",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("/no/such/file.json") && err.contains("خواندن") && !err.contains("os error"),
        "{err}"
    );
    // The line is a right-to-left paragraph, so «tokenyar:» does not scramble the sentence.
    assert!(err.starts_with('\u{200F}'), "{err:?}");
    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--lang", "fa", "--snapshot", &f]);
    assert_eq!(code, 2);
    assert!(
        err.contains("توکن‌یار جدیدتری") && !err.contains("newer"),
        "{err}"
    );

    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--system", "nosuch"]);
    assert_eq!(code, 2);
    assert!(err.contains("known systems"), "{err}");

    let (code, _, _) = tokenyar(dir.path(), &["--no-such-flag"]);
    assert_eq!(code, 2);
}

#[test]
fn a_broken_working_copy_is_refused_with_its_first_error() {
    let dir = tempfile::tempdir().unwrap();
    let kb = dir.path().join("kb");
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    for f in ["kb.yaml", "catalog.yaml", "tokens.yaml", "systems.yaml"] {
        std::fs::create_dir_all(&kb).unwrap();
        std::fs::copy(shipped.join(f), kb.join(f)).unwrap();
    }
    std::fs::create_dir_all(kb.join("general")).unwrap();
    std::fs::write(
        kb.join("general/root.yaml"),
        "- id: general/root\n  kind: question\n  titel: x\n",
    )
    .unwrap();
    let (code, out, _) = tokenyar(dir.path(), &["kb", "check", "--kb", "kb"]);
    assert_eq!(code, 1);
    assert!(out.contains("kb/general/root.yaml:3:3"), "{out}");
    assert!(out.contains("unknown field `titel`"), "{out}");
    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--kb", "kb"]);
    assert_eq!(code, 2);
    assert!(err.contains("kb check"), "{err}");
}

#[test]
fn kb_test_and_graph_work() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = tokenyar(dir.path(), &["kb", "test"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    let (code, out, _) = tokenyar(
        dir.path(),
        &["kb", "graph", "--system", "general", "--format", "mermaid"],
    );
    assert_eq!(code, 0);
    assert!(out.starts_with("flowchart LR"), "{out}");
    let (code, out, _) = tokenyar(dir.path(), &["kb", "graph"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("\"general/root\" -> \"general/pin-locked\""),
        "{out}"
    );
}

/// Shell completions and a manual page, from the same definition as `--help`.
#[test]
fn completions_and_a_manual_page() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let (code, out, err) = tokenyar(dir.path(), &["completions", shell]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("diagnose") && out.contains("--snapshot"),
            "{shell}: {out}"
        );
    }
    let (code, out, err) = tokenyar(dir.path(), &["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(".ie") || out.contains(".TH tokenyar 1"),
        "{out}"
    );
    assert!(
        out.contains("diagnose") && out.contains("completions"),
        "{out}"
    );
    let (code, _, err) = tokenyar(dir.path(), &["completions", "nushell-nope"]);
    assert_eq!(code, 2, "{err}");
}

/// The command line speaks the system's language, like the screen: Persian for a Persian
/// locale, English for C.
#[test]
fn the_language_follows_the_locale() {
    let dir = tempfile::tempdir().unwrap();
    let run = |lang: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tokenyar"))
            .args(["kb", "check"])
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("TOKENYAR_CONFIG_DIR", dir.path())
            .output()
            .unwrap()
    };
    let fa = String::from_utf8(run("fa_IR.UTF-8").stdout).unwrap();
    assert!(fa.contains("بررسی پایگاه دانش"), "{fa}");
    let en = String::from_utf8(run("C.UTF-8").stdout).unwrap();
    assert!(en.contains("kb check: 0 error(s)"), "{en}");
}
