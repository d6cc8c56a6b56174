//! Markdown for a ticket system: headings, bullet lists and code spans only (no tables, no
//! HTML), so it reads the same rendered or raw. With both languages each section comes once per
//! language (Persian first); the machine facts, which are raw data, come once.

use std::fmt::Write as _;

use super::label;
use super::words::Said;
use super::{CertSummary, Report, Summary};
use crate::calendar::Stamp;
use crate::infer::explain::{ProbeSeen, WhyStep, status_word};
use crate::kb::Lang;
use crate::model::{Severity, Text};

/// Escapes what Markdown would read as markup in running text.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span that survives backticks in its content, isolated left to right (LRI … PDI) so
/// an id or a version inside a Persian line stays one piece wherever the BiDi algorithm runs
/// (an editor, a ticket system, the interactive screen's preview).
fn code(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.contains('`') {
        format!("\u{2066}`` {s} ``\u{2069}")
    } else {
        format!("\u{2066}`{s}`\u{2069}")
    }
}

fn l(key: &str, lang: Lang) -> String {
    label(key).get(lang).to_string()
}

fn tx(t: &Text, lang: Lang) -> String {
    esc(t.get(lang))
}

/// A comma in the language's own form.
fn comma(lang: Lang) -> String {
    crate::i18n::t(lang, "list-separator")
}

fn num(n: usize, lang: Lang) -> String {
    lang.digits(&n.to_string())
}

pub(super) fn stamp(s: &Stamp, lang: Lang) -> String {
    s.text(lang)
}

pub(super) fn time(r: &Report, t: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    Stamp::new(t, r.utc_offset_minutes).text(lang)
}

pub(super) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "report-severity-error",
        Severity::Warning => "report-severity-warning",
        Severity::Info => "report-severity-info",
    }
}

pub fn render(r: &Report, langs: &[Lang]) -> String {
    let mut o = String::new();
    let title: Vec<String> = langs.iter().map(|&g| l("report-title", g)).collect();
    let _ = writeln!(o, "# {}\n", title.join(" · "));
    for &g in langs {
        head(&mut o, r, g);
    }
    for &g in langs {
        summary(&mut o, r, &r.summary, g);
    }
    for &g in langs {
        if !r.findings.is_empty() {
            findings(&mut o, r, g);
        }
        if r.walk.is_some() {
            walk(&mut o, r, g);
        }
    }
    for &g in langs {
        evidence(&mut o, r, g);
    }
    machine(&mut o, r, langs);
    o
}

fn head(o: &mut String, r: &Report, g: Lang) {
    let _ = writeln!(
        o,
        "- **{}:** {}",
        l("report-created", g),
        stamp(&r.created, g)
    );
    let kind = l(super::source_label(&r.source.kind), g);
    let mut src = kind;
    if let Some(n) = &r.source.name {
        let _ = write!(src, " {}", code(n));
    }
    if let Some(s) = &r.source.saved {
        let _ = write!(src, "{}{} {}", comma(g), l("report-saved", g), stamp(s, g));
    }
    let _ = writeln!(o, "- **{}:** {src}", l("report-source", g));
    let system = match &r.system {
        Some(s) => format!("{} ({})", tx(&s.name, g), code(&s.id)),
        None => l("report-any-system", g),
    };
    let _ = writeln!(o, "- **{}:** {system}", l("report-system", g));
    let mut v = format!(
        "{} {}{}{} {}",
        l("report-tool", g),
        code(&r.tool_version),
        comma(g),
        l("report-kb", g),
        code(&r.kb_version)
    );
    if let Some(k) = r
        .source
        .saved_kb_version
        .as_ref()
        .filter(|k| **k != r.kb_version)
    {
        let _ = write!(v, " ({}: {})", l("report-saved-with", g), code(k));
    }
    let _ = writeln!(o, "- **{}:** {v}", l("report-versions", g));
    let red = if r.redacted {
        "report-redacted"
    } else {
        "report-not-redacted"
    };
    let _ = writeln!(o, "- {}\n", esc(&l(red, g)));
}

