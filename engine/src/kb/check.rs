//! `kb check`: the rules a knowledge base must keep, beyond what loading already enforces.

use std::collections::{BTreeSet, HashSet};

use petgraph::algo::tarjan_scc;
use petgraph::visit::EdgeRef;

use super::diag::{Code, Diagnostic};
use super::graph::WalkGraph;
use super::load::Kb;
use crate::model::*;

/// Runs every rule and returns what it found (loading diagnostics are separate).
pub fn check(kb: &Kb) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    ids(kb, &mut out);
    references(kb, &mut out);
    translations(kb, &mut out);
    scripts(kb, &mut out);
    remedies(kb, &mut out);
    systems(kb, &mut out);
    cycles(kb, &mut out);
    reachability(kb, &mut out);
    persian_style(kb, &mut out);
    out
}

/// The Arabic letter forms that look like Persian ones (ي yeh, ك kaf): Persian text must use
/// U+06CC and U+06A9, or search and sorting break.
const ARABIC_LOOKALIKES: [char; 2] = ['\u{064A}', '\u{0643}'];
/// The Persian prefixes and plural suffix that take a zero-width non-joiner, written with a
/// plain space instead: « می », « نمی », « ها ».
const SPACED_AFFIXES: [&str; 3] = [
    " \u{0645}\u{06CC} ",
    " \u{0646}\u{0645}\u{06CC} ",
    " \u{0647}\u{0627} ",
];

/// Style mistakes in one Persian text: Arabic letter forms, Latin digits outside Latin words
/// (epass3003, UTC+03:30 and tax.gov.ir keep theirs), affixes set off by a space. Quoted
/// on-screen messages («...») are left as the system writes them.
pub fn persian_style_issues(text: &str) -> Vec<String> {
    let outside: String = text
        .split('«')
        .map(|part| part.split_once('»').map_or(part, |(_, rest)| rest))
        .collect();
    let mut out = Vec::new();
    if outside.contains(ARABIC_LOOKALIKES) {
        out.push("the Arabic letter form of yeh or kaf (use U+06CC and U+06A9)".to_string());
    }
    let chars: Vec<char> = outside.chars().collect();
    let latin =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphabetic() || "_.:+-/()#".contains(*c));
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let before = start.checked_sub(1).and_then(|j| chars.get(j));
            if !latin(before) && !latin(chars.get(i)) {
                let digits: String = chars[start..i].iter().collect();
                out.push(format!(
                    "Latin digits `{digits}` (write {})",
                    crate::text::persian_digits(&digits)
                ));
            }
        } else {
            i += 1;
        }
    }
    for a in SPACED_AFFIXES {
        if outside.contains(a) {
            out.push(format!(
                "`{}` set off by a space (join it with a half-space, U+200C)",
                a.trim()
            ));
        }
    }
    out
}

fn persian_style(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut report = |pos: &Pos, node: Option<&str>, what: &str, t: &Text| {
        for issue in persian_style_issues(&t.fa) {
            out.push(Diagnostic::new(
                Code::W003PersianStyle,
                pos,
                node,
                format!("the Persian {what} has {issue}"),
            ));
        }
    };
    for n in &kb.nodes {
        let id = Some(n.id.as_str());
        report(n.pos_of("title"), id, "title", &n.title);
        if let Some(t) = &n.text {
            report(n.pos_of("text"), id, "text", t);
        }
        match &n.body {
            Body::Question { choices, .. } => {
                for (i, c) in choices.iter().enumerate() {
                    report(
                        n.pos_of(&format!("choices[{i}].next")),
                        id,
                        "choice",
                        &c.text,
                    );
                }
            }
            Body::Remedy {
                steps, escalate, ..
            } => {
                for s in steps {
                    report(n.pos_of("steps"), id, "step", s);
                }
                if let Some(e) = escalate {
                    report(n.pos_of("escalate"), id, "contact", &e.contact);
                    for c in &e.collect {
                        report(n.pos_of("escalate"), id, "item to collect", c);
                    }
                }
            }
            _ => {}
        }
    }
    let file = |f: &str| Pos {
        file: f.into(),
        line: 1,
        col: 1,
    };
    for s in &kb.systems {
        let pos = s.pos.clone().unwrap_or_else(|| file("kb/systems.yaml"));
        report(&pos, None, "system name", &s.name);
        if let Some(t) = &s.support {
            report(&pos, None, "support text", t);
        }
        for p in &s.prerequisites {
            report(&pos, None, "prerequisite name", &p.name);
        }
    }
    let systems = file("kb/systems.yaml");
    for t in &kb.certificate_types {
        report(&systems, None, "certificate type name", &t.name);
    }
    let tokens = file("kb/tokens.yaml");
    for (name, e) in &kb.tokens.pkcs11_errors {
        report(&tokens, None, &format!("cause of {name}"), &e.cause);
    }
    for (name, e) in &kb.tokens.reader_errors {
        report(&tokens, None, &format!("cause of {name}"), &e.cause);
    }
}

