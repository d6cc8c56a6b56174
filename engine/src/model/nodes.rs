//! The knowledge base as typed data: nodes of a decision graph, systems, token models.
//!
//! Raw types mirror the YAML one to one (`deny_unknown_fields`, so a misspelt field is an error,
//! not a silently ignored line); `load` turns them into the checked types below.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Where something was written: a file of the knowledge base and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Pos {
    pub file: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub fn new(file: &Arc<str>, at: LineCol) -> Self {
        Pos {
            file: Arc::clone(file),
            line: at.line,
            col: at.col,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

pub use super::lang::{Lang, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Symptom,
    Question,
    Probe,
    Remedy,
    Info,
    Guide,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Symptom => "symptom",
            Kind::Question => "question",
            Kind::Probe => "probe",
            Kind::Remedy => "remedy",
            Kind::Info => "info",
            Kind::Guide => "guide",
        }
    }
}

/// How well the fact behind a node is established (labels of shared/domain-facts.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    #[default]
    Verified,
    Sourced,
    Unverified,
}

impl Confidence {
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Verified => "verified",
            Confidence::Sourced => "sourced",
            Confidence::Unverified => "unverified",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Error,
    Warning,
    Info,
}

/// What a remedy puts at stake (`risk:`). `kb check` holds such a remedy to stricter rules: it
/// is entered only through a question the user answers (the confirmation step), that question
/// is never reached on an `unknown` or `warn` reading, and a remedy that lowers security says
/// how to undo it (`revert:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Costs money or a trip: a new certificate or token, a re-issue.
    Cost,
    /// Lowers the computer's security for a while: UAC, antivirus or firewall off.
    LowersSecurity,
    /// Cannot be undone: revocation, deleting a certificate, tries of the SO PIN.
    Irreversible,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Cost => "cost",
            Risk::LowersSecurity => "lowers-security",
            Risk::Irreversible => "irreversible",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    User,
    Agent,
    #[default]
    Both,
}

