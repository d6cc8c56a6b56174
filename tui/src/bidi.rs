//! Right-to-left text for terminals that do not reorder it themselves.
//!
//! The pipeline (shared/terminal-text.md): logical text -> optional shaping into presentation
//! forms (still logical) -> paragraph direction -> wrap by cell width in logical order ->
//! reorder each wrapped line with the paragraph's UAX #9 analysis (rules L1/L2 over the
//! line's slice) -> mirror brackets at odd levels -> strip BiDi controls (including Fluent's
//! isolation marks, which have done their job by then) -> the caller right-aligns RTL lines.
//!
//! Reordering works on grapheme clusters, not characters, so a letter keeps its combining marks
//! and its ZWNJ after it whatever the direction (rule L3).

use std::ops::Range;

use serde::{Deserialize, Serialize};
use unicode_bidi::{Level, ParagraphBidiInfo};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Who puts right-to-left text in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BidiMode {
    /// tokenyar reorders every line and puts the terminal in explicit mode (`CSI 8 l`).
    #[default]
    App,
    /// tokenyar sends logical order and asks for the terminal's own BiDi (`CSI 8 h`).
    Terminal,
    /// Logical order and no escape sequence at all.
    Off,
}

impl BidiMode {
    pub const ALL: [BidiMode; 3] = [BidiMode::App, BidiMode::Terminal, BidiMode::Off];

