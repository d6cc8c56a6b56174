//! "Why?": how a walk or a diagnosis reached a node. An explanation is the path of nodes with
//! their titles, each probe that ran on the way with its raw evidence and time, and each answer
//! with the text of the chosen choice. It is data (reports serialize it) and reads as sentences
//! in either language ([`Explanation::lines`]).

use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use serde::{Deserialize, Serialize};

use super::diagnose::Finding;
use super::session::{Evidence, Step, Via, WalkState};
use crate::calendar::Stamp;
use crate::i18n::{self, Message};
use crate::kb::{Kb, Node};
use crate::model::{Body, Kind, Lang, Status, Text};
use crate::probe::ProbeResult;

/// Why a node was reached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The node explained: a finding's symptom, a remedy, the step a walk stands at.
    pub node: String,
    pub title: Text,
    pub steps: Vec<WhyStep>,
}

/// One step of the path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhyStep {
    pub index: usize,
    pub node: String,
    /// `None` when this knowledge base no longer has the node.
    pub kind: Option<Kind>,
    pub title: Text,
    pub at: DateTime<Utc>,
    pub how: How,
    /// The probes that ran while the walk stood here, in order.
    pub probes: Vec<ProbeSeen>,
}

/// How the walk arrived at a step, with the texts the user saw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum How {
    Start,
    /// The user chose `choice` (0-based) of `question`.
    Answer {
        question: String,
        question_text: Text,
        choice: usize,
        choice_text: Text,
    },
    /// A probe answered `question`.
    Auto {
        question: String,
        question_text: Text,
        probe: String,
        probe_title: Text,
        status: Status,
        choice_text: Text,
    },
    /// The previous step was the probe `probe`, with this result.
    Probe {
        probe: String,
        probe_title: Text,
        status: Status,
    },
    /// The previous step leads here by itself (or the user read it and went on).
    Next {
        from: String,
    },
    /// The remedy `remedy` did not help.
    Unresolved {
        remedy: String,
        remedy_title: Text,
    },
}

/// What a probe is run for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeRole {
    /// A symptom's `check:` (diagnose).
    Check,
    /// The step is the probe itself.
    Step,
    /// It answered the question for the user.
    Auto,
    /// It checked whether the remedy worked.
    Verify,
}

/// One probe run with its raw result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeSeen {
    pub probe: String,
    pub title: Text,
    pub role: ProbeRole,
    pub status: Status,
    pub evidence: serde_json::Map<String, serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Message>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Message>,
    /// The check does not apply on this computer (its status is then `ok`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    pub facts_read: Vec<String>,
    pub at: DateTime<Utc>,
    pub elapsed_ms: u64,
}

impl ProbeSeen {
    fn new(kb: &Kb, probe: &str, role: ProbeRole, r: &ProbeResult) -> ProbeSeen {
        ProbeSeen {
            probe: probe.to_string(),
            title: kb.node(probe).map(|n| n.title.clone()).unwrap_or_default(),
            role,
            status: r.status,
            evidence: r.evidence.clone(),
            note: r.note.clone(),
            reason: r.reason.clone(),
            not_applicable: r.not_applicable,
            facts_read: r.facts_read.clone(),
            at: r.at,
            elapsed_ms: r.elapsed_ms,
        }
    }
}

/// The text a question shows: its `text`, else its title.
fn question_text(n: Option<&Node>) -> Text {
    n.map(|n| n.text.clone().unwrap_or_else(|| n.title.clone()))
        .unwrap_or_default()
}

fn choice_text(n: Option<&Node>, choice: usize) -> Text {
    match n.map(|n| &n.body) {
        Some(Body::Question { choices, .. }) => choices
            .get(choice)
            .map(|c| c.text.clone())
            .unwrap_or_default(),
        _ => Text::default(),
    }
}

/// The choice a probe's status picked (the first whose `when` names it).
fn auto_choice(n: Option<&Node>, status: Status) -> Text {
    match n.map(|n| &n.body) {
        Some(Body::Question { choices, .. }) => choices
            .iter()
            .find(|c| c.when.contains(&status))
            .map(|c| c.text.clone())
            .unwrap_or_default(),
        _ => Text::default(),
    }
}