fn summary(o: &mut String, r: &Report, s: &Summary, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("report-summary", g));
    let _ = writeln!(
        o,
        "- **{}:** {}",
        l("report-status", g),
        l(&format!("report-status-{}", s.status.replace('_', "-")), g)
    );
    let _ = writeln!(o, "- **{}:** {}", l("report-problem", g), tx(&s.problem, g));
    if let Some(c) = &s.cause {
        let _ = writeln!(
            o,
            "- **{}:** {} ({})",
            l("report-cause", g),
            tx(&c.title, g),
            code(&c.node)
        );
        for k in &c.checks {
            let _ = writeln!(
                o,
                "  - {}: {} — {} ({}{}{})",
                l("report-found-by", g),
                tx(&k.title, g),
                status_word(k.status, g),
                code(&k.probe),
                comma(g),
                time(r, k.at, g)
            );
        }
    }
    let _ = writeln!(o, "- **{}:**", l("report-tried", g));
    if s.tried.is_empty() {
        let _ = writeln!(o, "  - {}", l("report-nothing-tried", g));
    }
    for (i, t) in s.tried.iter().enumerate() {
        let outcome = l(
            match t.outcome {
                crate::infer::session::RemedyOutcome::Helped => "report-outcome-helped",
                crate::infer::session::RemedyOutcome::VerifyFailed => {
                    "report-outcome-verify-failed"
                }
                crate::infer::session::RemedyOutcome::NotHelped => "report-outcome-not-helped",
            },
            g,
        );
        let _ = writeln!(
            o,
            "  {}. {}: {outcome} ({}{}{})",
            i + 1,
            tx(&t.title, g),
            code(&t.remedy),
            comma(g),
            time(r, t.at, g)
        );
    }
    let _ = writeln!(o, "- **{}:**", l("report-next", g));
    if s.next.is_empty() {
        let _ = writeln!(o, "  - {}", l("report-nothing-next", g));
    }
    for n in &s.next {
        let id = n.node.as_deref().map(code).unwrap_or_default();
        let _ = writeln!(o, "  - {} {id}", tx(&n.title, g));
        for (i, it) in n.items.iter().enumerate() {
            let _ = writeln!(o, "    {}. {}", i + 1, tx(it, g));
        }
    }
    if let Some(c) = &s.contact {
        let _ = writeln!(o, "- **{}:** {}", l("report-contact", g), tx(&c.who, g));
        if !c.collect.is_empty() {
            let _ = writeln!(o, "  - {}:", l("report-have-ready", g));
            for it in &c.collect {
                let _ = writeln!(o, "    - {}", tx(it, g));
            }
        }
    }
    o.push('\n');
}

fn findings(o: &mut String, r: &Report, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("report-findings", g));
    for (i, f) in r.findings.iter().enumerate() {
        let _ = writeln!(
            o,
            "### {}. {}: {} ({})\n",
            num(i + 1, g),
            l(severity(f.severity), g),
            tx(&f.title, g),
            code(&f.case)
        );
        if let Some(rem) = &f.remedy {
            let _ = writeln!(
                o,
                "**{}:** {} ({})\n",
                l("report-remedy", g),
                tx(&rem.title, g),
                code(&rem.id)
            );
            for (k, st) in rem.steps.iter().enumerate() {
                let _ = writeln!(o, "{}. {}", k + 1, tx(st, g));
            }
            o.push('\n');
        }
        let _ = writeln!(o, "**{}**\n", l("report-why", g));
        steps(o, r, &f.why.steps, g);
        o.push('\n');
    }
}

fn steps(o: &mut String, r: &Report, steps: &[WhyStep], g: Lang) {
    for s in steps {
        let _ = writeln!(
            o,
            "{}. {} ({}{}{})",
            s.index + 1,
            esc(&s.how_text(g)),
            code(&s.node),
            comma(g),
            time(r, s.at, g)
        );
        for p in &s.probes {
            let _ = writeln!(o, "   - {}", probe_line(r, p, g));
        }
    }
}

fn probe_line(r: &Report, p: &ProbeSeen, g: Lang) -> String {
    let title = if p.title.get(g).is_empty() {
        p.probe.clone()
    } else {
        esc(p.title.get(g))
    };
    let mut s = format!(
        "{title} ({}): **{}**{}{}",
        code(&p.probe),
        p.verdict(g),
        comma(g),
        time(r, p.at, g)
    );
    if let Some(x) = p.reason.as_ref().or(p.note.as_ref()) {
        let _ = write!(s, " — {}", esc(&x.text(g)));
    }
    s
}

