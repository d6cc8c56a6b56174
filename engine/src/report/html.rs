//! One self-contained HTML file: inline CSS, no script, no external resource (fonts are the
//! reader's own, through a Persian-capable stack). Persian blocks carry `lang="fa" dir="rtl"`;
//! identifiers, dates and raw values inside them are isolated (`<bdi>`, `dir="ltr"`) so a Latin
//! run cannot reorder the Persian around it. With both languages every section shows Persian and
//! English side by side (one above the other on a narrow screen).

use std::fmt::Write as _;

use super::label;
use super::markdown::severity;
use super::words::Said;
use super::{CertSummary, Report};
use crate::calendar::Stamp;
use crate::infer::explain::{ProbeSeen, WhyStep, status_word};
use crate::infer::session::RemedyOutcome;
use crate::kb::Lang;
use crate::model::{Status, Text};

const CSS: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 24px 40px; background: #eef1f5; color: #1c2430;
  font: 15px/1.65 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
[lang="fa"] { font-family: Vazirmatn, Vazir, Sahel, Samim, "Noto Naskh Arabic", "Noto Sans Arabic",
  Tahoma, "Segoe UI", "DejaVu Sans", sans-serif; }
code, pre, .raw { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 12.5px; }
code { background: #eef1f5; border-radius: 4px; padding: 0 4px; unicode-bidi: isolate;
  white-space: nowrap; }