/// A probe's verdict. `Fail` means the problem the probe looks for is present.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Unknown,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "ok" => Some(Status::Ok),
            "warn" | "warning" => Some(Status::Warn),
            "fail" | "problem" => Some(Status::Fail),
            "unknown" => Some(Status::Unknown),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawChoice {
    pub text: Text,
    pub next: String,
    /// Probe statuses that pick this choice without asking, when the question has `auto:`.
    #[serde(default)]
    pub when: Vec<Status>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcomes {
    pub ok: Option<String>,
    pub warn: Option<String>,
    pub fail: Option<String>,
    pub unknown: Option<String>,
}

impl Outcomes {
    /// Where a walk goes after a probe. Only `fail` (positive evidence of the fault) goes to
    /// `fail`: a missing `warn` goes where `unknown` goes, since a mild or unplaced finding is
    /// not proof of the fault, and `unknown` never borrows `fail` (`kb check` requires it on
    /// every probe with outcomes, E014). With no outcome for the status, the walk ends there.
    pub fn next(&self, status: Status) -> Option<&str> {
        let pick = match status {
            Status::Ok => &self.ok,
            Status::Warn => self.warn.as_ref().map_or(&self.unknown, |_| &self.warn),
            Status::Fail => &self.fail,
            Status::Unknown => &self.unknown,
        };
        pick.as_deref()
    }

    pub fn all(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("ok", &self.ok),
            ("warn", &self.warn),
            ("fail", &self.fail),
            ("unknown", &self.unknown),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalate {
    /// Whom to contact.
    pub contact: Text,
    /// What to have ready.
    #[serde(default)]
    pub collect: Vec<Text>,
}

/// One node exactly as written. Which fields a kind allows is checked on conversion.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawNode {
    pub id: String,
    pub kind: Kind,
    pub case: Option<String>,
    #[serde(default)]
    pub confidence: Confidence,
    pub title: Option<Text>,
    pub text: Option<Text>,
    // symptom
    pub messages: Option<Vec<String>>,
    pub codes: Option<Vec<String>>,
    pub keywords: Option<Vec<String>>,
    pub check: Option<String>,
    pub severity: Option<Severity>,
    // symptom, info, guide
    pub next: Option<String>,
    // question
    pub choices: Option<Vec<RawChoice>>,
    pub auto: Option<String>,
    // probe
    pub script: Option<String>,
    pub args: Option<serde_json::Map<String, serde_json::Value>>,
    pub outcomes: Option<Outcomes>,
    // remedy
    pub steps: Option<Vec<Text>>,
    pub verify: Option<String>,
    pub unresolved: Option<String>,
    pub escalate: Option<Escalate>,
    pub audience: Option<Audience>,
    /// What the remedy puts at stake (see [`Risk`]).
    pub risk: Option<Risk>,
    /// How to undo a remedy that lowers security, in the user's words.
    pub revert: Option<Vec<Text>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub text: Text,
    pub next: String,
    pub when: Vec<Status>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Body {
    Symptom {
        messages: Vec<String>,
        codes: Vec<String>,
        keywords: Vec<String>,
        check: Option<String>,
        severity: Severity,
        next: Option<String>,
    },
    Question {
        choices: Vec<Choice>,
        auto: Option<String>,
    },
    Probe {
        script: String,
        args: serde_json::Map<String, serde_json::Value>,
        outcomes: Outcomes,
    },
    Remedy {
        steps: Vec<Text>,
        verify: Option<String>,
        unresolved: Option<String>,
        escalate: Option<Escalate>,
        audience: Audience,
        risk: Option<Risk>,
        revert: Vec<Text>,
    },
    /// `info` and `guide`: text to read, then `next` (or the end of the walk).
    Info { next: Option<String> },
}

/// A checked node of the decision graph.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub id: String,
    pub kind: Kind,
    /// The system this node belongs to: the first segment of its id.
    pub system: String,
    pub case: Option<String>,
    pub confidence: Confidence,
    pub title: Text,
    pub text: Option<Text>,
    pub body: Body,
    pub pos: Pos,
    /// Where each reference field was written (`next`, `choices[1].next`, ...), for messages.
    #[serde(skip)]
    pub field_pos: BTreeMap<String, Pos>,
}

impl Node {
    /// Every user-facing text of the node, in order: title, text, choices, steps, the way back,
    /// the contact and what to have ready.
    pub fn texts(&self) -> Vec<&Text> {
        let mut out: Vec<&Text> = vec![&self.title];
        out.extend(self.text.iter());
        match &self.body {
            Body::Question { choices, .. } => out.extend(choices.iter().map(|c| &c.text)),
            Body::Remedy {
                steps,
                revert,
                escalate,
                ..
            } => {
                out.extend(steps.iter());
                out.extend(revert.iter());
                if let Some(e) = escalate {
                    out.push(&e.contact);
                    out.extend(e.collect.iter());
                }
            }
            _ => {}
        }
        out
    }

    /// Every node id this node refers to, with the field that names it.
    pub fn references(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = Vec::new();
        match &self.body {
            Body::Symptom { check, next, .. } => {
                if let Some(c) = check {
                    out.push(("check".into(), c));
                }
                if let Some(n) = next {
                    out.push(("next".into(), n));
                }
            }
            Body::Question { choices, auto } => {
                if let Some(a) = auto {
                    out.push(("auto".into(), a));
                }
                for (i, c) in choices.iter().enumerate() {
                    out.push((format!("choices[{i}].next"), &c.next));
                }
            }
            Body::Probe { outcomes, .. } => {
                for (k, v) in outcomes.all() {
                    out.push((format!("outcomes.{k}"), v));
                }
            }
            Body::Remedy {
                verify, unresolved, ..
            } => {
                if let Some(v) = verify {
                    out.push(("verify".into(), v));
                }
                if let Some(u) = unresolved {
                    out.push(("unresolved".into(), u));
                }
            }
            Body::Info { next } => {
                if let Some(n) = next {
                    out.push(("next".into(), n));
                }
            }
        }
        out
    }

    /// The position of a field, else of the node.
    pub(crate) fn pos_of(&self, field: &str) -> &Pos {
        self.field_pos.get(field).unwrap_or(&self.pos)
    }
}

/// A prerequisite program or setting of a system, with the probe that checks it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prerequisite {
    pub id: String,
    pub name: Text,
    /// A probe node that checks it.
    pub check: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: String,
    pub name: Text,
    /// Where a guided walk for this system starts.
    pub root: String,
    #[serde(default)]
    pub support: Option<Text>,
    #[serde(default)]
    pub prerequisites: Vec<Prerequisite>,
    /// Certificate rules handed to probe scripts as data (lifetime, count, accepted types...).
    #[serde(default)]
    pub certificate: CertificateRules,
    /// Words users write for this system ("ستاد", "holoo"), for the lookup's tie-breaks.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(skip)]
    pub pos: Option<Pos>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SystemsFile {
    pub systems: Vec<System>,
    /// Certificate types and how to recognise them from a subject.
    #[serde(default)]
    pub certificate_types: Vec<CertificateType>,
}

/// What a system asks of the signing certificate; probe scripts read it as `kb_data("systems")`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateRules {
    /// Lifetimes in whole years the system accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifetime_years: Vec<u32>,
    /// Certificate type ids (`certificate_types[].id`) the system accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// The types each role of the system may use: role -> certificate type ids.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, Vec<String>>,
    /// How many certificates the token may hold for this system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Whether the certificate's national id must be the one the system has on file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national_id_must_match: Option<bool>,
}

/// A certificate type and how its subject shows it (O = affiliation, CN suffix = signature or
/// seal).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateType {
    pub id: String,
    pub name: Text,
    /// The values of the subject's organisation (O) this type carries, in any letter case and
    /// with or without spaces and dashes (`cert/type.rhai` compares them folded).
    pub o: Vec<String>,
    /// The endings of the subject's common name (`[Sign]`, `[Stamp]`); none when O alone tells
    /// the type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cn_suffix: Vec<String>,
}

