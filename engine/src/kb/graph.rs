//! The knowledge base as a graph (petgraph): for the checker's cycle and reachability rules, and
//! for `kb graph` (Graphviz dot or Mermaid).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Dfs, EdgeRef};

use super::load::Kb;
use super::model::Kind;

/// Nodes and the edges a walk follows (plus `check`/`auto`/`verify` edges when asked).
pub struct WalkGraph<'a> {
    pub graph: DiGraph<&'a str, String>,
    pub index: HashMap<&'a str, NodeIndex>,
}

impl<'a> WalkGraph<'a> {
    /// Only the edges a user can walk along.
    pub fn build(kb: &'a Kb) -> Self {
        Self::build_with(kb, false)
    }

    pub fn build_with(kb: &'a Kb, probe_edges: bool) -> Self {
        let mut graph = DiGraph::new();
        let mut index = HashMap::new();
        for n in &kb.nodes {
            index
                .entry(n.id.as_str())
                .or_insert_with(|| graph.add_node(n.id.as_str()));
        }
        for n in &kb.nodes {
            let from = index[n.id.as_str()];
            for (field, to) in n.references() {
                let walked = !matches!(field.as_str(), "check" | "auto" | "verify");
                if (walked || probe_edges)
                    && let Some(&t) = index.get(to)
                {
                    graph.add_edge(from, t, field);
                }
            }
        }
        WalkGraph { graph, index }
    }

    /// Every node reachable from any of `starts`, in one traversal: the visited set is shared,
    /// so a node reachable from many starts is visited once (linear, not starts × nodes).
    pub fn reachable_from(&self, starts: &[&str]) -> HashSet<&'a str> {
        let mut seen = HashSet::new();
        let mut dfs = Dfs::empty(&self.graph);
        for s in starts {
            let Some(&ix) = self.index.get(s) else {
                continue;
            };
            dfs.move_to(ix);
            while let Some(n) = dfs.next(&self.graph) {
                seen.insert(self.graph[n]);
            }
        }
        seen
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

/// Renders the nodes of one system (or all) with their edges.
pub fn render(kb: &Kb, system: Option<&str>, format: GraphFormat) -> String {
    let g = WalkGraph::build_with(kb, true);
    let keep = |id: &str| system.is_none_or(|s| id.split('/').next() == Some(s));
    let shape = |k: Kind| match k {
        Kind::Symptom => ("doubleoctagon", "{{", "}}"),
        Kind::Question => ("diamond", "{", "}"),
        Kind::Probe => ("box3d", "[[", "]]"),
        Kind::Remedy => ("box", "[", "]"),
        Kind::Info | Kind::Guide => ("note", "(", ")"),
    };
    let mut out = String::new();
    match format {
        GraphFormat::Dot => {
            out.push_str(
                "digraph tokenyar {\n  rankdir=LR;\n  node [fontname=\"Vazirmatn, sans-serif\"];\n",
            );
            for n in kb.nodes.iter().filter(|n| keep(&n.id)) {
                let (sh, _, _) = shape(n.kind);
                let _ = writeln!(
                    out,
                    "  \"{}\" [shape={sh}, label=\"{}\\n{}\"];",
                    n.id,
                    n.id,
                    esc(&n.title.en)
                );
            }
            for e in g.graph.edge_references() {
                let (a, b) = (g.graph[e.source()], g.graph[e.target()]);
                if keep(a) || keep(b) {
                    let style = if matches!(e.weight().as_str(), "check" | "auto" | "verify") {
                        ", style=dashed"
                    } else {
                        ""
                    };
                    let _ = writeln!(
                        out,
                        "  \"{a}\" -> \"{b}\" [label=\"{}\"{style}];",
                        esc(e.weight())
                    );
                }
            }
            out.push_str("}\n");
        }
        GraphFormat::Mermaid => {
            out.push_str("flowchart LR\n");
            let mid = |id: &str| id.replace(['/', '-'], "_");
            for n in kb.nodes.iter().filter(|n| keep(&n.id)) {
                let (_, open, close) = shape(n.kind);
                let _ = writeln!(
                    out,
                    "  {}{open}\"{}\"{close}",
                    mid(&n.id),
                    esc(&format!("{}: {}", n.id, n.title.en))
                );
            }
            for e in g.graph.edge_references() {
                let (a, b) = (g.graph[e.source()], g.graph[e.target()]);
                if keep(a) || keep(b) {
                    let arrow = if matches!(e.weight().as_str(), "check" | "auto" | "verify") {
                        "-.->"
                    } else {
                        "-->"
                    };
                    let _ = writeln!(out, "  {} {arrow}|{}| {}", mid(a), esc(e.weight()), mid(b));
                }
            }
        }
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "'")
}
