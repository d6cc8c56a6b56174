//! Case reports: what a support agent hands to the next tier. A [`Report`] is built from a saved
//! session ([`build_from_session`]) or a bundle (`build_from_bundle`) and rendered as Markdown
//! (for a ticket), JSON (schema: `schemas/report.schema.json`) or one self-contained HTML file
//! ([`render`]).
//!
//! Order of contents: the summary first (the problem, the likely cause, what was tried, what to
//! do next, whom to contact), then the findings or the walk with its "why?", the evidence, and
//! the machine facts. Every time is given in both calendars.
//!
//! Redaction is on by default: the inputs (facts and the walk's evidence) are redacted with one
//! [`Redactor`] before anything is derived from them, so the diagnosis is the diagnosis of the
//! redacted facts (the same, by the redactor's design) and no value escapes it.

mod html;
mod markdown;
pub mod words;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Stamp;
use crate::facts::redact::{Redactor, scrub_facts};
use crate::facts::{Bundle, Fact, Snapshot};
use crate::infer::diagnose;
use crate::infer::explain::{self, Explanation, ProbeSeen, WhyStep};
use crate::infer::saved::{self, SavedSession, SessionFileError};
use crate::infer::session::{End, Need, RemedyOutcome, Session};
use crate::kb::{Kb, Lang};
use crate::model::{Body, Kind, Severity, Status, Text};

/// A message in both languages, with arguments that depend on the language.
fn per_lang(
    id: &str,
    args: impl Fn(Lang) -> Vec<(&'static str, fluent_bundle::FluentValue<'static>)>,
) -> Text {
    Text::from_fn(|lang| crate::i18n::ta(lang, id, &args(lang)))
}

/// The label of a report's `source.kind`.
fn source_label(kind: &str) -> &'static str {
    match kind {
        "session" => "report-source-session",
        "live" => "report-source-live",
        _ => "report-source-snapshot",
    }
}

/// A report label in both languages (`engine/i18n`, ids `report-*`).
pub fn label(id: &str) -> Text {
    crate::i18n::text(id, &[])
}

/// The `format` field of a JSON report.
pub(crate) const FORMAT: &str = "tokenyar-report";
pub const VERSION: u32 = 1;

/// How to write a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Html,
}

/// Which languages a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangChoice {
    One(Lang),
    /// Persian and English side by side (HTML) or one after the other (Markdown).
    Both,
}

impl LangChoice {
    /// `fa`, `en` or `both`.
    pub fn parse(s: &str) -> Option<LangChoice> {
        if s.trim().eq_ignore_ascii_case("both") {
            return Some(LangChoice::Both);
        }
        Lang::parse(s).map(LangChoice::One)
    }

