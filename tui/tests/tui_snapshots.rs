//! Every screen in Persian and English at 80x24 and 120x40, drawn into ratatui's TestBackend.
//! The snapshots hold the cells as the terminal receives them: Persian in visual order (read
//! them right to left), right-aligned.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support as common;
use common::{act, typed};

use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokenyar::app::action::Action;
use tokenyar::app::state::Model;
use tokenyar::app::{draw, update};
use tokenyar_engine::kb::Lang;

/// The report names when each check ran (the real clock, not the replayed one): today's date
/// and any time but the scenes' own (09:00 on the bundle's clock, 00:00 on certificates, the
/// +03:30 offset) are replaced by placeholders of the same width, so the layout is still checked.
fn without_run_times(text: &str) -> String {
    let now = chrono::Utc::now() + chrono::Duration::minutes(210);
    let day = now.date_naive();
    let greg = day.format("%Y-%m-%d").to_string();
    let jal = tokenyar_engine::calendar::to_jalali(day)
        .map(|j| j.to_string())
        .unwrap_or_default();
    let mut out = text
        .replace(&greg, "YYYY-MM-DD")
        .replace(&jal, "JJJJ/JJ/JJ")
        .replace(&tokenyar_engine::text::persian_digits(&jal), "JJJJ/JJ/JJ");
    let time = regex::Regex::new(r"\b[0-9۰-۹]{2}:[0-9۰-۹]{2}\b").unwrap();
    out = time
        .replace_all(&out, |c: &regex::Captures| {
            let t = tokenyar_engine::text::ascii_digits(&c[0]);
            if ["09:00", "00:00", "03:30"].contains(&t.as_str()) {
                c[0].to_string()
            } else {
                "hh:mm".to_string()
            }
        })
        .into_owned();
    out
}

fn screen_text(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| {
        draw::draw(m, f);
    })
    .unwrap();
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..h {
        let mut line = String::new();
        for x in 0..w {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The choice of the current question that leads to `target` (choice order is KB data).
fn choice_to(m: &Model, target: &str) -> usize {
    let w = m.walk.as_ref().unwrap();
    let node = m.kb.node(&w.session.steps().last().unwrap().node).unwrap();
    let tokenyar_engine::kb::Body::Question { choices, .. } = &node.body else {
        panic!("{} is not a question", node.id)
    };
    choices.iter().position(|c| c.next == target).unwrap()
}

/// Starts the general walk and picks the expired-certificate case.
fn to_expired(m: &mut Model) -> Action {
    act(m, Action::Select);
    Action::Choose(choice_to(m, "general/cert-expired"))
}

/// Builds the model of one named screen.
fn scene(name: &str, lang: Lang) -> Model {
    let mut m = common::model(lang, &common::expired());
    match name {
        "home" => {}
        "home_search" => typed(
            &mut m,
            if lang == Lang::Fa {
                "گواهی منقضی"
            } else {
                "certificate expired"
            },
        ),
        "walk_question" => act(&mut m, Action::Select),
        "walk_probe" => {
            // The first step, then a choice whose probe is still running (effects not run)
            // and has been running for longer than usual.
            let choose = to_expired(&mut m);
            let fx = update::update(&mut m, choose);
            assert_eq!(fx.len(), 1, "{fx:?}");
            let now = m.now + Duration::from_secs(4);
            update::update(&mut m, Action::Tick(now));
        }
        "walk_remedy" => {
            let choose = to_expired(&mut m);
            act(&mut m, choose);
            act(&mut m, Action::Evidence);
        }
        "walk_escalated" => {
            let choose = to_expired(&mut m);
            act(&mut m, choose);
            act(&mut m, Action::NotHelped);
        }
        "walk_steps" => {
            let choose = to_expired(&mut m);
            act(&mut m, choose);
            act(&mut m, Action::Steps);
        }
        "diagnose" => act(&mut m, Action::Diagnose),
        "report" => {
            let choose = to_expired(&mut m);
            act(&mut m, choose);
            act(&mut m, Action::Report);
        }
        "settings" => act(&mut m, Action::Settings),
        "help" => act(&mut m, Action::Help),
        other => panic!("no scene {other}"),
    }
    m
}

const SCENES: [&str; 11] = [
    "home",
    "home_search",
    "walk_question",
    "walk_probe",
    "walk_remedy",
    "walk_escalated",
    "walk_steps",
    "diagnose",
    "report",
    "settings",
    "help",
];

#[test]
fn every_screen_in_both_languages_at_two_sizes() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for name in SCENES {
            for lang in [Lang::Fa, Lang::En] {
                let m = scene(name, lang);
                for (w, h) in [(80u16, 24u16), (120, 40)] {
                    // The KB version carries a digest of the content: any KB edit changes it.
                    let text = screen_text(&m, w, h).replace(&m.kb.version, "<kb-version>");
                    let text = without_run_times(&text);
                    insta::assert_snapshot!(format!("{name}_{}_{w}x{h}", lang.code()), text);
                }
            }
        }
    });
}

