//! A plain Markdown case note of the walk and the diagnosis, in the UI language, for the
//! report screen's preview and its file. (The full `report` command is a later issue.)

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use tokenyar_engine::infer::session::{End, RemedyOutcome, Via};
use tokenyar_engine::kb::{Body, Status};

use super::evidence;
use super::state::Model;
use crate::dates;

pub fn default_file_name(t: &DateTime<FixedOffset>) -> String {
    format!("tokenyar-report-{}.md", t.format("%Y%m%d-%H%M"))
}

pub fn status_word(m: &Model, s: Status) -> String {
    m.t(match s {
        Status::Ok => "status-ok",
        Status::Warn => "status-warn",
        Status::Fail => "status-fail",
        Status::Unknown => "status-unknown",
    })
}

pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Ok => "✓",
        Status::Warn => "!",
        Status::Fail => "✗",
        Status::Unknown => "?",
    }
}

fn title(m: &Model, id: &str) -> String {
    m.kb.node(id)
        .map(|n| n.title.get(m.lang()).to_string())
        .unwrap_or_else(|| id.to_string())
}

pub fn markdown(m: &Model) -> String {
    let lang = m.lang();
    let raw = m.settings.agent;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", m.t("report-heading"));
    let when = format!(
        "{} (\u{2066}{}\u{2069})",
        dates::date_time(lang, &m.wall),
        dates::date_time(
            match lang {
                tokenyar_engine::kb::Lang::Fa => tokenyar_engine::kb::Lang::En,
                tokenyar_engine::kb::Lang::En => tokenyar_engine::kb::Lang::Fa,
            },
            &m.wall
        )
    );
    let _ = writeln!(o, "- {}: {when}", m.t("report-time"));
    let _ = writeln!(
        o,
        "- {}: tokenyar {} · KB {}",
        m.t("report-version"),
        tokenyar_engine::VERSION,
        m.kb.version
    );
    let source = match &m.replay {
        Some(f) => m.ta("report-facts-bundle", &[("file", f.as_str().into())]),
        None => m.t("report-facts-live"),
    };
    let _ = writeln!(o, "- {}: {source}", m.t("report-facts"));
    let mode = m.t(if raw { "mode-agent" } else { "mode-user" });
    let _ = writeln!(o, "- {}: {mode}", m.t("settings-mode"));

    if let Some(w) = &m.walk {
        let s = &w.session;
        let _ = writeln!(o, "\n## {}\n", m.t("report-walk"));
        if let Some(sys) = w.runner.system() {
            let _ = writeln!(o, "{}: {}\n", m.t("report-system"), m.system_name(sys));
        }
        for (i, step) in s.steps().iter().enumerate() {
            let how = match &step.via {
                Via::Start => m.t("via-start"),
                Via::Answer { choice } => {
                    let prev = i.checked_sub(1).and_then(|p| s.steps().get(p));
                    let text = prev
                        .and_then(|p| m.kb.node(&p.node))
                        .and_then(|n| match &n.body {
                            Body::Question { choices, .. } => choices.get(*choice),
                            _ => None,
                        })
                        .map(|c| c.text.get(lang).to_string())
                        .unwrap_or_default();
                    m.ta("via-answer", &[("choice", text.into())])
                }
                Via::Auto { status, .. } => {
                    m.ta("via-auto", &[("status", status_word(m, *status).into())])
                }
                Via::Probe { status } => {
                    m.ta("via-probe", &[("status", status_word(m, *status).into())])
                }
                Via::Next => m.t("via-next"),
                Via::Unresolved => m.t("via-unresolved"),
            };
            let n = dates::digits(lang, &(i + 1).to_string());
            let _ = writeln!(o, "{n}. {} ({how})", title(m, &step.node));
        }
        let outcome = match s.need() {
            tokenyar_engine::infer::Need::Ended(End::Resolved { remedy, verified }) => m.ta(
                if verified {
                    "end-resolved-verified"
                } else {
                    "end-resolved"
                },
                &[("remedy", title(m, &remedy).into())],
            ),
            tokenyar_engine::infer::Need::Ended(End::Escalated { node }) => {
                m.ta("end-escalated", &[("remedy", title(m, &node).into())])
            }
            tokenyar_engine::infer::Need::Ended(End::Finished { .. }) => m.t("end-finished"),
            _ => m.t("end-open"),
        };
        let _ = writeln!(o, "\n**{}**: {outcome}", m.t("report-outcome"));
        if !s.state.tried.is_empty() {
            let _ = writeln!(o, "\n### {}\n", m.t("report-tried"));
            for t in &s.state.tried {
                let r = m.t(match t.outcome {
                    RemedyOutcome::Helped => "tried-helped",
                    RemedyOutcome::VerifyFailed => "tried-verify-failed",
                    RemedyOutcome::NotHelped => "tried-not-helped",
                });
                let _ = writeln!(o, "- {}: {r}", title(m, &t.remedy));
            }
        }
        if !s.state.evidence.is_empty() {
            let _ = writeln!(o, "\n### {}\n", m.t("evidence-title"));
            for e in &s.state.evidence {
                let _ = writeln!(
                    o,
                    "- [{}] {} ({})",
                    status_mark(e.result.status),
                    title(m, &e.probe),
                    status_word(m, e.result.status)
                );
                for (depth, l) in evidence::lines(m, &e.result.evidence, raw) {
                    let _ = writeln!(o, "  {}- {l}", "  ".repeat(depth));
                }
                if let Some(r) = &e.result.reason {
                    let _ = writeln!(o, "  {}: {r}", m.t("evidence-reason"));
                }
            }
        }
    }

    if let Some(r) = m.diag.as_ref().and_then(|d| d.result.as_ref()) {
        let _ = writeln!(o, "\n## {}\n", m.t("report-diagnosis"));
        if let Some(sys) = &r.system {
            let _ = writeln!(o, "{}: {}\n", m.t("report-system"), m.system_name(sys));
        }
        for c in &r.checks {
            let _ = writeln!(
                o,
                "- [{}] {} ({})",
                status_mark(c.status),
                c.title.get(lang),
                status_word(m, c.status)
            );
        }
        if r.findings.is_empty() {
            let _ = writeln!(o, "\n{}", m.t("diag-none"));
        }
        for f in &r.findings {
            let _ = writeln!(o, "\n### {}\n", f.title.get(lang));
            for (depth, l) in evidence::lines(m, &f.evidence, raw) {
                let _ = writeln!(o, "{}- {l}", "  ".repeat(depth));
            }
            if let Some(rem) = &f.remedy
                && !evidence::hidden_remedy(m, &rem.id)
            {
                let _ = writeln!(o, "\n{}: {}\n", m.t("diag-remedy"), rem.title.get(lang));
                for (i, st) in rem.steps.iter().enumerate() {
                    let _ = writeln!(
                        o,
                        "{}. {}",
                        dates::digits(lang, &(i + 1).to_string()),
                        st.get(lang)
                    );
                }
            }
        }
    }
    if m.walk.is_none() && m.diag.as_ref().and_then(|d| d.result.as_ref()).is_none() {
        let _ = writeln!(o, "\n{}", m.t("report-empty"));
    }
    // Isolation marks stay: editors and browsers apply the BiDi algorithm to the file and need
    // them to keep a Gregorian date or an English name whole inside Persian text. The preview
    // strips them after its own BiDi pass, like every other text on screen.
    o
}
