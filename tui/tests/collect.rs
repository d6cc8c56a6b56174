//! `tokenyar collect` then `tokenyar diagnose --snapshot` on any machine gives the findings a live
//! `diagnose` gives on this one; bad bundles get one clear message and exit code 2.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::path::Path;
use std::process::Command;

use serde_json::{Value, json};

use crate::support;

use support::{Hsm, MODULE, user_cert};

/// What makes the live run see a token: a SoftHSM2 token (set up per test, SOFTHSM2_CONF).
const TOKEN_ARGS: &[&str] = &["--pkcs11-module", MODULE];

fn tokenyar(dir: &Path, args: &[&str]) -> (i32, String, String) {
    tokenyar_env(dir, args, &[])
}

fn tokenyar_env(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenyar"));
    cmd.args(args).current_dir(dir).env("LANG", "C");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A diagnosis without what differs from one run to the next: times and durations.
fn stable(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                for k in ["at", "elapsed_ms", "now", "checked_at"] {
                    m.remove(k);
                }
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    json!({"findings": v["findings"], "checks": v["checks"], "kb_version": v["kb_version"]})
}

/// Only what redaction cannot change: which cases, how bad, which remedy, each check's status.
fn outline(v: &Value) -> Value {
    let f: Vec<Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| json!([f["case"], f["severity"], f["remedy"]["id"]]))
        .collect();
    let c: Vec<Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| json!([c["id"], c["status"]]))
        .collect();
    json!({"findings": f, "checks": c})
}

fn args<'a>(base: &[&'a str], system: Option<&'a str>) -> Vec<&'a str> {
    let mut a = base.to_vec();
    if let Some(s) = system {
        a.extend(["--system", s]);
    }
    a
}

#[test]
fn a_collected_bundle_replays_the_live_diagnosis() {
    let dir = tempfile::tempdir().unwrap();
    // A real token: one valid certificate and one expired, so the diagnosis has findings that
    // rest on token facts.
    let hsm = Hsm::new();
    hsm.token("ali")
        .import(
            "ali",
            "01",
            "sign",
            &user_cert("Ali Rezaei [Sign]", "Unaffiliated", "0012345678", -10, 700),
        )
        .import(
            "ali",
            "02",
            "old",
            &user_cert("Ali Rezaei [Sign]", "Unaffiliated", "0012345678", -800, -70),
        );
    let hsm_env = [("SOFTHSM2_CONF", hsm.conf.as_path())];
    let mut collect = vec!["collect", "--offline", "--no-redact", "-o", "plain.json"];
    collect.extend(TOKEN_ARGS);
    let (code, _, err) = tokenyar_env(dir.path(), &collect, &hsm_env);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("plain.json") && err.contains("NOT redacted"),
        "{err}"
    );
    let mut collect = vec!["collect", "--offline", "-o", "redacted.json"];
    collect.extend(TOKEN_ARGS);
    let (code, _, err) = tokenyar_env(dir.path(), &collect, &hsm_env);
    assert_eq!(code, 0, "{err}");

    let bundle: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plain.json")).unwrap())
            .unwrap();
    assert_eq!(bundle["format"], json!("tokenyar-bundle"));
    assert_eq!(bundle["version"], json!(1));
    assert!(bundle["tool_version"].is_string() && bundle["created"].is_string());
    assert_eq!(bundle["redacted"], json!(false));
    for key in [
        "clock",
        "clock.skew",
        "os",
        "software",
        "processes",
        "services",
        "usb",
        "os.calendar",
        "windows.uac",
        "net.vpn",
        "net.proxy",
        "net.dastine",
        "token",
    ] {
        assert!(
            bundle["facts"].get(key).is_some(),
            "the bundle lacks `{key}`"
        );
    }
    assert_eq!(bundle["facts"]["os"]["value"]["family"], json!("linux"));
    // The token was read from SoftHSM: its label and both certificates are in the bundle.
    let slots = bundle["facts"]["token"]["value"]["slots"]
        .as_array()
        .unwrap();
    let ali = slots
        .iter()
        .find(|s| s["token"]["label"] == json!("ali"))
        .expect("the SoftHSM token");
    assert_eq!(ali["certificates"].as_array().unwrap().len(), 2);

    let systems = [
        None,
        Some("general"),
        Some("setad"),
        Some("sabt-man"),
        Some("jame-tejarat"),
        Some("amlak"),
        Some("moadian"),
        Some("bank-mellat"),
    ];
    let mut checked = 0;
    for system in systems {
        let mut live = args(&["diagnose", "--offline", "--json"], system);
        live.extend(TOKEN_ARGS);
        let (lc, lout, lerr) = tokenyar_env(dir.path(), &live, &hsm_env);
        assert!(lc == 0 || lc == 1, "{lerr}");
        let live: Value = serde_json::from_str(&lout).unwrap();
        let (rc, rout, rerr) = tokenyar(
            dir.path(),
            &args(&["diagnose", "--snapshot", "plain.json", "--json"], system),
        );
        assert_eq!(rc, lc, "exit codes differ for {system:?}: {rerr}");
        let replay: Value = serde_json::from_str(&rout).unwrap();
        assert_eq!(stable(replay), stable(live.clone()), "{system:?}");
        assert_eq!(bundle["kb_version"], live["kb_version"]);

        let (rc, rout, _) = tokenyar(
            dir.path(),
            &args(
                &["diagnose", "--snapshot", "redacted.json", "--json"],
                system,
            ),
        );
        assert_eq!(rc, lc);
        let redacted: Value = serde_json::from_str(&rout).unwrap();
        assert_eq!(outline(&redacted), outline(&live), "redacted, {system:?}");
        checked += live["checks"].as_array().unwrap().len();
    }
    assert!(checked > 20, "only {checked} checks ran");
}

