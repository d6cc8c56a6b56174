//! Scenario tests: recorded facts plus the user's answers, and what the knowledge base must
//! conclude from them. They live beside the nodes, in `kb/<system>/tests/*.yaml`.
//!
//! ```yaml
//! name: An expired certificate is found and renewal is offered
//! start: general/root            # default: the system's root
//! bundle: machine.json           # optional: facts recorded in a bundle beside the test
//! facts:                         # the `facts` of a bundle, replacing the bundle's per key
//!   clock: {value: {now: "2025-06-01T10:00:00+03:30"}}
//! patch:                         # values merged into the facts (maps merge, the rest replaces)
//!   software: {items: {java: {installed: false}}}
//! answers: {general/root: general/cert-problems}   # question -> chosen next node (or index)
//! remedy_outcomes: {general/cert-renew: not-helped} # what the user says of a remedy
//! until: general/token-not-detected  # stop the walk once it reaches this node
//! expect:
//!   cases: [general/cert-expired]   # the walk passes through these cases
//!   remedy: general/cert-renew      # and stops at this remedy
//!   questions: 1                    # after the user answered this many questions
//!   visits: [general/cert-renew]    # nodes the walk must pass through
//!   end: escalated                  # resolved | escalated | finished | open
//!   findings: [general/cert-expired] # `diagnose` finds exactly these cases
//!   findings_include: [general/cert-expired] # `diagnose` finds at least these
//!   shows: ["rahsa.ir"]             # a text of the walk says this (fa or en)
//!   never_shows: ["gica.ir"]        # no text of the walk says this
//!   confidence: {sabt-man/error-31/driver: sourced}   # how sure the KB says it is of a node
//! ```
//! A certificate in the facts (or the bundle) may be written as `{synth_cert: {cn, o,
//! serial_number, not_before, not_after}}`; it is generated (DER, base64) before the test runs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base64::Engine as _;
use serde::Deserialize;

use crate::facts::{Bundle, Fact, Snapshot};
use crate::infer::session::{End, Need, Via};
use crate::infer::{Runner, Session, diagnose};
use crate::kb::load::{Kb, ScenarioFile};
use crate::kb::{Code, Diagnostic, yaml};
use crate::model::Pos;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub start: Option<String>,
    #[serde(default)]
    pub system: Option<String>,
    /// Facts as in a bundle: `{value: ...}`, `{unknown: reason}` or `{not_applicable: reason}`.
    #[serde(default)]
    pub facts: BTreeMap<String, serde_json::Value>,
    /// A bundle file, relative to the test file, used instead of (or under) `facts`.
    #[serde(default)]
    pub bundle: Option<String>,
    /// Plain values deep-merged into the facts' values (after `bundle` and `facts`): a map
    /// merges key by key, anything else replaces. A small change to a recorded machine.
    #[serde(default)]
    pub patch: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// What the user says of remedies on the way: `not-helped` walks on to `unresolved`.
    #[serde(default)]
    pub remedy_outcomes: BTreeMap<String, Outcome>,
    /// Stop the walk as soon as it has passed this node (an entry into another subtree whose
    /// questions this test does not want to answer).
    #[serde(default)]
    pub until: Option<String>,
    pub expect: Expect,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Answer {
    Index(usize),
    Next(String),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Helped,
    NotHelped,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub cases: Option<Vec<String>>,
    #[serde(default)]
    pub remedy: Option<String>,
    #[serde(default)]
    pub questions: Option<usize>,
    /// Nodes the walk must pass through (in any order).
    #[serde(default)]
    pub visits: Option<Vec<String>>,
    #[serde(default)]
    pub findings: Option<Vec<String>>,
    /// Cases `diagnose` must find; others may be found too.
    #[serde(default)]
    pub findings_include: Option<Vec<String>>,
    /// `resolved`, `escalated`, `finished` or `open`: how the walk must end (with
    /// `remedy_outcomes`; `open` is a walk still waiting at a remedy or a question).
    #[serde(default)]
    pub end: Option<String>,
    /// Words the walk must show the user: each must be in a text (title, text, choice, step,
    /// way back, contact) of a node the walk passed through, in Persian or English. Compared
    /// with digits of any script, half-spaces as spaces and case folded.
    #[serde(default)]
    pub shows: Option<Vec<String>>,
    /// Words the walk must never show the user (an old wording, a wrong address), compared the
    /// same way.
    #[serde(default)]
    pub never_shows: Option<Vec<String>>,
    /// How sure the knowledge base must say it is of these nodes (`verified`, `sourced`,
    /// `unverified`), each of which the walk must pass through.
    #[serde(default)]
    pub confidence: Option<BTreeMap<String, crate::model::Confidence>>,
}

