//! Markdown for a ticket system: headings, bullet lists and code spans only (no tables, no
//! HTML), so it reads the same rendered or raw. With both languages each section comes once per
//! language (Persian first); the machine facts, which are raw data, come once.

use std::fmt::Write as _;

use super::labels::label;
use super::{CertSummary, Report, Summary};
use crate::calendar::{Stamp, persian_digits};
use crate::infer::explain::{ProbeSeen, WhyStep, evidence_text, status_word, value_text};
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

/// A code span that survives backticks in its content.
fn code(s: &str) -> String {
    let s = s.replace('\n', " ");
    if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

fn l(key: &str, lang: Lang) -> String {
    label(key).get(lang).to_string()
}

fn tx(t: &Text, lang: Lang) -> String {
    esc(t.get(lang))
}

/// A comma in the language's own form.
fn comma(lang: Lang) -> &'static str {
    match lang {
        Lang::Fa => "، ",
        Lang::En => ", ",
    }
}

fn num(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Fa => persian_digits(&n.to_string()),
        Lang::En => n.to_string(),
    }
}

pub(super) fn stamp(s: &Stamp, lang: Lang) -> String {
    s.text(lang)
}

pub(super) fn time(r: &Report, t: chrono::DateTime<chrono::Utc>, lang: Lang) -> String {
    Stamp::new(t, r.utc_offset_minutes).text(lang)
}

pub(super) fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "severity_error",
        Severity::Warning => "severity_warning",
        Severity::Info => "severity_info",
    }
}

pub fn render(r: &Report, langs: &[Lang]) -> String {
    let mut o = String::new();
    let title: Vec<String> = langs.iter().map(|&g| l("title", g)).collect();
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
    let _ = writeln!(o, "- **{}:** {}", l("created", g), stamp(&r.created, g));
    let kind = if r.source.kind == "session" {
        l("source_session", g)
    } else {
        l("source_snapshot", g)
    };
    let mut src = kind;
    if let Some(n) = &r.source.name {
        let _ = write!(src, " {}", code(n));
    }
    if let Some(s) = &r.source.saved {
        let _ = write!(src, "{}{} {}", comma(g), l("saved", g), stamp(s, g));
    }
    let _ = writeln!(o, "- **{}:** {src}", l("source", g));
    let system = match &r.system {
        Some(s) => format!("{} ({})", tx(&s.name, g), code(&s.id)),
        None => l("any_system", g),
    };
    let _ = writeln!(o, "- **{}:** {system}", l("system", g));
    let mut v = format!(
        "{} {}{}{} {}",
        l("tool", g),
        code(&r.tool_version),
        comma(g),
        l("kb", g),
        code(&r.kb_version)
    );
    if let Some(k) = r
        .source
        .saved_kb_version
        .as_ref()
        .filter(|k| **k != r.kb_version)
    {
        let _ = write!(v, " ({}: {})", l("saved_with", g), code(k));
    }
    let _ = writeln!(o, "- **{}:** {v}", l("versions", g));
    let red = if r.redacted {
        "redacted"
    } else {
        "not_redacted"
    };
    let _ = writeln!(o, "- {}\n", esc(&l(red, g)));
}