#[test]
fn redaction_leaves_no_host_or_user_name() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = tokenyar(dir.path(), &["collect", "--offline", "-o", "-"]);
    assert_eq!(code, 0, "{err}");
    let b: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(b["redacted"], json!(true));
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_string();
    let os = &b["facts"]["os"]["value"];
    if host.len() >= 2 {
        assert_ne!(os["host_name"], json!(host));
        assert!(
            os["host_name"].as_str().unwrap().starts_with("<host-"),
            "{os}"
        );
    }
    if let Ok(user) = std::env::var("USER")
        && user.len() >= 3
        && user != "root"
    {
        assert!(
            !out.contains(&format!("/home/{user}")),
            "{user} left in the bundle"
        );
    }
}

#[test]
fn bad_bundles_get_one_clear_message_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{
  "format": "tokenyar-bundle",
  "version": 1,
  "kb_version": "2020.1.0+00000000",
  "facts": {
    "clock": {"value": {"now": "2025-03-01T09:00:00+03:30", "utc_offset_minutes": 210}},
    "os.calendar": {"not_applicable": "linux"}
  }
}"#;
    // A bundle from an older knowledge base, with only the fields version 1 needs, still loads.
    std::fs::write(dir.path().join("old.json"), good).unwrap();
    let (code, _, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", "old.json"]);
    assert!(code == 0 || code == 1, "{err}");

    let cases: Vec<(&str, String, &str)> = vec![
        (
            "truncated.json",
            good[..good.len() / 2].to_string(),
            "truncated.json:",
        ),
        ("empty.json", String::new(), "empty.json:"),
        (
            "unknown-field.json",
            good.replacen(
                "\"version\": 1,",
                "\"version\": 1,\n  \"colour\": \"red\",",
                1,
            ),
            "unknown field `colour`",
        ),
        (
            "unknown-fact-state.json",
            good.replacen(
                "{\"not_applicable\": \"linux\"}",
                "{\"maybe\": \"linux\"}",
                1,
            ),
            "unknown variant `maybe`",
        ),
        (
            "edited-type.json",
            good.replacen("\"version\": 1", "\"version\": \"one\"", 1),
            "edited-type.json:3:",
        ),
        (
            "future.json",
            good.replacen("\"version\": 1", "\"version\": 2", 1),
            "newer than this tokenyar",
        ),
        (
            "not-a-bundle.json",
            "[1, 2, 3]".into(),
            "not a tokenyar bundle",
        ),
        (
            "other-format.json",
            good.replacen("tokenyar-bundle", "something-else", 1),
            "\"something-else\"",
        ),
        (
            "binary.json",
            "\u{0}\u{1}PK\u{3}\u{4}".into(),
            "binary.json:",
        ),
    ];
    for (name, text, says) in cases {
        std::fs::write(dir.path().join(name), text).unwrap();
        let (code, out, err) = tokenyar(dir.path(), &["diagnose", "--snapshot", name]);
        assert_eq!(code, 2, "{name}: {out}{err}");
        assert!(err.contains(says), "{name}: expected {says:?} in {err}");
        assert!(err.starts_with("tokenyar: "), "{name}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{name}: one message: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn collect_refuses_an_unwritable_output_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = tokenyar(
        dir.path(),
        &["collect", "--offline", "-o", "/no/such/dir/b.json"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("/no/such/dir/b.json"), "{err}");
}
