//! The interactive terminal UI (`tokenyar` with no command), Elm-style: one [`state::Model`],
//! [`action::Action`]s, [`update::update`] (the only place state changes, returning
//! [`action::Effect`]s for the runtime to run off the UI thread), and a pure
//! [`draw::draw`]. This module is the runtime: terminal setup and restore, the event loop,
//! worker threads for probes and diagnoses, files.

pub mod action;
pub mod console;
pub mod draw;
pub mod evidence;
pub mod report;
pub mod state;
pub mod text;
pub mod update;

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind, MouseButton, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use tokenyar_engine::facts::{Bundle, Facts, Snapshot};
use tokenyar_engine::infer::diagnose;
use tokenyar_engine::kb::Kb;

use self::action::{Action, Ctx, Effect, map_key};
use self::console::{Console, ConsoleBackend};
use self::state::{Model, Screen, Settings};
use crate::bidi::{BidiMode, Shaping, TerminalInfo};
use crate::cli::Common;
use crate::setup::{self, CliError, load_kb};

/// How often the screen refreshes while nothing happens (spinners, the slow-probe note).
const TICK: Duration = Duration::from_millis(100);
/// How long the loop waits for a key before it looks at workers' results.
const POLL: Duration = Duration::from_millis(20);

/// `CSI 8 l`: the terminal shows characters in the order sent (explicit BiDi mode).
const EXPLICIT: &str = "\x1b[8l";
/// `CSI 8 h`: the terminal's own BiDi (implicit mode), the default of terminals that have it.
const IMPLICIT: &str = "\x1b[8h";

/// Where settings are kept between runs.
pub fn config_file() -> Option<PathBuf> {
    let dir = if let Some(d) = std::env::var_os("TOKENYAR_CONFIG_DIR") {
        PathBuf::from(d)
    } else if let Some(d) = std::env::var_os("APPDATA").filter(|_| cfg!(windows)) {
        PathBuf::from(d).join("tokenyar")
    } else if let Some(d) = std::env::var_os("XDG_CONFIG_HOME") {
        PathBuf::from(d).join("tokenyar")
    } else {
        PathBuf::from(std::env::var_os("HOME")?).join(".config/tokenyar")
    };
    Some(dir.join("settings.json"))
}

fn load_settings() -> Option<Settings> {
    let text = std::fs::read_to_string(config_file()?).ok()?;
    serde_json::from_str(&text).ok()
}

fn save_settings(s: &Settings) -> std::io::Result<()> {
    let Some(path) = config_file() else {
        return Ok(());
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = serde_json::to_string_pretty(s).unwrap_or_default();
    tokenyar_engine::files::write(
        &path,
        text.as_bytes(),
        tokenyar_engine::files::Existing::Replace,
        &[],
    )
    .map(|_| ())
    .map_err(std::io::Error::other)
}

/// Where a file goes when the working folder refuses it (F6 in a read-only folder): the
/// user's documents folder on Windows, the data folder elsewhere.
pub fn fallback_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("TOKENYAR_DATA_DIR") {
        return Some(PathBuf::from(d));
    }
    if cfg!(windows) {
        return std::env::var_os("USERPROFILE").map(|h| PathBuf::from(h).join("Documents"));
    }
    if let Some(d) = std::env::var_os("XDG_DATA_HOME") {
        return Some(PathBuf::from(d).join("tokenyar"));
    }
    Some(PathBuf::from(std::env::var_os("HOME")?).join(".local/share/tokenyar"))
}