impl Expect {
    fn walks(&self) -> bool {
        self.cases.is_some()
            || self.remedy.is_some()
            || self.questions.is_some()
            || self.visits.is_some()
            || self.end.is_some()
            || self.shows.is_some()
            || self.never_shows.is_some()
            || self.confidence.is_some()
    }

    fn diagnoses(&self) -> bool {
        self.findings.is_some() || self.findings_include.is_some()
    }
}

impl Scenario {
    /// Every case this scenario asserts, for coverage.
    pub(crate) fn named_cases(&self) -> BTreeSet<String> {
        let mut s: BTreeSet<String> = BTreeSet::new();
        s.extend(self.expect.cases.iter().flatten().cloned());
        s.extend(self.expect.findings.iter().flatten().cloned());
        s.extend(self.expect.findings_include.iter().flatten().cloned());
        s
    }
}

/// One step of a walk as a scenario report shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PathStep {
    pub node: String,
    /// How the walk got here: `start`, `answer 2`, `auto general/probe/java: fail`, ...
    pub via: String,
}

/// The outcome of one scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub path: String,
    pub name: String,
    /// What differs from the expectation, one item per line (`- expected`, `+ got`).
    pub failures: Vec<String>,
    pub questions: usize,
    pub cases: Vec<String>,
    pub remedy: Option<String>,
    pub findings: Vec<String>,
    /// How the walk ended: `resolved`, `escalated`, `finished` or `open`.
    pub end: Option<String>,
    /// The walk step by step, with how each step was reached.
    pub walk: Vec<PathStep>,
    /// Every node the walk or the diagnosis passed through, for coverage.
    pub visited: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The walk on one line: `a ─answer 1→ b ─probe fail→ c`.
    pub fn walk_line(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.walk.iter().enumerate() {
            if i > 0 {
                out.push_str(&format!(" ─{}→ ", s.via));
            }
            out.push_str(&s.node);
        }
        out
    }
}

/// Parses a scenario file, with a positioned error.
pub fn parse(kb: &Kb, file: &ScenarioFile) -> Result<Scenario, Diagnostic> {
    let pos = |line, col| Pos {
        file: Arc::from(file.path.as_str()),
        line,
        col,
    };
    let doc = yaml::parse(&file.text).map_err(|e| {
        Diagnostic::new(Code::E001Syntax, &pos(e.at.line, e.at.col), None, e.message)
    })?;
    let sc: Scenario = yaml::from_value(doc.value.clone()).map_err(|(p, msg)| {
        let at = doc.nearest(&yaml::join("", &p));
        Diagnostic::new(
            Code::E013Scenario,
            &pos(at.line, at.col),
            None,
            format!("{msg} (at `{p}`)"),
        )
    })?;
    let refs = sc
        .start
        .iter()
        .chain(sc.expect.remedy.iter())
        .chain(sc.answers.keys())
        .chain(sc.remedy_outcomes.keys())
        .chain(sc.expect.confidence.iter().flat_map(|c| c.keys()));
    for r in refs {
        if kb.node(r).is_none() {
            let at = doc.nearest("");
            return Err(Diagnostic::new(
                Code::E013Scenario,
                &pos(at.line, at.col),
                None,
                format!("the scenario names the node `{r}`, which does not exist"),
            ));
        }
    }
    if let Some(end) = &sc.expect.end
        && !["resolved", "escalated", "finished", "open"].contains(&end.as_str())
    {
        let at = doc.nearest(".expect.end");
        return Err(Diagnostic::new(
            Code::E013Scenario,
            &pos(at.line, at.col),
            None,
            format!("`end: {end}` must be resolved, escalated, finished or open"),
        ));
    }
    Ok(sc)
}

