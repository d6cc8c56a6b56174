//! `kb graph`: the walk graph of a system (or all) as Graphviz DOT or Mermaid, for editors to
//! see the shape of what they wrote.

use std::fmt::Write as _;

use petgraph::visit::EdgeRef;

use crate::kb::Kb;
use crate::kb::graph::WalkGraph;
use crate::model::{Kind, Lang};

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
                    esc(n.title.get(Lang::En))
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
                    esc(&format!("{}: {}", n.id, n.title.get(Lang::En)))
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
