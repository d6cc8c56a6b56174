//! `draw`: a pure function of the model. It returns where the clickable items landed so the
//! runtime can turn a mouse click into an action.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Widget};
use tokenyar_engine::infer::Need;
use tokenyar_engine::infer::session::{End, Purpose, Via};
use tokenyar_engine::kb::{Body, Status};

use super::action::{Ctx, bindings};
use super::evidence;
use super::report::{self, status_mark, verdict_mark, verdict_word};
use super::state::{Model, SLOW_AFTER, Screen};
use super::text::{self, Doc, Hits};
use super::update::{WalkOption, walk_options};
use crate::bidi::{BidiMode, Shaping, TextOpts};
use crate::dates;

/// Evidence is keyed in English: left to right unless a value starts the line in Persian.
const LTR_FIRST: crate::bidi::Dir = crate::bidi::Dir::Auto {
    rtl_fallback: false,
};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}
fn dim() -> Style {
    Style::default().fg(Color::DarkGray)
}
fn selected() -> Style {
    Style::default().add_modifier(Modifier::REVERSED)
}
fn accent() -> Style {
    Style::default().fg(Color::Cyan)
}

pub fn status_style(s: Status) -> Style {
    match s {
        Status::Ok => Style::default().fg(Color::Green),
        Status::Warn => Style::default().fg(Color::Yellow),
        Status::Fail => Style::default().fg(Color::Red).add_modifier(Modifier::BOLD),
        Status::Unknown => Style::default().fg(Color::DarkGray),
    }
}

/// Draws the whole screen. Returns the click targets.
pub fn draw(m: &Model, f: &mut Frame) -> Hits {
    let area = f.area();
    draw_buf(m, area, f.buffer_mut())
}

/// The same on a bare buffer (benchmarks and tests).
pub fn draw_buf(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    header(m, head, buf);
    footer(m, foot, buf);
    match m.screen {
        Screen::Home => home(m, body, buf),
        Screen::Walk => walk(m, body, buf),
        Screen::Diagnose => diagnose(m, body, buf),
        Screen::Report => report_screen(m, body, buf),
        Screen::Settings => settings(m, body, buf),
        Screen::Help => help(m, body, buf),
    }
}

fn header(m: &Model, area: Rect, buf: &mut Buffer) {
    buf.set_style(area, Style::default().bg(Color::Blue).fg(Color::White));
    let title = format!(
        "{} · {}",
        m.t("app-name"),
        m.t(match m.screen {
            Screen::Home => "screen-home",
            Screen::Walk => "screen-walk",
            Screen::Diagnose => "screen-diagnose",
            Screen::Report => "screen-report",
            Screen::Settings => "screen-settings",
            Screen::Help => "screen-help",
        })
    );
    let style = Style::default()
        .bg(Color::Blue)
        .fg(Color::White)
        .add_modifier(Modifier::BOLD);
    let inner = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
    text::line(buf, inner, &title, style, m.text_opts(), m.rtl(), false);
    let mut badges = Vec::new();
    if m.settings.agent {
        badges.push(m.t("badge-agent"));
    }
    if let Some(f) = &m.replay {
        badges.push(m.ta("badge-replay", &[("file", f.as_str().into())]));
    }
    if !badges.is_empty() {
        let style = Style::default().bg(Color::Blue).fg(Color::Yellow);
        text::line(
            buf,
            inner,
            &badges.join(" · "),
            style,
            m.text_opts(),
            m.rtl(),
            true,
        );
    }
}

