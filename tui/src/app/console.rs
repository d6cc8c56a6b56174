//! What the terminal can do, and a backend that draws on consoles without VT sequences.
//!
//! On Windows, crossterm switches VT processing on when the console allows it (Windows 10 1511
//! and later, unless the "legacy console" is chosen) and otherwise draws through the console
//! API. That API path refuses two things tokenyar used to ask for on every start or frame:
//! bracketed paste (`EnableBracketedPaste` is an error there) and underline colour (ratatui's
//! crossterm backend queues `SetUnderlineColor(Reset)` at the end of every frame, which is an
//! error there too). On Windows 7 and the legacy console that made the TUI exit at once.
//! [`Console::detect`] tells the two paths apart and [`ConsoleBackend`] keeps ratatui's frames
//! within what the console API does. `TOKENYAR_CONSOLE=legacy` takes the console-API path on a
//! console that has VT, which is how the Windows tests under Wine exercise it.

use std::io::{self, Stdout, Write};

use crossterm::execute;
use crossterm::style::{Attribute, SetAttribute};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::Color;

/// How the console is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Console {
    /// The console interprets VT escape sequences. When false, crossterm draws through the
    /// Windows console API and no escape sequence of tokenyar's own may be written.
    pub vt: bool,
}

/// `TOKENYAR_CONSOLE=legacy` (with `TERM` unset, as it is on Windows) makes tokenyar and
/// crossterm find the console as a legacy console finds them: with no VT processing. For the
/// Windows tests (Wine's consoles accept VT processing, so the console-API path would otherwise
/// never run there) and for a console that claims VT but draws it wrong. Ignored elsewhere.
pub const CONSOLE_VAR: &str = "TOKENYAR_CONSOLE";

/// Whether [`CONSOLE_VAR`] asks for the legacy console.
pub fn legacy_asked() -> bool {
    std::env::var_os(CONSOLE_VAR).is_some_and(|v| v.eq_ignore_ascii_case("legacy"))
}

impl Console {
    /// Asks crossterm, which also switches VT processing on where Windows allows it (its answer
    /// holds for the whole process, and decides how crossterm draws). Unix terminals always
    /// take escape sequences.
    pub fn detect() -> Console {
        #[cfg(windows)]
        let vt = if legacy_asked() {
            legacy::ask_detached()
        } else {
            crossterm::ansi_support::supports_ansi()
        };
        #[cfg(not(windows))]
        let vt = true;
        Console { vt }
    }

    /// Bracketed paste exists only as a VT mode.
    pub fn bracketed_paste(self) -> bool {
        self.vt
    }

    /// tokenyar's own BiDi mode switches (`CSI 8 l` / `CSI 8 h`) are VT sequences; a console
    /// without VT would print them as text.
    pub fn raw_escapes(self) -> bool {
        self.vt
    }
}

/// ratatui's crossterm backend, kept within the console API when there is no VT.
pub struct ConsoleBackend {
    inner: CrosstermBackend<Stdout>,
    console: Console,
}

impl ConsoleBackend {
    pub fn new(console: Console) -> ConsoleBackend {
        ConsoleBackend {
            inner: CrosstermBackend::new(io::stdout()),
            console,
        }
    }
}

/// The cells of a frame with their underline colour reset, so the backend never asks for one.
/// (ratatui's crossterm backend is always built with `underline-color`: ratatui depends on it
/// with its default features, so turning the feature off in our Cargo.toml would not do it.)
pub fn without_underline_color<'a>(
    content: impl Iterator<Item = (u16, u16, &'a Cell)>,
) -> Vec<(u16, u16, Cell)> {
    content
        .map(|(x, y, c)| {
            let mut c = c.clone();
            c.underline_color = Color::Reset;
            (x, y, c)
        })
        .collect()
}

/// crossterm's answer to `SetUnderlineColor` on the console API ("SetUnderlineColor not
/// supported by winapi."), which ratatui's backend sends at the end of every frame.
fn is_underline_refusal(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::Other && e.to_string().contains("SetUnderlineColor")
}

