//! The app driven through `update` as a user drives it with keys: walks, lookups, masking,
//! reports, language and settings. Probes run as effects (here synchronously via `settle`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support as common;
use common::act;

use std::sync::Arc;

use serde_json::json;
use tokenyar::app::action::{Action, Effect, bindings};
use tokenyar::app::state::{Model, Screen};
use tokenyar::app::{evidence, report, settle, update};
use tokenyar_engine::infer::Need;
use tokenyar_engine::infer::session::End;
use tokenyar_engine::kb::{Body, Kind, Lang};

fn need(m: &Model) -> Need {
    m.walk.as_ref().unwrap().session.need()
}

fn current(m: &Model) -> String {
    m.walk
        .as_ref()
        .unwrap()
        .session
        .steps()
        .last()
        .unwrap()
        .node
        .clone()
}

/// The choice of the current question that leads to `target` (texts and order are KB data).
fn choice_to(m: &Model, target: &str) -> usize {
    let node = m.kb.node(&current(m)).unwrap();
    let Body::Question { choices, .. } = &node.body else {
        panic!("{} is not a question", node.id)
    };
    choices.iter().position(|c| c.next == target).unwrap()
}

#[test]
fn a_walk_reaches_a_remedy_checks_again_and_escalates() {
    let mut m = common::model(Lang::Fa, &common::expired());
    // Home: the first system in the list is where Enter starts.
    act(&mut m, Action::Select);
    assert_eq!(m.screen, Screen::Walk);
    let first = m.kb.systems[0].root.clone();
    assert_eq!(current(&m), first);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    let Need::Remedy {
        node,
        verify_failed,
    } = need(&m)
    else {
        panic!("{:?}", need(&m))
    };
    assert_eq!(m.kb.node(&node).unwrap().kind, Kind::Remedy);
    assert!(!verify_failed);
    // "It helped": the verify probe still finds an expired certificate.
    act(&mut m, Action::Select);
    assert!(matches!(
        need(&m),
        Need::Remedy {
            verify_failed: true,
            ..
        }
    ));
    // "It did not help".
    act(&mut m, Action::NotHelped);
    assert!(matches!(need(&m), Need::Ended(_)), "{:?}", need(&m));
    // Back to the first question through the list of steps.
    act(&mut m, Action::Steps);
    act(&mut m, Action::Choose(0));
    assert_eq!(current(&m), first);
    assert!(matches!(need(&m), Need::Answer { .. }));
    // And one step back from the remedy with b.
    act(&mut m, Action::Choose(i));
    act(&mut m, Action::StepBack);
    assert_eq!(current(&m), first);
}

#[test]
fn a_healthy_certificate_walks_to_the_valid_note() {
    let mut m = common::model(Lang::En, &common::bundle("2026-01-01T00:00:00Z"));
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    assert!(matches!(need(&m), Need::Read { .. }), "{:?}", need(&m));
    assert_eq!(current(&m), "general/cert-expired/still-valid");
    // The note is no dead end (issue 13): the walk goes on to the type check for the system.
    act(&mut m, Action::Select);
    assert_eq!(current(&m), "general/root/cert/system");
    assert!(!matches!(need(&m), Need::Ended(_)), "{:?}", need(&m));
}

#[test]
fn probes_run_off_the_ui_thread_and_stale_results_are_dropped() {
    let mut m = common::model(Lang::En, &common::expired());
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    let fx = update::update(&mut m, Action::Choose(i));
    // update returned at once with the probe as an effect; the walk shows it as pending.
    let [
        Effect::RunProbe {
            job, probe, runner, ..
        },
    ] = fx.as_slice()
    else {
        panic!("{fx:?}")
    };
    let (job, probe, runner) = (*job, probe.clone(), Arc::clone(runner));
    assert!(m.walk.as_ref().unwrap().pending.is_some());
    // The user goes back while it runs: the result that arrives later changes nothing.
    update::update(&mut m, Action::StepBack);
    assert!(m.walk.as_ref().unwrap().pending.is_none());
    let before = current(&m);
    update::update(
        &mut m,
        Action::ProbeDone {
            job,
            probe,
            result: Box::new(runner.run("general/probe/cert-validity")),
        },
    );
    assert_eq!(current(&m), before);
    assert!(matches!(need(&m), Need::Answer { .. }));
}

