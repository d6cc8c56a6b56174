//! `kb check`: the rules a knowledge base must keep, beyond what loading already enforces.

use std::collections::{BTreeMap, BTreeSet, HashSet};

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
    probe_args(kb, &mut out);
    remedies(kb, &mut out);
    three_valued(kb, &mut out);
    risks(kb, &mut out);
    systems(kb, &mut out);
    cycles(kb, &mut out);
    reachability(kb, &mut out);
    persian_style(kb, &mut out);
    wording(kb, &mut out);
    text_arguments(kb, &mut out);
    confirmed(kb, &mut out);
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
pub(crate) fn persian_style_issues(text: &str) -> Vec<String> {
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
    // Persian digits inside a Latin token («UTC+۰۳:۳۰», «epass۳۰۰۳»): Latin tokens keep Latin
    // digits, as the screen shows them.
    let mut i = 0;
    while i < chars.len() {
        if ('\u{06F0}'..='\u{06F9}').contains(&chars[i]) {
            let start = i;
            while i < chars.len() && ('\u{06F0}'..='\u{06F9}').contains(&chars[i]) {
                i += 1;
            }
            let before = start.checked_sub(1).and_then(|j| chars.get(j));
            let glued = before.is_some_and(|c| c.is_ascii_alphanumeric() || "+_#".contains(*c))
                || chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_');
            if glued {
                let digits: String = chars[start..i].iter().collect();
                out.push(format!(
                    "Persian digits `{digits}` inside a Latin token (write them as the screen shows them, in Latin digits)"
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

/// Every text a user reads, with where it is written, the node it belongs to and what it is.
fn user_texts(kb: &Kb) -> Vec<(Pos, Option<&str>, String, &Text)> {
    let mut out: Vec<(Pos, Option<&str>, String, &Text)> = Vec::new();
    for n in &kb.nodes {
        let id = Some(n.id.as_str());
        let mut add = |field: &str, what: &str, t| {
            out.push((n.pos_of(field).clone(), id, what.to_string(), t))
        };
        add("title", "title", &n.title);
        if let Some(t) = &n.text {
            add("text", "text", t);
        }
        match &n.body {
            Body::Question { choices, .. } => {
                for (i, c) in choices.iter().enumerate() {
                    add(&format!("choices[{i}].next"), "choice", &c.text);
                }
            }
            Body::Remedy {
                steps,
                escalate,
                revert,
                ..
            } => {
                for s in steps {
                    add("steps", "step", s);
                }
                for s in revert {
                    add("revert", "step back", s);
                }
                if let Some(e) = escalate {
                    add("escalate", "contact", &e.contact);
                    for c in &e.collect {
                        add("escalate", "item to collect", c);
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
        out.push((pos.clone(), None, "system name".into(), &s.name));
        if let Some(t) = &s.support {
            out.push((pos.clone(), None, "support text".into(), t));
        }
        for p in &s.prerequisites {
            out.push((pos.clone(), None, "prerequisite name".into(), &p.name));
        }
    }
    for t in &kb.certificate_types {
        out.push((
            file("kb/systems.yaml"),
            None,
            "certificate type name".into(),
            &t.name,
        ));
    }
    if let Some(t) = &kb.meta.support {
        out.push((file("kb/kb.yaml"), None, "support text".into(), t));
    }
    for (name, t) in &kb.tokens.texts {
        out.push((
            file("kb/tokens.yaml"),
            None,
            format!("text argument {name}"),
            t,
        ));
    }
    for m in &kb.tokens.models {
        for (name, t) in &m.texts {
            out.push((
                file("kb/tokens.yaml"),
                None,
                format!("text argument {name} of {}", m.id),
                t,
            ));
        }
    }
    for (name, e) in &kb.tokens.pkcs11_errors {
        out.push((
            file("kb/tokens.yaml"),
            None,
            format!("cause of {name}"),
            &e.cause,
        ));
    }
    for (name, e) in &kb.tokens.reader_errors {
        out.push((
            file("kb/tokens.yaml"),
            None,
            format!("cause of {name}"),
            &e.cause,
        ));
    }
    out
}

fn persian_style(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for (pos, node, what, t) in user_texts(kb) {
        for issue in persian_style_issues(t.exact(Lang::Fa).unwrap_or_default()) {
            out.push(Diagnostic::new(
                Code::W003PersianStyle,
                &pos,
                node,
                format!("the Persian {what} has {issue}"),
            ));
        }
    }
}

/// The text outside «» quotes (on-screen messages are written as the system writes them); each
/// quotation becomes « », so words on either side of it are not neighbours.
fn unquoted(text: &str) -> String {
    text.split('«')
        .map(|part| part.split_once('»').map_or(part, |(_, rest)| rest))
        .collect::<Vec<_>>()
        .join(" « ")
}

/// Whether the match `start..end` of a lowercase `needle` in `hay` stands as whole words: no
/// letter or digit right before or after it (a half-space is a boundary).
fn whole_words(hay: &str, needle: &str, start: usize, end: usize) -> bool {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    let first = needle.chars().next().is_some_and(char::is_alphanumeric);
    let last = needle
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    (!first || !word(hay[..start].chars().next_back()))
        && (!last || !word(hay[end..].chars().next()))
}

/// kb.yaml's `wording` list, prepared to check many texts: one automaton finds every listed
/// word in a text in one pass (searching each word in turn made W007 a quarter of `kb check`).
pub struct Wordings<'a> {
    list: &'a [Wording],
    /// The words to avoid, lower case, each with its index in `list`; an empty word is left
    /// out (it matches nothing).
    words: Vec<(usize, String)>,
    finder: Option<aho_corasick::AhoCorasick>,
}

impl<'a> Wordings<'a> {
    pub fn new(list: &'a [Wording]) -> Wordings<'a> {
        let words: Vec<(usize, String)> = list
            .iter()
            .enumerate()
            .map(|(i, w)| (i, w.avoid.to_lowercase()))
            .filter(|(_, a)| !a.is_empty())
            .collect();
        let finder = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(words.iter().map(|(_, a)| a))
            .ok();
        Wordings {
            list,
            words,
            finder,
        }
    }

    /// Wording mistakes in one text of one language: the list's entries, a word written twice
    /// in a row, ASCII double quotes.
    pub fn issues(&self, text: &str, lang: Lang) -> Vec<String> {
        let mut out = Vec::new();
        let outside = unquoted(text).to_lowercase();
        let mut found = vec![false; self.list.len()];
        if let Some(finder) = &self.finder {
            for m in finder.find_overlapping_iter(&outside) {
                let (i, word) = &self.words[m.pattern().as_usize()];
                if whole_words(&outside, word, m.start(), m.end()) {
                    found[*i] = true;
                }
            }
        }
        for (w, _) in self.list.iter().zip(found).filter(|(_, f)| *f) {
            if w.lang.is_some_and(|l| l != lang) {
                continue;
            }
            let why = w
                .why
                .as_deref()
                .map(|y| format!("; {y}"))
                .unwrap_or_default();
            out.push(format!("«{}» (write «{}»{why})", w.avoid, w.instead));
        }
        // Neighbours are words with only white space between them («دستینه: دستینه» is fine).
        let words: Vec<&str> = outside.split_whitespace().collect();
        for pair in words.windows(2) {
            if pair[0] == pair[1] && pair[0].chars().all(char::is_alphabetic) {
                out.push(format!("«{} {}», a word twice in a row", pair[0], pair[1]));
            }
        }
        if text.contains('"') {
            out.push("ASCII double quotes (quote with «»)".to_string());
        }
        out
    }
}

/// [`Wordings::issues`] for one text.
pub fn wording_issues(text: &str, lang: Lang, list: &[Wording]) -> Vec<String> {
    Wordings::new(list).issues(text, lang)
}

/// The `{name}` text arguments a text uses (lowercase letters, digits and `_` in braces).
pub(crate) fn text_arguments_in(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            out.push(name);
        }
        rest = &after[close + 1..];
    }
    out
}

/// E019: every `{name}` in a node's text is an argument kb/tokens.yaml's `texts` defines (the
/// words for a token of no known model), so the walk can always fill it in.
fn text_arguments(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for (pos, node, what, t) in user_texts(kb) {
        if node.is_none() {
            continue;
        }
        for (_, s) in t.iter() {
            for name in text_arguments_in(s) {
                if !kb.tokens.texts.contains_key(name) {
                    out.push(Diagnostic::new(
                        Code::E019UnknownTextArgument,
                        &pos,
                        node,
                        format!(
                            "the {what} names the text argument `{{{name}}}`, which kb/tokens.yaml `texts` does not define"
                        ),
                    ));
                }
            }
        }
    }
}

/// W008: «it helped» must rest on something: a `verify` probe that sees the fix, the user's
/// word after trying again (a step that names «it helped» / «درست شد»), or an escalation.
fn confirmed(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for n in &kb.nodes {
        let Body::Remedy {
            steps,
            verify: None,
            escalate: None,
            ..
        } = &n.body
        else {
            continue;
        };
        if kb.meta.it_helped.is_empty() {
            return;
        }
        let asks = steps.iter().any(|s| {
            kb.meta.it_helped.iter().any(|w| {
                let w = w.to_lowercase();
                s.iter().any(|(_, s)| s.to_lowercase().contains(&w))
            })
        });
        if !asks {
            out.push(Diagnostic::new(
                Code::W008Unconfirmed,
                n.pos_of("steps"),
                Some(&n.id),
                "nothing confirms this remedy: add `verify:` (a probe that sees the fix, one that failed before it), or end the steps with «try again; if the message is gone, choose «it helped»»",
            ));
        }
    }
}

fn wording(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let rules = Wordings::new(&kb.meta.wording);
    for (pos, node, what, t) in user_texts(kb) {
        for (lang, text) in t.iter() {
            let name = &lang.info().english_name;
            for issue in rules.issues(text, lang) {
                out.push(Diagnostic::new(
                    Code::W007Wording,
                    &pos,
                    node,
                    format!("the {name} {what} has {issue}"),
                ));
            }
        }
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
        for lang in Lang::BASE {
            if t.exact(lang).is_none_or(|s| s.trim().is_empty()) {
                let lang = format!("{} ({lang})", lang.info().english_name);
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

/// E020: every key of a probe's `args:` is one its script reads (`args.key`, `args["key"]`).
/// A script that reads `args` in a way the scan cannot follow may read any key, and is left
/// alone; a missing script is E008's.
fn probe_args(kb: &Kb, out: &mut Vec<Diagnostic>) {
    let mut read: BTreeMap<&str, Option<BTreeSet<String>>> = BTreeMap::new();
    for n in &kb.nodes {
        let Body::Probe { script, args, .. } = &n.body else {
            continue;
        };
        let Some(s) = kb.script(script).filter(|_| !args.is_empty()) else {
            continue;
        };
        let reads = read
            .entry(script.as_str())
            .or_insert_with(|| crate::probe::arg_reads(&s.source));
        let Some(reads) = reads else {
            continue;
        };
        for key in args.keys().filter(|k| !reads.contains(k.as_str())) {
            let close = reads
                .iter()
                .filter(|r| edit_distance(r, key) <= 2)
                .min_by_key(|r| edit_distance(r, key));
            let hint = match (close, reads.is_empty()) {
                (Some(r), _) => format!("; did you mean `{r}`?"),
                (None, true) => "; it reads no argument".to_string(),
                (None, false) => format!(
                    "; it reads {}",
                    reads
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(Diagnostic::new(
                Code::E020UnreadArgument,
                n.field_pos
                    .get(&format!("args.{key}"))
                    .unwrap_or_else(|| n.pos_of("args")),
                Some(&n.id),
                format!("the argument `{key}` is passed to `scripts/{script}`, which never reads it{hint}"),
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
/// E016 that confirmation never reached on an `unknown` or `warn` reading, on any path (only a
/// `fail` or the user's own answer on the way settles the doubt);
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
            let Some(path) = doubtful_path(kb, to, &confirmations, &risky) else {
                continue;
            };
            let via = if path.len() > 1 {
                format!(", through {},", path[..path.len() - 1].join(" → "))
            } else {
                String::new()
            };
            let end = path.last().map(String::as_str).unwrap_or(to);
            out.push(Diagnostic::new(
                Code::E016RiskOnUnknown,
                n.pos_of(&field),
                Some(&n.id),
                format!(
                    "`{field}` is taken on a reading that is not positive evidence, and leads{via} to `{end}`, the way to a risky remedy, with no `fail` and no answer of the user's on the way: a costly, insecure or final step needs a `fail` (or the user's own answer), never `unknown` or `warn`"
                ),
            ));
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
            .map(|t| {
                t.iter()
                    .map(|(_, s)| s)
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            })
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

/// Where a walk may go from `n`, each step with whether it settles a doubt: a probe's `fail`, an
/// `auto` choice taken only on `fail`, or the user's own word: an answer at a question that is
/// not itself the confirmation of a risky step, or "it did not help" after a remedy they tried.
/// `unknown`, `warn`, `ok` and plain `next` leave a doubt as it was.
fn walk_steps<'a>(n: &'a Node, confirmations: &HashSet<&str>) -> Vec<(&'a str, bool)> {
    match &n.body {
        Body::Symptom { next, .. } | Body::Info { next } => {
            next.iter().map(|t| (t.as_str(), false)).collect()
        }
        Body::Remedy { unresolved, .. } => unresolved.iter().map(|t| (t.as_str(), true)).collect(),
        Body::Probe { outcomes, .. } => outcomes.all().map(|(k, t)| (t, k == "fail")).collect(),
        Body::Question { choices, .. } => choices
            .iter()
            .map(|c| {
                let settles = if c.when.is_empty() {
                    !confirmations.contains(n.id.as_str())
                } else {
                    c.when.iter().all(|w| *w == Status::Fail)
                };
                (c.next.as_str(), settles)
            })
            .collect(),
    }
}

/// E016 on every path: from a node reached on a doubtful reading, the shortest way (as node ids)
/// to a risky remedy or its confirmation that no `fail` and no answer of the user's settles.
fn doubtful_path(
    kb: &Kb,
    from: &str,
    confirmations: &HashSet<&str>,
    risky: &std::collections::HashMap<&str, Risk>,
) -> Option<Vec<String>> {
    let mut back: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    let mut seen: HashSet<&str> = HashSet::from([from]);
    while let Some(id) = queue.pop_front() {
        if confirmations.contains(id) || risky.contains_key(id) {
            let mut path = vec![id.to_string()];
            let mut at = id;
            while let Some(prev) = back.get(at) {
                path.push(prev.to_string());
                at = prev;
            }
            path.reverse();
            return Some(path);
        }
        let Some(n) = kb.node(id) else { continue };
        for (to, settles) in walk_steps(n, confirmations) {
            if !settles && seen.insert(to) {
                back.insert(to, id);
                queue.push_back(to);
            }
        }
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(avoid: &str, lang: Option<Lang>) -> Wording {
        Wording {
            avoid: avoid.into(),
            instead: "x".into(),
            lang,
            why: None,
        }
    }

    #[test]
    fn listed_words_are_found_as_whole_words_in_one_pass() {
        let list = [
            rule("pin", None),
            rule("PIN code", None),
            rule("جور", Some(Lang::Fa)),
            rule("", None),
        ];
        let rules = Wordings::new(&list);
        let got = rules.issues("The PIN code, pinned", Lang::En);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("«pin»") && got[1].starts_with("«PIN code»"));
        assert!(rules.issues("pinned spins", Lang::En).is_empty());
        // A Persian-only entry is not looked for in English, and quoted words are not judged.
        assert!(rules.issues("جور", Lang::En).is_empty());
        assert_eq!(rules.issues("این جور است", Lang::Fa).len(), 1);
        assert!(rules.issues("«جور» را ننویسید", Lang::Fa).is_empty());
        assert_eq!(wording_issues("a a", Lang::En, &list).len(), 1);
    }
}