/// The borders line up on every row: Persian text never pushes the right border out.
#[test]
fn borders_line_up_on_every_screen() {
    for name in SCENES {
        for lang in [Lang::Fa, Lang::En] {
            let m = scene(name, lang);
            let text = screen_text(&m, 80, 24);
            for (i, line) in text.lines().enumerate() {
                let starts_box =
                    line.starts_with('│') || line.starts_with('╭') || line.starts_with('╰');
                if starts_box && !name.contains("steps") {
                    let w = tokenyar::bidi::width(line);
                    assert_eq!(w, 80, "{name} {lang:?} row {i}: {line}");
                }
            }
        }
    }
}

/// What a user reads in Persian is right-aligned and in visual order.
#[test]
fn persian_home_is_right_aligned_and_reversed() {
    let m = scene("home", Lang::Fa);
    let text = screen_text(&m, 80, 24);
    // "سامانه‌ها" (the list's heading) in visual order, at the right edge of the box.
    let heading = "اه\u{200c}هناماس │";
    assert!(text.lines().any(|l| l.ends_with(heading)), "{text}");
    // The English header text is not reversed.
    let m = scene("home", Lang::En);
    let text = screen_text(&m, 80, 24);
    assert!(
        text.lines().next().unwrap().contains("tokenyar · Home"),
        "{text}"
    );
}

/// F5 with one check open, over a recorded machine of the knowledge base's tests: its evidence
/// in words, one scene per kind of fact.
fn evidence_scene(bundle: &str, probe: &str, lang: Lang) -> Model {
    let b: serde_json::Value = if bundle == "expired" {
        common::expired()
    } else {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kb/general/tests")
            .join(bundle);
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut m = common::model(lang, &b);
    act(&mut m, Action::Diagnose);
    let d = m.diag.as_mut().unwrap();
    let i = d
        .result
        .as_ref()
        .unwrap()
        .checks
        .iter()
        .position(|c| c.probe == probe)
        .unwrap_or_else(|| panic!("no check {probe}"));
    d.sel = i;
    d.expanded = [i].into();
    // Down to the open check's evidence.
    d.scroll = 12;
    m
}

#[test]
fn evidence_in_words_for_each_kind_of_fact() {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (name, bundle, probe) in [
            ("certificate", "expired", "general/probe/cert-count"),
            ("token", "machine-pin-locked.json", "general/probe/user-pin"),
            (
                "token_modules",
                "machine.json",
                "general/probe/token-detected",
            ),
            ("software", "machine.json", "general/probe/java"),
            ("clock", "machine.json", "general/probe/clock"),
            ("dastine", "machine.json", "general/probe/dastine"),
        ] {
            for lang in [Lang::Fa, Lang::En] {
                let m = evidence_scene(bundle, probe, lang);
                let text = screen_text(&m, 80, 24).replace(&m.kb.version, "<kb-version>");
                let text = without_run_times(&text);
                insta::assert_snapshot!(format!("evidence_{name}_{}_80x24", lang.code()), text);
            }
        }
    });
}