/// The settings a run starts with: the command line over the saved settings over the
/// environment's defaults.
pub fn initial_settings(common: &Common, term: &TerminalInfo) -> Result<Settings, CliError> {
    let saved = load_settings();
    let mut s = saved.unwrap_or(Settings {
        lang: crate::locale::default_lang(),
        bidi: term.default_bidi(),
        shaping: Shaping::Auto,
        agent: false,
    });
    if common.lang.is_some() {
        s.lang = crate::setup::lang(common)?;
    }
    if let Some(b) = &common.bidi {
        s.bidi = BidiMode::parse(b)
            .ok_or_else(|| CliError::usage("err-bidi-mode", &[("value", b.as_str().into())]))?;
    }
    if let Some(b) = &common.shaping {
        s.shaping = Shaping::parse(b)
            .ok_or_else(|| CliError::usage("err-shaping-mode", &[("value", b.as_str().into())]))?;
    }
    if common.agent {
        s.agent = true;
    }
    Ok(s)
}

/// Builds the model for a run (also what tests and benchmarks start from).
pub fn model(kb: Arc<Kb>, common: &Common) -> Result<Model, CliError> {
    if let Some(path) = &common.session {
        let saved = tokenyar_engine::infer::saved::SavedSession::read(path)?;
        let resumed = saved.resume(Arc::clone(&kb))?;
        let term = TerminalInfo::from_env();
        let settings = initial_settings(common, &term)?;
        let mut m = Model::new(kb, resumed.facts, settings, term);
        m.replay = path.file_name().map(|f| f.to_string_lossy().into_owned());
        let mut fx = Vec::new();
        update::resume_walk(&mut m, resumed.session, &mut fx);
        // A resumed walk waits for a person, or for a check on the recorded facts: run it now.
        settle(&mut m, fx);
        return Ok(m);
    }
    let facts: Arc<dyn Facts> = match &common.snapshot {
        Some(path) => Arc::new(Snapshot::from_bundle(&Bundle::read(path)?)),
        None => Arc::new(setup::live_facts(&kb, &common.live, None)?),
    };
    let term = TerminalInfo::from_env();
    let settings = initial_settings(common, &term)?;
    let mut m = Model::new(kb, facts, settings, term);
    m.replay = common.snapshot.as_ref().map(|p| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    Ok(m)
}

/// Runs effects to completion on this thread, feeding results back: the synchronous twin of
/// the runtime, for tests and benchmarks.
pub fn settle(m: &mut Model, fx: Vec<Effect>) {
    let mut queue = fx;
    let mut guard = 0;
    while let Some(e) = queue.pop() {
        guard += 1;
        if guard > 1000 {
            break;
        }
        let a = match e {
            Effect::RunProbe {
                job,
                runner,
                probe,
                system,
                rerun,
            } => {
                let result = if rerun {
                    runner.rerun_in(&probe, system.as_deref())
                } else {
                    runner.run_in(&probe, system.as_deref())
                };
                Action::ProbeDone {
                    job,
                    probe,
                    result: Box::new(result),
                }
            }
            Effect::RunDiagnose { job, system } => Action::DiagnoseDone {
                job,
                diagnosis: Box::new(diagnose(&m.kb, Arc::clone(&m.facts), system.as_deref())),
            },
            Effect::WriteFile { path, text } => Action::Saved(write_file(&path, &text)),
            Effect::SaveSettings => continue,
        };
        queue.extend(update::update(m, a));
    }
}

/// Writes a session or report the user asked for. Nothing is replaced: a taken name becomes the
/// next free one. A folder that refuses the write is swapped for [`fallback_dir`]. Either way
/// the full path that was written is what the screen shows.
pub fn write_file(path: &str, text: &str) -> Result<String, String> {
    write_file_or_in(path, text, fallback_dir())
}

/// [`write_file`] with the folder to fall back to.
pub fn write_file_or_in(
    path: &str,
    text: &str,
    fallback: Option<PathBuf>,
) -> Result<String, String> {
    use tokenyar_engine::files::{self, Existing};
    let p = PathBuf::from(path);
    let written = match files::write(&p, text.as_bytes(), Existing::NewName, &[]) {
        Err(e) if e.is_denied() => {
            let (Some(dir), Some(name)) = (fallback, p.file_name()) else {
                return Err(e.to_string());
            };
            std::fs::create_dir_all(&dir).map_err(|_| e.to_string())?;
            files::write(&dir.join(name), text.as_bytes(), Existing::NewName, &[])
                .map_err(|_| e.to_string())?
        }
        r => r.map_err(|e| e.to_string())?,
    };
    Ok(std::fs::canonicalize(&written)
        .unwrap_or(written)
        .display()
        .to_string())
}

/// What workers send the event loop.
enum Msg {
    Act(Action),
}

fn run_effect(m: &Model, e: Effect, tx: &Sender<Msg>) {
    let spawn = |name: &str, f: Box<dyn FnOnce() -> Action + Send>| {
        let tx = tx.clone();
        let r = std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                let _ = tx.send(Msg::Act(f()));
            });
        if let Err(e) = r {
            // Without a thread the work cannot run; say so where the user looks.
            let _ = std::io::stderr().write_all(format!("tokenyar: {e}\n").as_bytes());
        }
    };
    match e {
        Effect::RunProbe {
            job,
            runner,
            probe,
            system,
            rerun,
        } => spawn(
            "probe",
            Box::new(move || {
                let result = if rerun {
                    runner.rerun_in(&probe, system.as_deref())
                } else {
                    runner.run_in(&probe, system.as_deref())
                };
                Action::ProbeDone {
                    job,
                    probe,
                    result: Box::new(result),
                }
            }),
        ),
        Effect::RunDiagnose { job, system } => {
            let kb = Arc::clone(&m.kb);
            let facts = Arc::clone(&m.facts);
            spawn(
                "diagnose",
                Box::new(move || Action::DiagnoseDone {
                    job,
                    diagnosis: Box::new(diagnose(&kb, facts, system.as_deref())),
                }),
            )
        }
        Effect::WriteFile { path, text } => spawn(
            "save",
            Box::new(move || Action::Saved(write_file(&path, &text))),
        ),
        Effect::SaveSettings => {
            let _ = save_settings(&m.settings);
        }
    }
}

