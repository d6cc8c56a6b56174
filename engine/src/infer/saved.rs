//! Saved sessions: a guided walk written to a file, sent to a support agent and resumed there.
//!
//! ```json
//! {"format": "tokenyar-session", "version": 1, "tool_version": "0.1.0", "kb_version": "…",
//!  "created": "…", "system": "setad", "walk": {steps, evidence, tried, ended, …},
//!  "facts": {"token": {"value": …}, …}, "redacted": true}
//! ```
//! `facts` are the facts the walk's probes read (as in a bundle), plus the facts that describe
//! the machine (`CONTEXT_FACTS`), so the agent's copy of the walk sees what the user's saw.
//! Like bundles, a session never holds a PIN, and by default national ids, serial numbers, user
//! and host names are placeholders, in the facts and in the walk's evidence alike (one
//! [`Redactor`] for both, so a placeholder means the same thing everywhere).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::session::{Session, Via, WalkState};
use crate::facts::redact::{Redactor, scrub_facts, scrub_secrets};
use crate::facts::{Bundle, Fact, Facts, Snapshot};
use crate::kb::Kb;
use crate::model::Body;

/// The `format` field of every session file.
pub const FORMAT: &str = "tokenyar-session";
/// The newest session version this build reads and the one it writes.
pub const VERSION: u32 = 1;
/// Facts saved with every session whether the walk read them or not: what the machine is (the
/// report shows it, and redaction learns the user and host names to mask from it) and its
/// clock (reports show times in the user's offset from UTC).
pub(crate) const CONTEXT_FACTS: [&str; 2] = ["os", "clock"];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SavedSession {
    pub format: String,
    pub version: u32,
    #[serde(default)]
    pub tool_version: Option<String>,
    #[serde(default)]
    pub kb_version: Option<String>,
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    #[serde(default)]
    pub system: Option<String>,
    pub walk: WalkState,
    #[serde(default)]
    pub facts: BTreeMap<String, Fact>,
    /// Whether personal data was replaced by placeholders.
    #[serde(default)]
    pub redacted: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SessionFileError {
    #[error(transparent)]
    File(#[from] crate::files::FileError),
    #[error("{path}:{line}:{col}: not a valid session file: {message}")]
    Json {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
    #[error("{path}: not a tokenyar session (its `format` is {found:?}, expected {FORMAT:?})")]
    NotSession { path: String, found: String },
    #[error(
        "{path}: this session is version {found}, newer than this tokenyar understands (up to {VERSION}); update tokenyar to read it"
    )]
    FromTheFuture { path: String, found: u32 },
    #[error(
        "step {step} of the saved walk, `{node}` ({how}), no longer exists in this knowledge base (version {kb_version}; the session was saved with {saved_with}); the walk cannot resume there"
    )]
    StepGone {
        /// 1-based, as people count.
        step: usize,
        node: String,
        how: String,
        kb_version: String,
        saved_with: String,
    },
}

/// A difference between the saved walk and this knowledge base that does not stop it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// 1-based step number.
    pub step: usize,
    pub node: String,
    /// Where the recorded edge leads in this knowledge base now (`None`: nowhere).
    pub now_leads_to: Option<String>,
}

/// A walk resumed on this knowledge base, with the facts it was saved with.
pub struct Resumed {
    pub session: Session,
    pub facts: Arc<dyn Facts>,
    /// Steps whose recorded edge leads elsewhere in this knowledge base (the walk still
    /// resumes: the path is history).
    pub changes: Vec<Change>,
}

impl std::fmt::Debug for Resumed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resumed")
            .field("state", &self.session.state)
            .field("changes", &self.changes)
            .finish()
    }
}

