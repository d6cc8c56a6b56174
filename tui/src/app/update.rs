//! `update`: the only place the model changes. It never blocks: probes and diagnoses are
//! effects the runtime runs on worker threads, and their results come back as actions.

use std::sync::Arc;

use tokenyar_engine::infer::session::{End, Purpose};
use tokenyar_engine::infer::{Need, Runner, Session};
use tokenyar_engine::kb::Lang;

use super::action::{Action, Effect};
use super::report;
use super::state::{Diag, Model, Pending, Screen, Walk};
use crate::bidi::{BidiMode, Shaping};

/// How many lookup results the home list shows.
const HITS: usize = 8;
/// Rows moved by PgUp/PgDn.
const PAGE: usize = 8;
/// Scrolling further than this is clamped when drawn anyway; the bound keeps the way back short.
const MAX_SCROLL: i32 = 60;

fn scrolled(s: i32, by: i32) -> i32 {
    (s + by).clamp(-MAX_SCROLL, MAX_SCROLL)
}

pub fn update(m: &mut Model, action: Action) -> Vec<Effect> {
    let mut fx = Vec::new();
    // "Leave this walk?" is on screen: Esc (or Enter) leaves, F6 saves it first, and any other
    // key stays. Results from workers and the clock go on as usual.
    if m.confirm_leave {
        match action {
            Action::Back | Action::Select => {
                m.confirm_leave = false;
                m.screen = Screen::Home;
                return fx;
            }
            Action::Tick(_)
            | Action::Resize(..)
            | Action::ProbeDone { .. }
            | Action::DiagnoseDone { .. }
            | Action::Saved(_) => {}
            Action::SaveSession => m.confirm_leave = false,
            _ => {
                m.confirm_leave = false;
                return fx;
            }
        }
    }
    match action {
        Action::Quit => m.quit = true,
        Action::Tick(now) => {
            m.now = now;
            m.wall = chrono::Local::now().fixed_offset();
            m.tick = m.tick.wrapping_add(1);
        }
        Action::Resize(w, h) => m.size = (w, h),
        Action::ToggleLang => {
            m.settings.lang = m.settings.lang.next();
            // Kept for the next run, like every other setting.
            fx.push(Effect::SaveSettings);
        }
        Action::Help => open_overlay(m, Screen::Help),
        Action::Settings => open_overlay(m, Screen::Settings),
        Action::Report => {
            open_overlay(m, Screen::Report);
            m.report.saved = None;
            m.report.scroll = 0;
            if m.report.path.is_empty() {
                m.report.path = report::default_file_name(&m.wall);
                m.report.cursor = m.report.path.len();
            }
        }
        Action::Diagnose => {
            let system = match m.screen {
                Screen::Home => m.home_system(),
                _ => m
                    .walk
                    .as_ref()
                    .and_then(|w| w.runner.system().map(str::to_string))
                    .or_else(|| m.home_system()),
            };
            start_diagnose(m, system, &mut fx);
        }
        Action::Back => back(m),
        Action::ProbeDone { job, probe, result } => {
            let Some(w) = m.walk.as_mut() else {
                return fx;
            };
            if w.pending.as_ref().is_some_and(|p| p.job == job) {
                w.pending = None;
                // A result the walk no longer waits for (the user went back) is dropped.
                let _ = w.session.supply(&probe, *result);
                after_walk_change(m, &mut fx);
            }
        }
        Action::DiagnoseDone { job, diagnosis } => {
            if let Some(d) = m.diag.as_mut()
                && d.pending.as_ref().is_some_and(|(j, _)| *j == job)
            {
                d.pending = None;
                d.result = Some(*diagnosis);
                d.expanded.clear();
                // Open the worst finding's check: what the user came for.
                if let Some(i) = first_problem(d) {
                    d.sel = i;
                    d.expanded.insert(i);
                }
            }
        }
        Action::Saved(r) => m.report.saved = Some(r),
        // Raw evidence is a support agent's: in user mode the key does nothing.
        Action::Details => m.details = m.settings.agent && !m.details,
        Action::SaveSession => save_session(m, &mut fx),
        other => match m.screen {
            Screen::Home => home(m, other, &mut fx),
            Screen::Walk => walk(m, other, &mut fx),
            Screen::Diagnose => diagnose(m, other, &mut fx),
            Screen::Report => report_screen(m, other, &mut fx),
            Screen::Settings => settings(m, other, &mut fx),
            Screen::Help => help(m, other),
        },
    }
    fx
}

