//! Evidence in words: every evidence map the shipped probes write, over every recorded machine
//! of the knowledge base's tests, reads in words in both languages (every key has a label, no
//! raw key or JSON is left), and what the user sees (the screen in user mode, the command line,
//! the screen's report) holds no raw JSON key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support as common;
use common::{act, typed};

use std::collections::BTreeSet;
use std::sync::Arc;

use serde_json::{Map, Value};
use tokenyar::app::action::Action;
use tokenyar::app::state::Model;
use tokenyar_engine::facts::{Bundle, Snapshot};
use tokenyar_engine::infer::{Runner, diagnose};
use tokenyar_engine::kb::{Kind, Lang};
use tokenyar_engine::report::words::Words;

/// Every evidence map: each check of each system, and each probe node run on its own, over
/// every bundle under kb/*/tests.
fn all_evidence() -> Vec<(String, Map<String, Value>)> {
    let kb = common::kb();
    let mut out = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    let mut bundles: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|d| d.path().join("tests"))
        .filter(|p| p.is_dir())
        .flat_map(|p| std::fs::read_dir(p).unwrap().flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    bundles.sort();
    assert!(bundles.len() >= 10, "{bundles:?}");
    let probes: Vec<String> = kb
        .nodes
        .iter()
        .filter(|n| n.kind == Kind::Probe)
        .map(|n| n.id.clone())
        .collect();
    // The recorded machines, and certificates made here (the recorded ones describe theirs
    // for the scenario runner): expired, expiring in days, valid for long.
    let soon = (chrono::Utc::now() + chrono::Duration::days(10)).to_rfc3339();
    let made = [
        common::expired(),
        common::bundle(&soon),
        common::bundle("2027-01-01T00:00:00Z"),
    ];
    let made: Vec<(String, Bundle)> = made
        .iter()
        .enumerate()
        .map(|(i, v)| {
            (
                format!("made-{i}"),
                Bundle::parse(&v.to_string(), "made.json").unwrap(),
            )
        })
        .collect();
    let recorded = bundles
        .iter()
        .map(|b| (b.display().to_string(), Bundle::read(b).unwrap()));
    for (name, bundle) in made.into_iter().chain(recorded) {
        let b = std::path::PathBuf::from(name);
        let facts = Arc::new(Snapshot::from_bundle(&bundle));
        for s in kb.systems.iter().map(|s| Some(s.id.clone())).chain([None]) {
            let d = diagnose(&kb, facts.clone(), s.as_deref());
            for c in d.checks {
                out.push((format!("{} {}", b.display(), c.probe), c.evidence));
            }
            let runner = Runner::new(Arc::clone(&kb), facts.clone(), s.clone());
            for p in &probes {
                let r = runner.run_in(p, s.as_deref());
                out.push((format!("{} {p}", b.display()), r.evidence));
            }
        }
    }
    out
}

fn keys(v: &Value, into: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                into.insert(k.clone());
                keys(x, into);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| keys(x, into)),
        _ => {}
    }
}

#[test]
fn every_key_the_probes_write_has_words_in_both_languages() {
    let kb = common::kb();
    let catalog = tokenyar_engine::i18n::engine();
    let evidence = all_evidence();
    let mut seen = BTreeSet::new();
    let mut rendered = 0;
    for (what, ev) in &evidence {
        keys(&Value::Object(ev.clone()), &mut seen);
        for lang in [Lang::Fa, Lang::En] {
            for agent in [false, true] {
                let w = Words::new(catalog, Some(&kb), lang, agent);
                let lines = w.evidence(ev);
                assert!(
                    w.unlabelled().is_empty(),
                    "{what}: no label for {:?}",
                    w.unlabelled()
                );
                rendered += lines.len();
                for l in &lines {
                    let t = l.text();
                    assert!(
                        !t.contains('{') && !t.contains("\":") && !t.contains("null"),
                        "{what}: raw JSON in {t:?}"
                    );
                    // No key of the evidence is shown as it is written (`not_after`).
                    for k in ev.keys().filter(|k| k.contains('_')) {
                        assert!(!t.contains(k.as_str()), "{what}: raw key {k} in {t:?}");
                    }
                }
            }
        }
    }
    assert!(rendered > 1000, "{rendered}");
    // The kinds the renderers are for all occurred.
    for k in [
        "not_after",
        "days_left",
        "locked",
        "software",
        "ports",
        "offset_seconds",
        "tz",
    ] {
        assert!(seen.contains(k), "no evidence has {k}: {seen:?}");
    }
}

/// The user's screen, command line and report: no raw key such as `certificates: 0`.
#[test]
fn no_raw_key_is_visible_in_user_mode() {
    const RAW: [&str; 8] = [
        "not_after",
        "not_before",
        "days_left",
        "national_id",
        "certificates: 1",
        "not_yet_valid",
        "personal",
        "unreadable: []",
    ];
    // A raw key stands alone: «Expired certificates: 1» is a label in words, «certificates: 1»
    // after only spaces or a frame is the key as written.
    let raw_at = |text: &str, r: &str| {
        text.match_indices(r).any(|(i, _)| {
            !text[..i]
                .trim_end()
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
    };
    let check = |what: &str, text: &str| {
        for r in RAW {
            assert!(!raw_at(text, r), "{what} shows {r:?}:\n{text}");
        }
    };
    for lang in [Lang::Fa, Lang::En] {
        // The screen: the walk's evidence panel, F5 with the failing check open, the report.
        let mut m = common::model(lang, &common::expired());
        typed(&mut m, "certificate expired");
        act(&mut m, Action::Select);
        act(&mut m, Action::Evidence);
        check("walk evidence", &screen(&m, 120, 40));
        check("report", &tokenyar::app::report::markdown(&m));
        act(&mut m, Action::Diagnose);
        check("F5", &screen(&m, 120, 60));
        // The agent's raw view is behind `d`, and only in agent mode.
        act(&mut m, Action::Details);
        assert!(!m.details);
    }
    // The command line.
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("expired.json");
    std::fs::write(&b, common::expired().to_string()).unwrap();
    for lang in ["fa", "en"] {
        let (code, out, err) = common::run_in(
            dir.path(),
            &["diagnose", "--snapshot", "expired.json", "--lang", lang],
        );
        assert_eq!(code, 1, "{err}");
        check("diagnose", &out);
        assert!(out.contains("Sara Ahmadi"), "{out}");
    }
}

#[test]
fn the_agent_sees_raw_values_under_details() {
    let mut m = common::model(Lang::En, &common::expired());
    m.settings.agent = true;
    act(&mut m, Action::Diagnose);
    let words = screen(&m, 120, 60);
    assert!(!words.contains("days_left"), "{words}");
    act(&mut m, Action::Details);
    let raw = screen(&m, 120, 60);
    assert!(raw.contains("days_left: -59"), "{raw}");
    // The full national id, for the agent.
    assert!(words.contains("0499370899"), "{words}");
}

fn screen(m: &Model, w: u16, h: u16) -> String {
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        tokenyar::app::draw::draw(m, f);
    })
    .unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}
