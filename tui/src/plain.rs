//! Plain command-line output (`diagnose`, `lookup`, `session resume`, errors) through the same
//! text pipeline as the interactive screen (`bidi.rs`): on a terminal with `bidi = app`, each
//! line is shaped (when on), wrapped at the terminal's width, put in visual order and, when it
//! is a right-to-left paragraph, right-aligned; the terminal is asked not to reorder it again
//! (`CSI 8 l` before, `CSI 8 h` after). Piped or redirected output, `--json` and reports stay
//! in logical order, untouched, so tools and files get the text as written.

use std::io::{IsTerminal, Write};

use tokenyar_engine::kb::{Lang, Status};

use crate::app::state::Settings;
use crate::bidi::{self, BidiMode, Dir, Shaping, TerminalInfo, TextOpts};
use crate::cli::Common;
use crate::setup::{CliError, env_lang};

/// How one stream's text is written.
#[derive(Debug, Clone, Copy)]
pub struct Plain {
    pub opts: TextOpts,
    /// The stream is a terminal (else: logical order, no escapes, no colour).
    pub terminal: bool,
    /// Colour the check marks (a terminal, and `NO_COLOR` unset).
    pub colour: bool,
    /// Cells per line.
    pub width: usize,
    /// Neutral lines (a list number, a mark) take this direction.
    pub rtl: bool,
}

/// Colour where the terminal wants it: never with `NO_COLOR` set (no-color.org), nor for
/// `TERM=dumb`, nor when the output is not a terminal.
pub fn use_colour(is_terminal: bool) -> bool {
    is_terminal
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var("TERM").map_or(true, |t| t != "dumb")
}

/// The `bidi` and `shaping` settings: the flags over the settings file over the terminal's
/// defaults (the same order as the interactive screen).
pub fn settings(common: &Common) -> Result<Settings, CliError> {
    let term = TerminalInfo::from_env();
    crate::app::initial_settings(common, &term)
}

impl Plain {
    /// For standard output.
    pub fn stdout(common: &Common, lang: Lang) -> Result<Plain, CliError> {
        Plain::new(common, lang, std::io::stdout().is_terminal())
    }

    pub fn new(common: &Common, lang: Lang, terminal: bool) -> Result<Plain, CliError> {
        let s = settings(common)?;
        let term = TerminalInfo::from_env();
        let width = crossterm::terminal::size()
            .map(|(w, _)| usize::from(w))
            .ok()
            .filter(|w| *w > 0)
            .unwrap_or(80);
        Ok(Plain {
            opts: TextOpts {
                bidi: s.bidi,
                shape: match s.shaping {
                    Shaping::On => true,
                    Shaping::Off => false,
                    Shaping::Auto => term.shapes_in_app(),
                },
            },
            terminal,
            colour: use_colour(terminal),
            width,
            rtl: lang.rtl(),
        })
    }

    /// The text as it is to be written on this stream.
    pub fn render(&self, text: &str) -> String {
        if !self.terminal {
            return text.to_string();
        }
        let body = match self.opts.bidi {
            BidiMode::App => {
                let mut lines = Vec::new();
                for para in text.trim_end_matches('\n').split('\n') {
                    for l in bidi::layout(
                        para,
                        Dir::Auto {
                            rtl_fallback: self.rtl,
                        },
                        self.width,
                        self.opts,
                    ) {
                        let pad = if l.rtl {
                            self.width.saturating_sub(l.width)
                        } else {
                            0
                        };
                        lines.push(format!("{}{}", " ".repeat(pad), l.text));
                    }
                }
                format!("\x1b[8l{}\n\x1b[8h", lines.join("\n"))
            }
            BidiMode::Terminal | BidiMode::Off if self.opts.shape => bidi::shape(text),
            BidiMode::Terminal | BidiMode::Off => text.to_string(),
        };
        if self.colour {
            paint_marks(&body)
        } else {
            body
        }
    }

    /// Writes the text.
    /// Writes `text` laid out for where it goes. The text is made terminal-safe first (values in
    /// it may come from a token or a certificate), then this pipeline adds its own escapes (BiDi
    /// mode, colour), so `out` must be the raw stream, not a sanitising one.
    pub fn write(&self, out: &mut impl Write, text: &str) -> std::io::Result<()> {
        let text = tokenyar_engine::text::terminal_safe_text(text);
        out.write_all(self.render(&text).as_bytes())?;
        out.flush()
    }
}

/// Colours the check marks (`[✗]`, `[!]`, `[?]`, `[✓]`) of a checklist. Done after layout, so
/// escape sequences never enter the BiDi algorithm or the width count.
fn paint_marks(text: &str) -> String {
    let mut s = text.to_string();
    for (mark, status) in [
        ("[✗]", Status::Fail),
        ("[!]", Status::Warn),
        ("[?]", Status::Unknown),
        ("[✓]", Status::Ok),
    ] {
        let code = match status {
            Status::Fail => "31;1",
            Status::Warn => "33;1",
            Status::Unknown => "36",
            Status::Ok => "32",
        };
        s = s.replace(mark, &format!("\x1b[{code}m{mark}\x1b[0m"));
    }
    s
}

/// For an error message on standard error, before or without a parsed language.
pub fn stderr(common: &Common) -> Plain {
    let lang = common
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .or_else(env_lang)
        .unwrap_or(Lang::En);
    let terminal = std::io::stderr().is_terminal();
    Plain::new(common, lang, terminal).unwrap_or(Plain {
        opts: TextOpts::default(),
        terminal: false,
        colour: false,
        width: 80,
        rtl: false,
    })
}
