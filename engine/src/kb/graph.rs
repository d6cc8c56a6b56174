//! The knowledge base as a graph (petgraph): for the checker's cycle and reachability rules, and
//! for `kb graph` (Graphviz dot or Mermaid).

use std::collections::{HashMap, HashSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::Dfs;

use super::load::Kb;

/// Nodes and the edges a walk follows (plus `check`/`auto`/`verify` edges when asked).
pub(crate) struct WalkGraph<'a> {
    pub graph: DiGraph<&'a str, String>,
    pub index: HashMap<&'a str, NodeIndex>,
}

impl<'a> WalkGraph<'a> {
    /// Only the edges a user can walk along.
    pub fn build(kb: &'a Kb) -> Self {
        Self::build_with(kb, false)
    }

    pub(crate) fn build_with(kb: &'a Kb, probe_edges: bool) -> Self {
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
    pub(crate) fn reachable_from(&self, starts: &[&str]) -> HashSet<&'a str> {
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
