//! `kb coverage`: how well the scenario tests cover the catalog and the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;

use super::scenario::{self, Scenario};
use crate::kb::graph::WalkGraph;
use crate::kb::{Diagnostic, Kb};
use crate::model::Kind;

#[derive(Debug, Clone, Serialize)]
pub struct CaseCoverage {
    pub case: String,
    pub system: String,
    /// Nodes whose `case:` is this case.
    pub nodes: usize,
    /// Scenario tests that assert this case (in `expect.cases` or `expect.findings`).
    pub tests: usize,
    /// Whether a guided walk from the system's root can reach a node of this case.
    pub reachable: bool,
    /// Whether a symptom node carries this case, so the error-text lookup can find it.
    pub lookup: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub cases: Vec<CaseCoverage>,
    /// Nodes that no scenario's walk or diagnosis passed through.
    pub unreached_nodes: Vec<String>,
    pub scenarios: usize,
    pub scenarios_failed: usize,
    /// The median number of questions the user answered per walking scenario.
    pub median_questions: Option<f64>,
}

pub fn coverage(kb: &Arc<Kb>) -> Coverage {
    let mut visited: BTreeSet<String> = BTreeSet::new();
    let mut questions = Vec::new();
    let mut failed = 0;
    let parsed = scenario::parse_all(kb);
    for (f, p) in kb.scenarios.iter().zip(&parsed) {
        let r = scenario::run_from(kb, f, p.as_ref());
        if !r.passed() {
            failed += 1;
        }
        if !r.walk.is_empty() {
            questions.push(r.questions);
        }
        visited.extend(r.visited);
    }
    let cases = catalog(kb, &parsed);
    let unreached_nodes = kb
        .nodes
        .iter()
        .filter(|n| !visited.contains(&n.id))
        .map(|n| n.id.clone())
        .collect();
    questions.sort_unstable();
    let median_questions = match questions.len() {
        0 => None,
        n if n % 2 == 1 => Some(questions[n / 2] as f64),
        n => Some((questions[n / 2 - 1] + questions[n / 2]) as f64 / 2.0),
    };
    Coverage {
        cases,
        unreached_nodes,
        scenarios: kb.scenarios.len(),
        scenarios_failed: failed,
        median_questions,
    }
}

/// How far each catalog case is covered, without running the scenarios: nodes, tests that name
/// it, a walk from its system's root, a symptom for the lookup. What `kb check` holds to.
/// `parsed` is [`scenario::parse_all`] of `kb`.
pub(crate) fn catalog(kb: &Kb, parsed: &[Result<Scenario, Diagnostic>]) -> Vec<CaseCoverage> {
    let mut nodes_per_case: BTreeMap<&str, usize> = BTreeMap::new();
    for n in &kb.nodes {
        if let Some(c) = &n.case {
            *nodes_per_case.entry(c.as_str()).or_default() += 1;
        }
    }
    let mut tests_per_case: BTreeMap<String, usize> = BTreeMap::new();
    for sc in parsed.iter().flatten() {
        for c in sc.named_cases() {
            *tests_per_case.entry(c).or_default() += 1;
        }
    }
    let g = WalkGraph::build(kb);
    // One traversal per system, not per case.
    let from_roots: BTreeMap<&str, _> = kb
        .systems
        .iter()
        .map(|s| (s.id.as_str(), g.reachable_from(&[s.root.as_str()])))
        .collect();
    let nothing = Default::default();
    kb.catalog
        .iter()
        .map(|c| {
            let from_root = from_roots.get(c.system.as_str()).unwrap_or(&nothing);
            let of_case = |n: &&crate::model::Node| n.case.as_deref() == Some(c.id.as_str());
            CaseCoverage {
                case: c.id.clone(),
                system: c.system.clone(),
                nodes: nodes_per_case.get(c.id.as_str()).copied().unwrap_or(0),
                tests: tests_per_case.get(&c.id).copied().unwrap_or(0),
                reachable: kb
                    .nodes
                    .iter()
                    .filter(of_case)
                    .any(|n| from_root.contains(n.id.as_str())),
                lookup: kb
                    .nodes
                    .iter()
                    .filter(of_case)
                    .any(|n| n.kind == Kind::Symptom),
            }
        })
        .collect()
}
