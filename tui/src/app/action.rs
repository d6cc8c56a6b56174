//! Everything that can happen to the app (actions), what the app asks the outside world to do
//! (effects), and the key table that turns key presses into actions. The help screen is
//! generated from the same table, so it cannot drift from what the keys do.

use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokenyar_engine::infer::{Diagnosis, Runner};
use tokenyar_engine::probe::ProbeResult;

/// Something that happened: a key (already mapped), a result from a worker, a tick.
#[derive(Debug, Clone)]
pub enum Action {
    Quit,
    Help,
    ToggleLang,
    Settings,
    Report,
    Diagnose,
    /// Esc: close the overlay, or go back a screen.
    Back,
    Up,
    Down,
    PageUp,
    PageDown,
    Left,
    Right,
    /// Enter: activate the selected item.
    Select,
    /// A number key: pick that item (1-based on screen, 0-based here).
    Choose(usize),
    /// Walk: one step back.
    StepBack,
    /// Walk: the list of earlier steps to go back to.
    Steps,
    /// Walk: show or hide the evidence.
    Evidence,
    /// Support-agent mode: show or hide the raw evidence under the words.
    Details,
    /// Walk: the remedy did not help.
    NotHelped,
    /// A key with no meaning here, while a question waits for "any other key" (Leave this
    /// walk?).
    OtherKey,
    /// Diagnose: run the checks again.
    Rerun,
    /// Diagnose: start a guided walk from the selected finding.
    WalkFinding,
    /// Text input.
    Input(char),
    DeleteBack,
    DeleteForward,
    CursorStart,
    CursorEnd,
    /// Report: write the file.
    Save,
    /// Save the walk as a session file a support agent can resume (`tokenyar --session FILE`).
    SaveSession,
    /// A click on the `index`th clickable item of the screen.
    Click(usize),
    ScrollUp,
    ScrollDown,
    Tick(Instant),
    Resize(u16, u16),
    ProbeDone {
        job: u64,
        probe: String,
        result: Box<ProbeResult>,
    },
    DiagnoseDone {
        job: u64,
        diagnosis: Box<Diagnosis>,
    },
    Saved(Result<String, String>),
}

/// Work the runtime does for the app, off the UI thread; results come back as actions.
pub enum Effect {
    RunProbe {
        job: u64,
        runner: Arc<Runner>,
        probe: String,
        /// Whose rules apply: the system subtree the walk is in.
        system: Option<String>,
        rerun: bool,
    },
    RunDiagnose {
        job: u64,
        system: Option<String>,
    },
    WriteFile {
        path: String,
        text: String,
    },
    SaveSettings,
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::RunProbe {
                job, probe, rerun, ..
            } => write!(f, "RunProbe({job}, {probe}, rerun={rerun})"),
            Effect::RunDiagnose { job, system } => write!(f, "RunDiagnose({job}, {system:?})"),
            Effect::WriteFile { path, .. } => write!(f, "WriteFile({path})"),
            Effect::SaveSettings => f.write_str("SaveSettings"),
        }
    }
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Global,
    Home,
    Walk,
    Diagnose,
    Report,
    Settings,
}

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Code(KeyCode),
    Ctrl(char),
    /// A letter key; on a Persian keyboard layout the same key types another letter, which
    /// counts too (users should not have to switch layout to press a shortcut).
    Letter(char),
}

impl Key {
    pub fn label(self) -> String {
        match self {
            Key::Code(c) => match c {
                KeyCode::F(n) => format!("F{n}"),
                KeyCode::Enter => "Enter".into(),
                KeyCode::Esc => "Esc".into(),
                KeyCode::Tab => "Tab".into(),
                KeyCode::Backspace => "Backspace".into(),
                KeyCode::Up => "↑".into(),
                KeyCode::Down => "↓".into(),
                KeyCode::Left => "←".into(),
                KeyCode::Right => "→".into(),
                KeyCode::PageUp => "PgUp".into(),
                KeyCode::PageDown => "PgDn".into(),
                KeyCode::Home => "Home".into(),
                KeyCode::End => "End".into(),
                KeyCode::Char(' ') => "Space".into(),
                KeyCode::Char(c) => c.to_string(),
                other => format!("{other:?}"),
            },
            Key::Ctrl(c) => format!("Ctrl+{}", c.to_ascii_uppercase()),
            Key::Letter(c) => c.to_string(),
        }
    }
}

/// One row of the key table.
#[derive(Debug, Clone)]
pub struct Binding {
    pub ctx: Ctx,
    pub keys: &'static [Key],
    pub action: Action,
    /// The Fluent id of what the key does.
    pub help: &'static str,
}