/// The key hints of the current screen, each with a priority (0 first): on a narrow terminal
/// the least needed go, so the ones that remain are whole.
pub fn footer_hints(m: &Model) -> Vec<(&'static str, &'static str, u8)> {
    let agent = m.settings.agent;
    let mut v: Vec<(&str, &str, u8)> = match m.screen {
        Screen::Home => vec![
            ("Enter", "hint-start", 0),
            ("F5", "hint-diagnose", 1),
            ("F3", "hint-settings", 1),
            ("F2", "hint-lang", 1),
            ("F1", "hint-help", 2),
            ("F10", "hint-quit", 2),
        ],
        Screen::Walk => {
            let mut v = vec![
                ("Enter", "hint-select", 0),
                ("e", "hint-evidence", 1),
                ("F6", "hint-save-session", 1),
                ("s", "hint-steps", 3),
                ("b", "hint-back", 3),
            ];
            if m.walk
                .as_ref()
                .is_some_and(|w| matches!(w.session.need(), Need::Remedy { .. }))
            {
                v.insert(1, ("n", "hint-not-helped", 0));
            }
            if agent {
                v.push(("d", "hint-details", 2));
            }
            v.extend([
                ("F4", "hint-report", 2),
                ("F3", "hint-settings", 4),
                ("F2", "hint-lang", 3),
                ("Esc", "hint-home", 1),
            ]);
            v
        }
        Screen::Diagnose => {
            let mut v = vec![
                ("Enter", "hint-expand", 0),
                ("w", "hint-walk", 1),
                ("r", "hint-rerun", 2),
                ("F4", "hint-report", 1),
            ];
            if agent {
                v.push(("d", "hint-details", 2));
            }
            v.extend([
                ("F3", "hint-settings", 3),
                ("F2", "hint-lang", 2),
                ("Esc", "hint-home", 1),
            ]);
            v
        }
        Screen::Report => vec![
            ("Enter", "hint-save", 0),
            ("↑↓", "hint-scroll", 1),
            ("Esc", "hint-close", 0),
        ],
        Screen::Settings => vec![
            ("↑↓", "hint-move", 0),
            ("Enter", "hint-change", 0),
            ("Esc", "hint-close", 0),
        ],
        Screen::Help => vec![("↑↓", "hint-scroll", 0), ("Esc", "hint-close", 0)],
    };
    if m.confirm_leave {
        v = vec![
            ("Esc", "hint-leave", 0),
            ("F6", "hint-save-session", 0),
            ("…", "hint-stay", 0),
        ];
    }
    v
}

/// The key hints of the current screen, from the key table.
fn footer(m: &Model, area: Rect, buf: &mut Buffer) {
    // Each hint is isolated so a Latin key name stays beside its own word in Persian.
    let (open, close) = if m.rtl() {
        ('\u{2067}', '\u{2069}')
    } else {
        ('\u{2066}', '\u{2069}')
    };
    let mut hints: Vec<(String, u8)> = footer_hints(m)
        .into_iter()
        .map(|(k, id, p)| (format!("{open}{k} {}{close}", m.t(id)), p))
        .collect();
    let room = usize::from(area.width.saturating_sub(2));
    let width = |h: &[(String, u8)]| {
        h.iter().map(|(s, _)| crate::bidi::width(s)).sum::<usize>() + 2 * h.len().saturating_sub(1)
    };
    while width(&hints) > room && hints.len() > 1 {
        // The last of the least needed goes first.
        let worst = hints.iter().map(|(_, p)| *p).max().unwrap_or(0);
        if let Some(i) = hints.iter().rposition(|(_, p)| *p == worst) {
            hints.remove(i);
        }
    }
    let s: Vec<String> = hints.into_iter().map(|(s, _)| s).collect();
    let inner = Rect::new(area.x + 1, area.y, area.width.saturating_sub(2), 1);
    text::line(
        buf,
        inner,
        &s.join("  "),
        dim(),
        m.text_opts(),
        m.rtl(),
        false,
    );
}

/// A bordered box with a title at the start side; returns the inside.
fn boxed(m: &Model, area: Rect, buf: &mut Buffer, title: &str, focused: bool) -> Rect {
    let style = if focused { accent() } else { Style::default() };
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(style)
        .render(area, buf);
    if !title.is_empty() && area.width > 4 {
        let t = Rect::new(area.x + 2, area.y, area.width - 4, 1);
        text::line(
            buf,
            t,
            &format!(" {title} "),
            style.add_modifier(Modifier::BOLD),
            m.text_opts(),
            m.rtl(),
            false,
        );
    }
    Rect::new(
        area.x + 2,
        area.y + 1,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    )
}

