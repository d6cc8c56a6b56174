//! `diagnose`: run every check of a system (or all) and report what is wrong, worst first, each
//! finding with its evidence, its remedy and the path that led there.

use std::sync::Arc;

use serde::Serialize;

use super::Runner;
use super::session::{Evidence, Need, Session, Step};
use crate::facts::Facts;
use crate::kb::Kb;
use crate::kb::graph::WalkGraph;
use crate::model::{Body, Kind, Lang, Severity, Status, Text};
use crate::probe::{FactReads, ProbeResult};

/// One check: a symptom's `check:` probe or a system prerequisite.
#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    /// The symptom (or `<system>/prerequisite/<id>`) this check confirms.
    /// `title` says what was checked (the probe's title).
    pub id: String,
    pub probe: String,
    pub system: String,
    pub case: Option<String>,
    pub title: Text,
    pub status: Status,
    pub evidence: serde_json::Map<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<crate::i18n::Message>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::i18n::Message>,
    /// The check does not apply on this computer (its status is then `ok`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemedyRef {
    pub id: String,
    pub title: Text,
    pub steps: Vec<Text>,
}

/// Why a finding was reached: the check that fired, then the walk from its symptom.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub check: String,
    pub probe: ProbeResult,
    pub path: Vec<Step>,
    /// What the probes on the path found (the walk's evidence), for "why?".
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub case: String,
    pub severity: Severity,
    pub title: Text,
    pub evidence: serde_json::Map<String, serde_json::Value>,
    pub remedy: Option<RemedyRef>,
    /// The symptom node behind the finding.
    pub node: String,
    pub trace: Trace,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    pub tool: &'static str,
    pub version: &'static str,
    pub kb_version: String,
    pub system: Option<String>,
    pub checks: Vec<CheckResult>,
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// Whether anything worth fixing was found (an error or a warning).
    pub fn has_problems(&self) -> bool {
        self.findings.iter().any(|f| f.severity != Severity::Info)
    }
}

/// The facts a diagnosis of `system` (or of every system) may read: those of the checks it runs
/// (symptoms' `check:` and the system's prerequisites) and of every probe the walks from those
/// symptoms can reach on the way to a remedy.
pub fn facts_needed(kb: &Kb, system: Option<&str>) -> FactReads {
    let wanted = |s: &str| system.is_none_or(|sys| s == sys || s == "general");
    let mut starts: Vec<&str> = kb
        .nodes
        .iter()
        .filter(|n| wanted(&n.system) && matches!(n.body, Body::Symptom { check: Some(_), .. }))
        .map(|n| n.id.as_str())
        .collect();
    for s in kb.systems.iter().filter(|s| system == Some(s.id.as_str())) {
        starts.extend(s.prerequisites.iter().filter_map(|p| p.check.as_deref()));
    }
    let graph = WalkGraph::build_with(kb, true);
    let mut reads = FactReads::default();
    for id in graph.reachable_from(&starts) {
        // A missing script runs nothing, so it reads nothing.
        if let Some(Body::Probe { script, .. }) = kb.node(id).map(|n| &n.body)
            && let Some(s) = kb.script(script)
        {
            reads.extend(&s.reads);
        }
    }
    reads
}