use Key::{Code, Ctrl, Letter};

/// The key table. Order matters: the first match wins, and the help screen lists it as is.
pub fn bindings() -> Vec<Binding> {
    let b = |ctx, keys, action, help| Binding {
        ctx,
        keys,
        action,
        help,
    };
    vec![
        b(
            Ctx::Global,
            &[Code(KeyCode::F(1)), Letter('?')],
            Action::Help,
            "key-help",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(2))],
            Action::ToggleLang,
            "key-lang",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(3))],
            Action::Settings,
            "key-settings",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(4))],
            Action::Report,
            "key-report",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(5))],
            Action::Diagnose,
            "key-diagnose",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(6))],
            Action::SaveSession,
            "key-save-session",
        ),
        b(Ctx::Global, &[Code(KeyCode::Esc)], Action::Back, "key-back"),
        b(
            Ctx::Global,
            &[Code(KeyCode::F(10)), Ctrl('c'), Ctrl('q'), Letter('q')],
            Action::Quit,
            "key-quit",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::Up), Code(KeyCode::Down)],
            Action::Down,
            "key-move",
        ),
        b(
            Ctx::Global,
            &[Code(KeyCode::PageUp), Code(KeyCode::PageDown)],
            Action::PageDown,
            "key-page",
        ),
        b(
            Ctx::Home,
            &[Code(KeyCode::Enter)],
            Action::Select,
            "key-home-start",
        ),
        b(
            Ctx::Home,
            &[Code(KeyCode::Backspace)],
            Action::DeleteBack,
            "key-home-type",
        ),
        b(
            Ctx::Walk,
            &[Code(KeyCode::Enter)],
            Action::Select,
            "key-walk-select",
        ),
        b(
            Ctx::Walk,
            &[Code(KeyCode::Char('1'))],
            Action::Choose(0),
            "key-walk-number",
        ),
        b(
            Ctx::Walk,
            &[Letter('n')],
            Action::NotHelped,
            "key-walk-not-helped",
        ),
        b(
            Ctx::Walk,
            &[Letter('e')],
            Action::Evidence,
            "key-walk-evidence",
        ),
        b(
            Ctx::Walk,
            &[Code(KeyCode::Backspace), Letter('b')],
            Action::StepBack,
            "key-walk-back",
        ),
        b(Ctx::Walk, &[Letter('s')], Action::Steps, "key-walk-steps"),
        b(Ctx::Walk, &[Letter('d')], Action::Details, "key-details"),
        b(
            Ctx::Diagnose,
            &[Code(KeyCode::Enter), Code(KeyCode::Char(' '))],
            Action::Select,
            "key-diag-expand",
        ),
        b(
            Ctx::Diagnose,
            &[Letter('w')],
            Action::WalkFinding,
            "key-diag-walk",
        ),
        b(
            Ctx::Diagnose,
            &[Letter('r')],
            Action::Rerun,
            "key-diag-rerun",
        ),
        b(
            Ctx::Diagnose,
            &[Letter('d')],
            Action::Details,
            "key-details",
        ),
        b(
            Ctx::Report,
            &[Code(KeyCode::Enter), Ctrl('s')],
            Action::Save,
            "key-report-save",
        ),
        b(
            Ctx::Report,
            &[Code(KeyCode::Backspace)],
            Action::DeleteBack,
            "key-report-path",
        ),
        b(
            Ctx::Settings,
            &[
                Code(KeyCode::Enter),
                Code(KeyCode::Left),
                Code(KeyCode::Right),
            ],
            Action::Select,
            "key-settings-change",
        ),
    ]
}

/// The letter a key of the standard Persian layout (ISIRI 9147) types in the place of a Latin
/// letter, so `q` works as `ض` and so on.
fn persian_layout(c: char) -> Option<char> {
    const MAP: &[(char, char)] = &[
        ('ض', 'q'),
        ('ص', 'w'),
        ('ث', 'e'),
        ('ق', 'r'),
        ('ف', 't'),
        ('غ', 'y'),
        ('ع', 'u'),
        ('ه', 'i'),
        ('خ', 'o'),
        ('ح', 'p'),
        ('ش', 'a'),
        ('س', 's'),
        ('ی', 'd'),
        ('ب', 'f'),
        ('ل', 'g'),
        ('ا', 'h'),
        ('ت', 'j'),
        ('ن', 'k'),
        ('م', 'l'),
        ('ظ', 'z'),
        ('ط', 'x'),
        ('ز', 'c'),
        ('ر', 'v'),
        ('ذ', 'b'),
        ('د', 'n'),
        ('پ', 'm'),
        ('؟', '?'),
    ];
    MAP.iter().find(|(p, _)| *p == c).map(|(_, l)| *l)
}

