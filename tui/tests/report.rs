//! The support agent's workflow, end to end: a user's walk saved through the engine API the TUI
//! uses, sent to an agent, resumed there with `tokenyar session resume`, reported in Markdown,
//! JSON and HTML; the JSON report checked against schemas/report.schema.json; the HTML shown by
//! a real headless Chromium; a field case turned into a scenario test with `kb add-test`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use crate::support::run_in as tokenyar;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokenyar_engine::authoring::scenario::synth_cert;
use tokenyar_engine::facts::{Bundle, Fact, Facts, Snapshot};
use tokenyar_engine::infer::Runner;
use tokenyar_engine::infer::saved::SavedSession;
use tokenyar_engine::infer::session::{Need, Session};
use tokenyar_engine::kb::{Kb, Source};
use tokenyar_engine::report::{self, Format, LangChoice, Options};

/// Personal data the user's machine shows; none of it may reach a redacted report.
const USER: &str = "sara.ahmadi";
const HOST: &str = "SARA-LAPTOP";
const NATIONAL_ID: &str = "0499370899";
const TOKEN_SERIAL: &str = "2A0B11C2D3E4F506";

fn kb() -> Arc<Kb> {
    let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::embedded());
    Arc::new(kb)
}

/// The facts of a user whose signing certificate expired, with a name, a host, a national id
/// in the certificate and a token serial number.
fn facts(not_after: &str) -> std::collections::BTreeMap<String, Fact> {
    let der = synth_cert(&json!({
        "cn": "Sara Ahmadi [Sign]", "o": "Unaffiliated", "c": "IR", "serial_number": NATIONAL_ID,
        "not_before": "2024-05-01T00:00:00Z", "not_after": not_after,
    }))
    .unwrap();
    let flags = json!({"token_initialized": true, "user_pin_initialized": true, "login_required": true,
        "user_pin_count_low": false, "user_pin_final_try": false, "user_pin_locked": false,
        "user_pin_to_be_changed": false, "so_pin_count_low": false, "so_pin_final_try": false,
        "so_pin_locked": false, "so_pin_to_be_changed": false});
    let b: Value = json!({
        "clock": {"value": {"now": "2025-06-01T10:00:00+03:30", "utc_offset_minutes": 210, "tz": "Asia/Tehran"}},
        "os": {"value": {"family": "windows", "version": "10.0.19045", "arch": "x64", "name": "Windows 10 Pro",
            "host_name": HOST, "user_name": USER}},
        "token": {"value": {
            "modules": [{"path": format!("C:\\Users\\{USER}\\AppData\\eps2003csp11.dll"), "model": "epass3003", "loaded": true}],
            "slots": [{"module": "eps2003csp11.dll", "slot_id": 1, "description": "ePass3003 slot", "token_present": true,
                "token": {"label": "sara", "model": "ePass3003", "manufacturer": "EnterSafe", "serial": TOKEN_SERIAL, "flags": flags},
                "certificates": [{"label": "sign", "der": der}]}]}}
    });
    serde_json::from_value(b).unwrap()
}

/// The user's side, through the engine API the TUI uses: start at the general root, say the
/// certificate seems expired, say the renewal helped (the check disagrees), then that it did not.
fn user_walk(kb: &Arc<Kb>, facts: Arc<dyn Facts>) -> Session {
    let runner = Runner::new(Arc::clone(kb), Arc::clone(&facts), None);
    let mut s = Session::start(Arc::clone(kb), "general/root", None).unwrap();
    let Need::Answer { node } = s.run_until_input(&runner) else {
        panic!("{:?}", s.need())
    };
    let Some(tokenyar_engine::kb::Body::Question { choices, .. }) = kb.node(&node).map(|n| &n.body)
    else {
        panic!()
    };
    let i = choices
        .iter()
        .position(|c| c.next == "general/cert-expired")
        .unwrap();
    s.answer(i).unwrap();
    let need = s.run_until_input(&runner);
    assert_eq!(
        need,
        Need::Remedy {
            node: "general/cert-expired/renew".into(),
            verify_failed: false
        }
    );
    s.remedy_helped().unwrap();
    let need = s.run_until_input(&runner);
    assert!(
        matches!(
            need,
            Need::Remedy {
                verify_failed: true,
                ..
            }
        ),
        "{need:?}"
    );
    s.remedy_not_helped().unwrap();
    assert!(matches!(s.need(), Need::Ended(_)), "{:?}", s.need());
    s
}