fn home(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let [search, list] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let inner = boxed(m, search, buf, &m.t("home-search-title"), true);
    search_field(m, inner, buf);
    let mut d = Doc::new(m.rtl());
    let h = &m.home;
    let lang = m.lang();
    if h.query.trim().is_empty() {
        d.para(m.t("home-intro"), dim());
        d.blank();
    } else if h.hits.is_empty() {
        d.para(m.t("home-no-results"), Style::default().fg(Color::Yellow));
        d.blank();
    } else {
        d.para(m.t("home-results"), bold());
    }
    let mut i = 0usize;
    for hit in &h.hits {
        let sel = h.sel == i;
        let text = format!("{} — {}", hit.title.get(lang), m.system_name(&hit.system));
        d.item(
            if sel { "▸" } else { "•" },
            text,
            if sel { selected() } else { Style::default() },
        )
        .fill(sel)
        .focus(sel)
        .target(i);
        i += 1;
    }
    if !h.hits.is_empty() {
        d.blank();
    }
    d.para(m.t("home-systems"), bold());
    for s in &m.kb.systems {
        let sel = h.sel == i;
        d.item(
            if sel { "▸" } else { " " },
            s.name.get(lang),
            if sel { selected() } else { Style::default() },
        )
        .fill(sel)
        .focus(sel)
        .target(i);
        i += 1;
    }
    let inner = boxed(m, list, buf, "", false);
    text::render(&d, inner, buf, m.text_opts(), 0)
}

/// The search field: the query in display order with the cursor placed through the index map.
fn search_field(m: &Model, area: Rect, buf: &mut Buffer) {
    let q = &m.home.query;
    if q.is_empty() {
        let ph = m.t("home-placeholder");
        text::line(buf, area, &ph, dim(), m.text_opts(), m.rtl(), false);
        let x = if m.rtl() {
            area.right().saturating_sub(1)
        } else {
            area.x
        };
        buf.set_style(Rect::new(x, area.y, 1, 1), selected());
        return;
    }
    let rtl = crate::bidi::first_strong_rtl(q).unwrap_or(m.rtl());
    // Shaping maps letters one to one, so character indices survive it.
    let shown = if m.shapes() {
        crate::bidi::shape(q)
    } else {
        q.clone()
    };
    let units: Vec<(usize, String)> = if m.settings.bidi == BidiMode::App {
        crate::bidi::visual_units(&shown, rtl)
    } else {
        crate::bidi::visual_units(&shown, false)
    };
    let cursor = q[..m.home.cursor.min(q.len())].chars().count();
    let width: usize = units.iter().map(|(_, u)| crate::bidi::width(u)).sum();
    // Keep the end of a long query visible.
    let width = width.min(usize::from(area.width.saturating_sub(1))) as u16;
    let x0 = if rtl {
        area.right().saturating_sub(width)
    } else {
        area.x
    };
    let visual: String = units.iter().map(|(_, u)| u.as_str()).collect();
    buf.set_stringn(x0, area.y, &visual, usize::from(width), Style::default());
    let mut x = x0;
    let mut at = None;
    for (logical, u) in &units {
        let w = crate::bidi::width(u) as u16;
        if *logical == cursor && w > 0 {
            at = Some(x);
        }
        x += w;
    }
    // A block cursor on the letter the next one goes before; at the end, just past the text
    // in the paragraph's direction.
    let x = at.unwrap_or(if rtl {
        x0.saturating_sub(1).max(area.x)
    } else {
        x0 + width
    });
    if x < area.right() {
        buf.set_style(Rect::new(x, area.y, 1, 1), selected());
    }
}

fn node_title(m: &Model, id: &str) -> String {
    m.kb.node(id)
        .map(|n| n.title.get(m.lang()).to_string())
        .unwrap_or_else(|| id.to_string())
}