#[test]
fn typing_an_error_finds_its_case_whatever_the_letters() {
    let mut m = common::model(Lang::Fa, &common::expired());
    // Arabic yeh and kaf, as many keyboards type them.
    for c in "گواهي منقضي شده".chars() {
        act(&mut m, Action::Input(c));
    }
    assert!(!m.home.hits.is_empty());
    assert_eq!(m.home.hits[0].case.as_deref(), Some("general/cert-expired"));
    act(&mut m, Action::Select);
    assert_eq!(m.screen, Screen::Walk);
    assert!(matches!(need(&m), Need::Remedy { .. }));
    // Esc goes home, Esc clears the query, Esc on an empty home quits.
    act(&mut m, Action::Back);
    act(&mut m, Action::Back);
    assert!(m.home.query.is_empty() && !m.quit);
    act(&mut m, Action::Back);
    assert!(m.quit);
}

#[test]
fn user_mode_masks_national_ids_and_agent_mode_shows_them() {
    let mut m = common::model(Lang::En, &common::expired());
    let ev =
        json!({"subject": {"CN": "Sara", "serialNumber": "0499370899"}, "note": "id 0499370899"});
    let ev = ev.as_object().unwrap().clone();
    let user: String = evidence::lines(&m, &ev, m.settings.agent)
        .into_iter()
        .map(|(_, l)| l + "\n")
        .collect();
    assert!(!user.contains("0499370899"), "{user}");
    assert!(user.contains("••••••0899"), "{user}");
    m.settings.agent = true;
    let agent: String = evidence::lines(&m, &ev, m.settings.agent)
        .into_iter()
        .map(|(_, l)| l + "\n")
        .collect();
    assert!(agent.contains("0499370899"), "{agent}");
}

#[test]
fn agent_only_remedies_are_hidden_from_users() {
    let (mut kb, _) =
        tokenyar_engine::authoring::load_checked(&tokenyar_engine::kb::Source::embedded());
    let id = "general/cert-expired/renew";
    let node = kb.nodes.iter_mut().find(|n| n.id == id).unwrap();
    if let Body::Remedy { audience, .. } = &mut node.body {
        *audience = tokenyar_engine::model::Audience::Agent;
    }
    let mut m = common::model(Lang::En, &common::expired());
    m.kb = Arc::new(kb);
    m.index = Arc::new(tokenyar_engine::lookup::Index::build(&m.kb));
    assert!(evidence::hidden_remedy(&m, id));
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    assert_eq!(current(&m), id);
    // Only "did not help" is offered, and the steps are not in the report.
    assert_eq!(
        update::walk_options(&m),
        vec![update::WalkOption::NotHelped]
    );
    let Some(Body::Remedy { steps, .. }) = m.kb.node(id).map(|n| n.body.clone()) else {
        panic!()
    };
    act(&mut m, Action::Diagnose);
    let text = report::markdown(&m);
    assert!(!text.contains(steps[0].get(Lang::En)), "{text}");
    m.settings.agent = true;
    assert!(!evidence::hidden_remedy(&m, id));
    assert!(report::markdown(&m).contains(steps[0].get(Lang::En)));
}

#[test]
fn the_report_is_saved_in_the_ui_language() {
    let dir = tempfile::tempdir().unwrap();
    let mut m = common::model(Lang::Fa, &common::expired());
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    act(&mut m, Action::Report);
    assert_eq!(m.screen, Screen::Report);
    let path = dir.path().join("case.md");
    m.report.path = path.display().to_string();
    m.report.cursor = m.report.path.len();
    act(&mut m, Action::Save);
    assert!(
        matches!(&m.report.saved, Some(Ok(_))),
        "{:?}",
        m.report.saved
    );
    let text = std::fs::read_to_string(&path).unwrap();
    // The engine's report, in Persian only.
    assert!(text.starts_with("# گزارش پرونده‌ی توکن\n"), "{text}");
    assert!(!text.contains("Token case report"), "{text}");
    let remedy =
        m.kb.node(&current(&m))
            .unwrap()
            .title
            .get(Lang::Fa)
            .to_string();
    assert!(text.contains(&remedy), "{text}");
    assert!(text.contains("۱۴۰۳/۱۲/۱۱"), "{text}");
    // The Gregorian time is marked left-to-right so a Persian line cannot split it apart.
    assert!(
        text.contains("\u{200E}2025-03-01 09:00 +03:30\u{200E}"),
        "{text}"
    );
    // Replayed facts are named as a bundle's, not as this computer's.
    assert!(text.contains("بسته‌ی اطلاعات رایانه"), "{text}");
    // Esc returns to the walk.
    act(&mut m, Action::Back);
    assert_eq!(m.screen, Screen::Walk);
}