fn open_overlay(m: &mut Model, s: Screen) {
    if !matches!(m.screen, Screen::Help | Screen::Settings | Screen::Report) {
        m.return_to = m.screen;
    }
    m.screen = s;
    m.help_scroll = 0;
}

fn back(m: &mut Model) {
    match m.screen {
        Screen::Help | Screen::Settings | Screen::Report => m.screen = m.return_to,
        Screen::Walk => {
            if let Some(w) = m.walk.as_mut()
                && (w.steps_open.is_some() || w.evidence_open)
            {
                w.steps_open = None;
                w.evidence_open = false;
                return;
            }
            // A walk the user has answered questions in is not left on one key: it asks.
            if let Some(w) = m.walk.as_ref()
                && w.session.questions_answered() > 0
                && !matches!(w.session.need(), Need::Ended(_))
            {
                m.confirm_leave = true;
                return;
            }
            m.screen = Screen::Home;
        }
        Screen::Diagnose => m.screen = Screen::Home,
        Screen::Home => {
            if m.home.query.is_empty() {
                m.quit = true;
            } else {
                m.home.query.clear();
                m.home.cursor = 0;
                m.home.hits.clear();
                m.home.sel = 0;
            }
        }
    }
}

fn first_problem(d: &Diag) -> Option<usize> {
    let r = d.result.as_ref()?;
    let finding = r.findings.first()?;
    r.checks.iter().position(|c| c.id == finding.node)
}

fn start_diagnose(m: &mut Model, system: Option<String>, fx: &mut Vec<Effect>) {
    let job = m.next_job;
    m.next_job += 1;
    m.diag = Some(Diag {
        system: system.clone(),
        pending: Some((job, m.now)),
        ..Diag::default()
    });
    m.screen = Screen::Diagnose;
    fx.push(Effect::RunDiagnose { job, system });
}

/// Starts a guided walk at `node`.
pub fn start_walk(m: &mut Model, node: &str, system: Option<String>, fx: &mut Vec<Effect>) {
    let Ok(session) = Session::start(Arc::clone(&m.kb), node, system) else {
        return;
    };
    resume_walk(m, session, fx);
}

/// Writes the walk (path, answers, evidence and the facts its checks read; personal data
/// masked) to a session file, and shows where on the report screen.
fn save_session(m: &mut Model, fx: &mut Vec<Effect>) {
    let Some(w) = m.walk.as_ref() else {
        m.report.saved = Some(Err(m.t("session-no-walk")));
        open_report(m);
        return;
    };
    let saved =
        tokenyar_engine::infer::saved::SavedSession::capture(&w.session, m.facts.as_ref(), true);
    let path = format!("tokenyar-session-{}.json", m.wall.format("%Y%m%d-%H%M%S"));
    fx.push(Effect::WriteFile {
        path,
        text: format!("{}\n", saved.to_json()),
    });
    open_report(m);
}

fn open_report(m: &mut Model) {
    if m.screen != Screen::Report {
        m.return_to = m.screen;
        m.screen = Screen::Report;
    }
}

/// Shows a walk: a new one, or a saved one resumed (`tokenyar --session FILE`) with its steps,
/// answers and evidence as they were, on the facts recorded with them.
pub fn resume_walk(m: &mut Model, session: Session, fx: &mut Vec<Effect>) {
    let system = session.system().map(str::to_string);
    let runner = Arc::new(Runner::new(Arc::clone(&m.kb), Arc::clone(&m.facts), system));
    m.walk = Some(Walk {
        session,
        runner,
        sel: 0,
        pending: None,
        evidence_open: false,
        steps_open: None,
        scroll: 0,
        ev_scroll: 0,
    });
    m.screen = Screen::Walk;
    after_walk_change(m, fx);
}

/// After the walk moved: start the probe it waits for, if any, and reset the selection.
fn after_walk_change(m: &mut Model, fx: &mut Vec<Effect>) {
    let job = m.next_job;
    let now = m.now;
    let Some(w) = m.walk.as_mut() else { return };
    w.sel = 0;
    w.scroll = 0;
    if let Need::Probe { probe, purpose } = w.session.need()
        && w.pending.is_none()
    {
        m.next_job += 1;
        w.pending = Some(Pending {
            job,
            probe: probe.clone(),
            purpose,
            started: now,
        });
        fx.push(Effect::RunProbe {
            job,
            runner: Arc::clone(&w.runner),
            probe,
            system: w.session.system().map(str::to_string),
            rerun: purpose == Purpose::Verify,
        });
    }
}