fn walk(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let Some(w) = &m.walk else { return Vec::new() };
    let (main, ev) = if w.evidence_open && area.width >= 110 {
        // Wide screens: evidence beside the step, on the side the text ends.
        if m.rtl() {
            let [e, s] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(area);
            (s, Some(e))
        } else {
            let [s, e] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(area);
            (s, Some(e))
        }
    } else if w.evidence_open {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        (a, Some(b))
    } else {
        (area, None)
    };
    let title = w
        .runner
        .system()
        .map(|s| m.system_name(s))
        .unwrap_or_default();
    let inner = boxed(m, main, buf, &title, true);
    let lang = m.lang();
    let mut d = Doc::new(m.rtl());
    // Breadcrumb: how the walk got here (every earlier step, a check with its result).
    let s = &w.session;
    let steps = s.steps();
    let current = steps.last().map(|st| st.node.clone()).unwrap_or_default();
    let crumb: Vec<String> = steps
        .iter()
        .enumerate()
        .take(steps.len().saturating_sub(1))
        .map(|(i, st)| {
            let t = node_title(m, &st.node);
            match steps.get(i + 1).map(|n| &n.via) {
                Some(Via::Probe { status } | Via::Auto { status, .. }) => {
                    format!("{t} [{}]", status_mark(*status))
                }
                _ => t,
            }
        })
        .collect();
    if !crumb.is_empty() {
        d.para(
            shorten_crumbs(&crumb, 2 * usize::from(inner.width).saturating_sub(4)),
            dim(),
        );
        d.blank();
    }
    let need = s.need();
    let mut hits_offset_options = Vec::new();
    if let Some(p) = &w.pending {
        let frame = SPINNER[(m.tick as usize) % SPINNER.len()];
        let what = match p.purpose {
            Purpose::Verify => m.ta(
                "walk-verifying",
                &[("probe", node_title(m, &p.probe).into())],
            ),
            _ => m.ta(
                "walk-checking",
                &[("probe", node_title(m, &p.probe).into())],
            ),
        };
        d.item(frame, what, accent());
        if m.now.saturating_duration_since(p.started) >= SLOW_AFTER {
            d.item(" ", m.t("walk-slow"), Style::default().fg(Color::Yellow));
        }
    } else if let Some(node) = m.kb.node(&current) {
        // A remedy names the software of the token model the walk's probes found.
        let args = tokenyar_engine::infer::TextArgs::from_evidence(&m.kb, &s.state.evidence);
        d.para(args.fill(&node.title).get(lang), bold());
        if let Some(t) = &node.text {
            d.para(args.fill(t).get(lang), Style::default());
        }
        match (&node.body, &need) {
            (Body::Question { choices, .. }, Need::Answer { .. }) => {
                d.blank();
                for (i, c) in choices.iter().enumerate() {
                    let sel = w.sel == i;
                    let marker = format!(
                        "{}{}.",
                        if sel { "▸ " } else { "  " },
                        dates::digits(lang, &(i + 1).to_string())
                    );
                    d.item(
                        marker,
                        c.text.get(lang),
                        if sel { selected() } else { Style::default() },
                    )
                    .fill(sel)
                    .focus(true)
                    .target(i);
                    hits_offset_options.push(i);
                }
            }
            (
                Body::Remedy {
                    steps, escalate, ..
                },
                _,
            ) => {
                let hidden = evidence::hidden_remedy(m, &node.id);
                if hidden {
                    d.blank();
                    d.para(m.t("walk-agent-only"), Style::default().fg(Color::Yellow));
                } else {
                    d.blank();
                    for (i, st) in steps.iter().enumerate() {
                        d.item(
                            format!("{}.", dates::digits(lang, &(i + 1).to_string())),
                            args.fill(st).get(lang),
                            Style::default(),
                        )
                        .marker_width(3);
                    }
                }
                if let Need::Remedy {
                    verify_failed: true,
                    ..
                } = need
                {
                    d.blank();
                    d.para(m.t("walk-verify-failed"), Style::default().fg(Color::Red));
                }
                if let Need::Ended(End::Escalated { .. }) = need
                    && let Some(e) = escalate
                {
                    d.blank();
                    d.para(
                        m.ta(
                            "walk-contact",
                            &[(
                                "contact",
                                args.fill(&e.contact).get(lang).to_string().into(),
                            )],
                        ),
                        bold(),
                    );
                    if !e.collect.is_empty() {
                        d.para(m.t("walk-collect"), Style::default());
                        for c in &e.collect {
                            d.item("•", c.get(lang), Style::default());
                        }
                    }
                } else if hidden && let Some(e) = escalate {
                    d.para(
                        m.ta("walk-contact", &[("contact", e.contact.get(lang).into())]),
                        bold(),
                    );
                }
            }
            _ => {}
        }
        match &need {
            Need::Ended(End::Resolved { verified, .. }) => {
                d.blank();
                d.para(
                    m.t(if *verified {
                        "walk-resolved-verified"
                    } else {
                        "walk-resolved"
                    }),
                    Style::default()
                        .fg(Color::Green)
                        .add_modifier(Modifier::BOLD),
                );
            }
            Need::Ended(End::Escalated { .. }) => {
                d.blank();
                d.para(m.t("walk-escalated"), Style::default().fg(Color::Yellow));
            }
            Need::Ended(End::Finished { .. }) => {
                d.blank();
                d.para(m.t("walk-finished"), dim());
            }
            _ => {}
        }
        let opts = walk_options(m);
        if !opts.is_empty() && !matches!(need, Need::Answer { .. }) {
            d.blank();
            for (i, o) in opts.iter().enumerate() {
                let sel = w.sel == i;
                let (mark, id) = match o {
                    WalkOption::Continue => (if m.rtl() { "←" } else { "→" }, "walk-continue"),
                    WalkOption::Helped => ("✓", "walk-helped"),
                    WalkOption::NotHelped => ("✗", "walk-not-helped"),
                    WalkOption::StepBack => (if m.rtl() { "→" } else { "←" }, "walk-step-back"),
                    WalkOption::Report => ("≡", "walk-report"),
                    WalkOption::SaveSession => ("⇪", "walk-save-session"),
                    WalkOption::Home => ("⌂", "walk-home"),
                    WalkOption::Choice(_) => ("", ""),
                };
                let marker = format!("{}{mark}", if sel { "▸ " } else { "  " });
                d.item(
                    marker,
                    m.t(id),
                    if sel { selected() } else { Style::default() },
                )
                .fill(sel)
                .focus(true)
                .target(i);
            }
        }
    }
    let hits = text::render(&d, inner, buf, m.text_opts(), w.scroll);
    if let Some(ev) = ev {
        evidence_pane(m, ev, buf);
    }
    if m.confirm_leave {
        return confirm_popup(m, area, buf);
    }
    if let Some(sel) = w.steps_open {
        return steps_popup(m, area, buf, sel);
    }
    hits
}