fn ids(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let known: HashSet<&str> = kb.systems.iter().map(|s| s.id.as_str()).collect();
    let cases: HashSet<&str> = kb.catalog.iter().map(|c| c.id.as_str()).collect();
    for n in &kb.nodes {
        let segs: Vec<&str> = n.id.split('/').collect();
        let well_formed = segs.len() >= 2
            && segs.iter().all(|s| {
                !s.is_empty()
                    && s.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            });
        if !well_formed {
            out.push(Diagnostic::new(
                Code::E011BadId,
                n.pos_of("id"),
                Some(&n.id),
                format!("the id `{}` must look like `<system>/<slug>[/<step>]` in lowercase letters, digits and dashes", n.id),
            ));
        } else if !known.contains(segs[0]) {
            out.push(Diagnostic::new(
                Code::E011BadId,
                n.pos_of("id"),
                Some(&n.id),
                format!(
                    "the id `{}` starts with `{}`, which systems.yaml does not list",
                    n.id, segs[0]
                ),
            ));
        } else {
            let folder = n.pos.file.split('/').nth(1).unwrap_or_default();
            if folder != segs[0] {
                out.push(Diagnostic::new(
                    Code::E011BadId,
                    n.pos_of("id"),
                    Some(&n.id),
                    format!(
                        "the node `{}` belongs to `{}` but is written in the folder kb/{folder}/",
                        n.id, segs[0]
                    ),
                ));
            }
        }
        if let Some(case) = &n.case
            && !cases.contains(case.as_str())
        {
            out.push(Diagnostic::new(
                Code::E012UnknownCase,
                n.pos_of("case"),
                Some(&n.id),
                format!("the case `{case}` is not in kb/catalog.yaml"),
            ));
        }
    }
}