fn home(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    let len = m.home_len();
    let h = &mut m.home;
    let mut changed = false;
    match a {
        Action::Up => h.sel = h.sel.saturating_sub(1),
        Action::Down => h.sel = (h.sel + 1).min(len.saturating_sub(1)),
        Action::PageUp => h.sel = h.sel.saturating_sub(PAGE),
        Action::PageDown => h.sel = (h.sel + PAGE).min(len.saturating_sub(1)),
        Action::Input(c) => {
            h.query.insert(h.cursor, c);
            h.cursor += c.len_utf8();
            changed = true;
        }
        Action::DeleteBack => {
            if let Some(c) = h.query[..h.cursor].chars().next_back() {
                h.cursor -= c.len_utf8();
                h.query.remove(h.cursor);
                changed = true;
            }
        }
        Action::DeleteForward if h.cursor < h.query.len() => {
            h.query.remove(h.cursor);
            changed = true;
        }
        // The cursor moves in logical order; on screen that is leftwards in Persian text.
        Action::Left | Action::Right => {
            let forward = matches!(a, Action::Right)
                != crate::bidi::first_strong_rtl(&h.query).unwrap_or(m.settings.lang.rtl());
            if forward {
                if let Some(c) = h.query[h.cursor..].chars().next() {
                    h.cursor += c.len_utf8();
                }
            } else if let Some(c) = h.query[..h.cursor].chars().next_back() {
                h.cursor -= c.len_utf8();
            }
        }
        Action::CursorStart => h.cursor = 0,
        Action::CursorEnd => h.cursor = h.query.len(),
        Action::Click(i) => {
            h.sel = i.min(len.saturating_sub(1));
            return home(m, Action::Select, fx);
        }
        Action::ScrollUp => h.sel = h.sel.saturating_sub(1),
        Action::ScrollDown => h.sel = (h.sel + 1).min(len.saturating_sub(1)),
        Action::Select => {
            let (node, system) = if h.sel < h.hits.len() {
                let hit = &h.hits[h.sel];
                (hit.node.clone(), Some(hit.system.clone()))
            } else {
                match m.kb.systems.get(h.sel - h.hits.len()) {
                    Some(s) => (s.root.clone(), Some(s.id.clone())),
                    None => return,
                }
            };
            start_walk(m, &node, system, fx);
            return;
        }
        _ => {}
    }
    if changed {
        m.home.hits = m.index.search(&m.home.query, HITS);
        m.home.sel = 0;
    }
}

/// What the walk's option list holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkOption {
    Choice(usize),
    Continue,
    Helped,
    NotHelped,
    StepBack,
    /// Save the walk for a support agent (F6).
    SaveSession,
    Report,
    Home,
}

pub fn walk_options(m: &Model) -> Vec<WalkOption> {
    let Some(w) = m.walk.as_ref() else {
        return Vec::new();
    };
    if w.pending.is_some() {
        return Vec::new();
    }
    match w.session.need() {
        Need::Answer { node } => {
            let n = match m.kb.node(&node).map(|n| &n.body) {
                Some(tokenyar_engine::kb::Body::Question { choices, .. }) => choices.len(),
                _ => 0,
            };
            (0..n).map(WalkOption::Choice).collect()
        }
        Need::Read { .. } => vec![WalkOption::Continue],
        Need::Remedy { node, .. } => {
            if super::evidence::hidden_remedy(m, &node) {
                vec![WalkOption::NotHelped]
            } else {
                vec![WalkOption::Helped, WalkOption::NotHelped]
            }
        }
        Need::Ended(End::Resolved { .. }) => vec![WalkOption::Report, WalkOption::Home],
        Need::Ended(End::Escalated { .. }) => vec![
            WalkOption::SaveSession,
            WalkOption::StepBack,
            WalkOption::Report,
            WalkOption::Home,
        ],
        Need::Ended(_) => vec![WalkOption::StepBack, WalkOption::Report, WalkOption::Home],
        Need::Probe { .. } => Vec::new(),
    }
}

