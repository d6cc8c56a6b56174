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
    fact_keys(kb, &mut out);
    remedies(kb, &mut out);
    three_valued(kb, &mut out);
    risks(kb, &mut out);
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
    // Loading keeps scripts as text; whether each compiles is a rule of its own. The compiled
    // programs are kept, so a walk or test run in this process does not compile them again.
    let programs = crate::probe::Programs::shared();
    for s in kb.scripts.values() {
        if let Err(e) = programs.get(&s.source) {
            let pos = Pos {
                line: e.line,
                col: e.col,
                ..s.pos.clone()
            };
            out.push(Diagnostic::new(
                Code::E007Script,
                &pos,
                None,
                format!("the script does not compile: {}", e.message),
            ));
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

/// Fact keys a script names that no provider reads: such a fact is `unknown` everywhere, which
/// is almost always a misspelling.
fn fact_keys(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let known = crate::facts::live::provided_keys();
    for (name, s) in &kb.scripts {
        for key in s.reads.keys().into_iter().flatten() {
            if !known.contains(&key.as_str()) {
                out.push(Diagnostic::new(
                    Code::W006UnknownFact,
                    &s.pos,
                    None,
                    format!(
                        "`scripts/{name}` reads the fact `{key}`, which no provider offers; known facts: {}",
                        known.join(", ")
                    ),
                ));
            }
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

/// A probe's `unknown` is its own way: a reading that could not be made must never borrow the
/// route of `fail` (positive evidence), so every probe with outcomes names it (E014).
fn three_valued(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for n in &kb.nodes {
        if let Body::Probe { outcomes, .. } = &n.body
            && outcomes.all().next().is_some()
            && outcomes.unknown.is_none()
        {
            out.push(Diagnostic::new(
                Code::E014NoUnknown,
                &n.pos,
                Some(&n.id),
                "this probe does not say where `unknown` goes: add `outcomes.unknown` (usually the question that settles it, or the cheap next step), so a check that could not run never leads where `fail` leads",
            ));
        }
    }
}

/// The remedies with a `risk:`, and the words that say a remedy puts something at stake.
fn risky(kb: &Kb) -> std::collections::HashMap<&str, Risk> {
    kb.nodes
        .iter()
        .filter_map(|n| match &n.body {
            Body::Remedy { risk: Some(r), .. } => Some((n.id.as_str(), *r)),
            _ => None,
        })
        .collect()
}

/// The rules for remedies that cost money, lower security or cannot be undone:
/// E015 entered only through a choice the user makes (the confirmation step);
/// E016 that confirmation never reached on an `unknown` or `warn` reading;
/// E017 a remedy that lowers security says how to undo it (`revert:`);
/// E018 a remedy whose words (kb.yaml `risk_words`) put something at stake carries `risk:`.
fn risks(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let risky = risky(kb);
    // Questions with a choice into a risky remedy: the confirmation steps.
    let mut confirmations: HashSet<&str> = HashSet::new();
    for n in &kb.nodes {
        for (field, to) in n.references() {
            if !risky.contains_key(to) || matches!(field.as_str(), "check" | "auto" | "verify") {
                continue;
            }
            let by_user = match (&n.body, field.strip_prefix("choices[")) {
                (Body::Question { choices, .. }, Some(rest)) => rest
                    .split(']')
                    .next()
                    .and_then(|i| i.parse::<usize>().ok())
                    .and_then(|i| choices.get(i))
                    .is_some_and(|c| c.when.is_empty()),
                _ => false,
            };
            if by_user {
                confirmations.insert(n.id.as_str());
            } else {
                out.push(Diagnostic::new(
                    Code::E015RiskWithoutConfirmation,
                    n.pos_of(&field),
                    Some(&n.id),
                    format!(
                        "`{field}` leads straight to `{to}`, a remedy with `risk: {}`: put a question before it that the user answers (a choice without `when`), saying what is at stake",
                        risky.get(to).map_or("", |r| r.as_str())
                    ),
                ));
            }
        }
    }
    for n in &kb.nodes {
        let edges: Vec<(String, &str)> = match &n.body {
            Body::Probe { outcomes, .. } => outcomes
                .all()
                .filter(|(k, _)| matches!(*k, "unknown" | "warn"))
                .map(|(k, v)| (format!("outcomes.{k}"), v))
                .collect(),
            Body::Question {
                choices,
                auto: Some(_),
            } => choices
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    c.when
                        .iter()
                        .any(|w| matches!(w, Status::Unknown | Status::Warn))
                })
                .map(|(i, c)| (format!("choices[{i}].next"), c.next.as_str()))
                .collect(),
            _ => Vec::new(),
        };
        for (field, to) in edges {
            if confirmations.contains(to) || risky.contains_key(to) {
                out.push(Diagnostic::new(
                    Code::E016RiskOnUnknown,
                    n.pos_of(&field),
                    Some(&n.id),
                    format!(
                        "`{field}` is taken on a reading that is not positive evidence, and leads to `{to}`, the way to a risky remedy: a costly, insecure or final step needs a `fail` (or the user's own answer), never `unknown` or `warn`"
                    ),
                ));
            }
        }
    }
    let mut words: Vec<(Risk, String)> = Vec::new();
    for (k, ws) in &kb.meta.risk_words {
        let r = match k.as_str() {
            "cost" => Risk::Cost,
            "lowers-security" => Risk::LowersSecurity,
            "irreversible" => Risk::Irreversible,
            _ => continue,
        };
        words.extend(ws.iter().map(|w| (r, w.to_lowercase())));
    }
    for n in &kb.nodes {
        let Body::Remedy {
            risk,
            revert,
            steps,
            ..
        } = &n.body
        else {
            continue;
        };
        if *risk == Some(Risk::LowersSecurity) && revert.is_empty() {
            out.push(Diagnostic::new(
                Code::E017NoRevert,
                &n.pos,
                Some(&n.id),
                "this remedy lowers the computer's security: add `revert:`, the steps that undo it",
            ));
        }
        if risk.is_some() {
            continue;
        }
        let text: String = std::iter::once(&n.title)
            .chain(steps.iter())
            .map(|t| format!("{} {}", t.fa, t.en).to_lowercase())
            .collect::<Vec<_>>()
            .join(" ");
        if let Some((r, w)) = words.iter().find(|(_, w)| text.contains(w.as_str())) {
            out.push(Diagnostic::new(
                Code::E018UntaggedRisk,
                &n.pos,
                Some(&n.id),
                format!(
                    "this remedy speaks of «{w}», which puts something at stake: add `risk: {}` (and a confirmation before it)",
                    r.as_str()
                ),
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
