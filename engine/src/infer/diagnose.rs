//! `diagnose`: run every check of a system (or all) and report what is wrong, worst first, each
//! finding with its evidence, its remedy and the path that led there.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::Runner;
use super::session::{Evidence, Need, Session, Step};
use crate::facts::Facts;
use crate::kb::Kb;
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

/// The probe nodes a diagnosis of `system` (or of every system) may run: its checks (symptoms'
/// `check:` and the system's prerequisites) and every probe the walks from those symptoms can
/// reach on the way to a remedy. Sorted, each once.
pub(crate) fn probes_needed<'k>(kb: &'k Kb, system: Option<&str>) -> Vec<&'k str> {
    let wanted = |s: &str| system.is_none_or(|sys| s == sys || s == "general");
    let mut stack: Vec<&str> = kb
        .nodes
        .iter()
        .filter(|n| wanted(&n.system) && matches!(n.body, Body::Symptom { check: Some(_), .. }))
        .map(|n| n.id.as_str())
        .collect();
    for s in kb.systems.iter().filter(|s| system == Some(s.id.as_str())) {
        stack.extend(s.prerequisites.iter().filter_map(|p| p.check.as_deref()));
    }
    // Every edge, probes' `check`, `auto` and `verify` included: one traversal of what is
    // reachable (each node once).
    let mut seen = vec![false; kb.nodes.len()];
    let mut probes = Vec::new();
    while let Some(id) = stack.pop() {
        let Some(at) = kb.position(id) else { continue };
        if std::mem::replace(&mut seen[at], true) {
            continue;
        }
        let n = &kb.nodes[at];
        if n.kind == Kind::Probe {
            probes.push(n.id.as_str());
        }
        stack.extend(n.references().into_iter().map(|(_, to)| to));
    }
    probes.sort_unstable();
    probes
}

/// The facts a diagnosis of `system` (or of every system) may read: those of the probes
/// `probes_needed` lists.
pub fn facts_needed(kb: &Kb, system: Option<&str>) -> FactReads {
    let mut reads = FactReads::default();
    for id in probes_needed(kb, system) {
        // A missing script runs nothing, so it reads nothing.
        if let Some(s) = script_of(kb, id) {
            reads.extend(&s.reads);
        }
    }
    reads
}

fn script_of<'k>(kb: &'k Kb, probe: &str) -> Option<&'k crate::kb::Script> {
    match kb.node(probe).map(|n| &n.body) {
        Some(Body::Probe { script, .. }) => kb.script(script),
        _ => None,
    }
}

/// How many checks run at once. A check that waits for a slow fact (the token, read in a child
/// process) holds only its worker; the others go on with checks that need no such fact, so
/// the diagnosis is done soon after the slowest fact, not after it plus every check in turn.
const WORKERS: usize = 6;

/// One check to run: a symptom's `check:` or a system prerequisite.
enum Task<'k> {
    Symptom {
        node: &'k crate::model::Node,
        probe: &'k str,
        severity: Severity,
    },
    Prerequisite {
        system: &'k crate::model::System,
        prerequisite: &'k crate::model::Prerequisite,
        probe: &'k str,
    },
}

