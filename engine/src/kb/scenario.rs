//! Scenario tests: recorded facts plus the user's answers, and what the knowledge base must
//! conclude from them. They live beside the nodes, in `kb/<system>/tests/*.yaml`.
//!
//! ```yaml
//! name: An expired certificate is found and renewal is offered
//! start: general/root            # default: the system's root
//! facts:                         # the `facts` of a bundle (or `bundle: file.json` beside it)
//!   clock: {value: {now: "2025-06-01T10:00:00+03:30"}}
//! answers: {general/root: general/cert-problems}   # question -> chosen next node (or index)
//! expect:
//!   cases: [general/cert-expired]   # the walk passes through these cases
//!   remedy: general/cert-renew      # and stops at this remedy
//!   questions: 1                    # after the user answered this many questions
//!   findings: [general/cert-expired] # `diagnose` finds exactly these cases
//! ```
//! A certificate in the facts may be written as `{synth_cert: {cn, o, serial_number,
//! not_before, not_after}}`; it is generated (DER, base64) before the test runs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use base64::Engine as _;
use serde::Deserialize;

use super::diag::{Code, Diagnostic};
use super::load::{Kb, ScenarioFile};
use super::model::Pos;
use super::yaml;
use crate::facts::{Bundle, Fact, Snapshot};
use crate::infer::session::{End, Need};
use crate::infer::{Runner, Session, diagnose};

#[derive(Debug, Clone, Deserialize)]
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
    #[serde(default)]
    pub answers: BTreeMap<String, Answer>,
    /// What the user says of remedies on the way: `not-helped` walks on to `unresolved`.
    #[serde(default)]
    pub remedy_outcomes: BTreeMap<String, Outcome>,
    pub expect: Expect,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    Index(usize),
    Next(String),
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Helped,
    NotHelped,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub cases: Option<Vec<String>>,
    #[serde(default)]
    pub remedy: Option<String>,
    #[serde(default)]
    pub questions: Option<usize>,
    #[serde(default)]
    pub findings: Option<Vec<String>>,
    /// `resolved`, `escalated` or `finished`: how the walk must end (with `remedy_outcomes`).
    #[serde(default)]
    pub end: Option<String>,
}

impl Scenario {
    /// Every case this scenario asserts, for coverage.
    pub fn named_cases(&self) -> BTreeSet<String> {
        let mut s: BTreeSet<String> = BTreeSet::new();
        s.extend(self.expect.cases.iter().flatten().cloned());
        s.extend(self.expect.findings.iter().flatten().cloned());
        s
    }
}

/// The outcome of one scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    pub path: String,
    pub name: String,
    pub failures: Vec<String>,
    pub questions: usize,
    pub cases: Vec<String>,
    pub remedy: Option<String>,
    pub findings: Vec<String>,
    /// Every node the walk passed through, for coverage.
    pub visited: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
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
        .chain(sc.answers.keys());
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
    Ok(sc)
}

/// Scenario files that cannot be read are knowledge-base errors (`kb check`).
pub fn check_files(kb: &Kb) -> Vec<Diagnostic> {
    kb.scenarios
        .iter()
        .filter_map(|f| parse(kb, f).err())
        .collect()
}

/// Builds the facts of a scenario: its bundle, overlaid with its inline facts, certificates
/// synthesised.
pub fn facts_of(
    kb: &Kb,
    file: &ScenarioFile,
    sc: &Scenario,
) -> Result<BTreeMap<String, Fact>, String> {
    let mut facts = BTreeMap::new();
    if let Some(b) = &sc.bundle {
        let dir = file.path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let path = format!("{dir}/{b}");
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
        let v = match &v {
            Fact::Value(j) => Fact::Value(synthesise(j.clone())?),
            other => other.clone(),
        };
        facts.insert(k.clone(), v);
    }
    Ok(facts)
}