/// `kb/catalog.yaml`: the cases the knowledge base must cover.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogFile {
    pub cases: Vec<CatalogCase>,
}

/// A catalog case: the ids the knowledge base must cover (kb/catalog.yaml).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogCase {
    pub id: String,
    pub system: String,
    pub kind: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KbMeta {
    pub version: String,
    #[serde(default)]
    pub support: Option<Text>,
    /// Words that mark a remedy as putting something at stake, by risk (`cost`,
    /// `lowers-security`, `irreversible`): a remedy whose title or steps hold one must carry
    /// that `risk:` (`kb check`, E018). Compared case-insensitively; Persian lives here, not in
    /// the engine.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub risk_words: BTreeMap<String, Vec<String>>,
    /// Wording the knowledge base does not use in what users read (`kb check`, W007): each
    /// entry's `avoid`, found in a text outside «» quotes, is reported with what to `use`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wording: Vec<Wording>,
    /// How remedies name the answer «it helped» in each language, as they quote it: a remedy
    /// with no `verify` and no `escalate` must have a step that asks for it (`kb check`, W008).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub it_helped: Vec<String>,
}

/// One entry of kb.yaml's `wording` list.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    /// The word or phrase not to write (compared case-insensitively, as whole words).
    pub avoid: String,
    /// What to write instead.
    #[serde(rename = "use")]
    pub instead: String,
    /// The language of the texts it applies to (`fa` or `en`); both when absent.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// Why (shown in the warning): colloquial, a second term, the official spelling, ...
    #[serde(default)]
    pub why: Option<String>,
}