fn walk(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    let opts = walk_options(m);
    let Some(w) = m.walk.as_mut() else {
        m.screen = Screen::Home;
        return;
    };
    if let Some(sel) = w.steps_open {
        let stops = w.session.stops();
        match a {
            Action::Up => w.steps_open = Some(sel.saturating_sub(1)),
            Action::Down => w.steps_open = Some((sel + 1).min(stops.len().saturating_sub(1))),
            Action::Steps => w.steps_open = None,
            Action::Click(i) | Action::Choose(i) => {
                w.steps_open = Some(i);
                return walk(m, Action::Select, fx);
            }
            Action::Select => {
                if let Some(&i) = stops.get(sel) {
                    w.session.back_to(i);
                    w.pending = None;
                    w.steps_open = None;
                    after_walk_change(m, fx);
                }
            }
            _ => {}
        }
        return;
    }
    match a {
        Action::Up => {
            w.sel = w.sel.saturating_sub(1);
            w.scroll = 0;
        }
        Action::Down => {
            w.sel = (w.sel + 1).min(opts.len().saturating_sub(1));
            w.scroll = 0;
        }
        // With the evidence open, pages scroll the evidence; the choices keep the arrows.
        Action::PageUp | Action::ScrollUp | Action::PageDown | Action::ScrollDown => {
            let by = match a {
                Action::PageUp => -(PAGE as i32),
                Action::PageDown => PAGE as i32,
                Action::ScrollUp => -3,
                _ => 3,
            };
            if w.evidence_open {
                w.ev_scroll = scrolled(w.ev_scroll, by).max(0);
            } else {
                w.scroll = scrolled(w.scroll, by);
            }
        }
        Action::Evidence => w.evidence_open = !w.evidence_open,
        Action::Steps => {
            let stops = w.session.stops();
            // Preselect the step before the current one: the usual reason to open the list.
            w.steps_open = Some(stops.len().saturating_sub(2));
        }
        Action::StepBack => {
            if w.pending.is_some() {
                w.pending = None;
            }
            if w.session.back() {
                w.pending = None;
                after_walk_change(m, fx);
            }
        }
        Action::NotHelped if opts.contains(&WalkOption::NotHelped) => {
            let moved = w.session.remedy_not_helped().is_ok();
            if moved {
                after_walk_change(m, fx);
            }
        }
        Action::Choose(i) | Action::Click(i) if opts.get(i).is_some() => {
            w.sel = i;
            walk(m, Action::Select, fx);
        }
        Action::Select => {
            let Some(&opt) = opts.get(w.sel) else { return };
            let ok = match opt {
                WalkOption::Choice(i) => w.session.answer(i).is_ok(),
                WalkOption::Continue => w.session.proceed().is_ok(),
                WalkOption::Helped => w.session.remedy_helped().is_ok(),
                WalkOption::NotHelped => w.session.remedy_not_helped().is_ok(),
                WalkOption::StepBack => w.session.back(),
                WalkOption::Report => {
                    update_into(m, Action::Report, fx);
                    return;
                }
                WalkOption::SaveSession => {
                    update_into(m, Action::SaveSession, fx);
                    return;
                }
                WalkOption::Home => {
                    m.screen = Screen::Home;
                    return;
                }
            };
            if ok {
                after_walk_change(m, fx);
            }
        }
        _ => {}
    }
}

fn update_into(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    fx.extend(update(m, a));
}

fn diagnose(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    let Some(d) = m.diag.as_mut() else {
        m.screen = Screen::Home;
        return;
    };
    let len = d.result.as_ref().map_or(0, |r| r.checks.len());
    match a {
        Action::Up => {
            d.sel = d.sel.saturating_sub(1);
            d.scroll = 0;
        }
        Action::Down => {
            d.sel = (d.sel + 1).min(len.saturating_sub(1));
            d.scroll = 0;
        }
        // Pages and the wheel scroll: an open check can be taller than the screen.
        Action::PageUp => d.scroll = scrolled(d.scroll, -(PAGE as i32)),
        Action::PageDown => d.scroll = scrolled(d.scroll, PAGE as i32),
        Action::ScrollUp => d.scroll = scrolled(d.scroll, -3),
        Action::ScrollDown => d.scroll = scrolled(d.scroll, 3),
        Action::Click(i) => {
            d.sel = i.min(len.saturating_sub(1));
            diagnose(m, Action::Select, fx);
        }
        Action::Select | Action::Right | Action::Left if d.sel < len => {
            let was_open = d.expanded.remove(&d.sel);
            if !was_open {
                d.expanded.insert(d.sel);
            }
        }
        Action::Rerun => {
            let s = d.system.clone();
            start_diagnose(m, s, fx);
        }
        Action::WalkFinding => {
            let Some(r) = d.result.as_ref() else { return };
            let Some(c) = r.checks.get(d.sel) else { return };
            // A check's id is its symptom (prerequisites have no walk of their own).
            if m.kb.node(&c.id).is_some() {
                let (node, system) = (c.id.clone(), d.system.clone());
                start_walk(m, &node, system, fx);
            }
        }
        _ => {}
    }
}

