//! Saved sessions and "why?": a walk saved and read back resumes where it stood; a session the
//! knowledge base cannot follow any more is refused naming the step; explanations put each probe
//! result at the visit it belongs to.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::json;
use tokenyar_engine::authoring::scenario::synth_cert;
use tokenyar_engine::calendar::{Stamp, persian_digits};
use tokenyar_engine::facts::{Fact, Facts, Snapshot};
use tokenyar_engine::infer::explain::{self, How, ProbeRole};
use tokenyar_engine::infer::saved::{SavedSession, SessionFileError};
use tokenyar_engine::infer::session::{Need, Session};
use tokenyar_engine::infer::{Runner, diagnose};
use tokenyar_engine::kb::{Kb, Lang, Source};

fn kb() -> Arc<Kb> {
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::embedded()).0)
}

fn facts(not_after: &str) -> Arc<dyn Facts> {
    let der = synth_cert(&json!({"cn": "Reza [Sign]", "o": "Unaffiliated", "not_before": "2023-01-01T00:00:00Z", "not_after": not_after})).unwrap();
    let mut f = BTreeMap::new();
    f.insert(
        "clock".into(),
        Fact::Value(json!({"now": "2025-06-01T10:00:00+03:30", "utc_offset_minutes": 210})),
    );
    f.insert("token".into(), Fact::Value(json!({"slots": [{"token_present": true,
        "token": {"label": "r", "serial": "AABBCCDDEEFF0011", "flags": {"token_initialized": true, "user_pin_initialized": true, "user_pin_locked": false}},
        "certificates": [{"label": "c", "der": der}]}]})));
    Arc::new(Snapshot::new(f))
}

/// general/root -> cert-expired -> probe -> not-yet probe -> renew.
fn walk_to_renew(kb: &Arc<Kb>, f: &Arc<dyn Facts>) -> Session {
    let runner = Runner::new(Arc::clone(kb), Arc::clone(f), None);
    let mut s = Session::start(Arc::clone(kb), "general/root", None).unwrap();
    s.run_until_input(&runner);
    let Some(tokenyar_engine::kb::Body::Question { choices, .. }) =
        kb.node("general/root").map(|n| &n.body)
    else {
        panic!()
    };
    let i = choices
        .iter()
        .position(|c| c.next == "general/cert-expired")
        .unwrap();
    s.answer(i).unwrap();
    s.run_until_input(&runner);
    s
}

#[test]
fn a_saved_walk_reads_back_and_resumes_where_it_stood() {
    let kb = kb();
    let f = facts("2025-01-01T00:00:00Z");
    let s = walk_to_renew(&kb, &f);
    let saved = SavedSession::capture(&s, f.as_ref(), true);
    // Only what the walk read, plus the context facts that exist.
    assert!(saved.facts.contains_key("token") && saved.facts.contains_key("clock"));
    assert!(!saved.to_json().contains("AABBCCDDEEFF0011"));
    let back = SavedSession::parse(&saved.to_json(), "s.json").unwrap();
    let r = back.resume(Arc::clone(&kb)).unwrap();
    assert!(r.changes.is_empty());
    assert_eq!(r.session.need(), s.need());
    assert_eq!(back.utc_offset_minutes(), 210);
    // The resumed walk goes on with the saved facts: the renewal's check still fails.
    let mut session = r.session;
    session.remedy_helped().unwrap();
    let runner = Runner::new(Arc::clone(&kb), r.facts, None);
    assert!(matches!(
        session.run_until_input(&runner),
        Need::Remedy {
            verify_failed: true,
            ..
        }
    ));
}