/// What a probe was for at a node: the node itself, its `auto:` or its `verify:`.
fn role_at(node: Option<&Node>, probe: &str) -> ProbeRole {
    match node.map(|n| (&n.id, &n.body)) {
        Some((_, Body::Question { auto: Some(a), .. })) if a == probe => ProbeRole::Auto,
        Some((
            _,
            Body::Remedy {
                verify: Some(v), ..
            },
        )) if v == probe => ProbeRole::Verify,
        _ => ProbeRole::Step,
    }
}

/// Every step of a walk, explained.
pub fn walk(kb: &Kb, steps: &[Step], evidence: &[Evidence]) -> Vec<WhyStep> {
    let mut out: Vec<WhyStep> = Vec::with_capacity(steps.len());
    // Evidence saved before steps were numbered goes to the last visit of its node, where the
    // walk stood when the probe ran most recently.
    let last_visit = |node: &str| steps.iter().rposition(|s| s.node == node);
    for (i, s) in steps.iter().enumerate() {
        let node = kb.node(&s.node);
        let prev = i.checked_sub(1).map(|p| &steps[p].node);
        let prev_node = prev.and_then(|p| kb.node(p));
        let prev_id = prev.cloned().unwrap_or_default();
        let title_of = |id: &str| kb.node(id).map(|n| n.title.clone()).unwrap_or_default();
        let how = match &s.via {
            Via::Start => How::Start,
            Via::Answer { choice } => How::Answer {
                question: prev_id,
                question_text: question_text(prev_node),
                choice: *choice,
                choice_text: choice_text(prev_node, *choice),
            },
            Via::Auto { probe, status } => How::Auto {
                question: prev_id,
                question_text: question_text(prev_node),
                probe: probe.clone(),
                probe_title: title_of(probe),
                status: *status,
                choice_text: auto_choice(prev_node, *status),
            },
            Via::Probe { status } => How::Probe {
                probe_title: title_of(&prev_id),
                probe: prev_id,
                status: *status,
            },
            Via::Next => How::Next { from: prev_id },
            Via::Unresolved => How::Unresolved {
                remedy_title: title_of(&prev_id),
                remedy: prev_id,
            },
        };
        let probes = evidence
            .iter()
            .filter(|e| {
                e.for_node == s.node && e.step.map_or(last_visit(&s.node) == Some(i), |k| k == i)
            })
            .map(|e| ProbeSeen::new(kb, &e.probe, role_at(node, &e.probe), &e.result))
            .collect();
        out.push(WhyStep {
            index: i,
            node: s.node.clone(),
            kind: node.map(|n| n.kind),
            title: node.map(|n| n.title.clone()).unwrap_or_default(),
            at: s.at,
            how,
            probes,
        });
    }
    out
}

fn explanation(kb: &Kb, steps: Vec<WhyStep>) -> Explanation {
    let last = steps.last().map(|s| s.node.clone()).unwrap_or_default();
    Explanation {
        title: kb.node(&last).map(|n| n.title.clone()).unwrap_or_default(),
        node: last,
        steps,
    }
}

/// Why the walk stands at step `index` (the whole path up to it).
pub fn step(kb: &Kb, state: &WalkState, index: usize) -> Explanation {
    let upto = (index + 1).min(state.steps.len());
    let mut steps = walk(kb, &state.steps, &state.evidence);
    steps.truncate(upto);
    explanation(kb, steps)
}

/// Why the walk offered `remedy`: the path up to its last visit; `None` if it never did.
pub fn remedy(kb: &Kb, state: &WalkState, remedy: &str) -> Option<Explanation> {
    let i = state.steps.iter().rposition(|s| s.node == remedy)?;
    Some(step(kb, state, i))
}

/// Why `diagnose` found this: the check that fired at the symptom, then the walk from there.
pub fn finding(kb: &Kb, f: &Finding) -> Explanation {
    let mut steps = walk(kb, &f.trace.path, &f.trace.evidence);
    let check = ProbeSeen::new(kb, &f.trace.check, ProbeRole::Check, &f.trace.probe);
    match steps.first_mut() {
        Some(first) if first.node == f.node => first.probes.insert(0, check),
        _ => steps.insert(
            0,
            WhyStep {
                index: 0,
                node: f.node.clone(),
                kind: kb.node(&f.node).map(|n| n.kind),
                title: f.title.clone(),
                at: f.trace.probe.at,
                how: How::Start,
                probes: vec![check],
            },
        ),
    }
    let mut e = explanation(kb, steps);
    if let Some(r) = &f.remedy {
        e.node = r.id.clone();
        e.title = r.title.clone();
    }
    e
}