/// "Leave this walk?": what leaving loses, and the keys.
fn confirm_popup(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let wdt = area.width.saturating_sub(8).clamp(20, 70).min(area.width);
    let mut d = Doc::new(m.rtl());
    d.para(m.t("leave-question"), bold());
    d.para(m.t("leave-explain"), Style::default());
    let h = (text::height(&d, wdt.saturating_sub(4), m.text_opts()) as u16 + 2).min(area.height);
    let r = Rect::new(
        area.x + (area.width - wdt) / 2,
        area.y + (area.height - h) / 2,
        wdt,
        h,
    );
    Clear.render(r, buf);
    let inner = boxed(m, r, buf, &m.t("leave-title"), true);
    text::render(&d, inner, buf, m.text_opts(), 0)
}

/// The breadcrumb, cut from the start when it does not fit in `width` cells (two lines).
fn shorten_crumbs(crumbs: &[String], width: usize) -> String {
    let sep = " › ";
    let mut parts: Vec<&str> = crumbs.iter().map(String::as_str).collect();
    let mut s = parts.join(sep);
    while crate::bidi::width(&s) > width && parts.len() > 1 {
        parts.remove(0);
        s = format!("…{sep}{}", parts.join(sep));
    }
    s
}

fn evidence_pane(m: &Model, area: Rect, buf: &mut Buffer) {
    let Some(w) = &m.walk else { return };
    let inner = boxed(m, area, buf, &m.t("evidence-title"), false);
    let mut d = Doc::new(m.rtl());
    let ev = &w.session.state.evidence;
    if ev.is_empty() {
        d.para(m.t("evidence-none"), dim());
    }
    for e in ev.iter().rev() {
        let st = e.result.status;
        d.item(
            format!("[{}]", verdict_mark(st, e.result.not_applicable)),
            format!(
                "{} — {}",
                node_title(m, &e.probe),
                verdict_word(m, st, e.result.not_applicable)
            ),
            bold(),
        )
        .marker_style(status_style(st));
        if let Some(n) = &e.result.note {
            d.auto(m.msg(n), dim()).indent(4);
        }
        if let Some(r) = &e.result.reason {
            d.auto(format!("{}: {}", m.t("evidence-reason"), m.msg(r)), dim())
                .indent(4);
        }
        evidence_lines(m, &mut d, &e.result.evidence, &e.result.facts_read, 4);
    }
    text::render(&d, inner, buf, m.text_opts(), w.ev_scroll);
}