/// Runs the checks of `system` (plus the general ones), or of every system.
///
/// A live diagnosis overlaps its work: the facts every check may need are read in the
/// background (each provider on its own thread; the token's child was started even earlier),
/// the checks' scripts are compiled meanwhile, and the checks run on a few workers, so the
/// ones that need only quick facts are done while the token is still being read. The result
/// does not depend on that order: checks are gathered in the knowledge base's order.
pub fn diagnose(kb: &Arc<Kb>, facts: Arc<dyn Facts>, system: Option<&str>) -> Diagnosis {
    let runner = Runner::new(
        Arc::clone(kb),
        Arc::clone(&facts),
        system.map(str::to_string),
    );
    let wanted = |s: &str| system.is_none_or(|sys| s == sys || s == "general");
    let mut tasks = Vec::new();
    for n in kb.nodes.iter().filter(|n| wanted(&n.system)) {
        if let Body::Symptom {
            check: Some(probe),
            severity,
            ..
        } = &n.body
        {
            tasks.push(Task::Symptom {
                node: n,
                probe,
                severity: *severity,
            });
        }
    }
    for s in kb.systems.iter().filter(|s| system == Some(s.id.as_str())) {
        for p in &s.prerequisites {
            if let Some(probe) = &p.check {
                tasks.push(Task::Prerequisite {
                    system: s,
                    prerequisite: p,
                    probe,
                });
            }
        }
    }
    let probes = probes_needed(kb, system);
    let mut reads = FactReads::default();
    for s in probes.iter().filter_map(|p| script_of(kb, p)) {
        reads.extend(&s.reads);
    }
    let run_task = |task: &Task<'_>| -> (CheckResult, Option<Finding>) {
        match task {
            Task::Symptom {
                node,
                probe,
                severity,
            } => {
                let r = runner.run(probe);
                let finding = match r.status {
                    Status::Fail => Some(*severity),
                    Status::Warn => Some((*severity).max(Severity::Warning)),
                    _ => None,
                }
                .map(|sev| finding_for(kb, &runner, &node.id, sev, probe, &r));
                let check = CheckResult {
                    id: node.id.clone(),
                    probe: probe.to_string(),
                    system: node.system.clone(),
                    case: node.case.clone(),
                    title: check_title(kb, probe).unwrap_or_else(|| node.title.clone()),
                    status: r.status,
                    evidence: r.evidence,
                    note: r.note,
                    reason: r.reason,
                    not_applicable: r.not_applicable,
                };
                (check, finding)
            }
            Task::Prerequisite {
                system,
                prerequisite: p,
                probe,
            } => {
                let r = runner.run(probe);
                let check = CheckResult {
                    id: format!("{}/prerequisite/{}", system.id, p.id),
                    probe: probe.to_string(),
                    system: system.id.clone(),
                    case: None,
                    title: p.name.clone(),
                    status: r.status,
                    evidence: r.evidence,
                    note: r.note,
                    reason: r.reason,
                    not_applicable: r.not_applicable,
                };
                (check, None)
            }
        }
    };
    // A live world starts reading what the checks need, all at once, in the background;
    // recorded facts ignore it.
    facts.prefetch(&reads);
    let done: Vec<Option<(CheckResult, Option<Finding>)>> = {
        // The checks' own scripts compile now, while those facts are read; a script only a
        // walk reaches compiles when (and if) the walk gets there.
        let programs = crate::probe::Programs::shared();
        let sources: Vec<&Arc<str>> = tasks
            .iter()
            .filter_map(|t| match t {
                Task::Symptom { probe, .. } | Task::Prerequisite { probe, .. } => {
                    script_of(kb, probe)
                }
            })
            .map(|s| &s.source)
            .collect();
        programs.prepare(sources, 1);
        in_parallel(&tasks, WORKERS, &run_task)
    };
    let mut checks = Vec::new();
    let mut findings = Vec::new();
    let mut prerequisites = Vec::new();
    for (done, task) in done.into_iter().zip(&tasks) {
        // Every task ran (a worker that panicked would have ended the scope above).
        let Some((check, finding)) = done else {
            continue;
        };
        match task {
            Task::Symptom { .. } => {
                checks.push(check);
                findings.extend(finding);
            }
            Task::Prerequisite { .. } => prerequisites.push(check),
        }
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
    for c in prerequisites {
        // A prerequisite that a symptom's check already covers is listed once.
        if !checks.iter().any(|k| k.probe == c.probe) {
            checks.push(c);
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

/// `f` of every item, on up to `workers` threads (this one included), in the items' order.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    workers: usize,
    f: &(dyn Fn(&T) -> R + Sync),
) -> Vec<Option<R>> {
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let r = f(item);
            if let Ok(mut slot) = slots[i].lock() {
                *slot = Some(r);
            }
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers.clamp(1, items.len().max(1)) {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .map(|s| s.into_inner().ok().flatten())
        .collect()
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