ol:lang(fa) { list-style-type: persian; }
h1 { font-size: 24px; margin: 0 0 6px; }
h2 { font-size: 18px; margin: 0 0 10px; color: #24364f; }
h3 { font-size: 15.5px; margin: 14px 0 6px; }
section, header { background: #fff; border: 1px solid #d6dce5; border-radius: 10px;
  padding: 14px 20px; margin: 0 0 16px; }
header { border-block-start: 6px solid #2f5d8c; }
.pair { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 28px; }
.pair > div:first-child { border-inline-end: 1px dashed #c9d1dc; padding-inline-end: 24px; }
@media (max-width: 760px) { .pair { grid-template-columns: 1fr; }
  .pair > div:first-child { border: 0; padding: 0; } }
.summary { border-inline-start: 6px solid #b03a2e; }
.summary.resolved, .summary.no_problem { border-inline-start-color: #23804a; }
.summary dt { font-weight: 700; color: #24364f; margin-top: 8px; }
.summary dd { margin: 2px 0 0; margin-inline-start: 18px; }
.meta { margin: 0; padding: 0; list-style: none; color: #3c4a5c; font-size: 14px; }
.note { color: #6a3d00; background: #fff6e0; border-radius: 6px; padding: 4px 10px; margin-top: 8px;
  display: inline-block; }
.badge { display: inline-block; border-radius: 10px; padding: 0 9px; font-size: 13px; font-weight: 700;
  unicode-bidi: isolate; white-space: nowrap; }
.st-ok { background: #dff3e6; color: #17602f; } .st-warn { background: #fff0cc; color: #7a5200; }
.st-fail { background: #fde2de; color: #9c2415; } .st-unknown { background: #e6e9ef; color: #47536a; }
.st-na { background: #f2f2f2; color: #5b5b5b; }
ol.path { padding-inline-start: 26px; margin: 6px 0; }
ol.path > li { margin: 0 0 8px; }
.when { color: #5c6a7e; font-size: 13px; white-space: nowrap; }
.probe { list-style: none; margin: 4px 0; padding: 6px 10px; background: #f6f8fb;
  border-inline-start: 3px solid #9aa9bd; border-radius: 4px; }
.kv { margin: 2px 0 0; padding: 0; list-style: none; }
.kv .kv { padding-inline-start: 18px; }
details summary { cursor: pointer; font-weight: 700; color: #24364f; }
.kv li { margin: 0; }
.raw { direction: ltr; unicode-bidi: isolate; overflow-wrap: anywhere; }
pre { background: #f6f8fb; border: 1px solid #dde3ea; border-radius: 6px; padding: 10px;
  overflow-x: auto; white-space: pre-wrap; word-break: break-all; max-height: none; }
table.cert { border-collapse: collapse; margin: 6px 0 12px; }
table.cert th { text-align: start; padding: 2px 10px 2px 0; padding-inline: 0 12px; color: #3c4a5c;
  font-weight: 600; vertical-align: top; }
table.cert td { padding: 2px 0; }
footer { color: #66748a; font-size: 12.5px; text-align: center; }
"#;

/// HTML-escapes text.
fn h(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn dir(g: Lang) -> &'static str {
    if g.rtl() { "rtl" } else { "ltr" }
}

fn l(key: &str, g: Lang) -> String {
    h(label(key).get(g))
}

fn tx(t: &Text, g: Lang) -> String {
    h(t.get(g))
}

/// An identifier or raw value: left to right, isolated from the text around it.
fn code(s: &str) -> String {
    format!("<bdi dir=\"ltr\"><code>{}</code></bdi>", h(s))
}

/// A long raw value (a certificate subject): left to right, isolated, free to wrap.
fn raw(s: &str) -> String {
    format!("<bdi dir=\"ltr\" class=\"raw\">{}</bdi>", h(s))
}

/// A time in both calendars; the other calendar's run is isolated, so `+03:30` and the
/// parentheses stay where they belong inside Persian text.
fn stamp(s: &Stamp, g: Lang) -> String {
    if g.jalali_first() {
        format!(
            "<bdi class=\"when\" dir=\"{}\">{} (<bdi dir=\"ltr\">{} {}</bdi>)</bdi>",
            dir(g),
            h(&g.digits(&s.jalali)),
            h(&s.gregorian),
            h(&s.offset)
        )
    } else {
        format!(
            "<bdi class=\"when\" dir=\"{}\">{} {} ({})</bdi>",
            dir(g),
            h(&g.digits(&s.gregorian)),
            h(&s.offset),
            h(&s.jalali)
        )
    }
}

fn time(r: &Report, t: chrono::DateTime<chrono::Utc>, g: Lang) -> String {
    stamp(&Stamp::new(t, r.utc_offset_minutes), g)
}

fn comma(g: Lang) -> String {
    crate::i18n::t(g, "list-separator")
}

fn num(n: usize, g: Lang) -> String {
    g.digits(&n.to_string())
}

fn badge(s: Status, g: Lang) -> String {
    format!(
        "<span class=\"badge st-{}\">{}</span>",
        s.name(),
        h(&status_word(s, g))
    )
}

/// A section: one column per language, side by side when there are two.
fn section(o: &mut String, class: &str, langs: &[Lang], mut body: impl FnMut(&mut String, Lang)) {
    let _ = write!(o, "<section class=\"{class}\">");
    if langs.len() > 1 {
        o.push_str("<div class=\"pair\">");
    }
    for &g in langs {
        let _ = write!(o, "<div lang=\"{}\" dir=\"{}\">", g.code(), dir(g));
        body(o, g);
        o.push_str("</div>");
    }
    if langs.len() > 1 {
        o.push_str("</div>");
    }
    o.push_str("</section>\n");
}

pub fn render(r: &Report, langs: &[Lang]) -> String {
    let first = langs.first().copied().unwrap_or(Lang::Fa);
    let title: Vec<String> = langs.iter().map(|&g| l("report-title", g)).collect();
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{}\" dir=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"tokenyar {}\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        first.code(),
        dir(first),
        h(&r.tool_version),
        title.join(" · ")
    );
    head(&mut o, r, langs);
    summary(&mut o, r, langs);
    if !r.findings.is_empty() {
        findings(&mut o, r, langs);
    }
    if r.walk.is_some() {
        walk(&mut o, r, langs);
    }
    evidence(&mut o, r, langs);
    machine(&mut o, r, langs);
    let _ = write!(
        o,
        "<footer dir=\"ltr\" lang=\"en\">tokenyar {} · {} {}</footer>\n</body>\n</html>\n",
        h(&r.tool_version),
        h(label("report-kb").get(Lang::En)),
        h(&r.kb_version)
    );
    o
}

fn head(o: &mut String, r: &Report, langs: &[Lang]) {
    o.push_str("<header>");
    if langs.len() > 1 {
        o.push_str("<div class=\"pair\">");
    }
    for &g in langs {
        let _ = write!(o, "<div lang=\"{}\" dir=\"{}\">", g.code(), dir(g));
        let _ = write!(o, "<h1>{}</h1><ul class=\"meta\">", l("report-title", g));
        let _ = write!(
            o,
            "<li>{}: {}</li>",
            l("report-created", g),
            stamp(&r.created, g)
        );
        let kind = l(super::source_label(&r.source.kind), g);
        let _ = write!(o, "<li>{}: {kind}", l("report-source", g));
        if let Some(n) = &r.source.name {
            let _ = write!(o, " {}", code(n));
        }
        if let Some(s) = &r.source.saved {
            let _ = write!(o, "{}{} {}", comma(g), l("report-saved", g), stamp(s, g));
        }
        o.push_str("</li>");
        let system = match &r.system {
            Some(s) => format!("{} {}", tx(&s.name, g), code(&s.id)),
            None => l("report-any-system", g),
        };
        let _ = write!(o, "<li>{}: {system}</li>", l("report-system", g));
        let _ = write!(
            o,
            "<li>{}: {} {}{}{} {}",
            l("report-versions", g),
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
            let _ = write!(o, " ({}: {})", l("report-saved-with", g), code(k));
        }
        o.push_str("</li></ul>");
        let red = if r.redacted {
            "report-redacted"
        } else {
            "report-not-redacted"
        };
        let _ = write!(o, "<div class=\"note\">{}</div>", l(red, g));
        o.push_str("</div>");
    }
    if langs.len() > 1 {
        o.push_str("</div>");
    }
    o.push_str("</header>\n");
}

fn summary(o: &mut String, r: &Report, langs: &[Lang]) {
    let s = &r.summary;
    let class = format!("summary {}", h(&s.status));
    section(o, &class, langs, |o, g| {
        let _ = write!(o, "<h2>{}</h2><dl>", l("report-summary", g));
        let _ = write!(
            o,
            "<dt>{}</dt><dd>{}</dd>",
            l("report-status", g),
            l(&format!("report-status-{}", s.status.replace('_', "-")), g)
        );
        let _ = write!(
            o,
            "<dt>{}</dt><dd>{}</dd>",
            l("report-problem", g),
            tx(&s.problem, g)
        );
        if let Some(c) = &s.cause {
            let _ = write!(
                o,
                "<dt>{}</dt><dd>{} {}",
                l("report-cause", g),
                tx(&c.title, g),
                code(&c.node)
            );
            if !c.checks.is_empty() {
                o.push_str("<ul class=\"kv\">");
                for k in &c.checks {
                    let _ = write!(
                        o,
                        "<li>{}: {} {} {} {}</li>",
                        l("report-found-by", g),
                        tx(&k.title, g),
                        badge(k.status, g),
                        code(&k.probe),
                        time(r, k.at, g)
                    );
                }
                o.push_str("</ul>");
            }
            o.push_str("</dd>");
        }
        let _ = write!(o, "<dt>{}</dt><dd>", l("report-tried", g));
        if s.tried.is_empty() {
            o.push_str(&l("report-nothing-tried", g));
        } else {
            o.push_str("<ol>");
            for t in &s.tried {
                let outcome = match t.outcome {
                    RemedyOutcome::Helped => "report-outcome-helped",
                    RemedyOutcome::VerifyFailed => "report-outcome-verify-failed",
                    RemedyOutcome::NotHelped => "report-outcome-not-helped",
                };
                let _ = write!(
                    o,
                    "<li>{}: <strong>{}</strong> {} {}</li>",
                    tx(&t.title, g),
                    l(outcome, g),
                    code(&t.remedy),
                    time(r, t.at, g)
                );
            }
            o.push_str("</ol>");
        }
        o.push_str("</dd>");
        let _ = write!(o, "<dt>{}</dt><dd>", l("report-next", g));
        if s.next.is_empty() {
            o.push_str(&l("report-nothing-next", g));
        }
        for n in &s.next {
            let id = n.node.as_deref().map(code).unwrap_or_default();
            let _ = write!(o, "<div><strong>{}</strong> {id}</div>", tx(&n.title, g));
            if !n.items.is_empty() {
                o.push_str("<ol>");
                for it in &n.items {
                    let _ = write!(o, "<li>{}</li>", tx(it, g));
                }
                o.push_str("</ol>");
            }
        }
        o.push_str("</dd>");
        if let Some(c) = &s.contact {
            let _ = write!(
                o,
                "<dt>{}</dt><dd>{}",
                l("report-contact", g),
                tx(&c.who, g)
            );
            if !c.collect.is_empty() {
                let _ = write!(o, "<div>{}:</div><ul>", l("report-have-ready", g));
                for it in &c.collect {
                    let _ = write!(o, "<li>{}</li>", tx(it, g));
                }
                o.push_str("</ul>");
            }
            o.push_str("</dd>");
        }
        o.push_str("</dl>");
    });
}

fn probe_item(o: &mut String, r: &Report, p: &ProbeSeen, words: &[Said], g: Lang) {
    let title = if p.title.get(g).is_empty() {
        code(&p.probe)
    } else {
        format!("{} {}", tx(&p.title, g), code(&p.probe))
    };
    let _ = write!(
        o,
        "<li class=\"probe\">{title} {} {}",
        if p.not_applicable {
            format!("<span class=\"badge st-na\">{}</span>", h(&p.verdict(g)))
        } else {
            badge(p.status, g)
        },
        time(r, p.at, g)
    );
    for x in [&p.reason, &p.note].into_iter().flatten() {
        let _ = write!(o, "<div><bdi>{}</bdi></div>", h(&x.text(g)));
    }
    said(o, words, g);
    o.push_str("</li>");
}

/// Evidence in words: a nested list in the page's language and direction, each value isolated
/// so a Latin name or a date keeps its place in a Persian line.
fn said(o: &mut String, words: &[Said], g: Lang) {
    if words.is_empty() {
        return;
    }
    let mut depth = 0;
    o.push_str("<ul class=\"kv\">");
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            if w.depth > depth {
                for _ in depth..w.depth {
                    o.push_str("<ul class=\"kv\">");
                }
            } else {
                o.push_str("</li>");
                for _ in w.depth..depth {
                    o.push_str("</ul></li>");
                }
            }
        }
        depth = w.depth;
        let (label, value) = (w.label.get(g), w.value.get(g));
        o.push_str("<li>");
        if !label.is_empty() {
            let _ = write!(o, "<strong>{}:</strong> ", h(label));
        }
        let _ = write!(o, "<bdi>{}</bdi>", h(value));
    }
    o.push_str("</li>");
    for _ in 0..depth {
        o.push_str("</ul></li>");
    }
    o.push_str("</ul>");
}

fn path(o: &mut String, r: &Report, steps: &[WhyStep], g: Lang) {
    o.push_str("<ol class=\"path\">");
    for s in steps {
        let _ = write!(
            o,
            "<li value=\"{}\">{} {} {}",
            s.index + 1,
            h(&s.how_text(g)),
            code(&s.node),
            time(r, s.at, g)
        );
        if !s.probes.is_empty() {
            o.push_str("<ul style=\"padding:0\">");
            for p in &s.probes {
                probe_item(o, r, p, &[], g);
            }
            o.push_str("</ul>");
        }
        o.push_str("</li>");
    }
    o.push_str("</ol>");
}

fn findings(o: &mut String, r: &Report, langs: &[Lang]) {
    section(o, "findings", langs, |o, g| {
        let _ = write!(o, "<h2>{}</h2>", l("report-findings", g));
        for (i, f) in r.findings.iter().enumerate() {
            let _ = write!(
                o,
                "<h3>{}. {}: {} {}</h3>",
                num(i + 1, g),
                l(severity(f.severity), g),
                tx(&f.title, g),
                code(&f.case)
            );
            if let Some(rem) = &f.remedy {
                let _ = write!(
                    o,
                    "<div><strong>{}:</strong> {} {}</div><ol>",
                    l("report-remedy", g),
                    tx(&rem.title, g),
                    code(&rem.id)
                );
                for st in &rem.steps {
                    let _ = write!(o, "<li>{}</li>", tx(st, g));
                }
                o.push_str("</ol>");
            }
            let _ = write!(o, "<div><strong>{}</strong></div>", l("report-why", g));
            path(o, r, &f.why.steps, g);
        }
    });
}

fn walk(o: &mut String, r: &Report, langs: &[Lang]) {
    let Some(w) = &r.walk else { return };
    section(o, "walk", langs, |o, g| {
        let _ = write!(
            o,
            "<h2>{}</h2><div>{}: {}</div>",
            l("report-walk", g),
            l("report-questions-answered", g),
            num(w.questions_answered, g)
        );
        path(o, r, &w.steps, g);
    });
}

fn evidence(o: &mut String, r: &Report, langs: &[Lang]) {
    section(o, "evidence", langs, |o, g| {
        let _ = write!(o, "<h2>{}</h2>", l("report-evidence", g));
        if r.evidence.is_empty() {
            o.push_str(&l("report-no-evidence", g));
            return;
        }
        o.push_str("<ul style=\"padding:0\">");
        for e in &r.evidence {
            probe_item(o, r, &e.probe, &e.words, g);
        }
        o.push_str("</ul>");
    });
}

fn cert(o: &mut String, c: &CertSummary, g: Lang) {
    let name = c.label.clone().unwrap_or_default();
    let _ = write!(
        o,
        "<h3>{} {}</h3>",
        code(&name),
        c.slot.as_deref().map(code).unwrap_or_default()
    );
    if let Some(e) = &c.error {
        let _ = write!(o, "<div><bdi>{}</bdi></div>", h(e));
        return;
    }
    o.push_str("<table class=\"cert\">");
    let mut row = |k: &str, v: String| {
        let _ = write!(o, "<tr><th>{}</th><td>{v}</td></tr>", l(k, g));
    };
    row("report-subject", raw(&c.subject));
    row("report-issuer", raw(&c.issuer));
    if let Some(s) = &c.serial {
        row("report-serial", code(s));
    }
    if let Some(s) = &c.not_before {
        row("report-valid-from", stamp(s, g));
    }
    if let Some(s) = &c.not_after {
        row("report-valid-to", stamp(s, g));
    }
    o.push_str("</table>");
}

fn machine(o: &mut String, r: &Report, langs: &[Lang]) {
    if !r.machine.certificates.is_empty() {
        section(o, "certificates", langs, |o, g| {
            let _ = write!(o, "<h2>{}</h2>", l("report-certificates", g));
            for c in &r.machine.certificates {
                cert(o, c, g);
            }
        });
    }
    // The raw facts, for a support agent, folded away (a report for the user has none).
    if r.machine.facts.is_empty() {
        return;
    }
    let head: Vec<String> = langs.iter().map(|&g| l("report-raw-facts", g)).collect();
    let json = serde_json::to_string_pretty(&r.machine.facts).unwrap_or_default();
    let _ = writeln!(
        o,
        "<section class=\"facts\"><details><summary>{}</summary><pre dir=\"ltr\" lang=\"en\">{}</pre></details></section>",
        head.join(" · "),
        h(&json)
    );
}