/// Every scenario file of the knowledge base parsed, in `kb.scenarios`' order. `kb check` and
/// `kb coverage` each need them twice (errors and the cases they name; runs and cases), and a
/// scenario is parsed from YAML text, so they parse once and pass this around.
pub(crate) fn parse_all(kb: &Kb) -> Vec<Result<Scenario, Diagnostic>> {
    kb.scenarios.iter().map(|f| parse(kb, f)).collect()
}

/// Scenario files that cannot be read are knowledge-base errors (`kb check`).
pub(crate) fn check_files(parsed: &[Result<Scenario, Diagnostic>]) -> Vec<Diagnostic> {
    parsed
        .iter()
        .filter_map(|p| p.as_ref().err())
        .cloned()
        .collect()
}

/// `a/b/../c` -> `a/c`, so a test may share a bundle with another folder's tests.
fn normalise(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Merges `patch` into `base`: maps key by key (recursively), anything else replaces.
fn merge(base: &mut serde_json::Value, patch: &serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

/// Builds the facts of a scenario: its bundle, overlaid with its inline facts, patched,
/// certificates synthesised.
pub fn facts_of(
    kb: &Kb,
    file: &ScenarioFile,
    sc: &Scenario,
) -> Result<BTreeMap<String, Fact>, String> {
    let mut facts = BTreeMap::new();
    if let Some(b) = &sc.bundle {
        let dir = file.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let path = normalise(&format!("{dir}/{b}"));
        let text = kb
            .test_data
            .get(&path)
            .ok_or_else(|| format!("the bundle {path} does not exist"))?;
        let bundle = Bundle::parse(text, &path).map_err(|e| e.to_string())?;
        facts = bundle.facts;
    }
    for (k, v) in &sc.facts {
        let v: Fact = serde_json::from_value(v.clone()).map_err(|e| {
            format!("the fact `{k}` must be {{value: ...}}, {{unknown: reason}} or {{not_applicable: reason}}: {e}")
        })?;
        facts.insert(k.clone(), v);
    }
    for (k, p) in &sc.patch {
        match facts.get_mut(k) {
            Some(Fact::Value(v)) => merge(v, p),
            _ => {
                facts.insert(k.clone(), Fact::Value(p.clone()));
            }
        }
    }
    for v in facts.values_mut() {
        if let Fact::Value(j) = v {
            *j = synthesise(j.clone())?;
        }
    }
    Ok(facts)
}

fn via_text(via: &Via) -> String {
    match via {
        Via::Start => "start".into(),
        Via::Answer { choice } => format!("answer {}", choice + 1),
        Via::Auto { probe, status } => format!("auto {probe}: {}", status.name()),
        Via::Probe { status } => status.name().into(),
        Via::Next => "next".into(),
        Via::Unresolved => "not helped".into(),
    }
}

fn end_name(end: Option<&End>) -> &'static str {
    match end {
        Some(End::Resolved { .. }) => "resolved",
        Some(End::Escalated { .. }) => "escalated",
        Some(End::Finished { .. }) => "finished",
        None => "open",
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

/// Walks from the start with the scenario's answers; fills the walk part of the report.
fn walk(
    kb: &Arc<Kb>,
    sc: &Scenario,
    system: &str,
    facts: &Arc<dyn crate::facts::Facts>,
    report: &mut Report,
) {
    let start = sc
        .start
        .clone()
        .or_else(|| kb.system(system).map(|s| s.root.clone()))
        .unwrap_or_default();
    let runner = Runner::new(Arc::clone(kb), Arc::clone(facts), Some(system.to_string()));
    let mut walk = match Session::start(Arc::clone(kb), &start, Some(system.to_string())) {
        Ok(w) => w,
        Err(e) => {
            report.failures.push(e.to_string());
            return;
        }
    };
    let mut end = None;
    let reached_until = |w: &Session| {
        sc.until
            .as_ref()
            .is_some_and(|u| w.steps().iter().any(|s| &s.node == u))
    };
    for _ in 0..200 {
        let need = walk.run_until_input(&runner);
        if reached_until(&walk) {
            break;
        }
        match need {
            Need::Answer { node } => {
                let Some(a) = sc.answers.get(&node) else {
                    let choices = choice_list(kb, &node);
                    report.failures.push(format!(
                        "the walk asked `{node}` and the scenario gives no answer (its choices: {choices})"
                    ));
                    break;
                };
                let idx = match a {
                    Answer::Index(i) => Some(*i),
                    Answer::Next(to) => choice_index(kb, &node, to),
                };
                if idx.map(|i| walk.answer(i)) != Some(Ok(())) {
                    let choices = choice_list(kb, &node);
                    report.failures.push(format!(
                        "`{node}` has no choice {a:?} (its choices: {choices})"
                    ));
                    break;
                }
            }
            Need::Read { .. } => {
                let _ = walk.proceed();
            }
            // The user said it helped but the remedy's check still finds the problem: the
            // walk waits at the remedy again, and the scenario stops there (`end: open`).
            Need::Remedy {
                verify_failed: true,
                ..
            } => break,
            Need::Remedy { node, .. } => match sc.remedy_outcomes.get(&node) {
                Some(Outcome::NotHelped) => {
                    let _ = walk.remedy_not_helped();
                }
                Some(Outcome::Helped) => {
                    let _ = walk.remedy_helped();
                }
                None => break,
            },
            Need::Ended(e) => {
                end = Some(e);
                break;
            }
            Need::Probe { .. } => break,
        }
    }
    if let (Some(u), false) = (&sc.until, reached_until(&walk)) {
        let exists = if kb.node(u).is_some() {
            ""
        } else {
            " (no node has this id)"
        };
        report
            .failures
            .push(format!("until: the walk never reached `{u}`{exists}"));
    }
    report.questions = walk.questions_answered();
    report.cases = walk.cases();
    report.remedy = walk.remedies().last().cloned();
    report.end = Some(end_name(end.as_ref()).to_string());
    report.walk = walk
        .steps()
        .iter()
        .map(|s| PathStep {
            node: s.node.clone(),
            via: via_text(&s.via),
        })
        .collect();
    report.visited = walk.steps().iter().map(|s| s.node.clone()).collect();
    for e in &walk.state.evidence {
        report.visited.push(e.probe.clone());
    }

    let x = &sc.expect;
    if let Some(want) = &x.cases {
        let missing: Vec<String> = want
            .iter()
            .filter(|c| !report.cases.contains(c))
            .cloned()
            .collect();
        if !missing.is_empty() {
            report.failures.push(format!(
                "cases:\n  - expected to pass through {}\n  + passed through {}",
                list(&missing),
                list(&report.cases)
            ));
        }
    }
    if let Some(want) = &x.remedy
        && report.remedy.as_ref() != Some(want)
    {
        report.failures.push(format!(
            "remedy:\n  - {want}\n  + {}",
            report.remedy.as_deref().unwrap_or("(no remedy)")
        ));
    }
    if let Some(q) = x.questions
        && q != report.questions
    {
        report.failures.push(format!(
            "questions answered by the user:\n  - {q}\n  + {}",
            report.questions
        ));
    }
    if let Some(want) = &x.visits {
        let missing: Vec<String> = want
            .iter()
            .filter(|n| !report.visited.contains(n))
            .cloned()
            .collect();
        if !missing.is_empty() {
            report.failures.push(format!(
                "visits:\n  - {}\n  + (not visited)",
                list(&missing)
            ));
        }
    }
    if let Some(want) = &x.end {
        let got = report.end.as_deref().unwrap_or("open");
        if got != want {
            report
                .failures
                .push(format!("end of the walk:\n  - {want}\n  + {got}"));
        }
    }
    let args = crate::infer::TextArgs::from_evidence(kb, &walk.state.evidence);
    shown_texts(kb, x, walk.steps(), &args, report);
}

/// Text compared loosely: any digits as ASCII, half-spaces and runs of white space as one space,
/// case folded.
fn fold(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let c = match c {
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{200C}' | '\u{00A0}' => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `shows`, `never_shows` and `confidence`: what the walk put in front of the user, with its
/// text arguments filled as the screen fills them (the token model's software).
fn shown_texts(
    kb: &Kb,
    x: &Expect,
    steps: &[crate::infer::session::Step],
    args: &crate::infer::TextArgs,
    report: &mut Report,
) {
    let nodes: Vec<&crate::model::Node> = steps.iter().filter_map(|s| kb.node(&s.node)).collect();
    let shown: Vec<(String, String)> = nodes
        .iter()
        .flat_map(|n| {
            n.texts()
                .into_iter()
                .map(|t| args.fill(t))
                .flat_map(|t| t.iter().map(|(_, s)| fold(s)).collect::<Vec<_>>())
                .map(|t| (n.id.clone(), t))
                .collect::<Vec<_>>()
        })
        .collect();
    for w in x.shows.iter().flatten() {
        let f = fold(w);
        if !shown.iter().any(|(_, t)| t.contains(&f)) {
            report.failures.push(format!(
                "shows:\n  - «{w}»\n  + (no text of the walk says it)"
            ));
        }
    }
    for w in x.never_shows.iter().flatten() {
        let f = fold(w);
        let at: BTreeSet<&str> = shown
            .iter()
            .filter(|(_, t)| t.contains(&f))
            .map(|(n, _)| n.as_str())
            .collect();
        if !at.is_empty() {
            report.failures.push(format!(
                "never_shows:\n  - «{w}» nowhere\n  + shown by {}",
                at.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for (id, want) in x.confidence.iter().flatten() {
        match nodes.iter().find(|n| &n.id == id) {
            None => report
                .failures
                .push(format!("confidence: the walk never reached `{id}`")),
            Some(n) if n.confidence != *want => report.failures.push(format!(
                "confidence of {id}:\n  - {}\n  + {}",
                want.name(),
                n.confidence.name()
            )),
            Some(_) => {}
        }
    }
}

/// Runs `diagnose` on the scenario's facts; fills the findings part of the report.
fn diagnosis(
    kb: &Arc<Kb>,
    sc: &Scenario,
    system: &str,
    facts: &Arc<dyn crate::facts::Facts>,
    report: &mut Report,
) {
    let d = diagnose(kb, Arc::clone(facts), Some(system));
    report.findings = d.findings.iter().map(|f| f.case.clone()).collect();
    for f in &d.findings {
        report.visited.push(f.node.clone());
        report
            .visited
            .extend(f.trace.path.iter().map(|s| s.node.clone()));
    }
    report
        .visited
        .extend(d.checks.iter().map(|c| c.probe.clone()));
    let got: BTreeSet<&String> = report.findings.iter().collect();
    let mut lines = Vec::new();
    if let Some(want) = &sc.expect.findings {
        let want: BTreeSet<&String> = want.iter().collect();
        lines.extend(want.difference(&got).map(|m| format!("  - {m}")));
        lines.extend(got.difference(&want).map(|e| format!("  + {e}")));
    }
    if let Some(want) = &sc.expect.findings_include {
        lines.extend(
            want.iter()
                .filter(|w| !got.contains(w))
                .map(|m| format!("  - {m}")),
        );
    }
    if !lines.is_empty() {
        report.failures.push(format!(
            "findings (- expected, not found; + found, not expected; found: {}):\n{}",
            list(&report.findings),
            lines.join("\n")
        ));
    }
}

/// Runs one scenario.
pub fn run(kb: &Arc<Kb>, file: &ScenarioFile) -> Report {
    run_from(kb, file, parse(kb, file).as_ref())
}

/// Runs one scenario already parsed (or the reason it could not be).
pub(crate) fn run_from(
    kb: &Arc<Kb>,
    file: &ScenarioFile,
    parsed: Result<&Scenario, &Diagnostic>,
) -> Report {
    let mut report = Report {
        path: file.path.clone(),
        name: String::new(),
        failures: Vec::new(),
        questions: 0,
        cases: Vec::new(),
        remedy: None,
        findings: Vec::new(),
        end: None,
        walk: Vec::new(),
        visited: Vec::new(),
    };
    let sc = match parsed {
        Ok(s) => s,
        Err(d) => {
            report.failures.push(d.message.clone());
            return report;
        }
    };
    report.name = sc.name.clone();
    let facts = match facts_of(kb, file, sc) {
        Ok(f) => f,
        Err(e) => {
            report.failures.push(e);
            return report;
        }
    };
    let system = sc.system.clone().unwrap_or_else(|| file.system.clone());
    run_parsed(kb, sc, facts, &system, &file.path)
}

/// Runs a scenario held in memory whose facts are built (`kb add-test` observes a field case
/// this way before writing it as a test).
pub(crate) fn run_parsed(
    kb: &Arc<Kb>,
    sc: &Scenario,
    facts: BTreeMap<String, Fact>,
    system: &str,
    path: &str,
) -> Report {
    let mut report = Report {
        path: path.to_string(),
        name: sc.name.clone(),
        failures: Vec::new(),
        questions: 0,
        cases: Vec::new(),
        remedy: None,
        findings: Vec::new(),
        end: None,
        walk: Vec::new(),
        visited: Vec::new(),
    };
    let snapshot: Arc<dyn crate::facts::Facts> = Arc::new(Snapshot::new(facts));
    if sc.expect.walks() {
        walk(kb, sc, system, &snapshot, &mut report);
    }
    if sc.expect.diagnoses() {
        diagnosis(kb, sc, system, &snapshot, &mut report);
    }
    report
}

/// Runs every scenario of the knowledge base.
pub fn run_all(kb: &Arc<Kb>) -> Vec<Report> {
    kb.scenarios.iter().map(|f| run(kb, f)).collect()
}

fn choice_list(kb: &Kb, question: &str) -> String {
    match kb.node(question).map(|n| &n.body) {
        Some(crate::model::Body::Question { choices, .. }) => choices
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{i}: {}", c.next))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "none".into(),
    }
}

fn choice_index(kb: &Kb, question: &str, next: &str) -> Option<usize> {
    match &kb.node(question)?.body {
        crate::model::Body::Question { choices, .. } => choices.iter().position(|c| c.next == next),
        _ => None,
    }
}

/// Replaces every `{synth_cert: {...}}` inside a fact value by a generated certificate (base64 DER).
fn synthesise(v: serde_json::Value) -> Result<serde_json::Value, String> {
    use serde_json::Value;
    Ok(match v {
        Value::Object(m) if m.len() == 1 && m.contains_key("synth_cert") => {
            Value::String(synth_cert(m.get("synth_cert").unwrap_or(&Value::Null))?)
        }
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| Ok((k, synthesise(v)?)))
                .collect::<Result<_, String>>()?,
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(synthesise).collect::<Result<_, _>>()?),
        other => other,
    })
}

/// A self-signed certificate with the subject and validity a scenario asks for (keys this does
/// not know are ignored, as they always were).
pub fn synth_cert(spec: &serde_json::Value) -> Result<String, String> {
    use crate::facts::cert::{Synth, synthesise};
    let get = |k: &str| spec.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let synth = Synth {
        cn: get("cn"),
        o: get("o"),
        ou: get("ou"),
        c: get("c"),
        st: get("st"),
        l: get("l"),
        surname: get("surname"),
        given_name: get("given_name"),
        title: get("title"),
        serial_number: get("serial_number"),
        not_before: get("not_before"),
        not_after: get("not_after"),
        ..Synth::default()
    };
    let der = synthesise(&synth).map_err(|e| format!("synth_cert: {e}"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(der))
}
