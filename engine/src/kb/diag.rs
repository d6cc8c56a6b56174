//! Structured findings about the knowledge base itself, printed like a compiler's.

use std::fmt;

use serde::Serialize;

use crate::model::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

/// Every rule of the checker, with its stable code. Editors search for the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Code {
    /// The file is not valid YAML.
    E001Syntax,
    /// A field is unknown, of the wrong type, missing, or not allowed on this kind of node.
    E002Schema,
    /// Two nodes (or systems) share one id.
    E003Duplicate,
    /// A reference names a node that does not exist.
    E004Dangling,
    /// A reference names a node of the wrong kind (a `check:` that is not a probe...).
    E005WrongKind,
    /// A text is missing in Persian or in English.
    E006Translation,
    /// A probe script does not compile.
    E007Script,
    /// A probe names a script that does not exist.
    E008MissingScript,
    /// A cycle of nodes the user can never leave.
    E009Cycle,
    /// A remedy with nowhere to go when it does not help.
    E010NoWayOut,
    /// An id that does not follow `<system>/<slug>[/<step>]` or names an unknown system.
    E011BadId,
    /// A `case:` that the case catalog does not list.
    E012UnknownCase,
    /// A scenario test that cannot be read.
    E013Scenario,
    /// A probe with outcomes that does not say where `unknown` goes.
    E014NoUnknown,
    /// A remedy with a `risk:` entered other than by the user's answer to a question.
    E015RiskWithoutConfirmation,
    /// The confirmation of a risky remedy reached on an `unknown` or `warn` reading.
    E016RiskOnUnknown,
    /// A remedy that lowers security without `revert:`.
    E017NoRevert,
    /// A remedy whose words put something at stake, with no `risk:`.
    E018UntaggedRisk,
    /// A text names a text argument (`{token_software}`) that kb/tokens.yaml's `texts` does not
    /// define, so it would reach the user as written.
    E019UnknownTextArgument,
    /// A probe passes an argument (`args: {min_versoin: …}`) its script never reads: a typo,
    /// or a leftover the script no longer uses, so the value the author meant is not used.
    E020UnreadArgument,
    /// A node no walk, symptom or probe reference can reach.
    W001Unreachable,
    /// A script file no probe uses.
    W002UnusedScript,
    /// Persian written with Arabic letter forms, Latin digits or a missing half-space.
    W003PersianStyle,
    /// A catalog case without nodes, a scenario, a walk from its root or a lookup symptom.
    W004Coverage,
    /// A symptom the lookup does not find by its own messages or codes.
    W005LookupMiss,
    /// A script reads a fact no provider offers (a misspelt key is `unknown` on every machine).
    W006UnknownFact,
    /// A user-facing text uses wording kb.yaml's `wording` list replaces (a colloquial word, a
    /// second term for one concept, an unofficial spelling, a calque; review §3), a word twice
    /// in a row, or ASCII double quotes instead of «».
    W007Wording,
    /// A remedy nothing confirms: no `verify` probe, no `escalate`, and no step asking the user to
    /// try again and say «it helped» (kb/README §3.3).
    W008Unconfirmed,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::E001Syntax => "E001",
            Code::E002Schema => "E002",
            Code::E003Duplicate => "E003",
            Code::E004Dangling => "E004",
            Code::E005WrongKind => "E005",
            Code::E006Translation => "E006",
            Code::E007Script => "E007",
            Code::E008MissingScript => "E008",
            Code::E009Cycle => "E009",
            Code::E010NoWayOut => "E010",
            Code::E011BadId => "E011",
            Code::E012UnknownCase => "E012",
            Code::E013Scenario => "E013",
            Code::E014NoUnknown => "E014",
            Code::E015RiskWithoutConfirmation => "E015",
            Code::E016RiskOnUnknown => "E016",
            Code::E017NoRevert => "E017",
            Code::E018UntaggedRisk => "E018",
            Code::E019UnknownTextArgument => "E019",
            Code::E020UnreadArgument => "E020",
            Code::W001Unreachable => "W001",
            Code::W002UnusedScript => "W002",
            Code::W003PersianStyle => "W003",
            Code::W004Coverage => "W004",
            Code::W005LookupMiss => "W005",
            Code::W006UnknownFact => "W006",
            Code::W007Wording => "W007",
            Code::W008Unconfirmed => "W008",
        }
    }

    pub fn level(self) -> Level {
        if self.as_str().starts_with('W') {
            Level::Warning
        } else {
            Level::Error
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    pub level: Level,
    #[serde(serialize_with = "code_str")]
    pub code: Code,
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub node: Option<String>,
    pub message: String,
}

fn code_str<S: serde::Serializer>(c: &Code, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(c.as_str())
}

impl Diagnostic {
    pub fn new(code: Code, pos: &Pos, node: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic {
            level: code.level(),
            code,
            file: pos.file.to_string(),
            line: pos.line,
            col: pos.col,
            node: node.map(str::to_string),
            message: message.into(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        writeln!(f, "{level}[{}]: {}", self.code.as_str(), self.message)?;
        write!(f, "  --> {}:{}:{}", self.file, self.line, self.col)?;
        if let Some(n) = &self.node {
            write!(f, "\n   = node: {n}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file and position so output is stable and easy to walk through.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| (&a.file, a.line, a.col, a.code).cmp(&(&b.file, b.line, b.col, b.code)));
}