/// Runs one scenario.
pub fn run(kb: &Arc<Kb>, file: &ScenarioFile) -> Report {
    let mut report = Report {
        path: file.path.clone(),
        name: String::new(),
        failures: Vec::new(),
        questions: 0,
        cases: Vec::new(),
        remedy: None,
        findings: Vec::new(),
        visited: Vec::new(),
    };
    let sc = match parse(kb, file) {
        Ok(s) => s,
        Err(d) => {
            report.failures.push(d.message);
            return report;
        }
    };
    report.name = sc.name.clone();
    let facts = match facts_of(kb, file, &sc) {
        Ok(f) => f,
        Err(e) => {
            report.failures.push(e);
            return report;
        }
    };
    let snapshot: Arc<dyn crate::facts::Facts> = Arc::new(Snapshot::new(facts));
    let system = sc.system.clone().unwrap_or_else(|| file.system.clone());
    let walk_expected = sc.expect.cases.is_some()
        || sc.expect.remedy.is_some()
        || sc.expect.questions.is_some()
        || sc.expect.end.is_some();

    if walk_expected {
        let start = sc
            .start
            .clone()
            .or_else(|| kb.system(&system).map(|s| s.root.clone()))
            .unwrap_or_default();
        let runner = Runner::new(Arc::clone(kb), Arc::clone(&snapshot), Some(system.clone()));
        match Session::start(Arc::clone(kb), &start, Some(system.clone())) {
            Err(e) => report.failures.push(e.to_string()),
            Ok(mut walk) => {
                let mut end = None;
                for _ in 0..200 {
                    match walk.run_until_input(&runner) {
                        Need::Answer { node } => match sc.answers.get(&node) {
                            None => {
                                report.failures.push(format!(
                                    "the walk asked `{node}` and the scenario gives no answer"
                                ));
                                break;
                            }
                            Some(a) => {
                                let idx = match a {
                                    Answer::Index(i) => Some(*i),
                                    Answer::Next(to) => choice_index(kb, &node, to),
                                };
                                match idx.map(|i| walk.answer(i)) {
                                    Some(Ok(())) => {}
                                    _ => {
                                        report
                                            .failures
                                            .push(format!("`{node}` has no choice {a:?}"));
                                        break;
                                    }
                                }
                            }
                        },
                        Need::Read { .. } => {
                            let _ = walk.proceed();
                        }
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
                report.questions = walk.questions_answered();
                report.cases = walk.cases();
                report.remedy = walk.remedies().last().cloned();
                report.visited = walk.steps().iter().map(|s| s.node.clone()).collect();
                for e in &walk.state.evidence {
                    report.visited.push(e.probe.clone());
                }
                if let Some(want) = &sc.expect.cases {
                    for c in want {
                        if !report.cases.contains(c) {
                            report.failures.push(format!(
                                "expected the walk to reach case `{c}`; it reached {:?}",
                                report.cases
                            ));
                        }
                    }
                }
                if let Some(want) = &sc.expect.remedy
                    && report.remedy.as_ref() != Some(want)
                {
                    report.failures.push(format!(
                        "expected remedy `{want}`, got {}",
                        report
                            .remedy
                            .as_deref()
                            .map_or("no remedy".to_string(), |r| format!("`{r}`"))
                    ));
                }
                if let Some(q) = sc.expect.questions
                    && q != report.questions
                {
                    report.failures.push(format!(
                        "expected {q} question(s) answered by the user, counted {}",
                        report.questions
                    ));
                }
                if let Some(want) = &sc.expect.end {
                    let got = match &end {
                        Some(End::Resolved { .. }) => "resolved",
                        Some(End::Escalated { .. }) => "escalated",
                        Some(End::Finished { .. }) => "finished",
                        None => "open",
                    };
                    if got != want {
                        report
                            .failures
                            .push(format!("expected the walk to end {want}, it ended {got}"));
                    }
                }
            }
        }
    }

    if let Some(want) = &sc.expect.findings {
        let d = diagnose(kb, Arc::clone(&snapshot), Some(&system));
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
        let want: BTreeSet<&String> = want.iter().collect();
        for missing in want.difference(&got) {
            report
                .failures
                .push(format!("- finding `{missing}` expected but not found"));
        }
        for extra in got.difference(&want) {
            report
                .failures
                .push(format!("+ finding `{extra}` found but not expected"));
        }
    }
    report
}

/// Runs every scenario of the knowledge base.
pub fn run_all(kb: &Arc<Kb>) -> Vec<Report> {
    kb.scenarios.iter().map(|f| run(kb, f)).collect()
}

fn choice_index(kb: &Kb, question: &str, next: &str) -> Option<usize> {
    match &kb.node(question)?.body {
        super::model::Body::Question { choices, .. } => choices.iter().position(|c| c.next == next),
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

/// A self-signed certificate with the subject and validity a scenario asks for.
pub fn synth_cert(spec: &serde_json::Value) -> Result<String, String> {
    use rcgen::{CertificateParams, DnType, DnValue, KeyPair};
    let get = |k: &str| spec.get(k).and_then(|v| v.as_str());
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(|e| e.to_string())?;
    let mut dn = rcgen::DistinguishedName::new();
    let attrs: [(&str, DnType); 7] = [
        ("cn", DnType::CommonName),
        ("o", DnType::OrganizationName),
        ("ou", DnType::OrganizationalUnitName),
        ("c", DnType::CountryName),
        ("st", DnType::StateOrProvinceName),
        ("l", DnType::LocalityName),
        ("serial_number", DnType::CustomDnType(vec![2, 5, 4, 5])),
    ];
    for (k, t) in attrs {
        if let Some(v) = get(k) {
            dn.push(t, DnValue::Utf8String(v.to_string()));
        }
    }
    for (k, oid) in [
        ("surname", vec![2, 5, 4, 4]),
        ("given_name", vec![2, 5, 4, 42]),
        ("title", vec![2, 5, 4, 12]),
    ] {
        if let Some(v) = get(k) {
            dn.push(
                DnType::CustomDnType(oid),
                DnValue::Utf8String(v.to_string()),
            );
        }
    }
    params.distinguished_name = dn;
    let time = |k: &str| -> Result<Option<time::OffsetDateTime>, String> {
        let Some(s) = get(k) else { return Ok(None) };
        let t =
            chrono::DateTime::parse_from_rfc3339(s).map_err(|e| format!("synth_cert.{k}: {e}"))?;
        time::OffsetDateTime::from_unix_timestamp(t.timestamp())
            .map(Some)
            .map_err(|e| format!("synth_cert.{k}: {e}"))
    };
    if let Some(t) = time("not_before")? {
        params.not_before = t;
    }
    if let Some(t) = time("not_after")? {
        params.not_after = t;
    }
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(cert.der()))
}
