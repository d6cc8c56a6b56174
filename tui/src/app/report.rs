//! The report screen's text: the engine's case report (`tokenyar_engine::report`) of the walk
//! and the checks this screen holds, in the UI language, so the preview, its saved file and
//! `tokenyar report` on a saved session say the same thing in the same words.

use chrono::{DateTime, FixedOffset};
use tokenyar_engine::calendar::Stamp;
use tokenyar_engine::kb::Status;
use tokenyar_engine::report::{self, Format, LangChoice, Options};

use super::state::Model;

pub fn default_file_name(t: &DateTime<FixedOffset>) -> String {
    format!("tokenyar-report-{}.md", t.format("%Y%m%d-%H%M"))
}

/// A status as a word (the engine's one list of status words).
pub fn status_word(m: &Model, s: Status) -> String {
    m.t(tokenyar_engine::i18n::status_id(s))
}

/// The verdict as a word: "does not apply here" for a check that does not apply, never "ok".
pub fn verdict_word(m: &Model, s: Status, not_applicable: bool) -> String {
    if not_applicable {
        m.t("status-not-applicable")
    } else {
        status_word(m, s)
    }
}

/// The mark of a verdict: `–` for a check that does not apply here.
pub fn verdict_mark(s: Status, not_applicable: bool) -> &'static str {
    if not_applicable {
        "–"
    } else {
        status_mark(s)
    }
}

pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Ok => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Unknown => "?",
    }
}

/// The Markdown case report of the walk in progress and the latest checks. Personal data is
/// replaced by placeholders unless the screen is in support-agent mode, where the agent is
/// looking at the user's own machine with them.
pub fn markdown(m: &Model) -> String {
    let session = m.walk.as_ref().map(|w| &w.session);
    let diagnosis = m.diag.as_ref().and_then(|d| d.result.as_ref());
    let opts = Options {
        redact: !m.settings.agent,
        system: m.diag.as_ref().and_then(|d| d.system.clone()),
        source_name: m.replay.clone(),
        for_user: !m.settings.agent,
    };
    match report::build_live(&m.kb, session, diagnosis, m.facts.as_ref(), &opts) {
        Ok(mut r) => {
            // The screen's clock (a replay's is the bundle's) dates the report.
            r.created = Stamp::new(m.wall.to_utc(), r.utc_offset_minutes);
            report::render(&r, Format::Markdown, LangChoice::One(m.lang()))
        }
        // A walk whose steps this knowledge base cannot replay (never the case for the walk
        // the screen itself runs): say so rather than show nothing.
        Err(e) => format!("{}\n\n{e}\n", m.t("report-empty")),
    }
}