#[test]
fn a_stale_or_foreign_file_is_refused_with_the_reason() {
    let kb = kb();
    let f = facts("2025-01-01T00:00:00Z");
    let s = walk_to_renew(&kb, &f);
    let mut v: serde_json::Value =
        serde_json::from_str(&SavedSession::capture(&s, f.as_ref(), true).to_json()).unwrap();
    v["walk"]["steps"][2]["node"] = json!("general/probe/cert-dates-v1");
    let saved = SavedSession::parse(&v.to_string(), "old.json").unwrap();
    let e = saved.resume(Arc::clone(&kb)).unwrap_err();
    let msg = e.to_string();
    assert!(
        matches!(&e, SessionFileError::StepGone { step: 3, node, .. } if node == "general/probe/cert-dates-v1"),
        "{msg}"
    );
    assert!(msg.contains("reached from `general/cert-expired`"), "{msg}");

    // An edge that now leads elsewhere is a change, not an error.
    let mut v2: serde_json::Value =
        serde_json::from_str(&SavedSession::capture(&s, f.as_ref(), true).to_json()).unwrap();
    v2["walk"]["steps"][1]["choice"] = json!(0);
    let changed = SavedSession::parse(&v2.to_string(), "x.json")
        .unwrap()
        .resume(Arc::clone(&kb))
        .unwrap();
    assert_eq!(changed.changes.len(), 1);
    assert_eq!(changed.changes[0].step, 2);

    let mut future = v.clone();
    future["version"] = json!(9);
    assert!(matches!(
        SavedSession::parse(&future.to_string(), "f.json"),
        Err(SessionFileError::FromTheFuture { found: 9, .. })
    ));
    assert!(matches!(
        SavedSession::parse(
            r#"{"format": "tokenyar-bundle", "version": 1, "facts": {}}"#,
            "b.json"
        ),
        Err(SessionFileError::NotSession { .. })
    ));
    let e = SavedSession::parse(
        "{\"format\": \"tokenyar-session\",\n \"version\": 1,\n \"walk\": {,}}",
        "broken.json",
    )
    .unwrap_err();
    assert!(matches!(e, SessionFileError::Json { line: 3, .. }), "{e}");
}

#[test]
fn explanations_put_each_result_at_its_visit_in_both_languages() {
    let kb = kb();
    let f = facts("2025-01-01T00:00:00Z");
    let runner = Runner::new(Arc::clone(&kb), Arc::clone(&f), None);
    let mut s = walk_to_renew(&kb, &f);
    // The user says the renewal helped (the check disagrees), then goes back to the question
    // and walks the same way again.
    s.remedy_helped().unwrap();
    s.run_until_input(&runner);
    // The validity check, the not-yet-valid check (issue 15) and the renewal's verification.
    assert_eq!(s.state.evidence.len(), 3);
    assert!(s.back_to(0));
    assert!(
        s.state.evidence.is_empty(),
        "the forgotten branch's evidence stays behind"
    );
    let s = {
        let mut s = s;
        s.run_until_input(&runner);
        let Some(tokenyar_engine::kb::Body::Question { choices, .. }) =
            kb.node("general/root").map(|n| &n.body)
        else {
            panic!()
        };
        s.answer(
            choices
                .iter()
                .position(|c| c.next == "general/cert-expired")
                .unwrap(),
        )
        .unwrap();
        s.run_until_input(&runner);
        s
    };
    let e = explain::remedy(&kb, &s.state, "general/cert-expired/renew").unwrap();
    assert_eq!(e.steps.len(), 5);
    assert!(
        matches!(&e.steps[1].how, How::Answer { choice_text, .. } if choice_text.get(tokenyar_engine::kb::Lang::En).contains("expired"))
    );
    assert_eq!(e.steps[2].probes.len(), 1);
    assert_eq!(e.steps[2].probes[0].role, ProbeRole::Step);
    assert_eq!(e.steps[3].probes.len(), 1, "the not-yet-valid check");
    assert!(e.steps[4].probes.is_empty());
    let en = e.lines(Lang::En, 210).join("\n");
    let fa = e.lines(Lang::Fa, 210).join("\n");
    assert!(
        en.contains("the answer was") && en.contains("problem found") && en.contains("+03:30"),
        "{en}"
    );
    assert!(
        fa.contains("گزینه‌ی")
            && fa.contains("مشکل دارد")
            && fa.contains(&persian_digits(
                &Stamp::new(e.steps[2].probes[0].at, 210).jalali
            )),
        "{fa}"
    );
    assert!(en.contains("expired: "), "raw evidence shown: {en}");

    // A session saved before steps were numbered: its evidence goes to the node's last visit.
    let mut old = s.state.clone();
    for ev in &mut old.evidence {
        ev.step = None;
    }
    let e2 = explain::step(&kb, &old, 3);
    assert_eq!(e2.steps[2].probes.len(), 1);

    // A finding explains itself from its check.
    let d = diagnose(&kb, Arc::clone(&f), Some("general"));
    let fnd = d
        .findings
        .iter()
        .find(|x| x.case == "general/cert-expired")
        .unwrap();
    let why = explain::finding(&kb, fnd);
    assert_eq!(why.node, "general/cert-expired/renew");
    assert_eq!(why.steps[0].probes[0].role, ProbeRole::Check);
    assert_eq!(why.steps.last().unwrap().node, "general/cert-expired/renew");
}
