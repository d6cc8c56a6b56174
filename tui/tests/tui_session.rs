//! Issue 8's hand-over: a user walks to a remedy in the TUI and saves the session (F6); an agent
//! opens it (`tokenyar --session FILE`) and reports it in md, json and html: the same path and
//! the same evidence everywhere.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support as common;

use std::process::Command;

use tokenyar::app::action::{Action, Effect};
use tokenyar::app::state::Screen;
use tokenyar::app::{model, settle, update};
use tokenyar::cli::Common;
use tokenyar_engine::infer::Need;
use tokenyar_engine::kb::{Body, Lang};

#[test]
fn a_session_saved_in_the_tui_resumes_for_an_agent_and_reports_the_same_path() {
    // The user: Persian, an expired certificate, a walk to its remedy.
    let mut m = common::model(Lang::Fa, &common::expired());
    let fx = update::update(&mut m, Action::Select);
    settle(&mut m, fx);
    let root = m.walk.as_ref().unwrap().session.steps()[0].node.clone();
    let Body::Question { choices, .. } = &m.kb.node(&root).unwrap().body else {
        panic!()
    };
    let i = choices
        .iter()
        .position(|c| c.next == "general/cert-expired")
        .unwrap();
    let fx = update::update(&mut m, Action::Choose(i));
    settle(&mut m, fx);
    assert!(matches!(
        m.walk.as_ref().unwrap().session.need(),
        Need::Remedy { .. }
    ));
    let user_path: Vec<String> = m
        .walk
        .as_ref()
        .unwrap()
        .session
        .steps()
        .iter()
        .map(|s| s.node.clone())
        .collect();

    // F6: the session goes to a file (written here by the test, as the runtime would).
    let fx = update::update(&mut m, Action::SaveSession);
    assert_eq!(m.screen, Screen::Report);
    let [Effect::WriteFile { path, text }] = fx.as_slice() else {
        panic!("{fx:?}")
    };
    assert!(path.starts_with("tokenyar-session-"), "{path}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("session.json");
    std::fs::write(&file, text).unwrap();
    assert!(
        !text.contains("0499370899"),
        "the national id must be masked in a saved session"
    );

    // The agent: English, the same walk resumed from the file alone.
    let kb = common::kb();
    let common_args = Common {
        lang: Some("en".into()),
        session: Some(file.clone()),
        live: tokenyar::cli::LiveArgs {
            offline: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let agent = model(kb, &common_args).unwrap();
    let w = agent.walk.as_ref().unwrap();
    let agent_path: Vec<String> = w.session.steps().iter().map(|s| s.node.clone()).collect();
    assert_eq!(agent_path, user_path);
    assert_eq!(agent.screen, Screen::Walk);
    assert!(matches!(w.session.need(), Need::Remedy { .. }));
    let evidence = &w.session.state.evidence;
    assert!(!evidence.is_empty());

    // And reported in three formats, each naming every step of the path.
    for format in ["md", "json", "html"] {
        let out = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
            .args(["report", "--format", format, "--lang", "en", "--session"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for node in &user_path {
            let title = &agent.kb.node(node).unwrap().title.get(Lang::En);
            assert!(
                text.contains(title) || text.contains(node.as_str()),
                "{format}: no {node} in\n{text}"
            );
        }
        assert!(
            text.contains("2025-01-01"),
            "{format}: the certificate's end date is evidence"
        );
    }
}