/// A digit key, ASCII or Persian/Arabic-Indic (a Persian layout types ۱ for 1).
fn digit(c: char) -> Option<usize> {
    match c {
        '1'..='9' => Some(c as usize - '0' as usize),
        '۱'..='۹' => Some(c as usize - '۰' as usize),
        '١'..='٩' => Some(c as usize - '٠' as usize),
        _ => None,
    }
}

/// Maps a key press to an action, given the screen's context and whether a text field has the
/// keyboard (then letters are text, not shortcuts).
pub fn map_key(key: KeyEvent, ctx: Ctx, typing: bool) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // Keys with a fixed meaning everywhere, besides the table.
    match key.code {
        KeyCode::Up => return Some(Action::Up),
        KeyCode::Down => return Some(Action::Down),
        KeyCode::PageUp => return Some(Action::PageUp),
        KeyCode::PageDown => return Some(Action::PageDown),
        KeyCode::Left if typing => return Some(Action::Left),
        KeyCode::Right if typing => return Some(Action::Right),
        KeyCode::Home if typing => return Some(Action::CursorStart),
        KeyCode::End if typing => return Some(Action::CursorEnd),
        KeyCode::Delete if typing => return Some(Action::DeleteForward),
        _ => {}
    }
    if !typing
        && !ctrl
        && let KeyCode::Char(c) = key.code
        && let Some(d) = digit(c)
        && ctx == Ctx::Walk
    {
        return Some(Action::Choose(d - 1));
    }
    let table = bindings();
    let matches = |k: &Key| match *k {
        Key::Code(c) => !ctrl && c == key.code,
        Key::Ctrl(c) => ctrl && key.code == KeyCode::Char(c),
        Key::Letter(l) => {
            !typing
                && !ctrl
                && match key.code {
                    KeyCode::Char(c) => c.to_ascii_lowercase() == l || persian_layout(c) == Some(l),
                    _ => false,
                }
        }
    };
    for b in table
        .iter()
        .filter(|b| b.ctx == ctx || b.ctx == Ctx::Global)
        // Screen bindings before global ones: Enter means something on each screen.
        .filter(|b| b.ctx != Ctx::Global)
        .chain(table.iter().filter(|b| b.ctx == Ctx::Global))
    {
        if b.keys.iter().any(matches) {
            // Rows that stand for a family of keys.
            return Some(match b.action {
                Action::Down | Action::PageDown | Action::Choose(_) => continue,
                _ => b.action.clone(),
            });
        }
    }
    match key.code {
        KeyCode::Char(c) if typing && !ctrl => Some(Action::Input(c)),
        KeyCode::Tab => Some(Action::Down),
        KeyCode::BackTab => Some(Action::Up),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_text_while_typing_and_shortcuts_otherwise() {
        assert!(matches!(
            map_key(k(KeyCode::Char('q')), Ctx::Home, true),
            Some(Action::Input('q'))
        ));
        assert!(matches!(
            map_key(k(KeyCode::Char('q')), Ctx::Walk, false),
            Some(Action::Quit)
        ));
        // The same key on a Persian layout.
        assert!(matches!(
            map_key(k(KeyCode::Char('ض')), Ctx::Walk, false),
            Some(Action::Quit)
        ));
        assert!(matches!(
            map_key(k(KeyCode::Char('د')), Ctx::Walk, false),
            Some(Action::NotHelped)
        ));
    }

    #[test]
    fn persian_digits_choose() {
        assert!(matches!(
            map_key(k(KeyCode::Char('۲')), Ctx::Walk, false),
            Some(Action::Choose(1))
        ));
        assert!(matches!(
            map_key(k(KeyCode::Char('3')), Ctx::Walk, false),
            Some(Action::Choose(2))
        ));
    }

    #[test]
    fn function_keys_work_while_typing() {
        assert!(matches!(
            map_key(k(KeyCode::F(2)), Ctx::Home, true),
            Some(Action::ToggleLang)
        ));
        assert!(matches!(
            map_key(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Ctx::Home,
                true
            ),
            Some(Action::Quit)
        ));
        assert!(matches!(
            map_key(k(KeyCode::Enter), Ctx::Report, true),
            Some(Action::Save)
        ));
    }
}