#[test]
fn one_key_switches_the_language_everywhere() {
    let mut m = common::model(Lang::Fa, &common::expired());
    act(&mut m, Action::ToggleLang);
    assert_eq!(m.settings.lang, Lang::En);
    assert_eq!(m.t("screen-home"), "Home");
    act(&mut m, Action::ToggleLang);
    assert_eq!(m.t("screen-home"), "صفحه‌ی اول");
}

#[test]
fn settings_cycle_and_ask_to_be_saved() {
    let mut m = common::model(Lang::En, &common::expired());
    act(&mut m, Action::Settings);
    act(&mut m, Action::Down);
    let fx = update::update(&mut m, Action::Select);
    assert!(matches!(fx.as_slice(), [Effect::SaveSettings]));
    assert_eq!(m.settings.bidi, tokenyar::bidi::BidiMode::Terminal);
    act(&mut m, Action::Down);
    act(&mut m, Action::Down);
    act(&mut m, Action::Select);
    assert!(m.settings.agent);
}

#[test]
fn every_key_in_the_table_is_explained_in_both_languages() {
    let i = tokenyar::i18n::I18n::new();
    for b in bindings() {
        assert!(
            i.has(Lang::Fa, b.help) && i.has(Lang::En, b.help),
            "{}",
            b.help
        );
    }
}

#[test]
fn diagnose_runs_as_an_effect_and_opens_the_worst_finding() {
    let mut m = common::model(Lang::En, &common::expired());
    let fx = update::update(&mut m, Action::Diagnose);
    assert!(matches!(fx.as_slice(), [Effect::RunDiagnose { .. }]));
    assert!(m.diag.as_ref().unwrap().result.is_none());
    settle(&mut m, fx);
    let d = m.diag.as_ref().unwrap();
    let r = d.result.as_ref().unwrap();
    assert_eq!(r.findings[0].case, "general/cert-expired");
    assert_eq!(r.checks[d.sel].id, r.findings[0].node);
    assert!(d.expanded.contains(&d.sel));
    // w walks from the finding.
    act(&mut m, Action::WalkFinding);
    assert_eq!(m.screen, Screen::Walk);
}

/// Esc on a walk with answers asks first; any other key stays, Esc again leaves. F2 asks for
/// the settings to be saved, as F3's changes do.
#[test]
fn leaving_a_walk_with_answers_asks_and_the_language_is_saved() {
    let mut m = common::model(Lang::En, &common::expired());
    act(&mut m, Action::Select);
    // No answer yet: Esc leaves at once.
    act(&mut m, Action::Back);
    assert_eq!(m.screen, Screen::Home);
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    act(&mut m, Action::Back);
    assert_eq!(m.screen, Screen::Walk);
    assert!(m.confirm_leave);
    // Any other key: stay (and the key does nothing else).
    act(&mut m, Action::Down);
    assert!(!m.confirm_leave);
    assert_eq!(m.screen, Screen::Walk);
    act(&mut m, Action::Back);
    act(&mut m, Action::Back);
    assert_eq!(m.screen, Screen::Home);
    let fx = update::update(&mut m, Action::ToggleLang);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::SaveSettings)),
        "{fx:?}"
    );
}

/// F3 and F6 are in the footers; the escalation screen offers to save the walk for support.
#[test]
fn settings_and_save_for_support_are_in_sight() {
    let mut m = common::model(Lang::En, &common::expired());
    let keys = |m: &Model| -> Vec<&str> {
        tokenyar::app::draw::footer_hints(m)
            .into_iter()
            .map(|(k, _, _)| k)
            .collect()
    };
    assert!(keys(&m).contains(&"F3"));
    act(&mut m, Action::Select);
    let i = choice_to(&m, "general/cert-expired");
    act(&mut m, Action::Choose(i));
    assert!(keys(&m).contains(&"F6") && keys(&m).contains(&"F3"));
    act(&mut m, Action::Select);
    act(&mut m, Action::NotHelped);
    assert!(matches!(need(&m), Need::Ended(End::Escalated { .. })));
    let opts = tokenyar::app::update::walk_options(&m);
    assert_eq!(opts[0], tokenyar::app::update::WalkOption::SaveSession);
    // Choosing it saves the session file.
    let fx = update::update(&mut m, Action::Select);
    assert!(
        fx.iter().any(
            |e| matches!(e, Effect::WriteFile { path, .. } if path.starts_with("tokenyar-session-"))
        ),
        "{fx:?}"
    );
}