/// A check's evidence in words; for a support agent who asked for the details (`d`), the raw
/// values and the facts read follow.
fn evidence_lines(
    m: &Model,
    d: &mut Doc,
    ev: &serde_json::Map<String, serde_json::Value>,
    facts_read: &[String],
    indent: u16,
) {
    for (depth, l) in evidence::words(m, ev) {
        d.para(l, Style::default())
            .indent(indent + 2 * depth as u16);
    }
    if !(m.settings.agent && m.details) {
        return;
    }
    d.para(m.t("evidence-raw"), dim()).indent(indent);
    for (depth, l) in evidence::lines(m, ev, true) {
        d.auto(l, dim())
            .indent(indent + 2 + 2 * depth as u16)
            .dir(LTR_FIRST);
    }
    if !facts_read.is_empty() {
        d.auto(format!("facts: {}", facts_read.join(", ")), dim())
            .indent(indent + 2)
            .dir(LTR_FIRST);
    }
}

fn steps_popup(m: &Model, area: Rect, buf: &mut Buffer, sel: usize) -> Hits {
    let Some(w) = &m.walk else { return Vec::new() };
    let stops = w.session.stops();
    let h = (stops.len() as u16 + 4).min(area.height);
    let wdt = area.width.saturating_sub(8).max(20).min(area.width);
    let r = Rect::new(
        area.x + (area.width - wdt) / 2,
        area.y + (area.height - h) / 2,
        wdt,
        h,
    );
    Clear.render(r, buf);
    let inner = boxed(m, r, buf, &m.t("steps-title"), true);
    let mut d = Doc::new(m.rtl());
    for (k, &i) in stops.iter().enumerate() {
        let s = k == sel;
        let marker = format!("{}.", dates::digits(m.lang(), &(k + 1).to_string()));
        d.item(
            marker,
            node_title(m, &w.session.steps()[i].node),
            if s { selected() } else { Style::default() },
        )
        .fill(s)
        .focus(s)
        .target(k);
    }
    text::render(&d, inner, buf, m.text_opts(), 0)
}