fn references(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for n in &kb.nodes {
        for (field, to) in n.references() {
            let Some(target) = kb.node(to) else {
                out.push(Diagnostic::new(
                    Code::E004Dangling,
                    n.pos_of(&field),
                    Some(&n.id),
                    format!(
                        "`{field}` points at `{to}`, which does not exist{}",
                        suggest(kb, to)
                    ),
                ));
                continue;
            };
            let needs_probe = matches!(field.as_str(), "check" | "auto" | "verify");
            if needs_probe && target.kind != Kind::Probe {
                out.push(Diagnostic::new(
                    Code::E005WrongKind,
                    n.pos_of(&field),
                    Some(&n.id),
                    format!(
                        "`{field}` must name a probe node, but `{to}` is a {}",
                        target.kind.name()
                    ),
                ));
            }
            if !needs_probe && target.kind == Kind::Symptom && n.kind != Kind::Question {
                // Symptoms are entry points; walking into one from a probe or remedy is allowed
                // only through a question ("which message do you see?").
                out.push(Diagnostic::new(
                    Code::E005WrongKind,
                    n.pos_of(&field),
                    Some(&n.id),
                    format!("`{field}` leads into the symptom `{to}`; only questions may lead to symptoms"),
                ));
            }
        }
        if let Body::Question {
            auto: Some(_),
            choices,
        } = &n.body
            && choices.iter().all(|c| c.when.is_empty())
        {
            out.push(Diagnostic::new(
                Code::E002Schema,
                n.pos_of("auto"),
                Some(&n.id),
                "this question has `auto:` but no choice says `when:` the probe picks it",
            ));
        }
    }
    for s in &kb.systems {
        let pos = s.pos.clone().unwrap_or_else(|| Pos {
            file: "kb/systems.yaml".into(),
            line: 1,
            col: 1,
        });
        if kb.node(&s.root).is_none() {
            out.push(Diagnostic::new(
                Code::E004Dangling,
                &pos,
                None,
                format!(
                    "the root `{}` of the system `{}` does not exist{}",
                    s.root,
                    s.id,
                    suggest(kb, &s.root)
                ),
            ));
        }
        for p in &s.prerequisites {
            if let Some(c) = &p.check {
                match kb.node(c) {
                    None => out.push(Diagnostic::new(
                        Code::E004Dangling,
                        &pos,
                        None,
                        format!("the prerequisite `{}` of `{}` is checked by `{c}`, which does not exist", p.id, s.id),
                    )),
                    Some(n) if n.kind != Kind::Probe => out.push(Diagnostic::new(
                        Code::E005WrongKind,
                        &pos,
                        None,
                        format!("the prerequisite `{}` must be checked by a probe; `{c}` is a {}", p.id, n.kind.name()),
                    )),
                    _ => {}
                }
            }
        }
    }
}