fn bidi_escape(mode: BidiMode) -> Option<&'static str> {
    match mode {
        BidiMode::App => Some(EXPLICIT),
        BidiMode::Terminal => Some(IMPLICIT),
        BidiMode::Off => None,
    }
}

/// Puts the terminal back as it was: the panic hook calls this too.
fn restore(console: Console) {
    let mut out = std::io::stdout();
    if console.bracketed_paste() {
        let _ = execute!(out, DisableBracketedPaste);
    }
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    if console.raw_escapes() {
        let _ = out.write_all(IMPLICIT.as_bytes());
    }
    let _ = out.flush();
    let _ = disable_raw_mode();
}

/// A console that refuses to draw gets one clear line and exit code 2 (a usage error), not a
/// raw console-API error: the commands still work there.
fn cannot_draw(console: Console, e: impl std::fmt::Display) -> CliError {
    let kind = if console.vt { "terminal" } else { "legacy" };
    CliError::usage(
        "err-cannot-draw",
        &[("kind", kind.into()), ("error", e.to_string().into())],
    )
}

/// `tokenyar` with no command.
pub fn run(common: &Common) -> Result<i32, CliError> {
    let started = Instant::now();
    let kb = load_kb(common)?;
    let mut m = model(kb, common)?;
    if !crossterm::tty::IsTty::is_tty(&std::io::stdout()) {
        return Err(CliError::usage("err-needs-terminal", &[]));
    }
    // Also switches VT processing on where Windows allows it.
    let console = Console::detect();
    enable_raw_mode().map_err(|e| cannot_draw(console, e))?;
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore(console);
        prev(info);
    }));
    let mut sent = m.settings.bidi;
    let result = setup(console, sent)
        .map_err(|e| cannot_draw(console, e))
        .and_then(|()| event_loop(&mut m, &mut sent, started, console));
    restore(console);
    if let Ok(Some(first)) = &result
        && std::env::var_os("TOKENYAR_TIMING").is_some()
    {
        eprintln!(
            "tokenyar: first frame {} ms after start (console: {})",
            first.as_millis(),
            if console.vt { "vt" } else { "legacy" }
        );
    }
    result.map(|_| 0)
}