/// Runs the checks of `system` (plus the general ones), or of every system.
pub fn diagnose(kb: &Arc<Kb>, facts: Arc<dyn Facts>, system: Option<&str>) -> Diagnosis {
    // A live world reads what the checks need all at once, in parallel; recorded facts ignore it.
    facts.prefetch(&facts_needed(kb, system));
    let runner = Runner::new(Arc::clone(kb), facts, system.map(str::to_string));
    let wanted = |s: &str| system.is_none_or(|sys| s == sys || s == "general");
    let mut checks = Vec::new();
    let mut findings = Vec::new();
    for n in kb.nodes.iter().filter(|n| wanted(&n.system)) {
        let Body::Symptom {
            check: Some(probe),
            severity,
            ..
        } = &n.body
        else {
            continue;
        };
        let r = runner.run(probe);
        let finding = match r.status {
            Status::Fail => Some(*severity),
            Status::Warn => Some((*severity).max(Severity::Warning)),
            _ => None,
        }
        .map(|sev| finding_for(kb, &runner, &n.id, sev, probe, &r));
        checks.push(CheckResult {
            id: n.id.clone(),
            probe: probe.clone(),
            system: n.system.clone(),
            case: n.case.clone(),
            title: check_title(kb, probe).unwrap_or_else(|| n.title.clone()),
            status: r.status,
            evidence: r.evidence.clone(),
            note: r.note.clone(),
            reason: r.reason.clone(),
            not_applicable: r.not_applicable,
        });
        findings.extend(finding);
    }
    // Symptoms of several systems may share one check: list it once, under the general symptom
    // when there is one (the list says what was checked, not which messages it explains).
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut unique: Vec<CheckResult> = Vec::new();
    for c in checks {
        match seen.get(&c.probe) {
            Some(&i) => {
                if unique[i].system != "general" && c.system == "general" {
                    unique[i] = c;
                }
            }
            None => {
                seen.insert(c.probe.clone(), unique.len());
                unique.push(c);
            }
        }
    }
    let mut checks = unique;
    for s in kb.systems.iter().filter(|s| system == Some(s.id.as_str())) {
        for p in &s.prerequisites {
            let Some(probe) = &p.check else { continue };
            // A prerequisite that a symptom's check already covers is not run twice.
            if checks.iter().any(|c| &c.probe == probe) {
                continue;
            }
            let r = runner.run(probe);
            checks.push(CheckResult {
                id: format!("{}/prerequisite/{}", s.id, p.id),
                probe: probe.clone(),
                system: s.id.clone(),
                case: None,
                title: p.name.clone(),
                status: r.status,
                evidence: r.evidence.clone(),
                note: r.note.clone(),
                reason: r.reason.clone(),
                not_applicable: r.not_applicable,
            });
        }
    }
    // One finding per problem. Symptoms that share a check say the same thing once: the system's
    // own symptom speaks for it (its remedy is written for that system), else the general one;
    // among equals, the one that describes the problem rather than quoting a message.
    let rank = |f: &Finding| {
        let n = kb.node(&f.node);
        let messages = match n.map(|n| &n.body) {
            Some(Body::Symptom { messages, .. }) => messages.len(),
            _ => 0,
        };
        (n.is_none_or(|n| n.system == "general"), messages)
    };
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| rank(&findings[i]));
    let mut probes = std::collections::HashSet::new();
    let mut cases = std::collections::HashSet::new();
    let mut keep = vec![false; findings.len()];
    for i in order {
        let f = &findings[i];
        keep[i] = probes.insert(f.trace.check.clone()) & cases.insert(f.case.clone());
    }
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(false));
    // Worst first; the knowledge base's order within a severity.
    findings.sort_by_key(|f| f.severity);
    // Remedies name the software of the token model the checks found.
    let maps: Vec<&serde_json::Map<String, serde_json::Value>> = checks
        .iter()
        .map(|c| &c.evidence)
        .chain(
            findings
                .iter()
                .flat_map(|f| f.trace.evidence.iter().map(|e| &e.result.evidence)),
        )
        .collect();
    let args = super::TextArgs::from_maps(kb, maps.into_iter());
    for f in &mut findings {
        if let Some(r) = f.remedy.as_mut() {
            r.title = args.fill(&r.title);
            r.steps = args.fill_all(&r.steps);
        }
    }
    Diagnosis {
        tool: "tokenyar",
        version: crate::VERSION,
        kb_version: kb.version.clone(),
        system: system.map(str::to_string),
        checks,
        findings,
    }
}

/// What a check looked at: its probe's title, when it has one.
fn check_title(kb: &Kb, probe: &str) -> Option<Text> {
    kb.node(probe)
        .map(|p| p.title.clone())
        .filter(|t| !t.get(Lang::En).is_empty())
}

/// Builds a finding: walks on from the symptom, letting probes answer, to its remedy.
fn finding_for(
    kb: &Arc<Kb>,
    runner: &Runner,
    symptom: &str,
    severity: Severity,
    probe: &str,
    r: &ProbeResult,
) -> Finding {
    let node = kb.node(symptom);
    let case = node
        .and_then(|n| n.case.clone())
        .unwrap_or_else(|| symptom.to_string());
    let mut path = Vec::new();
    let mut evidence = Vec::new();
    let mut remedy = None;
    if let Ok(mut walk) =
        Session::start(Arc::clone(kb), symptom, runner.system().map(str::to_string))
    {
        if let Need::Remedy { node, .. } = walk.run_until_input(runner) {
            remedy = Some(node);
        }
        path = walk.steps().to_vec();
        evidence = walk.state.evidence.clone();
    }
    // The walk stopped at a question the machine cannot answer: offer the case's first remedy.
    let remedy = remedy.or_else(|| {
        kb.nodes
            .iter()
            .find(|n| n.kind == Kind::Remedy && n.case.as_deref() == Some(case.as_str()))
            .map(|n| n.id.clone())
    });
    let remedy = remedy
        .and_then(|id| kb.node(&id))
        .and_then(|n| match &n.body {
            Body::Remedy { steps, .. } => Some(RemedyRef {
                id: n.id.clone(),
                title: n.title.clone(),
                steps: steps.clone(),
            }),
            _ => None,
        });
    Finding {
        case,
        severity,
        title: node.map(|n| n.title.clone()).unwrap_or_default(),
        evidence: r.evidence.clone(),
        remedy,
        node: symptom.to_string(),
        trace: Trace {
            check: probe.to_string(),
            probe: r.clone(),
            path,
            evidence,
        },
    }
}