/// "did you mean" for a mistyped id: the closest existing id by edit distance.
fn suggest(kb: &Kb, wrong: &str) -> String {
    let best = kb
        .nodes
        .iter()
        .map(|n| (edit_distance(&n.id, wrong), &n.id))
        .filter(|(d, _)| *d <= 3.max(wrong.len() / 6))
        .min();
    match best {
        Some((_, id)) => format!(" (did you mean `{id}`?)"),
        None => String::new(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

fn translations(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut missing = |pos: &Pos, node: Option<&str>, what: &str, t: &Text| {
        for (lang, s) in [("Persian (fa)", &t.fa), ("English (en)", &t.en)] {
            if s.trim().is_empty() {
                out.push(Diagnostic::new(
                    Code::E006Translation,
                    pos,
                    node,
                    format!("the {what} has no {lang} text"),
                ));
            }
        }
    };
    for n in &kb.nodes {
        let id = Some(n.id.as_str());
        if n.kind != Kind::Probe || n.title != Text::default() {
            missing(n.pos_of("title"), id, "title", &n.title);
        }
        if let Some(t) = &n.text {
            missing(n.pos_of("text"), id, "text", t);
        }
        match &n.body {
            Body::Question { choices, .. } => {
                for (i, c) in choices.iter().enumerate() {
                    missing(
                        n.pos_of(&format!("choices[{i}].next")),
                        id,
                        &format!("choice {}", i + 1),
                        &c.text,
                    );
                }
            }
            Body::Remedy {
                steps, escalate, ..
            } => {
                for (i, s) in steps.iter().enumerate() {
                    missing(n.pos_of("steps"), id, &format!("step {}", i + 1), s);
                }
                if let Some(e) = escalate {
                    missing(n.pos_of("escalate"), id, "escalation contact", &e.contact);
                    for (i, c) in e.collect.iter().enumerate() {
                        missing(
                            n.pos_of("escalate"),
                            id,
                            &format!("escalation item {}", i + 1),
                            c,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    for s in &kb.systems {
        let pos = s.pos.clone().unwrap_or_else(|| Pos {
            file: "kb/systems.yaml".into(),
            line: 1,
            col: 1,
        });
        missing(
            &pos,
            None,
            &format!("name of the system `{}`", s.id),
            &s.name,
        );
        for p in &s.prerequisites {
            missing(
                &pos,
                None,
                &format!("name of the prerequisite `{}`", p.id),
                &p.name,
            );
        }
    }
}

fn scripts(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut used = BTreeSet::new();
    for n in &kb.nodes {
        if let Body::Probe { script, .. } = &n.body {
            used.insert(script.as_str());
            if kb.script(script).is_none() {
                out.push(Diagnostic::new(
                    Code::E008MissingScript,
                    n.pos_of("script"),
                    Some(&n.id),
                    format!("the script `scripts/{script}` does not exist"),
                ));
            }
        }
    }
    for (name, s) in &kb.scripts {
        if !used.contains(name.as_str()) {
            out.push(Diagnostic::new(
                Code::W002UnusedScript,
                &s.pos,
                None,
                format!("no probe uses `scripts/{name}`"),
            ));
        }
    }
}

fn remedies(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for n in &kb.nodes {
        if let Body::Remedy {
            unresolved: None,
            escalate: None,
            ..
        } = &n.body
        {
            out.push(Diagnostic::new(
                Code::E010NoWayOut,
                &n.pos,
                Some(&n.id),
                "if this remedy does not help the user has nowhere to go: add `unresolved:` (the next thing to try) or `escalate:` (whom to contact)",
            ));
        }
    }
}

fn systems(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for s in &kb.systems {
        if !seen.insert(s.id.as_str()) {
            let pos = s.pos.clone().unwrap_or_else(|| Pos {
                file: "kb/systems.yaml".into(),
                line: 1,
                col: 1,
            });
            out.push(Diagnostic::new(
                Code::E003Duplicate,
                &pos,
                None,
                format!("the system `{}` is listed twice", s.id),
            ));
        }
    }
}

/// A strongly connected group of nodes with no edge leaving it and no node where a walk may end
/// traps the user forever.
fn cycles(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let g = WalkGraph::build(kb);
    for scc in tarjan_scc(&g.graph) {
        let is_cycle = scc.len() > 1 || g.graph.edges(scc[0]).any(|e| e.target() == scc[0]);
        if !is_cycle {
            continue;
        }
        let members: HashSet<_> = scc.iter().copied().collect();
        let leaves = scc
            .iter()
            .any(|&ix| g.graph.edges(ix).any(|e| !members.contains(&e.target())));
        let can_end = scc
            .iter()
            .any(|&ix| kb.node(g.graph[ix]).is_some_and(can_end_here));
        if !leaves && !can_end {
            let mut ids: Vec<&str> = scc.iter().map(|&ix| g.graph[ix]).collect();
            ids.sort();
            let first = kb.node(ids[0]);
            if let Some(first) = first {
                out.push(Diagnostic::new(
                    Code::E009Cycle,
                    &first.pos,
                    Some(&first.id),
                    format!(
                        "these nodes form a loop the user can never leave: {}",
                        ids.join(" -> ")
                    ),
                ));
            }
        }
    }
}

/// Whether a walk may end at this node: a remedy ends when it helps; text with no `next` ends.
pub(crate) fn can_end_here(n: &Node) -> bool {
    match &n.body {
        Body::Remedy { .. } => true,
        Body::Info { next } => next.is_none(),
        Body::Symptom { next, .. } => next.is_none(),
        _ => false,
    }
}

fn reachability(kb: &Kb, out: &mut Vec<Diagnostic>) {
    // One search over walk edges and the `check`/`auto`/`verify` edges that run probes in place:
    // a probe is used when a reachable node runs it.
    let g = WalkGraph::build_with(kb, true);
    let mut starts: Vec<&str> = kb.systems.iter().map(|s| s.root.as_str()).collect();
    starts.extend(
        kb.nodes
            .iter()
            .filter(|n| n.kind == Kind::Symptom)
            .map(|n| n.id.as_str()),
    );
    starts.extend(
        kb.systems
            .iter()
            .flat_map(|s| s.prerequisites.iter().filter_map(|p| p.check.as_deref())),
    );
    let reached = g.reachable_from(&starts);
    for n in &kb.nodes {
        if !reached.contains(n.id.as_str()) {
            out.push(Diagnostic::new(
                Code::W001Unreachable,
                &n.pos,
                Some(&n.id),
                "no system root, symptom or probe reference leads here",
            ));
        }
    }
}
