//! The content rules of `kb check` that need more than the loaded data: every catalog case
//! covered (nodes, a scenario, a walk from its system's root, a symptom the lookup finds), and
//! every symptom found by its own messages and codes. They sit here, above `lookup` and the
//! scenario reader they use; `kb::check` holds the rules that need only the data.

use std::sync::Arc;

use super::coverage;
use super::scenario::Scenario;
use crate::kb::{Code, Diagnostic, Kb, Source, yaml};
use crate::lookup::Index;
use crate::model::{Body, Pos};

/// Every content rule; `parsed` is `scenario::parse_all` of `kb`.
pub fn check(kb: &Kb, source: &Source, parsed: &[Result<Scenario, Diagnostic>]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    catalog(kb, source, parsed, &mut out);
    lookup(kb, &mut out);
    out
}

fn catalog(
    kb: &Kb,
    source: &Source,
    parsed: &[Result<Scenario, Diagnostic>],
    out: &mut Vec<Diagnostic>,
) {
    const PATH: &str = "kb/catalog.yaml";
    let file: Arc<str> = Arc::from(PATH);
    let doc = source.get(PATH).and_then(|t| yaml::parse(t).ok());
    for (i, cc) in coverage::catalog(kb, parsed).iter().enumerate() {
        let symptom_case = kb
            .catalog
            .iter()
            .any(|c| c.id == cc.case && c.kind == "symptom");
        let mut why = Vec::new();
        if cc.nodes == 0 {
            why.push("no node has it as `case:`");
        }
        if cc.tests == 0 {
            why.push("no scenario test expects it");
        }
        if cc.nodes > 0 && !cc.reachable {
            why.push("no walk from its system's root reaches it");
        }
        if symptom_case && !cc.lookup {
            why.push("no symptom carries it, so the lookup cannot find it");
        }
        if why.is_empty() {
            continue;
        }
        let at = doc
            .as_ref()
            .map(|d| d.nearest(&format!(".cases[{i}]")))
            .unwrap_or_default();
        out.push(Diagnostic::new(
            Code::W004Coverage,
            &Pos::new(&file, at),
            None,
            format!("the catalog case `{}`: {}", cc.case, why.join("; ")),
        ));
    }
}

/// How many of the first hits a symptom's own message must reach: a message several systems
/// show ranks several symptoms alike.
const LOOKUP_DEPTH: usize = 6;

fn lookup(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let index = Index::build(kb);
    for n in &kb.nodes {
        let Body::Symptom {
            messages, codes, ..
        } = &n.body
        else {
            continue;
        };
        let queries = messages
            .iter()
            .map(|m| (m.clone(), "messages"))
            .chain(codes.iter().map(|c| (c.clone(), "codes")));
        for (q, field) in queries {
            let hits = index.search(&q, LOOKUP_DEPTH);
            if !hits.iter().any(|h| h.node == n.id) {
                let found: Vec<&str> = hits.iter().map(|h| h.node.as_str()).collect();
                out.push(Diagnostic::new(
                    Code::W005LookupMiss,
                    n.pos_of(field),
                    Some(&n.id),
                    format!(
                        "the lookup does not find this symptom by its own text `{q}` (it finds {found:?}); \
                         make the text more specific or add words to kb/lookup.yaml"
                    ),
                ));
            }
        }
    }
}