/// How a step was reached, in words, for messages.
pub(crate) fn via_words(via: &Via, prev: Option<&str>) -> String {
    let prev = prev.unwrap_or("?");
    match via {
        Via::Start => "where the walk started".into(),
        Via::Answer { choice } => format!("reached by answer {} to `{prev}`", choice + 1),
        Via::Auto { probe, status } => format!(
            "reached when `{probe}` answered `{prev}` with {}",
            status.name()
        ),
        Via::Probe { status } => format!("reached when `{prev}` said {}", status.name()),
        Via::Next => format!("reached from `{prev}`"),
        Via::Unresolved => format!("reached when `{prev}` did not help"),
    }
}

impl SavedSession {
    /// Saves a walk with the facts its probes read from `facts` (a live provider answers from
    /// its cache). Secrets are always dropped; `redact` masks personal data.
    pub fn capture(session: &Session, facts: &dyn Facts, redact: bool) -> SavedSession {
        let state = session.state.clone();
        let mut keys: BTreeSet<String> = CONTEXT_FACTS.iter().map(|k| k.to_string()).collect();
        for e in &state.evidence {
            keys.extend(e.result.facts_read.iter().cloned());
        }
        let read = keys.into_iter().map(|k| {
            let f = facts.read(&k);
            (k, f)
        });
        SavedSession::from_parts(&session.kb().version, state, read.collect(), redact)
    }

    /// A session from a walk and the facts it read.
    pub(crate) fn from_parts(
        kb_version: &str,
        mut walk: WalkState,
        mut facts: BTreeMap<String, Fact>,
        redact: bool,
    ) -> SavedSession {
        scrub_facts(&mut facts);
        for e in &mut walk.evidence {
            let mut v = serde_json::Value::Object(std::mem::take(&mut e.result.evidence));
            scrub_secrets(&mut v);
            if let serde_json::Value::Object(m) = v {
                e.result.evidence = m;
            }
        }
        if redact {
            let mut r = Redactor::default();
            r.learn(&facts);
            r.learn_environment();
            facts = r.redact_facts(&facts);
            redact_walk(&mut r, &mut walk);
        }
        SavedSession {
            format: FORMAT.into(),
            version: VERSION,
            tool_version: Some(crate::VERSION.into()),
            kb_version: Some(kb_version.into()),
            created: Some(Utc::now()),
            system: walk.system.clone(),
            walk,
            facts,
            redacted: redact,
        }
    }

    pub fn read(path: &Path) -> Result<SavedSession, SessionFileError> {
        let name = path.display().to_string();
        let text = crate::files::read_text(path, crate::files::MAX_SESSION_BYTES, "session")?;
        SavedSession::parse(&text, &name)
    }