fn diagnose(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let Some(dg) = &m.diag else { return Vec::new() };
    let sys = dg
        .system
        .as_deref()
        .map(|s| m.system_name(s))
        .unwrap_or_else(|| m.t("diag-all-systems"));
    let inner = boxed(
        m,
        area,
        buf,
        &m.ta("diag-title", &[("system", sys.into())]),
        true,
    );
    let mut d = Doc::new(m.rtl());
    let lang = m.lang();
    let Some(r) = &dg.result else {
        let frame = SPINNER[(m.tick as usize) % SPINNER.len()];
        d.item(frame, m.t("diag-running"), accent());
        if let Some((_, started)) = dg.pending
            && m.now.saturating_duration_since(started) >= SLOW_AFTER
        {
            d.item(" ", m.t("walk-slow"), Style::default().fg(Color::Yellow));
        }
        return text::render(&d, inner, buf, m.text_opts(), 0);
    };
    let count = |s: Status| r.checks.iter().filter(|c| c.status == s).count() as i64;
    d.para(
        m.ta(
            "diag-summary",
            &[
                ("problems", count(Status::Fail).into()),
                ("warnings", count(Status::Warn).into()),
                ("checks", (r.checks.len() as i64).into()),
            ],
        ),
        bold(),
    );
    let unknown = count(Status::Unknown);
    if unknown > 0 {
        d.para(
            m.ta("diag-unknown", &[("count", unknown.into())]),
            Style::default().fg(Color::Yellow),
        );
    } else if r.findings.is_empty() {
        d.para(m.t("diag-none"), Style::default().fg(Color::Green));
    }
    d.blank();
    for (i, c) in r.checks.iter().enumerate() {
        let sel = dg.sel == i;
        let open = dg.expanded.contains(&i);
        let style = if sel { selected() } else { Style::default() };
        d.item(
            format!("[{}]", verdict_mark(c.status, c.not_applicable)),
            c.title.get(lang),
            style,
        )
        .marker_style(if sel {
            selected()
        } else {
            status_style(c.status)
        })
        .fill(sel)
        .focus(sel)
        .target(i);
        if !open {
            continue;
        }
        d.para(
            format!(
                "{}: {}",
                m.t("diag-status"),
                verdict_word(m, c.status, c.not_applicable)
            ),
            status_style(c.status),
        )
        .indent(4)
        .focus(sel);
        if let Some(n) = &c.note {
            d.auto(m.msg(n), dim()).indent(4).focus(sel);
        }
        if let Some(rs) = &c.reason {
            d.auto(format!("{}: {}", m.t("evidence-reason"), m.msg(rs)), dim())
                .indent(4)
                .focus(sel);
        }
        evidence_lines(m, &mut d, &c.evidence, &[], 4);
        if let Some(f) = r.findings.iter().find(|f| f.node == c.id) {
            d.para(f.title.get(lang), bold()).indent(4);
            match &f.remedy {
                Some(rem) if !evidence::hidden_remedy(m, &rem.id) => {
                    d.para(
                        format!("{}: {}", m.t("diag-remedy"), rem.title.get(lang)),
                        accent(),
                    )
                    .indent(4);
                    for (k, st) in rem.steps.iter().enumerate() {
                        d.item(
                            format!("{}.", dates::digits(lang, &(k + 1).to_string())),
                            st.get(lang),
                            Style::default(),
                        )
                        .indent(6)
                        .marker_width(3);
                    }
                }
                Some(_) => {
                    d.para(m.t("walk-agent-only"), Style::default().fg(Color::Yellow))
                        .indent(4);
                }
                None => {}
            }
            d.para(m.t("diag-walk-hint"), dim()).indent(4);
        }
    }
    text::render(&d, inner, buf, m.text_opts(), dg.scroll)
}

fn report_screen(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let [top, rest] = Layout::vertical([Constraint::Length(4), Constraint::Min(3)]).areas(area);
    let inner = boxed(m, top, buf, &m.t("report-save-title"), true);
    // The path is a file name: always left to right, with the cursor.
    let p = &m.report.path;
    buf.set_stringn(
        inner.x,
        inner.y,
        p,
        usize::from(inner.width),
        Style::default(),
    );
    let cx = inner.x + crate::bidi::width(&p[..m.report.cursor.min(p.len())]) as u16;
    if cx < inner.right() {
        buf.set_style(Rect::new(cx, inner.y, 1, 1), selected());
    }
    let status = match &m.report.saved {
        Some(Ok(path)) => (
            m.ta("report-saved-to", &[("path", path.as_str().into())]),
            Style::default().fg(Color::Green),
        ),
        Some(Err(e)) => (
            m.ta("report-save-failed", &[("error", e.as_str().into())]),
            Style::default().fg(Color::Red),
        ),
        None => (m.t("report-save-hint"), dim()),
    };
    let line = Rect::new(inner.x, inner.y + 1, inner.width, 1);
    if inner.height > 1 {
        text::line(
            buf,
            line,
            &status.0,
            status.1,
            m.text_opts(),
            m.rtl(),
            false,
        );
    }
    let inner = boxed(m, rest, buf, &m.t("report-preview"), false);
    let mut d = Doc::new(m.rtl());
    for l in report::markdown(m).lines() {
        d.auto(
            l.to_string(),
            if l.starts_with('#') {
                bold()
            } else {
                Style::default()
            },
        );
    }
    text::render(&d, inner, buf, m.text_opts(), m.report.scroll);
    Vec::new()
}