fn summary(o: &mut String, r: &Report, s: &Summary, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("summary", g));
    let _ = writeln!(
        o,
        "- **{}:** {}",
        l("status", g),
        l(&format!("status_{}", s.status), g)
    );
    let _ = writeln!(o, "- **{}:** {}", l("problem", g), tx(&s.problem, g));
    if let Some(c) = &s.cause {
        let _ = writeln!(
            o,
            "- **{}:** {} ({})",
            l("cause", g),
            tx(&c.title, g),
            code(&c.node)
        );
        for k in &c.checks {
            let _ = writeln!(
                o,
                "  - {}: {} — {} ({}{}{})",
                l("found_by", g),
                tx(&k.title, g),
                status_word(k.status, g),
                code(&k.probe),
                comma(g),
                time(r, k.at, g)
            );
        }
    }
    let _ = writeln!(o, "- **{}:**", l("tried", g));
    if s.tried.is_empty() {
        let _ = writeln!(o, "  - {}", l("nothing_tried", g));
    }
    for (i, t) in s.tried.iter().enumerate() {
        let outcome = l(
            match t.outcome {
                crate::infer::session::RemedyOutcome::Helped => "outcome_helped",
                crate::infer::session::RemedyOutcome::VerifyFailed => "outcome_verify_failed",
                crate::infer::session::RemedyOutcome::NotHelped => "outcome_not_helped",
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
    let _ = writeln!(o, "- **{}:**", l("next", g));
    if s.next.is_empty() {
        let _ = writeln!(o, "  - {}", l("nothing_next", g));
    }
    for n in &s.next {
        let id = n.node.as_deref().map(code).unwrap_or_default();
        let _ = writeln!(o, "  - {} {id}", tx(&n.title, g));
        for (i, it) in n.items.iter().enumerate() {
            let _ = writeln!(o, "    {}. {}", i + 1, tx(it, g));
        }
    }
    if let Some(c) = &s.contact {
        let _ = writeln!(o, "- **{}:** {}", l("contact", g), tx(&c.who, g));
        if !c.collect.is_empty() {
            let _ = writeln!(o, "  - {}:", l("have_ready", g));
            for it in &c.collect {
                let _ = writeln!(o, "    - {}", tx(it, g));
            }
        }
    }
    o.push('\n');
}

fn findings(o: &mut String, r: &Report, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("findings", g));
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
                l("remedy", g),
                tx(&rem.title, g),
                code(&rem.id)
            );
            for (k, st) in rem.steps.iter().enumerate() {
                let _ = writeln!(o, "{}. {}", k + 1, tx(st, g));
            }
            o.push('\n');
        }
        let _ = writeln!(o, "**{}**\n", l("why", g));
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
        status_word(p.status, g),
        comma(g),
        time(r, p.at, g)
    );
    if !p.evidence.is_empty() {
        let _ = write!(s, " — {}", code(&evidence_text(&p.evidence)));
    }
    if let Some(x) = p.reason.as_ref().or(p.note.as_ref()) {
        let _ = write!(s, " — {}", esc(x));
    }
    s
}

fn walk(o: &mut String, r: &Report, g: Lang) {
    let Some(w) = &r.walk else { return };
    let _ = writeln!(o, "## {}\n", l("walk", g));
    let _ = writeln!(
        o,
        "{}: {}\n",
        l("questions_answered", g),
        num(w.questions_answered, g)
    );
    steps(o, r, &w.steps, g);
    o.push('\n');
}

fn evidence(o: &mut String, r: &Report, g: Lang) {
    let _ = writeln!(o, "## {}\n", l("evidence", g));
    if r.evidence.is_empty() {
        let _ = writeln!(o, "{}\n", l("no_evidence", g));
        return;
    }
    for p in &r.evidence {
        let title = if p.title.get(g).is_empty() {
            p.probe.clone()
        } else {
            esc(p.title.get(g))
        };
        let _ = writeln!(
            o,
            "- **{title}** ({}): {}{}{}",
            code(&p.probe),
            status_word(p.status, g),
            comma(g),
            time(r, p.at, g)
        );
        for (k, v) in &p.evidence {
            let _ = writeln!(o, "  - {}: {}", code(k), code(&value_text(v, 300)));
        }
        if let Some(x) = &p.reason {
            let _ = writeln!(o, "  - {}", esc(x));
        }
        if let Some(x) = &p.note {
            let _ = writeln!(o, "  - {}", esc(x));
        }
        if !p.facts_read.is_empty() {
            let keys: Vec<String> = p.facts_read.iter().map(|k| code(k)).collect();
            let _ = writeln!(o, "  - facts: {}", keys.join(", "));
        }
    }
    o.push('\n');
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
    let _ = writeln!(o, "  - {}: {}", l("subject", g), code(&c.subject));
    let _ = writeln!(o, "  - {}: {}", l("issuer", g), code(&c.issuer));
    if let Some(s) = &c.serial {
        let _ = writeln!(o, "  - {}: {}", l("serial", g), code(s));
    }
    if let Some(s) = &c.not_before {
        let _ = writeln!(o, "  - {}: {}", l("valid_from", g), stamp(s, g));
    }
    if let Some(s) = &c.not_after {
        let _ = writeln!(o, "  - {}: {}", l("valid_to", g), stamp(s, g));
    }
}

fn machine(o: &mut String, r: &Report, langs: &[Lang]) {
    let head: Vec<String> = langs.iter().map(|&g| l("machine", g)).collect();
    let _ = writeln!(o, "## {}\n", head.join(" · "));
    if !r.machine.certificates.is_empty() {
        for &g in langs {
            let _ = writeln!(o, "### {}\n", l("certificates", g));
            for c in &r.machine.certificates {
                cert(o, c, g);
            }
            o.push('\n');
        }
    }
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