fn walk(o: &mut String, r: &Report, g: Lang) {
    let Some(w) = &r.walk else { return };
    let _ = writeln!(o, "## {}\n", l("report-walk", g));
    let _ = writeln!(
        o,
        "{}: {}\n",
        l("report-questions-answered", g),
        num(w.questions_answered, g)
    );
    steps(o, r, &w.steps, g);
    o.push('\n');
}

fn evidence(o: &mut String, r: &Report, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("report-evidence", g));
    if r.evidence.is_empty() {
        let _ = writeln!(o, "{}\n", l("report-no-evidence", g));
        return;
    }
    for e in &r.evidence {
        let p = &e.probe;
        let title = if p.title.get(g).is_empty() {
            p.probe.clone()
        } else {
            esc(p.title.get(g))
        };
        let _ = writeln!(
            o,
            "- **{title}** ({}): {}{}{}",
            code(&p.probe),
            p.verdict(g),
            comma(g),
            time(r, p.at, g)
        );
        if let Some(x) = &p.reason {
            let _ = writeln!(o, "  - {}", esc(&x.text(g)));
        }
        if let Some(x) = &p.note {
            let _ = writeln!(o, "  - {}", esc(&x.text(g)));
        }
        said(o, &e.words, g);
        if !p.facts_read.is_empty() {
            let keys: Vec<String> = p.facts_read.iter().map(|k| code(k)).collect();
            let _ = writeln!(o, "  - {}: {}", l("report-facts-read", g), keys.join(", "));
        }
    }
    o.push('\n');
}

/// Evidence in words as a nested list under its check.
fn said(o: &mut String, words: &[Said], g: Lang) {
    for w in words {
        let indent = "  ".repeat(w.depth + 1);
        let (label, value) = (w.label.get(g), w.value.get(g));
        let line = match (label.is_empty(), value.is_empty()) {
            (true, _) => esc(value),
            (false, true) => format!("**{}:**", esc(label)),
            (false, false) => format!("**{}:** {}", esc(label), esc(value)),
        };
        let _ = writeln!(o, "{indent}- {line}");
    }
}

fn cert(o: &mut String, c: &CertSummary, g: Lang) {
    let name = c.label.clone().unwrap_or_default();
    let _ = writeln!(
        o,
        "- {} {}",
        code(&name),
        c.slot.as_deref().map(code).unwrap_or_default()
    );
    if let Some(e) = &c.error {
        let _ = writeln!(o, "  - {}", esc(e));
        return;
    }
    let _ = writeln!(o, "  - {}: {}", l("report-subject", g), code(&c.subject));
    let _ = writeln!(o, "  - {}: {}", l("report-issuer", g), code(&c.issuer));
    if let Some(s) = &c.serial {
        let _ = writeln!(o, "  - {}: {}", l("report-serial", g), code(s));
    }
    if let Some(s) = &c.not_before {
        let _ = writeln!(o, "  - {}: {}", l("report-valid-from", g), stamp(s, g));
    }
    if let Some(s) = &c.not_after {
        let _ = writeln!(o, "  - {}: {}", l("report-valid-to", g), stamp(s, g));
    }
}

fn machine(o: &mut String, r: &Report, langs: &[Lang]) {
    let head: Vec<String> = langs.iter().map(|&g| l("report-machine", g)).collect();
    let _ = writeln!(o, "## {}\n", head.join(" · "));
    if !r.machine.certificates.is_empty() {
        for &g in langs {
            let _ = writeln!(o, "### {}\n", l("report-certificates", g));
            for c in &r.machine.certificates {
                cert(o, c, g);
            }
            o.push('\n');
        }
    }
    // The raw facts, for the support agent who reads this in a ticket (a report for the user
    // has none).
    if r.machine.facts.is_empty() {
        return;
    }
    let head: Vec<String> = langs.iter().map(|&g| l("report-raw-facts", g)).collect();
    let _ = writeln!(o, "### {}\n", head.join(" · "));
    let json = serde_json::to_string_pretty(&r.machine.facts).unwrap_or_default();
    // A fence longer than any backtick run inside keeps the block closed.
    let fence = "`".repeat(3.max(longest_backtick_run(&json) + 1));
    let _ = writeln!(o, "{fence}json\n{json}\n{fence}");
}

fn longest_backtick_run(s: &str) -> usize {
    let mut best = 0;
    let mut run = 0;
    for c in s.chars() {
        if c == '`' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}