fn settings(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let inner = boxed(m, area, buf, &m.t("screen-settings"), true);
    let mut d = Doc::new(m.rtl());
    let s = &m.settings;
    let lang_name = s.lang.name();
    let shaping_now = if m.shapes() {
        m.t("shaping-now-on")
    } else {
        m.t("shaping-now-off")
    };
    let rows = [
        format!("{}: {lang_name}", m.t("settings-lang")),
        format!(
            "{}: {} — {}",
            m.t("settings-bidi"),
            s.bidi.name(),
            m.t(&format!("bidi-{}", s.bidi.name()))
        ),
        format!(
            "{}: {} — {}",
            m.t("settings-shaping"),
            s.shaping.name(),
            if s.shaping == Shaping::Auto {
                shaping_now
            } else {
                m.t(&format!("shaping-{}", s.shaping.name()))
            }
        ),
        format!(
            "{}: {}",
            m.t("settings-mode"),
            m.t(if s.agent { "mode-agent" } else { "mode-user" })
        ),
    ];
    for (i, r) in rows.iter().enumerate() {
        let sel = m.settings_sel == i;
        d.item(
            if sel { "▸" } else { " " },
            r.clone(),
            if sel { selected() } else { Style::default() },
        )
        .fill(sel)
        .target(i);
    }
    d.blank();
    d.para(m.t("settings-sample-intro"), dim());
    let sample = m.t("settings-sample");
    let shape = m.shapes();
    let samples = [
        (
            "sample-app",
            TextOpts {
                bidi: BidiMode::App,
                shape,
            },
        ),
        (
            "sample-logical",
            TextOpts {
                bidi: BidiMode::Off,
                shape,
            },
        ),
        (
            "sample-shaped",
            TextOpts {
                bidi: s.bidi,
                shape: true,
            },
        ),
        (
            "sample-unshaped",
            TextOpts {
                bidi: s.bidi,
                shape: false,
            },
        ),
    ];
    for (id, o) in samples {
        d.para(m.t(id), bold());
        // The sample is right to left whatever the UI language: it is what Persian looks like.
        d.item("   ", sample.clone(), Style::default())
            .dir(crate::bidi::Dir::Rtl)
            .opts(o);
    }
    d.blank();
    d.para(m.t("settings-saved-note"), dim());
    text::render(&d, inner, buf, m.text_opts(), 0)
}

fn help(m: &Model, area: Rect, buf: &mut Buffer) -> Hits {
    let inner = boxed(m, area, buf, &m.t("screen-help"), true);
    let mut d = Doc::new(m.rtl());
    d.para(m.t("help-intro"), Style::default());
    let table = bindings();
    for ctx in [
        Ctx::Global,
        Ctx::Home,
        Ctx::Walk,
        Ctx::Diagnose,
        Ctx::Report,
        Ctx::Settings,
    ] {
        d.blank();
        d.para(
            m.t(match ctx {
                Ctx::Global => "help-global",
                Ctx::Home => "screen-home",
                Ctx::Walk => "screen-walk",
                Ctx::Diagnose => "screen-diagnose",
                Ctx::Report => "screen-report",
                Ctx::Settings => "screen-settings",
            }),
            bold(),
        );
        let rows: Vec<_> = table.iter().filter(|b| b.ctx == ctx).collect();
        let labels: Vec<String> = rows
            .iter()
            .map(|b| {
                let mut keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
                if b.help == "key-walk-number" {
                    keys = vec!["1…9".into()];
                }
                keys.join(" ")
            })
            .collect();
        let w = labels
            .iter()
            .map(|l| crate::bidi::width(l))
            .max()
            .unwrap_or(0);
        for (b, l) in rows.iter().zip(labels) {
            d.item(l, m.t(b.help), Style::default())
                .marker_style(accent())
                .marker_width(w)
                .dir(if m.rtl() {
                    crate::bidi::Dir::Rtl
                } else {
                    crate::bidi::Dir::Ltr
                });
        }
    }
    d.blank();
    d.para(m.t("help-bidi"), dim());
    text::render(&d, inner, buf, m.text_opts(), m.help_scroll)
}