/// Saves the user's walk to `dir/name`, as the TUI's "save session" will.
fn saved_session(dir: &Path, name: &str, redact: bool) -> (PathBuf, SavedSession) {
    let kb = kb();
    let facts: Arc<dyn Facts> = Arc::new(Snapshot::new(facts("2025-05-01T00:00:00Z")));
    let s = user_walk(&kb, Arc::clone(&facts));
    let saved = SavedSession::capture(&s, facts.as_ref(), redact);
    let path = dir.join(name);
    saved
        .write(&path, tokenyar_engine::files::Existing::Refuse)
        .unwrap();
    (path, saved)
}

fn positions_in_order(text: &str, needles: &[String]) -> bool {
    let mut from = 0;
    for n in needles {
        match text[from..].find(n.as_str()) {
            Some(i) => from += i + n.len(),
            None => return false,
        }
    }
    true
}

#[test]
fn a_saved_session_resumes_and_reports_the_same_path_and_evidence_in_every_format() {
    let user_dir = tempfile::tempdir().unwrap();
    let agent_dir = tempfile::tempdir().unwrap();
    let (user_file, saved) = saved_session(user_dir.path(), "case.json", true);
    // "Sent to an agent": a copy in another folder.
    let file = agent_dir.path().join("from-user.json");
    std::fs::copy(&user_file, &file).unwrap();
    let f = file.to_str().unwrap();

    let text = std::fs::read_to_string(&file).unwrap();
    let raw: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(raw["format"], json!("tokenyar-session"));
    assert_eq!(raw["version"], json!(1));
    assert_eq!(raw["redacted"], json!(true));
    for secret in [USER, HOST, NATIONAL_ID, TOKEN_SERIAL, "sara.ahmadi"] {
        assert!(!text.contains(secret), "{secret} in the saved session");
    }
    assert!(
        !text.to_lowercase().contains("\"pin\""),
        "a PIN field in the session"
    );

    let path: Vec<String> = saved.walk.steps.iter().map(|s| s.node.clone()).collect();
    assert_eq!(
        path,
        [
            "general/root",
            "general/cert-expired",
            "general/probe/cert-validity",
            "general/cert-expired/not-yet",
            "general/cert-expired/renew"
        ]
    );
    let probes: Vec<String> = saved
        .walk
        .evidence
        .iter()
        .map(|e| e.probe.clone())
        .collect();
    // The step probes (validity, then not-yet-valid), then the verify run when the user said the
    // renewal helped.
    assert_eq!(
        probes,
        [
            "general/probe/cert-validity",
            "general/cert-expired/not-yet",
            "general/probe/cert-validity"
        ]
    );

    // The agent resumes it.
    let (code, out, err) = tokenyar(agent_dir.path(), &["session", "resume", f]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(positions_in_order(&out, &path), "{out}");
    assert!(out.contains("contact support"), "{out}");
    let (code, out, _) = tokenyar(agent_dir.path(), &["session", "resume", f, "--json"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    let resumed: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["node"].as_str().unwrap())
        .collect();
    assert_eq!(resumed, path);
    assert_eq!(v["next"]["kind"], json!("escalated"));

    // The agent reports it, three ways.
    let (code, js, err) = tokenyar(
        agent_dir.path(),
        &["report", "--session", f, "--format", "json"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, md, err) = tokenyar(
        agent_dir.path(),
        &["report", "--session", f, "--format", "md"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, html, err) = tokenyar(
        agent_dir.path(),
        &["report", "--session", f, "--format", "html"],
    );
    assert_eq!(code, 0, "{err}");

    let r: Value = serde_json::from_str(&js).unwrap();
    let steps: Vec<&str> = r["walk"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["node"].as_str().unwrap())
        .collect();
    assert_eq!(steps, path);
    let ev: Vec<&Value> = r["evidence"].as_array().unwrap().iter().collect();
    assert_eq!(ev.len(), saved.walk.evidence.len());
    for (e, s) in ev.iter().zip(&saved.walk.evidence) {
        assert_eq!(e["probe"], json!(s.probe));
        assert_eq!(e["status"], json!(s.result.status));
        assert_eq!(e["evidence"], Value::Object(s.result.evidence.clone()));
        assert_eq!(
            e["at"].as_str().unwrap(),
            serde_json::to_value(s.result.at).unwrap().as_str().unwrap()
        );
    }
    // The verify run is explained at the remedy it checked.
    assert_eq!(r["walk"]["steps"][4]["probes"][0]["role"], json!("verify"));
    assert_eq!(r["walk"]["steps"][1]["how"]["how"], json!("answer"));
    assert!(
        r["walk"]["steps"][1]["how"]["choice_text"]["fa"]
            .as_str()
            .unwrap()
            .contains("گواهی")
    );
    assert_eq!(r["summary"]["status"], json!("escalated"));
    assert_eq!(r["summary"]["tried"].as_array().unwrap().len(), 2);
    assert_eq!(
        r["summary"]["contact"]["from"],
        json!("general/cert-expired/renew")
    );
    assert!(r["summary"]["contact"]["who"]["fa"].as_str().unwrap().len() > 3);
    assert_eq!(r["created"]["offset"], json!("+03:30"));
    assert!(r["created"]["jalali"].as_str().unwrap().starts_with("14"));

    // Markdown and HTML show the same path in order, and what every probe reported in words
    // (the JSON report's `words`, in both languages), never its raw keys.
    for (name, text) in [("md", &md), ("html", &html)] {
        assert!(
            positions_in_order(text, &path),
            "{name}: path out of order\n{text}"
        );
        let esc = |s: &str| {
            if name == "html" {
                s.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;")
            } else {
                let mut o = String::new();
                for c in s.chars() {
                    if "\\`*_[]<>#|".contains(c) {
                        o.push('\\');
                    }
                    o.push(c);
                }
                o
            }
        };
        let items = r["evidence"].as_array().unwrap();
        assert_eq!(items.len(), saved.walk.evidence.len());
        for item in items {
            let words = item["words"].as_array().unwrap();
            assert!(!words.is_empty(), "{item}");
            for w in words {
                for lang in ["fa", "en"] {
                    let v = w["value"][lang].as_str().unwrap();
                    assert!(text.contains(&esc(v)), "{name}: {v:?} ({lang}) missing");
                }
            }
            for k in item["evidence"].as_object().unwrap().keys() {
                let evidence = &text[text.find("vidence").unwrap_or(0)..];
                assert!(
                    !k.contains('_') || !evidence.contains(&format!("{k}:")),
                    "{name}: raw key {k}"
                );
            }
        }
        for secret in [USER, HOST, NATIONAL_ID, TOKEN_SERIAL] {
            assert!(!text.contains(secret), "{name}: {secret} leaked");
        }
    }
    // The summary comes first, before the path and the facts.
    let summary_at = md.find("## خلاصه").unwrap();
    assert!(summary_at < md.find("## مسیر").unwrap());
    assert!(md.find("## Summary").unwrap() < md.find("## The path").unwrap());
    assert!(md.find("## The path").unwrap() < md.find("Machine facts").unwrap());

    // The TUI's path (a report of the walk it holds, built in-process) says the same.
    let kb = kb();
    let same = report::build_from_session(
        &kb,
        &saved,
        &Options {
            redact: true,
            ..Options::default()
        },
    )
    .unwrap();
    let inproc: Value =
        serde_json::from_str(&report::render(&same, Format::Json, LangChoice::Both)).unwrap();
    assert_eq!(inproc["walk"]["steps"], r["walk"]["steps"]);
    assert_eq!(inproc["evidence"], r["evidence"]);
}

#[test]
fn redaction_is_the_default_and_no_redact_keeps_data_for_an_agent_with_consent() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = saved_session(dir.path(), "plain.json", false);
    let f = file.to_str().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(USER) && text.contains(TOKEN_SERIAL));

    let (code, md, err) = tokenyar(dir.path(), &["report", "--session", f, "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    for secret in [USER, HOST, NATIONAL_ID, TOKEN_SERIAL] {
        assert!(!md.contains(secret), "{secret} leaked:\n{md}");
    }
    // Consistent placeholders: the same user is the same placeholder wherever it appears.
    assert!(md.contains("<user-1>"), "{md}");
    assert!(md.contains("<serial-1>"), "{md}");
    assert!(md.contains("replaced by placeholders"), "{md}");

    let (code, md, _) = tokenyar(
        dir.path(),
        &["report", "--session", f, "--no-redact", "--lang", "en"],
    );
    assert_eq!(code, 0);
    assert!(
        md.contains(USER) && md.contains(TOKEN_SERIAL) && md.contains(HOST),
        "{md}"
    );
    assert!(md.contains("NOT redacted"), "{md}");
}

#[test]
fn a_session_from_an_older_knowledge_base_names_the_step_that_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = saved_session(dir.path(), "old.json", true);
    // A newer knowledge base renamed the renewal remedy.
    let kb_dir = working_copy(dir.path());
    rename_everywhere(
        &kb_dir,
        "general/cert-expired/renew",
        "general/cert-expired/renew-now",
    );
    let (code, out, err) = tokenyar(
        dir.path(),
        &["session", "resume", file.to_str().unwrap(), "--kb", "kb"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("step 5 of the saved walk, `general/cert-expired/renew`")
            && err.contains("no longer exists"),
        "{err}"
    );
    assert!(
        err.contains("reached when `general/cert-expired/not-yet` said ok"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // The report refuses the same way, not with a half-empty report.
    let (code, _, err) = tokenyar(
        dir.path(),
        &["report", "--session", file.to_str().unwrap(), "--kb", "kb"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("general/cert-expired/renew"), "{err}");
    // The knowledge base it was saved with still resumes it.
    let (code, out, _) = tokenyar(dir.path(), &["session", "resume", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
}

/// A working copy of the knowledge base and its scripts in `dir` (`dir/kb`, `dir/scripts`).
fn working_copy(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&root.join("kb"), &dir.join("kb"));
    copy_dir(&root.join("scripts"), &dir.join("scripts"));
    dir.join("kb")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

fn rename_everywhere(dir: &Path, from: &str, to: &str) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rename_everywhere(&p, from, to);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            let t = std::fs::read_to_string(&p).unwrap();
            if t.contains(from) {
                // Whole ids only: `renew` must not become `renew-now` inside `renew-xyz`.
                let re = regex_lite(from);
                std::fs::write(&p, re(&t, to)).unwrap();
            }
        }
    }
}

/// Replaces `id` where it is not followed by more id characters.
fn regex_lite(id: &str) -> impl Fn(&str, &str) -> String + '_ {
    move |text: &str, to: &str| {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find(id) {
            let after = rest[i + id.len()..].chars().next();
            out.push_str(&rest[..i]);
            if after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/') {
                out.push_str(id);
            } else {
                out.push_str(to);
            }
            rest = &rest[i + id.len()..];
        }
        out.push_str(rest);
        out
    }
}

fn bundle_file(dir: &Path, name: &str, not_after: &str) -> PathBuf {
    let b = Bundle::new(facts(not_after), "test", false);
    let p = dir.join(name);
    std::fs::write(&p, b.to_json()).unwrap();
    p
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn schema_errors(v: &jsonschema::Validator, report: &Value) -> Vec<String> {
    v.iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn json_reports_validate_against_the_schema_in_the_repository() {
    let dir = tempfile::tempdir().unwrap();
    let (session, _) = saved_session(dir.path(), "s.json", true);
    let expired = bundle_file(dir.path(), "expired.json", "2025-05-01T00:00:00Z");
    let healthy = bundle_file(dir.path(), "healthy.json", "2026-05-01T00:00:00Z");
    let v = schema_validator();
    let mut reports = Vec::new();
    for args in [
        vec![
            "report",
            "--format",
            "json",
            "--session",
            session.to_str().unwrap(),
        ],
        vec![
            "report",
            "--format",
            "json",
            "--snapshot",
            expired.to_str().unwrap(),
        ],
        vec![
            "report",
            "--format",
            "json",
            "--snapshot",
            expired.to_str().unwrap(),
            "--system",
            "setad",
            "--no-redact",
        ],
        vec![
            "report",
            "--format",
            "json",
            "--snapshot",
            healthy.to_str().unwrap(),
            "--system",
            "general",
        ],
    ] {
        let (code, out, err) = tokenyar(dir.path(), &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let r: Value = serde_json::from_str(&out).unwrap();
        let errors = schema_errors(&v, &r);
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
        reports.push(r);
    }
    assert_eq!(reports[1]["summary"]["status"], json!("problems"));
    assert_eq!(
        reports[1]["findings"][0]["case"],
        json!("general/cert-expired")
    );
    assert_eq!(
        reports[3]["summary"]["status"],
        json!("no_problem"),
        "{:#}",
        reports[3]["findings"]
    );
    // The certificate's dates in both calendars: 2025-05-01 00:00 UTC is 1404/02/11 03:30 in Tehran.
    let cert = &reports[1]["machine"]["certificates"][0];
    assert_eq!(cert["not_after"]["jalali"], json!("1404/02/11 03:30"));
    assert_eq!(cert["not_after"]["gregorian"], json!("2025-05-01 03:30"));

    // The schema is strict enough to catch a broken report.
    let mut broken = reports[0].clone();
    broken["summary"].as_object_mut().unwrap().remove("problem");
    assert!(!schema_errors(&v, &broken).is_empty());
    let mut broken = reports[1].clone();
    broken["findings"][0]["severity"] = json!("catastrophic");
    assert!(!schema_errors(&v, &broken).is_empty());
    let mut broken = reports[0].clone();
    broken["walk"]["steps"][0]["surprise"] = json!(1);
    assert!(!schema_errors(&v, &broken).is_empty());
}

#[test]
fn a_snapshot_report_explains_each_finding() {
    let dir = tempfile::tempdir().unwrap();
    let expired = bundle_file(dir.path(), "expired.json", "2025-05-01T00:00:00Z");
    let (code, md, err) = tokenyar(
        dir.path(),
        &[
            "report",
            "--snapshot",
            expired.to_str().unwrap(),
            "--lang",
            "en",
            "--system",
            "general",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        md.contains("### 1. Error: The signing certificate has expired"),
        "{md}"
    );
    assert!(md.contains("**Why?**"), "{md}");
    // The check that fired, with its raw evidence, then the walk to the remedy.
    assert!(
        positions_in_order(
            &md,
            &[
                "Why?".into(),
                "general/probe/cert-validity".into(),
                "problem found".into(),
                "general/cert-expired/renew".into()
            ]
        ),
        "{md}"
    );
    let (code, fa, _) = tokenyar(
        dir.path(),
        &[
            "report",
            "--snapshot",
            expired.to_str().unwrap(),
            "--lang",
            "fa",
            "--system",
            "general",
        ],
    );
    assert_eq!(code, 0);
    assert!(fa.contains("## خلاصه") && fa.contains("چرا؟"), "{fa}");
    assert!(!fa.contains("## Summary"), "{fa}");
    // Persian digits in Persian dates.
    assert!(fa.contains("۱۴۰۴/"), "{fa}");

    let (code, _, err) = tokenyar(
        dir.path(),
        &[
            "report",
            "--snapshot",
            expired.to_str().unwrap(),
            "--lang",
            "de",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("both or one of fa, en"), "{err}");
    let (code, _, _) = tokenyar(dir.path(), &["report", "--format", "md"]);
    assert_eq!(code, 2);
}

/// Runs a command, killing it when it outlives `limit` (Chromium must not hang a test run).
fn run_with_deadline(cmd: &mut Command, limit: Duration) -> (bool, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start chromium ({e}); .ci/run installs the `chromium` package")
        });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                use std::io::Read;
                let _ = s.read_to_string(&mut err);
            }
            return (status.success(), err);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return (false, format!("killed after {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let (session, _) = saved_session(dir.path(), "s.json", true);
    let html = dir.path().join("report.html");
    let (code, _, err) = tokenyar(
        dir.path(),
        &[
            "report",
            "--session",
            session.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&html).unwrap();
    // One self-contained file: no external resource of any kind.
    for bad in [
        "<link", "<script", "src=", "url(", "@import", "http://", "https://",
    ] {
        assert!(!text.contains(bad), "the report loads something: {bad}");
    }
    assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"fa\" dir=\"rtl\">"));
    assert!(text.contains("<div lang=\"en\" dir=\"ltr\">"));

    let png = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let (ok, err) = run_with_deadline(
        Command::new("chromium").args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1000,1400",
            &format!("file://{}", html.display()),
        ]),
        Duration::from_secs(90),
    );
    assert!(ok && png.exists(), "chromium failed: {err}");
    let size = std::fs::metadata(&png).unwrap().len();
    assert!(
        size > 20_000,
        "a {size}-byte screenshot is too small to hold the report"
    );

    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1000, 1400));
    let channels = info.line_size / info.width as usize;
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0usize;
    for p in &pixels {
        colours.insert((p[0] / 8, p[1] / 8, p[2] / 8));
        if u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 200 {
            dark += 1;
        }
    }
    // Text, boxes and badges: many colours and a fair share of ink, not a blank page.
    assert!(colours.len() > 40, "only {} colours", colours.len());
    let share = dark as f64 / pixels.len() as f64;
    assert!(share > 0.01, "only {:.3}% dark pixels", share * 100.0);
    // The right half (Persian, right to left) and the left half (English) both hold text.
    let ink = |x0: u32, x1: u32| {
        (0..info.height)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| {
                let p = pixels[(y * info.width + x) as usize];
                u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 200
            })
            .count()
    };
    assert!(ink(0, 500) > 2_000 && ink(500, 1000) > 2_000);
    if let Ok(keep) = std::env::var("TOKENYAR_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

#[test]
fn kb_add_test_turns_a_session_and_a_bundle_into_passing_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let kb_dir = working_copy(dir.path());
    let (session, saved) = saved_session(dir.path(), "field.json", false);
    let (code, out, err) = tokenyar(
        dir.path(),
        &[
            "kb",
            "add-test",
            session.to_str().unwrap(),
            "--kb",
            "kb",
            "--name",
            "Expired certificate, renewal did not help",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let test = kb_dir.join("general/tests/field-expired-certificate-renewal-did-not-help.yaml");
    let yaml = std::fs::read_to_string(&test).unwrap();
    assert!(
        yaml.contains("bundle: field-expired-certificate-renewal-did-not-help.json"),
        "{yaml}"
    );
    assert!(
        yaml.contains("general/root: general/cert-expired"),
        "{yaml}"
    );
    assert!(
        yaml.contains("general/cert-expired/renew: not-helped"),
        "{yaml}"
    );
    assert!(yaml.contains("end: escalated"), "{yaml}");
    let bundle = std::fs::read_to_string(
        kb_dir.join("general/tests/field-expired-certificate-renewal-did-not-help.json"),
    )
    .unwrap();
    // A knowledge base is shared: the case's personal data stays out of it.
    for secret in [USER, HOST, NATIONAL_ID, TOKEN_SERIAL] {
        assert!(!bundle.contains(secret), "{secret} written into the KB");
    }
    // Nor inside the certificates: the holder's name and the certificate's serial number.
    let mut ders = Vec::new();
    fn find_der(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| match x {
                Value::String(s) if k == "der" => out.push(s.clone()),
                other => find_der(other, out),
            }),
            Value::Array(a) => a.iter().for_each(|x| find_der(x, out)),
            _ => {}
        }
    }
    find_der(&serde_json::from_str(&bundle).unwrap(), &mut ders);
    assert!(!ders.is_empty());
    for der in ders {
        let cert = tokenyar_engine::facts::cert::analyse_text(&der);
        assert_eq!(cert["ok"], json!(true), "{cert}");
        let text = cert.to_string();
        assert!(
            !text.contains("Ahmadi"),
            "the holder's name written into the KB: {text}"
        );
        assert!(!text.contains(NATIONAL_ID), "{text}");
    }
    // root, symptom, the validity check, the not-yet-valid check (issue 15), the renewal.
    assert_eq!(saved.walk.steps.len(), 5);

    let expired = bundle_file(dir.path(), "field-bundle.json", "2025-05-01T00:00:00Z");
    let (code, out, err) = tokenyar(
        dir.path(),
        &["kb", "add-test", expired.to_str().unwrap(), "--kb", "kb"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("general/cert-expired"), "{out}");
    let bundle_test = kb_dir.join("general/tests/field-bundle.yaml");
    assert!(
        std::fs::read_to_string(&bundle_test)
            .unwrap()
            .contains("findings:\n  - general/cert-expired")
    );

    // `kb test` runs both and they pass.
    let (_, out, _) = tokenyar(dir.path(), &["kb", "test", "--kb", "kb", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let result = |name: &str| {
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(name))
            .cloned()
            .unwrap_or_else(|| panic!("{name} not run"))
    };
    for name in [
        "field-expired-certificate-renewal-did-not-help.yaml",
        "field-bundle.yaml",
    ] {
        let r = result(name);
        assert_eq!(r["failures"], json!([]), "{name}: {r}");
    }
    // And they are real tests: the same machine with a renewed certificate fails both.
    let renewed = bundle_file(dir.path(), "renewed.json", "2026-05-01T00:00:00Z");
    let renewed: Value = serde_json::from_str(&std::fs::read_to_string(renewed).unwrap()).unwrap();
    for b in [
        "field-expired-certificate-renewal-did-not-help.json",
        "field-bundle.json",
    ] {
        let p = kb_dir.join("general/tests").join(b);
        let mut cur: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        cur["facts"]["token"] = renewed["facts"]["token"].clone();
        std::fs::write(&p, serde_json::to_string(&cur).unwrap()).unwrap();
    }
    let (_, out, _) = tokenyar(dir.path(), &["kb", "test", "--kb", "kb", "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    for name in [
        "field-expired-certificate-renewal-did-not-help.yaml",
        "field-bundle.yaml",
    ] {
        let r = v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["path"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_ne!(
            r["failures"],
            json!([]),
            "{name} still passes on a renewed certificate"
        );
    }

    // A file that is neither is refused with its name.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"format\": \"something\"}").unwrap();
    let (code, _, err) = tokenyar(
        dir.path(),
        &["kb", "add-test", junk.to_str().unwrap(), "--kb", "kb"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("junk.json") && err.contains("tokenyar-session"),
        "{err}"
    );
}

/// Every report tells the evidence in words, in its languages: Markdown as a nested list, HTML
/// as nested lists with the raw facts folded away, JSON beside the raw evidence; a report for
/// the user (the screen's F4 in user mode) keeps no raw facts at all.
#[test]
fn reports_tell_the_evidence_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let expired = bundle_file(dir.path(), "expired.json", "2025-05-01T00:00:00Z");
    let e = expired.to_str().unwrap();
    let (code, md, err) = tokenyar(dir.path(), &["report", "--snapshot", e, "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    let evidence = &md[md.find("## Evidence").unwrap()..md.find("## Machine").unwrap()];
    assert!(
        evidence.contains("**Valid until:** 2025-05-01 (1404/02/11)"),
        "{evidence}"
    );
    assert!(evidence.contains("**Expired certificates:**"), "{evidence}");
    for raw in ["days_left", "not_after", "national_id", "`now`"] {
        assert!(!evidence.contains(raw), "{raw} in:\n{evidence}");
    }
    // The agent's raw facts come once, last.
    assert!(md.contains("### Raw facts (for support agents)"), "{md}");
    let (_, fa, _) = tokenyar(dir.path(), &["report", "--snapshot", e, "--lang", "fa"]);
    assert!(fa.contains("**معتبر تا:** ۱۴۰۴/۰۲/۱۱ (2025-05-01)"), "{fa}");
    let (_, html, _) = tokenyar(dir.path(), &["report", "--snapshot", e, "--format", "html"]);
    assert!(html.contains("<strong>Valid until:</strong>"), "{html}");
    assert!(html.contains("<strong>معتبر تا:</strong>"), "{html}");
    assert!(html.contains("<details><summary>"), "{html}");
    assert!(!html.contains("days_left: "), "{html}");
    // The certificate table's labels are words, not keys.
    assert!(
        html.contains("<th>Subject</th>") && !html.contains("<th>subject</th>"),
        "{html}"
    );
    let (_, json, _) = tokenyar(dir.path(), &["report", "--snapshot", e, "--format", "json"]);
    let r: Value = serde_json::from_str(&json).unwrap();
    let validity = r["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["probe"] == "general/probe/cert-validity")
        .unwrap();
    let labels: Vec<&str> = validity["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["label"]["en"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Valid until"), "{labels:?}");
    assert!(validity["evidence"]["expired"].is_array());

    // The screen's report in user mode: words, no raw facts.
    let kb = Arc::new(Kb::load(&Source::embedded()).0);
    let b = Bundle::read(&expired).unwrap();
    let d = tokenyar_engine::infer::diagnose(&kb, Arc::new(Snapshot::from_bundle(&b)), None);
    let snap = Snapshot::from_bundle(&b);
    let opts = Options {
        for_user: true,
        ..Options::default()
    };
    let r = report::build_live(&kb, None, Some(&d), &snap, &opts).unwrap();
    assert!(r.machine.facts.is_empty());
    let md = report::render(
        &r,
        Format::Markdown,
        LangChoice::One(tokenyar_engine::kb::Lang::En),
    );
    assert!(!md.contains("```json"), "{md}");
    assert!(md.contains("**Valid until:**"), "{md}");
}