fn report_screen(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    let r = &mut m.report;
    match a {
        Action::Up | Action::ScrollUp => r.scroll = (r.scroll - 1).max(0),
        Action::Down | Action::ScrollDown => r.scroll = (r.scroll + 1).min(10 * MAX_SCROLL),
        Action::PageUp => r.scroll = (r.scroll - PAGE as i32).max(0),
        Action::PageDown => r.scroll = (r.scroll + PAGE as i32).min(10 * MAX_SCROLL),
        Action::Input(c) => {
            r.path.insert(r.cursor, c);
            r.cursor += c.len_utf8();
            r.saved = None;
        }
        Action::DeleteBack => {
            if let Some(c) = r.path[..r.cursor].chars().next_back() {
                r.cursor -= c.len_utf8();
                r.path.remove(r.cursor);
                r.saved = None;
            }
        }
        Action::DeleteForward if r.cursor < r.path.len() => {
            r.path.remove(r.cursor);
        }
        // File names are written left to right.
        Action::Left => {
            if let Some(c) = r.path[..r.cursor].chars().next_back() {
                r.cursor -= c.len_utf8();
            }
        }
        Action::Right => {
            if let Some(c) = r.path[r.cursor..].chars().next() {
                r.cursor += c.len_utf8();
            }
        }
        Action::CursorStart => r.cursor = 0,
        Action::CursorEnd => r.cursor = r.path.len(),
        Action::Save | Action::Select => {
            let path = r.path.trim().to_string();
            if path.is_empty() {
                return;
            }
            let text = report::markdown(m);
            fx.push(Effect::WriteFile { path, text });
        }
        _ => {}
    }
}

/// The rows of the settings screen.
pub const SETTINGS_ROWS: usize = 4;

fn settings(m: &mut Model, a: Action, fx: &mut Vec<Effect>) {
    fn cycle<T: Copy + PartialEq>(all: &[T], cur: T, back: bool) -> T {
        let i = all.iter().position(|x| *x == cur).unwrap_or(0);
        let n = all.len();
        all[if back { (i + n - 1) % n } else { (i + 1) % n }]
    }
    match a {
        Action::Up | Action::ScrollUp => m.settings_sel = m.settings_sel.saturating_sub(1),
        Action::Down | Action::ScrollDown => {
            m.settings_sel = (m.settings_sel + 1).min(SETTINGS_ROWS - 1)
        }
        Action::Click(i) => {
            m.settings_sel = i.min(SETTINGS_ROWS - 1);
            settings(m, Action::Select, fx);
        }
        Action::Select | Action::Left | Action::Right => {
            // In Persian, left moves to the next value (the list reads right to left).
            let back = matches!(a, Action::Left) != m.rtl() && !matches!(a, Action::Select);
            let s = &mut m.settings;
            match m.settings_sel {
                0 => s.lang = cycle(&Lang::all().collect::<Vec<_>>(), s.lang, back),
                1 => s.bidi = cycle(&BidiMode::ALL, s.bidi, back),
                2 => s.shaping = cycle(&Shaping::ALL, s.shaping, back),
                _ => s.agent = !s.agent,
            }
            fx.push(Effect::SaveSettings);
        }
        _ => {}
    }
}

fn help(m: &mut Model, a: Action) {
    match a {
        Action::Up | Action::ScrollUp => m.help_scroll = (m.help_scroll - 1).max(0),
        Action::Down | Action::ScrollDown => m.help_scroll = (m.help_scroll + 1).min(MAX_SCROLL),
        Action::PageUp => m.help_scroll = (m.help_scroll - PAGE as i32).max(0),
        Action::PageDown => m.help_scroll = (m.help_scroll + PAGE as i32).min(MAX_SCROLL),
        _ => {}
    }
}
