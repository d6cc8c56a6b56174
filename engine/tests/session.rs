//! The guided walk as a user drives it: answers, probes, back, remedies that help or not.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::json;
use tokenyar_engine::facts::{Fact, Facts, Snapshot};
use tokenyar_engine::infer::session::{End, Need, Purpose, Via};
use tokenyar_engine::infer::{Runner, Session};
use tokenyar_engine::kb::{Kb, Source, Status};
use tokenyar_engine::probe::ProbeResult;

fn kb() -> Arc<Kb> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
    Arc::new(tokenyar_engine::authoring::load_checked(&Source::from_dir(&dir).unwrap()).0)
}

fn locked_token() -> Arc<dyn Facts> {
    let mut m = BTreeMap::new();
    m.insert(
        "token".to_string(),
        Fact::Value(json!({"modules": [], "slots": [{"token_present": true, "token": {"label": "t",
            "flags": {"token_initialized": true, "user_pin_initialized": true, "user_pin_locked": true}},
            "certificates": []}]})),
    );
    Arc::new(Snapshot::new(m))
}

/// The index of the current question's choice that leads to `next`.
fn choice_to(s: &Session, next: &str) -> usize {
    let Some(tokenyar_engine::kb::Node {
        body: tokenyar_engine::kb::Body::Question { choices, .. },
        ..
    }) = s.current()
    else {
        panic!("not at a question")
    };
    choices
        .iter()
        .position(|c| c.next == next)
        .unwrap_or_else(|| panic!("no choice leads to {next}"))
}

fn result(status: Status) -> ProbeResult {
    ProbeResult {
        status,
        ..ProbeResult::unknown("test")
    }
}

#[test]
fn a_walk_asks_then_runs_probes_by_itself_and_stops_at_the_remedy() {
    let kb = kb();
    let runner = Runner::new(Arc::clone(&kb), locked_token(), None);
    let mut s = Session::start(Arc::clone(&kb), "general/root", None).unwrap();
    assert_eq!(
        s.run_until_input(&runner),
        Need::Answer {
            node: "general/root".into()
        }
    );
    s.answer(choice_to(&s, "general/pin-locked")).unwrap();
    // A locked PIN leads to the SO PIN unblock only through the user's confirmation.
    assert_eq!(
        s.run_until_input(&runner),
        Need::Answer {
            node: "general/pin-locked/unblock-confirm".into()
        }
    );
    s.answer(choice_to(&s, "general/pin-locked/unblock"))
        .unwrap();
    let need = s.run_until_input(&runner);
    assert_eq!(
        need,
        Need::Remedy {
            node: "general/pin-locked/unblock".into(),
            verify_failed: false
        }
    );
    let nodes: Vec<&str> = s.steps().iter().map(|st| st.node.as_str()).collect();
    assert_eq!(
        nodes,
        [
            "general/root",
            "general/pin-locked",
            "general/probe/user-pin",
            "general/pin-locked/unblock-confirm",
            "general/pin-locked/unblock"
        ]
    );
    assert_eq!(s.questions_answered(), 2);
    assert_eq!(
        s.steps()[3].via,
        Via::Probe {
            status: Status::Fail
        }
    );
    assert_eq!(s.evidence()["general/probe/user-pin"].status, Status::Fail);
}

#[test]
fn back_returns_to_the_last_place_the_user_decided() {
    let kb = kb();
    let runner = Runner::new(Arc::clone(&kb), locked_token(), None);
    let mut s = Session::start(Arc::clone(&kb), "general/root", None).unwrap();
    s.run_until_input(&runner);
    s.answer(choice_to(&s, "general/pin-locked")).unwrap();
    s.run_until_input(&runner);
    assert!(s.back());
    assert_eq!(
        s.need(),
        Need::Answer {
            node: "general/root".into()
        }
    );
    assert_eq!(s.steps().len(), 1);
    assert!(!s.back(), "nothing before the start");
    s.answer(choice_to(&s, "general/cert-expired")).unwrap();
    assert_eq!(s.current().unwrap().id, "general/probe/cert-validity");
}