    /// Parses a session, checking format and version first (a newer file is refused for that
    /// reason, not with a confusing field error).
    pub fn parse(text: &str, name: &str) -> Result<SavedSession, SessionFileError> {
        use crate::versioned::{Refusal, parse};
        parse(text, FORMAT, VERSION).map_err(|r| match r {
            Refusal::Json { line, col, message } => SessionFileError::Json {
                path: name.into(),
                line,
                col,
                message,
            },
            Refusal::WrongFormat { found } => SessionFileError::NotSession {
                path: name.into(),
                found,
            },
            Refusal::FromTheFuture { found } => SessionFileError::FromTheFuture {
                path: name.into(),
                found,
            },
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes the session (atomically); returns where, which is another name than `path` with
    /// [`Existing::NewName`](crate::files::Existing) when `path` was taken.
    pub fn write(
        &self,
        path: &Path,
        existing: crate::files::Existing,
    ) -> Result<std::path::PathBuf, SessionFileError> {
        let text = format!("{}\n", self.to_json());
        Ok(crate::files::write(path, text.as_bytes(), existing, &[])?)
    }

    /// The saved facts as a bundle (for replay, or to make a scenario test of the case).
    pub fn bundle(&self) -> Bundle {
        let mut b = Bundle::new(
            self.facts.clone(),
            self.kb_version.as_deref().unwrap_or_default(),
            self.redacted,
        );
        b.created = self.created;
        b.tool_version = self.tool_version.clone();
        b
    }

    /// Compares the saved path with `kb`: the first step whose node is gone is an error; steps
    /// whose recorded edge now leads elsewhere are listed.
    pub fn check(&self, kb: &Kb) -> Result<Vec<Change>, SessionFileError> {
        let steps = &self.walk.steps;
        let mut changes = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| steps[p].node.as_str());
            if kb.node(&s.node).is_none() {
                return Err(SessionFileError::StepGone {
                    step: i + 1,
                    node: s.node.clone(),
                    how: via_words(&s.via, prev),
                    kb_version: kb.version.clone(),
                    saved_with: self
                        .kb_version
                        .clone()
                        .unwrap_or_else(|| "an unknown version".into()),
                });
            }
            let Some(p) = prev.and_then(|p| kb.node(p)) else {
                continue;
            };
            let now: Option<String> = match (&s.via, &p.body) {
                (Via::Answer { choice }, Body::Question { choices, .. }) => {
                    choices.get(*choice).map(|c| c.next.clone())
                }
                (Via::Auto { status, .. }, Body::Question { choices, .. }) => choices
                    .iter()
                    .find(|c| c.when.contains(status))
                    .map(|c| c.next.clone()),
                (Via::Probe { status }, Body::Probe { outcomes, .. }) => {
                    outcomes.next(*status).map(str::to_string)
                }
                (Via::Next, Body::Info { next } | Body::Symptom { next, .. }) => next.clone(),
                (Via::Unresolved, Body::Remedy { unresolved, .. }) => unresolved.clone(),
                (Via::Start, _) => Some(s.node.clone()),
                _ => None,
            };
            if now.as_deref() != Some(s.node.as_str()) {
                changes.push(Change {
                    step: i + 1,
                    node: s.node.clone(),
                    now_leads_to: now,
                });
            }
        }
        Ok(changes)
    }

    /// Resumes the walk on `kb`, with the saved facts: where it stands, ready for the next step.
    pub fn resume(&self, kb: Arc<Kb>) -> Result<Resumed, SessionFileError> {
        let changes = self.check(&kb)?;
        let session = Session::resume(Arc::clone(&kb), self.walk.clone()).map_err(|e| {
            SessionFileError::StepGone {
                step: 0,
                node: e.to_string(),
                how: String::new(),
                kb_version: kb.version.clone(),
                saved_with: self.kb_version.clone().unwrap_or_default(),
            }
        })?;
        Ok(Resumed {
            session,
            facts: Arc::new(Snapshot::new(self.facts.clone())),
            changes,
        })
    }

    /// The user's offset from UTC in minutes, from the saved `clock` fact (0 when unknown).
    pub fn utc_offset_minutes(&self) -> i32 {
        utc_offset_minutes(&self.facts)
    }
}

/// The offset from UTC the `clock` fact gives, in minutes (0 when unknown).
pub fn utc_offset_minutes(facts: &BTreeMap<String, Fact>) -> i32 {
    match facts.get("clock") {
        Some(Fact::Value(v)) => v
            .get("utc_offset_minutes")
            .and_then(serde_json::Value::as_i64)
            .or_else(|| {
                v.get("now")
                    .and_then(|n| n.as_str())
                    .and_then(|n| DateTime::parse_from_rfc3339(n).ok())
                    .map(|t| i64::from(t.offset().local_minus_utc() / 60))
            })
            .and_then(|m| i32::try_from(m).ok())
            .unwrap_or(0),
        _ => 0,
    }
}

/// Masks personal data in what the walk's probes reported (never the node ids).
pub(crate) fn redact_walk(r: &mut Redactor, walk: &mut WalkState) {
    for e in &mut walk.evidence {
        let v = r.value(&serde_json::Value::Object(std::mem::take(
            &mut e.result.evidence,
        )));
        if let serde_json::Value::Object(m) = v {
            e.result.evidence = m;
        }
        e.result.note = e.result.note.as_ref().map(|m| m.map_text(|t| r.text(t)));
        e.result.reason = e.result.reason.as_ref().map(|m| m.map_text(|t| r.text(t)));
    }
}