/// The alternate screen, the mouse, bracketed paste where the console has it, and the BiDi mode.
fn setup(console: Console, bidi: BidiMode) -> std::io::Result<()> {
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen, EnableMouseCapture)?;
    if console.bracketed_paste() {
        execute!(out, EnableBracketedPaste)?;
    }
    if console.raw_escapes()
        && let Some(e) = bidi_escape(bidi)
    {
        out.write_all(e.as_bytes())?;
    }
    Ok(())
}

/// Returns how long the first frame took from the start of the process's work.
fn event_loop(
    m: &mut Model,
    sent: &mut BidiMode,
    started: Instant,
    console: Console,
) -> Result<Option<Duration>, CliError> {
    let mut terminal =
        Terminal::new(ConsoleBackend::new(console)).map_err(|e| cannot_draw(console, e))?;
    let size = terminal.size().map_err(|e| cannot_draw(console, e))?;
    m.size = (size.width, size.height);
    let (tx, rx): (Sender<Msg>, Receiver<Msg>) = mpsc::channel();
    let mut hits = Vec::new();
    terminal
        .draw(|f| hits = draw::draw(m, f))
        .map_err(|e| cannot_draw(console, e))?;
    let first = started.elapsed();
    if std::env::var_os("TOKENYAR_TIMING").is_some_and(|v| v == "first-frame") {
        // For start-up measurements and the Windows console test: stop once the screen is up.
        return Ok(Some(first));
    }
    let mut last_tick = Instant::now();
    while !m.quit {
        // Input is read on this thread only: crossterm answers ratatui's cursor-position query
        // (on resize) from the same event reader, which a blocked reader thread would hold.
        let mut actions = Vec::new();
        if event::poll(POLL)? {
            actions.extend(event_actions(m, event::read()?, &hits));
        }
        while let Ok(Msg::Act(a)) = rx.try_recv() {
            actions.push(a);
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            actions.push(Action::Tick(last_tick));
        }
        if actions.is_empty() {
            continue;
        }
        for a in actions {
            for e in update::update(m, a) {
                run_effect(m, e, &tx);
            }
        }
        if m.settings.bidi != *sent && console.raw_escapes() {
            *sent = m.settings.bidi;
            // Cells that read the same either way stay; the rest are sent again by the diff.
            let mut out = std::io::stdout();
            out.write_all(bidi_escape(*sent).unwrap_or(IMPLICIT).as_bytes())?;
            out.flush()?;
        }
        terminal.draw(|f| hits = draw::draw(m, f))?;
    }
    Ok(Some(first))
}

fn ctx(screen: Screen) -> Ctx {
    match screen {
        Screen::Home => Ctx::Home,
        Screen::Walk => Ctx::Walk,
        Screen::Diagnose => Ctx::Diagnose,
        Screen::Report => Ctx::Report,
        Screen::Settings => Ctx::Settings,
        Screen::Help => Ctx::Global,
    }
}

fn event_actions(m: &Model, ev: Event, hits: &text::Hits) -> Vec<Action> {
    if let Event::Paste(s) = &ev {
        // A pasted error message: one line of text, whatever line breaks it had.
        return s
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .map(Action::Input)
            .collect();
    }
    let a = match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => {
            map_key(k, ctx(m.screen), m.typing()).or(m.confirm_leave.then_some(Action::OtherKey))
        }
        Event::Mouse(me) => match me.kind {
            MouseEventKind::Down(MouseButton::Left) => hits
                .iter()
                .find(|(y, _)| *y == me.row)
                .map(|(_, t)| Action::Click(*t)),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        _ => None,
    };
    a.into_iter().collect()
}