/// A status as a word (the one list of status words is the engine's Fluent catalog).
pub fn status_word(s: Status, lang: Lang) -> String {
    i18n::status_word(s, lang)
}

/// A raw value on one line, cut at `max` characters.
pub fn value_text(v: &serde_json::Value, max: usize) -> String {
    let s = match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.chars().count() > max {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// `key: value, key: value` of a probe's evidence.
pub(crate) fn evidence_text(m: &serde_json::Map<String, serde_json::Value>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}: {}", value_text(v, 160)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn title_or_id<'a>(t: &'a Text, id: &'a str, lang: Lang) -> &'a str {
    let s = t.get(lang);
    if s.is_empty() { id } else { s }
}

impl WhyStep {
    /// How the walk got here, as one sentence.
    pub fn how_text(&self, lang: Lang) -> String {
        let title = title_or_id(&self.title, &self.node, lang);
        let s = |x: &str| FluentValue::from(x.to_string());
        match &self.how {
            How::Start => i18n::ta(lang, "why-start", &[("title", s(title))]),
            How::Answer {
                question_text,
                choice_text,
                ..
            } => i18n::ta(
                lang,
                "why-answer",
                &[
                    ("question", s(question_text.get(lang))),
                    ("choice", s(choice_text.get(lang))),
                    ("title", s(title)),
                ],
            ),
            How::Auto {
                question_text,
                probe,
                probe_title,
                status,
                choice_text,
                ..
            } => i18n::ta(
                lang,
                "why-auto",
                &[
                    ("question", s(question_text.get(lang))),
                    ("probe", s(title_or_id(probe_title, probe, lang))),
                    ("status", s(&status_word(*status, lang))),
                    ("choice", s(choice_text.get(lang))),
                    ("title", s(title)),
                ],
            ),
            How::Probe {
                probe,
                probe_title,
                status,
            } => i18n::ta(
                lang,
                "why-probe",
                &[
                    ("probe", s(title_or_id(probe_title, probe, lang))),
                    ("status", s(&status_word(*status, lang))),
                    ("title", s(title)),
                ],
            ),
            How::Next { .. } => i18n::ta(lang, "why-next", &[("title", s(title))]),
            How::Unresolved {
                remedy,
                remedy_title,
            } => i18n::ta(
                lang,
                "why-unresolved",
                &[
                    ("remedy", s(title_or_id(remedy_title, remedy, lang))),
                    ("title", s(title)),
                ],
            ),
        }
    }
}

impl ProbeSeen {
    /// The probe's result as one line: what it checked, its verdict, when, and the raw values.
    pub fn text(&self, lang: Lang, offset_minutes: i32) -> String {
        let title = title_or_id(&self.title, &self.probe, lang);
        let when = Stamp::new(self.at, offset_minutes).text(lang);
        let mut s = i18n::ta(
            lang,
            "why-check",
            &[
                ("title", title.to_string().into()),
                ("status", self.verdict(lang).into()),
                ("when", when.into()),
            ],
        );
        if !self.evidence.is_empty() {
            s.push_str(&format!(" — {}", evidence_text(&self.evidence)));
        }
        if let Some(r) = self.said() {
            s.push_str(&format!(" ({})", r.text(lang)));
        }
        s
    }

    /// The verdict as a word: the status, or "does not apply here".
    pub fn verdict(&self, lang: Lang) -> String {
        if self.not_applicable {
            i18n::t(lang, "status-not-applicable")
        } else {
            status_word(self.status, lang)
        }
    }

    /// What the probe said: its reason for "could not tell", else its note.
    pub fn said(&self) -> Option<&Message> {
        self.reason.as_ref().or(self.note.as_ref())
    }
}

impl Explanation {
    /// The explanation as lines of text: one per step, then one per probe run there (indented).
    pub fn lines(&self, lang: Lang, offset_minutes: i32) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.steps {
            out.push(s.how_text(lang));
            for p in &s.probes {
                out.push(format!("  {}", p.text(lang, offset_minutes)));
            }
        }
        out
    }
}