impl Backend for ConsoleBackend {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        if self.console.vt {
            return self.inner.draw(content);
        }
        let cells = without_underline_color(content);
        match self.inner.draw(cells.iter().map(|(x, y, c)| (*x, *y, c))) {
            // The refusal came from the frame's closing reset; what it skipped after the
            // underline colour is the attribute reset, done here.
            Err(e) if is_underline_refusal(&e) => {
                execute!(io::stdout(), SetAttribute(Attribute::Reset))
            }
            other => other,
        }
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)?;
        io::stdout().flush()
    }
}

/// How `TOKENYAR_CONSOLE=legacy` makes crossterm see a console without VT processing: crossterm
/// decides once per process, by switching VT processing on through `CONOUT$` (with `TERM` as a
/// second opinion). Asked while this process is detached from its console, that fails as it does
/// on a legacy console; then the process attaches to its parent's console again and draws there
/// through the console API, the path Windows 7 takes. Standard handles that were redirected
/// (files, pipes) are kept. With no parent console to return to, there is no console: the screen
/// then cannot draw, and says so (exit 2).
#[cfg(windows)]
#[allow(unsafe_code)]
mod legacy {
    use windows_sys::Win32::System::Console::{
        ATTACH_PARENT_PROCESS, AttachConsole, FreeConsole, GetConsoleMode, GetStdHandle,
        STD_ERROR_HANDLE, STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, SetStdHandle,
    };

    pub fn ask_detached() -> bool {
        let mut kept = Vec::new();
        for kind in [STD_INPUT_HANDLE, STD_OUTPUT_HANDLE, STD_ERROR_HANDLE] {
            // SAFETY: no pointer arguments; the handle is only looked at.
            let h = unsafe { GetStdHandle(kind) };
            let mut mode = 0;
            // SAFETY: `mode` is ours; a handle that is no console makes the call fail.
            if unsafe { GetConsoleMode(h, &mut mode) } == 0 {
                kept.push((kind, h));
            }
        }
        // SAFETY: no arguments; detaching only ends this process's use of its console.
        unsafe { FreeConsole() };
        let vt = crossterm::ansi_support::supports_ansi();
        // SAFETY: no pointer arguments.
        if unsafe { AttachConsole(ATTACH_PARENT_PROCESS) } != 0 {
            for (kind, h) in kept {
                // SAFETY: `h` is the handle this process had for `kind` before, still open.
                unsafe { SetStdHandle(kind, h) };
            }
        }
        vt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_for_a_legacy_console_carry_no_underline_colour() {
        let mut c = Cell::new("ب");
        c.underline_color = Color::Red;
        c.fg = Color::Yellow;
        let cells = [(3u16, 1u16, c)];
        let out = without_underline_color(cells.iter().map(|(x, y, c)| (*x, *y, c)));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].2.underline_color, Color::Reset);
        // Everything else is drawn as it was.
        assert_eq!(out[0].2.fg, Color::Yellow);
        assert_eq!(out[0].2.symbol(), "ب");
        assert_eq!((out[0].0, out[0].1), (3, 1));
    }

    #[test]
    fn only_the_underline_refusal_is_forgiven() {
        let refusal = io::Error::other("SetUnderlineColor not supported by winapi.");
        assert!(is_underline_refusal(&refusal));
        let other = io::Error::other("Bracketed paste not implemented in the legacy Windows API.");
        assert!(!is_underline_refusal(&other));
        assert!(!is_underline_refusal(&io::Error::from(
            io::ErrorKind::BrokenPipe
        )));
    }

    #[test]
    fn a_vt_console_takes_every_sequence_and_a_legacy_one_none_of_ours() {
        let vt = Console { vt: true };
        assert!(vt.bracketed_paste() && vt.raw_escapes());
        let legacy = Console { vt: false };
        assert!(!legacy.bracketed_paste() && !legacy.raw_escapes());
    }
}