#[test]
fn a_remedy_that_helped_is_verified_and_one_that_did_not_leads_on() {
    let kb = kb();
    let mut s = Session::start(Arc::clone(&kb), "general/pin-locked", None).unwrap();
    assert_eq!(
        s.need(),
        Need::Probe {
            probe: "general/probe/user-pin".into(),
            purpose: Purpose::Step
        }
    );
    s.supply("general/probe/user-pin", result(Status::Warn))
        .unwrap();
    assert_eq!(s.current().unwrap().id, "general/pin-locked/careful");
    // "careful" has no verify: helped ends the walk unverified.
    let mut helped = Session::resume(Arc::clone(&kb), s.state.clone()).unwrap();
    helped.remedy_helped().unwrap();
    assert_eq!(
        helped.need(),
        Need::Ended(End::Resolved {
            remedy: "general/pin-locked/careful".into(),
            verified: false
        })
    );
    // Did not help: on to unblocking, whose verify re-runs the probe.
    s.remedy_not_helped().unwrap();
    assert_eq!(
        s.current().unwrap().id,
        "general/pin-locked/unblock-confirm"
    );
    s.answer(choice_to(&s, "general/pin-locked/unblock"))
        .unwrap();
    assert_eq!(s.current().unwrap().id, "general/pin-locked/unblock");
    s.remedy_helped().unwrap();
    assert_eq!(
        s.need(),
        Need::Probe {
            probe: "general/probe/user-pin".into(),
            purpose: Purpose::Verify
        }
    );
    s.supply("general/probe/user-pin", result(Status::Fail))
        .unwrap();
    assert_eq!(
        s.need(),
        Need::Remedy {
            node: "general/pin-locked/unblock".into(),
            verify_failed: true
        }
    );
    s.remedy_helped().unwrap();
    s.supply("general/probe/user-pin", result(Status::Ok))
        .unwrap();
    assert_eq!(
        s.need(),
        Need::Ended(End::Resolved {
            remedy: "general/pin-locked/unblock".into(),
            verified: true
        })
    );
    // Back after the end reopens the remedy.
    assert!(s.back());
    assert!(matches!(s.need(), Need::Remedy { .. }));
    // A check that cannot tell leaves the user's word standing: resolved, not verified.
    s.remedy_helped().unwrap();
    s.supply("general/probe/user-pin", result(Status::Unknown))
        .unwrap();
    assert_eq!(
        s.need(),
        Need::Ended(End::Resolved {
            remedy: "general/pin-locked/unblock".into(),
            verified: false
        })
    );
}

#[test]
fn out_of_order_calls_are_refused_not_obeyed() {
    let kb = kb();
    let mut s = Session::start(Arc::clone(&kb), "general/root", None).unwrap();
    assert!(s.remedy_helped().is_err());
    assert!(
        s.supply("general/probe/user-pin", result(Status::Ok))
            .is_err()
    );
    assert!(s.answer(99).is_err());
    assert!(Session::start(Arc::clone(&kb), "general/nope", None).is_err());
}

#[test]
fn a_saved_walk_resumes_or_names_the_step_that_no_longer_exists() {
    let kb = kb();
    let mut s = Session::start(Arc::clone(&kb), "general/root", None).unwrap();
    s.answer(choice_to(&s, "general/cert-missing")).unwrap();
    let saved = serde_json::to_string(&s.state).unwrap();
    let back: tokenyar_engine::infer::session::WalkState = serde_json::from_str(&saved).unwrap();
    let r = Session::resume(Arc::clone(&kb), back.clone()).unwrap();
    assert_eq!(r.steps().len(), s.steps().len());
    let mut gone = back;
    gone.steps[1].node = "general/retired-step".into();
    let err = Session::resume(kb, gone).err().unwrap();
    assert!(err.to_string().contains("general/retired-step"));
}