    pub fn name(self) -> &'static str {
        match self {
            BidiMode::App => "app",
            BidiMode::Terminal => "terminal",
            BidiMode::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<BidiMode> {
        BidiMode::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// Whether tokenyar joins Arabic-script letters itself (presentation forms).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Shaping {
    /// On unless the terminal is known to join letters itself ([`TerminalInfo::joins_letters`]).
    #[default]
    Auto,
    On,
    Off,
}

impl Shaping {
    pub const ALL: [Shaping; 3] = [Shaping::Auto, Shaping::On, Shaping::Off];

    pub fn name(self) -> &'static str {
        match self {
            Shaping::Auto => "auto",
            Shaping::On => "on",
            Shaping::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Shaping> {
        Shaping::ALL.into_iter().find(|m| m.name() == s)
    }
}

/// What the environment tells about the terminal, for defaults only (the user can override).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TerminalInfo {
    pub windows_terminal: bool,
    pub conhost: bool,
    /// Terminals that reorder every line with no way to turn it off (Konsole, mlterm,
    /// Terminal.app): reordering in the app as well would reverse Persian twice.
    pub reorders_itself: bool,
    /// The terminal is known to join Arabic-script letters itself (VTE 0.58 and later,
    /// Konsole, mlterm, Terminal.app, kitty, WezTerm, mintty). Everywhere else (conhost,
    /// Windows Terminal, xterm, Alacritty, st, foot, VS Code, the Linux console, and any
    /// terminal the environment does not name, such as one reached over SSH) tokenyar joins
    /// them: joined letters shown by a terminal that would have joined them anyway still read
    /// right, while unjoined ones are hard to read.
    pub joins_letters: bool,
}

impl TerminalInfo {
    pub fn from_env() -> TerminalInfo {
        TerminalInfo::from_vars(&|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// The same from any source of variables (tests give their own).
    pub fn from_vars(var: &dyn Fn(&str) -> Option<String>) -> TerminalInfo {
        let has = |k: &str| var(k).is_some();
        let term_program = var("TERM_PROGRAM").unwrap_or_default();
        let term = var("TERM").unwrap_or_default();
        let windows_terminal = has("WT_SESSION");
        // Inside tmux or screen, TERM and TERM_PROGRAM name the multiplexer, but the outer
        // terminal's own variables (VTE_VERSION, KONSOLE_VERSION, WEZTERM_PANE, ...) were
        // inherited when the server started in it; that terminal draws the letters.
        let vte = var("VTE_VERSION")
            .and_then(|v| v.trim().parse::<u32>().ok())
            .is_some_and(|v| v >= 5800);
        let konsole = has("KONSOLE_VERSION");
        let mlterm = has("MLTERM");
        let apple = term_program == "Apple_Terminal";
        let kitty = has("KITTY_WINDOW_ID") || term == "xterm-kitty";
        let wezterm = has("WEZTERM_PANE") || term_program == "WezTerm";
        let mintty = term_program == "mintty";
        TerminalInfo {
            windows_terminal,
            conhost: cfg!(windows) && !windows_terminal && term_program.is_empty(),
            reorders_itself: konsole || mlterm || apple,
            joins_letters: !windows_terminal
                && (vte || konsole || mlterm || apple || kitty || wezterm || mintty),
        }
    }

    pub fn default_bidi(&self) -> BidiMode {
        if self.reorders_itself {
            BidiMode::Terminal
        } else {
            // VTE honours `CSI 8 l`; Windows Terminal, conhost, xterm, tmux, Alacritty do no
            // BiDi at all: app-side reordering is right for all of them.
            BidiMode::App
        }
    }

    /// Whether `shaping = auto` means shaping in the app here: wherever the terminal is not
    /// known to join the letters itself.
    pub fn shapes_in_app(&self) -> bool {
        !self.joins_letters
    }
}

#[cfg(test)]
mod terminal_tests {
    use super::TerminalInfo;

    fn info(vars: &[(&str, &str)]) -> TerminalInfo {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TerminalInfo::from_vars(&move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn shaping_is_on_where_the_terminal_does_not_join_letters() {
        // Terminals that do not join Arabic-script letters, and unknown ones.
        for vars in [
            vec![("WT_SESSION", "x")],
            vec![("TERM", "xterm-256color"), ("XTERM_VERSION", "XTerm(379)")],
            vec![("TERM", "alacritty"), ("ALACRITTY_WINDOW_ID", "1")],
            vec![
                ("TERM", "tmux-256color"),
                ("TMUX", "/tmp/t"),
                ("TERM_PROGRAM", "tmux"),
            ],
            vec![("TERM", "foot")],
            vec![("TERM_PROGRAM", "vscode")],
            vec![("VTE_VERSION", "5203")],
            vec![],
        ] {
            assert!(info(&vars).shapes_in_app(), "{vars:?}");
        }
        // Terminals that join them, also seen through tmux.
        for vars in [
            vec![("VTE_VERSION", "7600")],
            vec![
                ("TMUX", "/tmp/t"),
                ("TERM_PROGRAM", "tmux"),
                ("VTE_VERSION", "6800"),
            ],
            vec![("KONSOLE_VERSION", "230804")],
            vec![("TERM_PROGRAM", "Apple_Terminal")],
            vec![("TERM", "xterm-kitty"), ("KITTY_WINDOW_ID", "1")],
            vec![("TERM_PROGRAM", "WezTerm")],
            vec![("TERM_PROGRAM", "mintty")],
        ] {
            assert!(!info(&vars).shapes_in_app(), "{vars:?}");
        }
        // Konsole reorders by itself: tokenyar leaves the order to it.
        assert_eq!(
            info(&[("KONSOLE_VERSION", "1")]).default_bidi(),
            super::BidiMode::Terminal
        );
    }
}

/// The direction of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Ltr,
    Rtl,
    /// The first strong character decides (rules P2/P3); neutral text takes the fallback.
    Auto {
        rtl_fallback: bool,
    },
}

/// How to lay out text for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOpts {
    pub bidi: BidiMode,
    pub shape: bool,
}

impl Default for TextOpts {
    fn default() -> Self {
        TextOpts {
            bidi: BidiMode::App,
            shape: false,
        }
    }
}

/// One display line: its text in the order to send to the terminal, whether it belongs to a
/// right-to-left paragraph (to be right-aligned), and its width in cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisualLine {
    pub text: String,
    pub rtl: bool,
    pub width: usize,
}

/// Whether a character is a BiDi formatting character (marks, embeddings, isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Removes BiDi formatting characters (Fluent's FSI/PDI included).
pub fn strip_controls(text: &str) -> String {
    text.chars().filter(|&c| !is_bidi_control(c)).collect()
}

/// The width of a text in terminal cells, summed per grapheme: `unicode-width` counts the
/// two-letter sequence lam-alef as one cell, but terminals draw each letter in its own cell.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(grapheme_width).sum()
}

fn grapheme_width(g: &str) -> usize {
    if g.chars().all(is_bidi_control) {
        0
    } else {
        UnicodeWidthStr::width(g)
    }
}

/// Joins Arabic-script letters into their contextual presentation forms, in logical order.
/// Ligatures stay off so every letter keeps its own cell (and index maps stay one to one), and
/// harakat stay: deleting them would drop the Persian ezafe mark.
pub fn shape(text: &str) -> String {
    use ar_reshaper::{ArabicReshaper, ReshaperConfig};
    use std::sync::OnceLock;
    static RESHAPER: OnceLock<ArabicReshaper> = OnceLock::new();
    let r = RESHAPER.get_or_init(|| {
        ArabicReshaper::new(ReshaperConfig {
            delete_harakat: false,
            support_ligatures: false,
            ..ReshaperConfig::default()
        })
    });
    if !r.need_reshape(text) {
        return text.to_string();
    }
    // The reshaper joins across newlines as if they were letters: shape line by line.
    text.split('\n')
        .map(|l| r.reshape(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether a text's first strong character is right-to-left (`None`: no strong character).
pub fn first_strong_rtl(text: &str) -> Option<bool> {
    use unicode_bidi::BidiClass::{AL, L, R};
    text.chars()
        .map(unicode_bidi::bidi_class)
        .find(|c| matches!(c, L | R | AL))
        .map(|c| c != L)
}

fn resolve(dir: Dir, text: &str) -> bool {
    match dir {
        Dir::Ltr => false,
        Dir::Rtl => true,
        Dir::Auto { rtl_fallback } => first_strong_rtl(text).unwrap_or(rtl_fallback),
    }
}

/// Lays out a text (paragraphs separated by `\n`) into display lines at most `width` cells wide.
pub fn layout(text: &str, dir: Dir, width: usize, opts: TextOpts) -> Vec<VisualLine> {
    let shaped;
    let text = if opts.shape {
        shaped = shape(text);
        shaped.as_str()
    } else {
        text
    };
    let mut out = Vec::new();
    for para in text.split('\n') {
        let rtl = resolve(dir, para);
        let lines = wrap(para, width.max(1));
        if opts.bidi != BidiMode::App {
            for r in lines {
                let t = strip_controls(&para[r]);
                out.push(VisualLine {
                    width: self::width(&t),
                    text: t,
                    rtl,
                });
            }
            continue;
        }
        let info =
            ParagraphBidiInfo::new(para, Some(if rtl { Level::rtl() } else { Level::ltr() }));
        for r in lines {
            let t = reorder(&info, r);
            out.push(VisualLine {
                width: self::width(&t),
                text: t,
                rtl,
            });
        }
    }
    out
}

/// One line of text (no wrapping) in display order, as units (a grapheme, or a lone joiner)
/// each with the index of its first character in the logical text: what a text input needs to
/// place its cursor, and what the FriBidi comparison checks.
pub fn visual_units(text: &str, rtl: bool) -> Vec<(usize, String)> {
    let info = ParagraphBidiInfo::new(text, Some(if rtl { Level::rtl() } else { Level::ltr() }));
    let units = reorder_units(&info, 0..text.len());
    units
        .into_iter()
        .map(|(off, u)| (text[..off].chars().count(), u))
        .collect()
}

fn reorder(info: &ParagraphBidiInfo, line: Range<usize>) -> String {
    reorder_units(info, line)
        .into_iter()
        .map(|(_, u)| u)
        .collect()
}

/// Joiners (ZWNJ, ZWJ) are units of their own: glued to the letter before them they would
/// land on the wrong side of it when the line is reversed, and join the wrong letters.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}')
}

/// Reorders one line of a paragraph: rule L1 over the line's slice of the paragraph's
/// analysis, rule L2 over units (graphemes keep their combining marks after the base, rule L3),
/// mirroring at odd levels (L4); BiDi controls are dropped. Returns the units in visual order
/// with their byte offsets in the paragraph.
fn reorder_units(info: &ParagraphBidiInfo, line: Range<usize>) -> Vec<(usize, String)> {
    let text = &info.text[line.clone()];
    let levels = info.reordered_levels(line.clone());
    let mut units: Vec<(usize, &str)> = Vec::new();
    for (gi, g) in text.grapheme_indices(true) {
        let mut start = 0;
        for (ci, c) in g.char_indices() {
            if is_joiner(c) {
                if ci > start {
                    units.push((gi + start, &g[start..ci]));
                }
                units.push((gi + ci, &g[ci..ci + c.len_utf8()]));
                start = ci + c.len_utf8();
            }
        }
        if start < g.len() {
            units.push((gi + start, &g[start..]));
        }
    }
    let u_levels: Vec<Level> = units.iter().map(|(i, _)| levels[line.start + i]).collect();
    let order = if u_levels.iter().any(|l| l.is_rtl()) {
        ParagraphBidiInfo::reorder_visual(&u_levels)
    } else {
        (0..units.len()).collect()
    };
    let mut out = Vec::with_capacity(units.len());
    for i in order {
        let (off, u) = units[i];
        if u.chars().all(is_bidi_control) {
            continue;
        }
        let mut chars = u.chars();
        let mut t = String::with_capacity(u.len());
        if u_levels[i].is_rtl()
            && let Some(first) = chars.next()
            && let Some(m) = unicode_bidi_mirroring::get_mirrored(first)
        {
            t.push(m);
            t.extend(chars.filter(|&c| !is_bidi_control(c)));
        } else {
            t.extend(u.chars().filter(|&c| !is_bidi_control(c)));
        }
        out.push((line.start + off, t));
    }
    out
}

/// Wraps a paragraph by cell width, in logical order: breaks after spaces, and inside a word
/// only when the word alone is wider than the line. Returns byte ranges without the spaces at
/// the breaks.
pub fn wrap(para: &str, width: usize) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0usize; // start of the current line
    let mut end = 0usize; // end of the last word that fits (exclusive)
    let mut cur = 0usize; // width of start..end plus spaces after it
    let mut pending_space = 0usize;
    let mut have_word = false;
    for (i, w) in runs(para) {
        let ww = width_of(w);
        if w.chars().all(char::is_whitespace) {
            if have_word {
                pending_space += ww;
            } else {
                start = i + w.len();
                end = start;
            }
            continue;
        }
        if have_word && cur + pending_space + ww > width {
            lines.push(start..end);
            start = i;
            cur = 0;
            pending_space = 0;
            have_word = false;
        }
        if !have_word && ww > width {
            // A word wider than the line: cut it at grapheme boundaries.
            let mut seg_start = i;
            let mut seg_w = 0usize;
            for (gi, g) in w.grapheme_indices(true) {
                let gw = grapheme_width(g);
                if seg_w + gw > width && seg_w > 0 {
                    lines.push(seg_start..i + gi);
                    seg_start = i + gi;
                    seg_w = 0;
                }
                seg_w += gw;
            }
            start = seg_start;
            end = i + w.len();
            cur = seg_w;
            have_word = true;
            continue;
        }
        cur += pending_space + ww;
        pending_space = 0;
        end = i + w.len();
        have_word = true;
    }
    if have_word || lines.is_empty() {
        lines.push(start..end.max(start));
    }
    lines
}

/// Runs of spaces and runs of everything else: lines break only at spaces, so punctuation
/// stays with its word.
fn runs(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<bool> = None;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if prev.is_some_and(|p| p != ws) {
            out.push((start, &text[start..i]));
            start = i;
        }
        prev = Some(ws);
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out.into_iter()
}

fn width_of(s: &str) -> usize {
    s.graphemes(true).map(grapheme_width).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> TextOpts {
        TextOpts::default()
    }

    #[test]
    fn english_stays_as_written_and_wraps_at_spaces() {
        let l = layout("the quick brown fox", Dir::Ltr, 10, app());
        let t: Vec<&str> = l.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["the quick", "brown fox"]);
        assert!(l.iter().all(|l| !l.rtl));
    }

    #[test]
    fn persian_is_reversed_and_numbers_keep_their_order() {
        // "گواهی 2025 ok" in RTL: the Latin and the number stay left to right inside.
        let l = layout("سلام 2025 ok", Dir::Rtl, 80, app());
        assert_eq!(l[0].text, "ok 2025 مالس");
        assert!(l[0].rtl);
    }

    #[test]
    fn brackets_are_mirrored_in_rtl_runs() {
        let l = layout("سلام (دنیا)", Dir::Rtl, 80, app());
        assert_eq!(l[0].text, "(ایند) مالس");
    }

    #[test]
    fn each_wrapped_line_is_reordered_on_its_own() {
        // Wrapping happens in logical order: the first words are on the first line.
        let l = layout("یک دو سه چهار", Dir::Rtl, 7, app());
        let t: Vec<&str> = l.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(t, ["ود کی", "راهچ هس"]);
    }

    #[test]
    fn controls_and_fluent_isolation_marks_are_stripped() {
        let l = layout("\u{2068}Setad\u{2069} ستاد", Dir::Rtl, 80, app());
        assert_eq!(l[0].text, "داتس Setad");
        assert!(!l[0].text.chars().any(is_bidi_control));
    }

    #[test]
    fn zwnj_stays_between_its_letters_and_has_no_width() {
        // Logical م ی ZWNJ ش و د: reversed, the ZWNJ still separates ی from ش.
        let l = layout("می‌شود", Dir::Rtl, 80, app());
        assert_eq!(l[0].text, "دوش\u{200c}یم");
        assert_eq!(l[0].width, 5);
    }

    #[test]
    fn lam_alef_counts_two_cells() {
        assert_eq!(width("لا"), 2);
        assert_eq!(width("سلام"), 4);
    }

    #[test]
    fn long_words_are_cut() {
        let r = wrap("abcdefghij", 4);
        assert_eq!(r, vec![0..4, 4..8, 8..10]);
        assert_eq!(wrap("", 4), vec![0..0]);
    }

    #[test]
    fn auto_direction_follows_the_first_strong_letter() {
        assert!(
            layout(
                "epass3003 توکن",
                Dir::Auto { rtl_fallback: true },
                80,
                app()
            )[0]
            .text
            .starts_with("epass")
        );
        assert!(layout("123", Dir::Auto { rtl_fallback: true }, 80, app())[0].rtl);
    }

    #[test]
    fn shaping_joins_letters_one_to_one() {
        let s = shape("سلام");
        assert_eq!(s.chars().count(), 4);
        assert_ne!(s, "سلام");
        assert!(s.chars().all(|c| ('\u{FB50}'..='\u{FEFF}').contains(&c)));
        // The ezafe mark survives.
        assert!(shape("خانهٔ من").contains('\u{0654}'));
    }

    #[test]
    fn other_modes_send_logical_order() {
        let o = TextOpts {
            bidi: BidiMode::Terminal,
            shape: false,
        };
        assert_eq!(layout("سلام (دنیا)", Dir::Rtl, 80, o)[0].text, "سلام (دنیا)");
    }

    #[test]
    fn cursor_map_points_back_to_logical_characters() {
        let u = visual_units("ab سل", false);
        let v: String = u.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(v, "ab لس");
        let map: Vec<usize> = u.iter().map(|(i, _)| *i).collect();
        assert_eq!(map, vec![0, 1, 2, 4, 3]);
    }
}