    pub fn langs(self) -> Vec<Lang> {
        match self {
            LangChoice::One(l) => vec![l],
            LangChoice::Both => Lang::BASE.to_vec(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Mask national ids, serial numbers, user and host names (the default).
    pub redact: bool,
    /// For a bundle: the system whose checks to run (default: every system's).
    pub system: Option<String>,
    /// The name of the file the report was made from (shown, never the full path).
    pub source_name: Option<String>,
    /// For the user (the interactive screen in user mode): a remedy meant for support agents
    /// keeps its title but not its steps.
    pub for_user: bool,
}

impl Default for Options {
    /// Redacted: personal data leaves the machine only when someone turns this off.
    fn default() -> Self {
        Options {
            redact: true,
            system: None,
            source_name: None,
            for_user: false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Session(#[from] SessionFileError),
    #[error(transparent)]
    Bundle(#[from] crate::facts::BundleError),
    #[error("unknown system {0:?}")]
    UnknownSystem(String),
}

/// A case report.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u32,
    pub tool_version: String,
    pub kb_version: String,
    pub created: Stamp,
    pub source: SourceInfo,
    pub redacted: bool,
    /// The user's offset from UTC; every time in the report is shown at it.
    pub utc_offset_minutes: i32,
    pub system: Option<SystemInfo>,
    pub summary: Summary,
    /// What `diagnose` found (reports made from a bundle).
    pub findings: Vec<FindingReport>,
    /// The guided walk (reports made from a session).
    pub walk: Option<WalkReport>,
    /// Every probe result the report rests on, in the order they were obtained, with its
    /// evidence in words.
    pub evidence: Vec<EvidenceItem>,
    pub machine: Machine,
}

/// One probe result and its evidence in words (both languages): what the Markdown and HTML
/// reports show, and what a ticket system can show from the JSON one. The raw evidence stays
/// beside it (`evidence`) for tools.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvidenceItem {
    #[serde(flatten)]
    pub probe: ProbeSeen,
    #[serde(default)]
    pub words: Vec<words::Said>,
}

impl EvidenceItem {
    fn new(probe: ProbeSeen) -> EvidenceItem {
        EvidenceItem {
            probe,
            words: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceInfo {
    /// `session`, `snapshot` or `live` (the interactive screen's own walk and checks).
    pub kind: String,
    pub name: Option<String>,
    /// When the session or bundle was saved.
    pub saved: Option<Stamp>,
    pub saved_kb_version: Option<String>,
    pub saved_tool_version: Option<String>,
    /// Whether the file itself was already redacted when it was saved.
    pub saved_redacted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemInfo {
    pub id: String,
    pub name: Text,
    pub support: Option<Text>,
}

/// The first thing an agent reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    /// `open`, `resolved`, `escalated`, `finished` (a walk), `problems` or `no_problem` (checks).
    pub status: String,
    pub problem: Text,
    pub cause: Option<Cause>,
    pub tried: Vec<TriedItem>,
    pub next: Vec<NextStep>,
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Cause {
    pub node: String,
    pub title: Text,
    /// The checks that found it (status `fail` or `warn`).
    pub checks: Vec<CheckBrief>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CheckBrief {
    pub probe: String,
    pub title: Text,
    pub status: Status,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TriedItem {
    pub remedy: String,
    pub title: Text,
    pub outcome: RemedyOutcome,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NextStep {
    /// `remedy`, `question`, `read`, `check` or `done`.
    pub kind: String,
    pub node: Option<String>,
    pub title: Text,
    /// A remedy's steps, or a question's choices.
    pub items: Vec<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    pub who: Text,
    /// What to have ready.
    pub collect: Vec<Text>,
    /// Where the knowledge base says so: a remedy id, `system:<id>` or `kb`.
    pub from: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FindingReport {
    pub case: String,
    pub severity: Severity,
    pub title: Text,
    pub remedy: Option<RemedyInfo>,
    pub why: Explanation,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemedyInfo {
    pub id: String,
    pub title: Text,
    pub steps: Vec<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WalkReport {
    pub start: String,
    pub steps: Vec<WhyStep>,
    /// `open`, `resolved`, `escalated` or `finished`.
    pub end: String,
    pub questions_answered: usize,
    pub cases: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    /// The facts as recorded, certificates left out (they are in `certificates`).
    pub facts: BTreeMap<String, Fact>,
    pub certificates: Vec<CertSummary>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CertSummary {
    pub slot: Option<String>,
    pub label: Option<String>,
    pub subject: String,
    pub issuer: String,
    pub serial: Option<String>,
    pub not_before: Option<Stamp>,
    pub not_after: Option<Stamp>,
    pub error: Option<String>,
}

/// Builds the report of a saved session file.
pub fn build_from_session_file(
    kb: &Arc<Kb>,
    path: &Path,
    opts: &Options,
) -> Result<Report, ReportError> {
    let saved = SavedSession::read(path)?;
    let mut opts = opts.clone();
    if opts.source_name.is_none() {
        opts.source_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    build_from_session(kb, &saved, &opts)
}

/// Builds the report of a saved session (the TUI's "report" on the walk it holds:
/// `build_from_session(kb, &SavedSession::capture(&session, facts, redact), opts)`).
pub fn build_from_session(
    kb: &Arc<Kb>,
    saved: &SavedSession,
    opts: &Options,
) -> Result<Report, ReportError> {
    let mut saved = saved.clone();
    let mut r = redactor(&saved.facts, opts.redact);
    if let Some(r) = r.as_mut() {
        saved.facts = r.redact_facts(&saved.facts);
        saved::redact_walk(r, &mut saved.walk);
    }
    let resumed = saved.resume(Arc::clone(kb))?;
    let session = resumed.session;
    let offset = saved::utc_offset_minutes(&saved.facts);
    let steps = explain::walk(kb, &session.state.steps, &session.state.evidence);
    let system = session
        .system()
        .map(str::to_string)
        .or(saved.system.clone());
    let need = session.need();
    let summary = session_summary(kb, &session, &steps, &need, system.as_deref());
    let walk = WalkReport {
        start: steps.first().map(|s| s.node.clone()).unwrap_or_default(),
        end: end_name(&need).into(),
        questions_answered: session.questions_answered(),
        cases: session.cases(),
        steps,
    };
    let evidence = walk
        .steps
        .iter()
        .flat_map(|s| s.probes.clone())
        .map(EvidenceItem::new)
        .collect();
    let source = SourceInfo {
        kind: "session".into(),
        name: opts.source_name.clone(),
        saved: saved.created.map(|t| Stamp::new(t, offset)),
        saved_kb_version: saved.kb_version.clone(),
        saved_tool_version: saved.tool_version.clone(),
        saved_redacted: saved.redacted,
    };
    Ok(in_words(
        kb,
        opts,
        finish(
            kb,
            Report {
                format: FORMAT.into(),
                version: VERSION,
                tool_version: crate::VERSION.into(),
                kb_version: kb.version.clone(),
                created: Stamp::new(Utc::now(), offset),
                source,
                redacted: opts.redact || saved.redacted,
                utc_offset_minutes: offset,
                system: system_info(kb, system.as_deref()),
                summary,
                findings: Vec::new(),
                walk: Some(walk),
                evidence,
                machine: machine(&saved.facts, offset),
            },
            r.as_mut(),
        ),
    ))
}

/// Builds the report of a bundle: every check of `opts.system` (or of every system).
pub(crate) fn build_from_bundle(
    kb: &Arc<Kb>,
    bundle: &Bundle,
    opts: &Options,
) -> Result<Report, ReportError> {
    if let Some(s) = &opts.system
        && kb.system(s).is_none()
    {
        return Err(ReportError::UnknownSystem(s.clone()));
    }
    let mut facts = bundle.facts.clone();
    scrub_facts(&mut facts);
    let mut r = redactor(&facts, opts.redact);
    if let Some(r) = r.as_mut() {
        facts = r.redact_facts(&facts);
    }
    let offset = saved::utc_offset_minutes(&facts);
    let d = diagnose::diagnose(
        kb,
        Arc::new(Snapshot::new(facts.clone())),
        opts.system.as_deref(),
    );
    let (findings, evidence) = diagnosis_parts(kb, &d, bundle.created.unwrap_or_else(Utc::now));
    let summary = bundle_summary(kb, &findings, opts.system.as_deref());
    let source = SourceInfo {
        kind: "snapshot".into(),
        name: opts.source_name.clone(),
        saved: bundle.created.map(|t| Stamp::new(t, offset)),
        saved_kb_version: bundle.kb_version.clone(),
        saved_tool_version: bundle.tool_version.clone(),
        saved_redacted: bundle.redacted,
    };
    Ok(in_words(
        kb,
        opts,
        finish(
            kb,
            Report {
                format: FORMAT.into(),
                version: VERSION,
                tool_version: crate::VERSION.into(),
                kb_version: kb.version.clone(),
                created: Stamp::new(Utc::now(), offset),
                source,
                redacted: opts.redact || bundle.redacted,
                utc_offset_minutes: offset,
                system: system_info(kb, opts.system.as_deref()),
                summary,
                findings,
                walk: None,
                evidence: evidence.into_iter().map(EvidenceItem::new).collect(),
                machine: machine(&facts, offset),
            },
            r.as_mut(),
        ),
    ))
}

/// A diagnosis as report findings, and its checks as evidence (the time of a check that found
/// nothing is `at`: a diagnosis keeps times only in its findings' traces).
fn diagnosis_parts(
    kb: &Kb,
    d: &diagnose::Diagnosis,
    at: DateTime<Utc>,
) -> (Vec<FindingReport>, Vec<ProbeSeen>) {
    let findings: Vec<FindingReport> = d
        .findings
        .iter()
        .map(|f| FindingReport {
            case: f.case.clone(),
            severity: f.severity,
            title: f.title.clone(),
            remedy: f.remedy.as_ref().map(|r| RemedyInfo {
                id: r.id.clone(),
                title: r.title.clone(),
                steps: r.steps.clone(),
            }),
            why: explain::finding(kb, f),
        })
        .collect();
    let evidence = d
        .checks
        .iter()
        .map(|c| {
            let mut e = ProbeSeen {
                probe: c.probe.clone(),
                title: c.title.clone(),
                role: explain::ProbeRole::Check,
                status: c.status,
                evidence: c.evidence.clone(),
                note: c.note.clone(),
                reason: c.reason.clone(),
                not_applicable: c.not_applicable,
                facts_read: Vec::new(),
                at,
                elapsed_ms: 0,
            };
            if let Some(t) = d
                .findings
                .iter()
                .find(|f| f.trace.check == e.probe)
                .map(|f| &f.trace.probe)
            {
                e.at = t.at;
                e.elapsed_ms = t.elapsed_ms;
                e.facts_read = t.facts_read.clone();
            }
            e
        })
        .collect();
    (findings, evidence)
}

/// Masks personal data in what a probe reported.
fn redact_probe(r: &mut Redactor, p: &mut ProbeSeen) {
    if let serde_json::Value::Object(m) =
        r.value(&serde_json::Value::Object(std::mem::take(&mut p.evidence)))
    {
        p.evidence = m;
    }
    p.note = p.note.as_ref().map(|m| m.map_text(|t| r.text(t)));
    p.reason = p.reason.as_ref().map(|m| m.map_text(|t| r.text(t)));
}

/// The report of what this screen holds now: the walk in progress and the checks last run
/// (either may be missing), over the live facts. The interactive screen's preview and its
/// saved file are this report, so they say what `tokenyar report` would say.
pub fn build_live(
    kb: &Arc<Kb>,
    session: Option<&Session>,
    diagnosis: Option<&diagnose::Diagnosis>,
    facts: &dyn crate::facts::Facts,
    opts: &Options,
) -> Result<Report, ReportError> {
    let mut keys: std::collections::BTreeSet<String> =
        saved::CONTEXT_FACTS.iter().map(|k| k.to_string()).collect();
    if let Some(s) = session {
        for e in &s.state.evidence {
            keys.extend(e.result.facts_read.iter().cloned());
        }
    }
    if let Some(d) = diagnosis {
        for f in &d.findings {
            keys.extend(f.trace.probe.facts_read.iter().cloned());
        }
    }
    let mut read: BTreeMap<String, Fact> = keys
        .into_iter()
        .map(|k| {
            let f = facts.read(&k);
            (k, f)
        })
        .collect();
    scrub_facts(&mut read);
    let offset = saved::utc_offset_minutes(&read);
    let system = session
        .and_then(|s| s.system().map(str::to_string))
        .or_else(|| diagnosis.and_then(|d| d.system.clone()))
        .or(opts.system.clone());
    let mut report = match session {
        Some(s) => {
            let saved = SavedSession::from_parts(&kb.version, s.state.clone(), read.clone(), false);
            build_from_session(kb, &saved, opts)?
        }
        None => {
            let mut r = redactor(&read, opts.redact);
            let facts = match r.as_mut() {
                Some(r) => r.redact_facts(&read),
                None => read.clone(),
            };
            finish(
                kb,
                Report {
                    format: FORMAT.into(),
                    version: VERSION,
                    tool_version: crate::VERSION.into(),
                    kb_version: kb.version.clone(),
                    created: Stamp::new(Utc::now(), offset),
                    source: SourceInfo {
                        kind: "live".into(),
                        name: None,
                        saved: None,
                        saved_kb_version: None,
                        saved_tool_version: None,
                        saved_redacted: false,
                    },
                    redacted: opts.redact,
                    utc_offset_minutes: offset,
                    system: system_info(kb, system.as_deref()),
                    summary: Summary {
                        status: "empty".into(),
                        problem: label("report-nothing-yet"),
                        cause: None,
                        tried: Vec::new(),
                        next: Vec::new(),
                        contact: support_contact(kb, system.as_deref()),
                    },
                    findings: Vec::new(),
                    walk: None,
                    evidence: Vec::new(),
                    machine: machine(&facts, offset),
                },
                r.as_mut(),
            )
        }
    };
    // Replaying a bundle: the facts are the bundle's, not this computer's.
    report.source.kind = if opts.source_name.is_some() {
        "snapshot"
    } else {
        "live"
    }
    .into();
    report.source.saved = None;
    if let Some(d) = diagnosis {
        let (mut findings, mut evidence) = diagnosis_parts(kb, d, Utc::now());
        if let Some(r) = redactor(&read, opts.redact).as_mut() {
            for f in &mut findings {
                for st in &mut f.why.steps {
                    for p in &mut st.probes {
                        redact_probe(r, p);
                    }
                }
            }
            for p in &mut evidence {
                redact_probe(r, p);
            }
        }
        if session.is_none() {
            report.summary = bundle_summary(kb, &findings, system.as_deref());
        }
        report.findings = findings;
        report
            .evidence
            .extend(evidence.into_iter().map(EvidenceItem::new));
    }
    if opts.for_user {
        let agent_only = |id: &str| {
            matches!(
                kb.node(id).map(|n| &n.body),
                Some(Body::Remedy {
                    audience: crate::model::Audience::Agent,
                    ..
                })
            )
        };
        for n in &mut report.summary.next {
            if n.kind == "remedy" && n.node.as_deref().is_some_and(agent_only) {
                n.items.clear();
            }
        }
        for f in &mut report.findings {
            if let Some(r) = f.remedy.as_mut().filter(|r| agent_only(&r.id)) {
                r.steps.clear();
            }
        }
    }
    Ok(in_words(kb, opts, report))
}

/// Every probe result's evidence in words (after redaction, so the words say what the
/// redacted evidence says). A report for the user (the screen's user mode) keeps no raw facts:
/// raw data is a support agent's, in `tokenyar report` and `--json`.
fn in_words(kb: &Kb, opts: &Options, mut report: Report) -> Report {
    for e in &mut report.evidence {
        e.words = words::said(kb, &e.probe.evidence, !opts.for_user);
    }
    if opts.for_user {
        report.machine.facts.clear();
    }
    report
}

/// Builds the report of a bundle file.
pub fn build_from_bundle_file(
    kb: &Arc<Kb>,
    path: &Path,
    opts: &Options,
) -> Result<Report, ReportError> {
    let bundle = Bundle::read(path)?;
    let mut opts = opts.clone();
    if opts.source_name.is_none() {
        opts.source_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    }
    build_from_bundle(kb, &bundle, &opts)
}

/// Writes a report.
pub fn render(report: &Report, format: Format, langs: LangChoice) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(report).unwrap_or_default(),
        Format::Markdown => markdown::render(report, &langs.langs()),
        Format::Html => html::render(report, &langs.langs()),
    }
}

fn redactor(facts: &BTreeMap<String, Fact>, on: bool) -> Option<Redactor> {
    on.then(|| {
        let mut r = Redactor::default();
        r.learn(facts);
        r.learn_environment();
        r
    })
}

/// Last touches: the source's file name and the certificates' serials through the redactor.
fn finish(kb: &Kb, mut report: Report, r: Option<&mut Redactor>) -> Report {
    fill_text_args(kb, &mut report);
    if let Some(r) = r {
        report.source.name = report.source.name.as_deref().map(|n| r.text(n));
        for c in &mut report.machine.certificates {
            if let Some(s) = &c.serial {
                r.add_serial(s);
                c.serial = Some(r.text(s));
            }
            c.subject = r.text(&c.subject);
            c.issuer = r.text(&c.issuer);
        }
    }
    report
}

/// Remedies name the software of the token model the report's probes found (`{token_software}`
/// in the knowledge base's texts; `kb/tokens.yaml`).
fn fill_text_args(kb: &Kb, report: &mut Report) {
    let args =
        crate::infer::TextArgs::from_maps(kb, report.evidence.iter().map(|e| &e.probe.evidence));
    let s = &mut report.summary;
    s.problem = args.fill(&s.problem);
    if let Some(c) = s.cause.as_mut() {
        c.title = args.fill(&c.title);
    }
    for t in &mut s.tried {
        t.title = args.fill(&t.title);
    }
    for n in &mut s.next {
        n.title = args.fill(&n.title);
        n.items = args.fill_all(&n.items);
    }
    if let Some(c) = s.contact.as_mut() {
        c.who = args.fill(&c.who);
        c.collect = args.fill_all(&c.collect);
    }
    for f in &mut report.findings {
        if let Some(r) = f.remedy.as_mut() {
            r.title = args.fill(&r.title);
            r.steps = args.fill_all(&r.steps);
        }
    }
}

fn system_info(kb: &Kb, system: Option<&str>) -> Option<SystemInfo> {
    let s = kb.system(system?)?;
    Some(SystemInfo {
        id: s.id.clone(),
        name: s.name.clone(),
        support: s.support.clone(),
    })
}

fn end_name(need: &Need) -> &'static str {
    match need {
        Need::Ended(End::Resolved { .. }) => "resolved",
        Need::Ended(End::Escalated { .. }) => "escalated",
        Need::Ended(End::Finished { .. }) => "finished",
        _ => "open",
    }
}

fn title(kb: &Kb, id: &str) -> Text {
    kb.node(id).map(|n| n.title.clone()).unwrap_or_default()
}

fn brief(p: &ProbeSeen) -> CheckBrief {
    CheckBrief {
        probe: p.probe.clone(),
        title: p.title.clone(),
        status: p.status,
        at: p.at,
    }
}

/// The probes that found something (fail or warn), each once: its latest run.
fn failing<'a>(probes: impl Iterator<Item = &'a ProbeSeen>) -> Vec<CheckBrief> {
    let mut out: Vec<CheckBrief> = Vec::new();
    for p in probes.filter(|p| matches!(p.status, Status::Fail | Status::Warn)) {
        out.retain(|b| b.probe != p.probe);
        out.push(brief(p));
    }
    out
}

fn session_summary(
    kb: &Kb,
    session: &Session,
    steps: &[WhyStep],
    need: &Need,
    system: Option<&str>,
) -> Summary {
    let symptoms: Vec<&WhyStep> = steps
        .iter()
        .filter(|s| s.kind == Some(Kind::Symptom))
        .collect();
    // What the user came with: the error they looked up, else what they said first.
    let first_answer = steps.iter().find_map(|s| match &s.how {
        explain::How::Answer { choice_text, .. } => Some(choice_text.clone()),
        _ => None,
    });
    let problem = match steps.first() {
        Some(s) if s.kind == Some(Kind::Symptom) => s.title.clone(),
        _ => first_answer
            .or_else(|| symptoms.first().map(|s| s.title.clone()))
            .or_else(|| steps.first().map(|s| s.title.clone()))
            .unwrap_or_default(),
    };
    let cause = symptoms.last().map(|s| {
        let from = s.index;
        Cause {
            node: s.node.clone(),
            title: s.title.clone(),
            checks: failing(steps[from..].iter().flat_map(|w| w.probes.iter())),
        }
    });
    let tried = session
        .state
        .tried
        .iter()
        .map(|t| TriedItem {
            remedy: t.remedy.clone(),
            title: title(kb, &t.remedy),
            outcome: t.outcome,
            at: t.at,
        })
        .collect();
    let next = next_steps(kb, need);
    // Whom to contact: the remedy the walk stands at or ended on, else the last one on the path
    // that names someone, else the system's support line, else the knowledge base's.
    let here = match need {
        Need::Remedy { node, .. } | Need::Ended(End::Escalated { node }) => Some(node.clone()),
        _ => None,
    };
    let on_path = steps
        .iter()
        .rev()
        .map(|s| s.node.clone())
        .filter(|n| kb.node(n).is_some_and(|n| n.kind == Kind::Remedy));
    let contact = here
        .into_iter()
        .chain(on_path)
        .find_map(|id| escalate_of(kb, &id))
        .or_else(|| support_contact(kb, system));
    Summary {
        status: end_name(need).into(),
        problem,
        cause,
        tried,
        next,
        contact,
    }
}

fn escalate_of(kb: &Kb, id: &str) -> Option<Contact> {
    match &kb.node(id)?.body {
        Body::Remedy {
            escalate: Some(e), ..
        } => Some(Contact {
            who: e.contact.clone(),
            collect: e.collect.clone(),
            from: id.to_string(),
        }),
        _ => None,
    }
}

fn support_contact(kb: &Kb, system: Option<&str>) -> Option<Contact> {
    if let Some(s) = system.and_then(|s| kb.system(s))
        && let Some(t) = &s.support
    {
        return Some(Contact {
            who: t.clone(),
            collect: Vec::new(),
            from: format!("system:{}", s.id),
        });
    }
    kb.meta.support.clone().map(|t| Contact {
        who: t,
        collect: Vec::new(),
        from: "kb".into(),
    })
}

fn remedy_step(kb: &Kb, id: &str) -> NextStep {
    let items = match kb.node(id).map(|n| &n.body) {
        Some(Body::Remedy { steps, .. }) => steps.clone(),
        _ => Vec::new(),
    };
    NextStep {
        kind: "remedy".into(),
        node: Some(id.to_string()),
        title: title(kb, id),
        items,
    }
}

fn next_steps(kb: &Kb, need: &Need) -> Vec<NextStep> {
    match need {
        Need::Remedy { node, .. } => vec![remedy_step(kb, node)],
        Need::Answer { node } => {
            let n = kb.node(node);
            let items = match n.map(|n| &n.body) {
                Some(Body::Question { choices, .. }) => {
                    choices.iter().map(|c| c.text.clone()).collect()
                }
                _ => Vec::new(),
            };
            vec![NextStep {
                kind: "question".into(),
                node: Some(node.clone()),
                title: n
                    .map(|n| n.text.clone().unwrap_or_else(|| n.title.clone()))
                    .unwrap_or_default(),
                items,
            }]
        }
        Need::Read { node, .. } | Need::Ended(End::Finished { node }) if !node.is_empty() => {
            let n = kb.node(node);
            vec![NextStep {
                kind: "read".into(),
                node: Some(node.clone()),
                title: title(kb, node),
                items: n.and_then(|n| n.text.clone()).into_iter().collect(),
            }]
        }
        Need::Probe { probe, .. } => vec![NextStep {
            kind: "check".into(),
            node: Some(probe.clone()),
            title: title(kb, probe),
            items: Vec::new(),
        }],
        Need::Ended(End::Resolved { remedy, .. }) => vec![NextStep {
            kind: "done".into(),
            node: Some(remedy.clone()),
            title: per_lang("report-resolved-by", |g| {
                vec![("remedy", title(kb, remedy).get(g).to_string().into())]
            }),
            items: Vec::new(),
        }],
        Need::Ended(End::Escalated { node }) => vec![NextStep {
            kind: "contact".into(),
            node: Some(node.clone()),
            title: label("report-next-contact"),
            items: Vec::new(),
        }],
        _ => Vec::new(),
    }
}

fn bundle_summary(kb: &Kb, findings: &[FindingReport], system: Option<&str>) -> Summary {
    let Some(top) = findings.first() else {
        return Summary {
            status: "no_problem".into(),
            problem: label("report-no-problem"),
            cause: None,
            tried: Vec::new(),
            next: Vec::new(),
            contact: support_contact(kb, system),
        };
    };
    let checks = failing(top.why.steps.iter().flat_map(|s| s.probes.iter()));
    let next = findings
        .iter()
        .filter_map(|f| f.remedy.as_ref())
        .map(|r| NextStep {
            kind: "remedy".into(),
            node: Some(r.id.clone()),
            title: r.title.clone(),
            items: r.steps.clone(),
        })
        .collect();
    let contact = findings
        .iter()
        .filter_map(|f| f.remedy.as_ref())
        .find_map(|r| escalate_of(kb, &r.id))
        .or_else(|| support_contact(kb, system));
    let problem = if findings.len() == 1 {
        top.title.clone()
    } else {
        per_lang("report-problems-found", |g| {
            vec![
                ("count", findings.len().into()),
                ("top", top.title.get(g).to_string().into()),
            ]
        })
    };
    Summary {
        status: "problems".into(),
        problem,
        cause: Some(Cause {
            node: top
                .why
                .steps
                .first()
                .map(|s| s.node.clone())
                .unwrap_or_default(),
            title: top.title.clone(),
            checks,
        }),
        tried: Vec::new(),
        next,
        contact,
    }
}

/// The machine section: the facts without certificate bodies, and the certificates read.
fn machine(facts: &BTreeMap<String, Fact>, offset: i32) -> Machine {
    let mut certificates = Vec::new();
    let mut out = facts.clone();
    if let Some(Fact::Value(token)) = out.get_mut("token")
        && let Some(slots) = token.get_mut("slots").and_then(|s| s.as_array_mut())
    {
        for slot in slots {
            let slot_label = slot
                .pointer("/token/label")
                .and_then(|l| l.as_str())
                .map(str::to_string);
            let Some(certs) = slot.get_mut("certificates").and_then(|c| c.as_array_mut()) else {
                continue;
            };
            for c in certs {
                let Some(obj) = c.as_object_mut() else {
                    continue;
                };
                let der = obj.remove("der");
                let label = obj
                    .get("label")
                    .and_then(|l| l.as_str())
                    .map(str::to_string);
                let Some(der) = der.as_ref().and_then(|d| d.as_str()) else {
                    continue;
                };
                obj.insert(
                    "der".into(),
                    serde_json::Value::String(format!("({} base64 characters)", der.len())),
                );
                certificates.push(cert_summary(der, slot_label.clone(), label, offset));
            }
        }
    }
    Machine {
        facts: out,
        certificates,
    }
}

fn cert_summary(
    der: &str,
    slot: Option<String>,
    label: Option<String>,
    offset: i32,
) -> CertSummary {
    let a = crate::facts::cert::analyse_text(der);
    let stamp = |k: &str| {
        a.get(k)
            .and_then(|v| v.as_str())
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| Stamp::new(t.with_timezone(&Utc), offset))
    };
    let s = |k: &str| {
        a.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    CertSummary {
        slot,
        label,
        subject: s("subject_dn"),
        issuer: s("issuer_dn"),
        serial: a.get("serial").and_then(|v| v.as_str()).map(str::to_string),
        not_before: stamp("not_before"),
        not_after: stamp("not_after"),
        error: a.get("error").and_then(|v| v.as_str()).map(str::to_string),
    }
}
