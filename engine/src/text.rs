//! Small domain rules, each in one place: wildcard names, version order, environment-variable
//! expansion in KB paths, the Iranian national-id check digit, masking, Persian digits. Pure
//! functions of text; every layer above may use them, they use nothing of the crate.

use std::cmp::Ordering;

use wildmatch::WildMatch;

/// Whether `text` matches `pattern` (`*` any text, `?` one character), case-insensitively: how
/// the knowledge base names module and program files. Linear in the text (no backtracking), so
/// a hostile pattern from a `--kb` folder or a script cannot stall a run.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    wildcard(pattern, text, true)
}

/// `*` and `?` wildcards, case-folded or exact (file systems differ).
pub(crate) fn wildcard(pattern: &str, text: &str, fold_case: bool) -> bool {
    Wildcard::new(pattern, fold_case).matches(text)
}

/// A `*`/`?` pattern prepared once, to match many names (a folder's listing): preparing it per
/// name was half the cost of looking for installed programs.
pub(crate) struct Wildcard(Option<WildMatch>);

impl Wildcard {
    pub(crate) fn new(pattern: &str, fold_case: bool) -> Wildcard {
        // Names are short; refuse absurd input instead of working on it.
        Wildcard((pattern.len() <= 1024).then(|| {
            if fold_case {
                WildMatch::new_case_insensitive(pattern)
            } else {
                WildMatch::new(pattern)
            }
        }))
    }

    pub(crate) fn matches(&self, text: &str) -> bool {
        text.len() <= 16 * 1024 && self.0.as_ref().is_some_and(|w| w.matches(text))
    }
}

/// Whether a `/`-separated path matches a glob whose `*` and `?` stay within one component
/// (`kb/*/tests/*.yaml`), case-sensitively, as editors' schema mappings do.
pub(crate) fn wildcard_path(pattern: &str, path: &str) -> bool {
    let (p, t): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| wildcard(p, t, false))
}

/// Orders dotted or comma-separated versions numerically ("5,0,4,5" < "5.0.10"); missing parts
/// count as 0, so "8" = "8.0".
pub fn version_order(a: &str, b: &str) -> Ordering {
    let parts = |s: &str| -> Vec<u64> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .filter_map(|p| p.parse().ok())
            .collect()
    };
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let o = pa.get(i).unwrap_or(&0).cmp(pb.get(i).unwrap_or(&0));
        if o.is_ne() {
            return o;
        }
    }
    Ordering::Equal
}

/// Expands `%NAME%`, `$NAME` and `${NAME}` in a KB path; `None` when a variable is not set or
/// empty (the path does not apply on this machine).
pub(crate) fn expand_env(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['%', '$']) {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (name, tail) = if rest[i..].starts_with('%') {
            let end = after.find('%')?;
            (&after[..end], &after[end + 1..])
        } else if let Some(inner) = after.strip_prefix('{') {
            let end = inner.find('}')?;
            (&inner[..end], &inner[end + 1..])
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (&after[..end], &after[end..])
        };
        out.push_str(&env(name).filter(|v| !v.is_empty())?);
        rest = tail;
    }
    out.push_str(rest);
    Some(out)
}

/// The digits of `s` as ASCII digits, Persian (U+06F0..) and Arabic-Indic (U+0660..) included.
pub fn ascii_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            _ => c,
        })
        .collect()
}

/// ASCII digits written as Persian digits; everything else unchanged.
pub fn persian_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) if c.is_ascii_digit() => char::from_u32(0x06F0 + d).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The check digit a 10-digit Iranian national id (کد ملی) ends with, from its first nine.
pub fn national_id_check_digit(first_nine: &[u32]) -> u32 {
    let sum: u32 = first_nine
        .iter()
        .take(9)
        .enumerate()
        .map(|(i, d)| d * (10 - i as u32))
        .sum();
    let r = sum % 11;
    if r < 2 { r } else { 11 - r }
}

/// Whether `s` is exactly a valid 10-digit national id (ASCII digits, right check digit, not
/// one digit repeated).
pub fn is_national_id(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 10 || s.len() != 10 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    d[9] == national_id_check_digit(&d[..9])
}

/// The check digit an 11-digit Iranian legal-person id (شناسه ملی) ends with, from its first
/// ten: each digit plus (the tenth + 2), weighted 29, 27, 23, 19, 17 in turn, modulo 11.
pub(crate) fn legal_person_id_check_digit(first_ten: &[u32]) -> u32 {
    const W: [u32; 5] = [29, 27, 23, 19, 17];
    let Some(tenth) = first_ten.get(9) else {
        return 0;
    };
    let c = tenth + 2;
    let sum: u32 = first_ten
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, d)| (d + c) * W[i % 5])
        .sum();
    let r = sum % 11;
    if r == 10 { 0 } else { r }
}

/// Whether `s` is exactly a valid 11-digit legal-person id (ASCII digits, right check digit).
pub(crate) fn is_legal_person_id(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 11 || s.len() != 11 || d.iter().all(|x| *x == d[0]) {
        return false;
    }
    d[10] == legal_person_id_check_digit(&d[..10])
}

/// All but the last `keep` characters replaced by `•`: how a national id is shown.
pub(crate) fn mask(text: &str, keep: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let keep = keep.min(chars.len());
    let hidden = chars.len() - keep;
    std::iter::repeat_n('•', hidden)
        .chain(chars[hidden..].iter().copied())
        .collect()
}

/// Every national id in a text (a run of exactly ten digits with a valid check digit) masked
/// to its last four digits: how a user-mode screen shows it.
pub fn mask_national_ids(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if is_national_id(&run) {
                out.push_str(&mask(&run, 4));
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Keys whose values are national ids whatever they look like (the X.509 subject's
/// serialNumber carries the national id on Iranian certificates).
fn names_a_national_id(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k == "serialnumber" || k == "serial_number" || k.contains("national")
}

/// [`mask_national_ids`] over every string of a JSON value, and whatever sits under a key that
/// names a national id.
pub fn mask_national_ids_in(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::String(s) => Value::String(mask_national_ids(s)),
        Value::Array(a) => Value::Array(a.iter().map(mask_national_ids_in).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) if names_a_national_id(k) => Value::String(mask(s, 4)),
                        Value::Number(n) if names_a_national_id(k) => {
                            Value::String(mask(&n.to_string(), 4))
                        }
                        other => mask_national_ids_in(other),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What stands in for a character that must not reach a terminal.
pub(crate) const REPLACEMENT: char = '\u{FFFD}';

/// Whether `c` would act on a terminal rather than print: C0 and C1 controls and DEL (ESC
/// starts colour, clear-screen and title sequences; CR overwrites a line; BEL rings).
fn is_control(c: char) -> bool {
    c.is_control()
}

/// Bidi embeddings, overrides and isolates: in one untrusted value they can reorder what is
/// printed after it ("ALL CHECKS OK" from a certificate label).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// One untrusted value (a certificate label or subject, a token label, a program name, a module
/// error) made safe to print on one line: every control character, line breaks included, and
/// every bidi embedding, override or isolate becomes [`REPLACEMENT`].
pub(crate) fn terminal_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) || is_bidi_control(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| {
                if is_control(c) || is_bidi_control(c) {
                    REPLACEMENT
                } else {
                    c
                }
            })
            .collect(),
    )
}

/// A whole text made safe for a terminal: like `terminal_safe` but line breaks and tabs stay,
/// and bidi marks stay too (the output's own layout may use them; values were cleaned with
/// `terminal_safe` where they entered).
pub fn terminal_safe_text(s: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| is_control(c) && c != '\n' && c != '\t';
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    std::borrow::Cow::Owned(
        s.chars()
            .map(|c| if bad(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

/// A writer that passes text to a terminal through [`terminal_safe_text`], for every plain
/// output of the command line. It works on bytes: C0 controls and DEL are single bytes, and a
/// C1 control is `C2 80..9F` in UTF-8, which may be split between two writes.
#[derive(Debug)]
pub struct TerminalSafe<W: std::io::Write> {
    inner: W,
    /// A `C2` byte at the end of the last write, not yet known to start a C1 control.
    pending_c2: bool,
}

impl<W: std::io::Write> TerminalSafe<W> {
    pub fn new(inner: W) -> Self {
        TerminalSafe {
            inner,
            pending_c2: false,
        }
    }
}

impl<W: std::io::Write> std::io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        const FFFD: &[u8] = "\u{FFFD}".as_bytes();
        let mut out = Vec::with_capacity(buf.len() + 2);
        for &b in buf {
            if std::mem::take(&mut self.pending_c2) {
                if (0x80..=0x9F).contains(&b) {
                    out.extend_from_slice(FFFD);
                    continue;
                }
                out.push(0xC2);
            }
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1F | 0x7F => out.extend_from_slice(FFFD),
                0xC2 => self.pending_c2 = true,
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xC2])?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for TerminalSafe<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_never_pass() {
        let evil = "Sara\x1b[2J\x1b]0;pwned\x07\r\nALL CHECKS OK\u{202E}kcabdne\u{9B}31m";
        let one = terminal_safe(evil);
        assert!(!one.chars().any(|c| c.is_control()), "{one:?}");
        assert!(!one.contains('\u{202E}'));
        assert!(one.starts_with("Sara\u{FFFD}[2J"));
        let block = terminal_safe_text("a\tb\nc\x1bd\u{85}");
        assert_eq!(block, "a\tb\nc\u{FFFD}d\u{FFFD}");
        assert!(matches!(
            terminal_safe("plain سلام"),
            std::borrow::Cow::Borrowed(_)
        ));
        // The writer, fed byte by byte (a C1 control split across writes).
        let mut w = TerminalSafe::new(Vec::new());
        for b in evil.as_bytes() {
            std::io::Write::write_all(&mut w, &[*b]).unwrap();
        }
        std::io::Write::flush(&mut w).unwrap();
        let text = String::from_utf8(std::mem::take(&mut w.inner)).unwrap();
        assert_eq!(text, terminal_safe_text(evil));
        assert!(!text.contains('\x1b') && !text.contains('\u{9B}'));
    }

    #[test]
    fn wildcards_match_names_and_hostile_patterns_end_quickly() {
        assert!(glob_match("*Csp11_3003*.dll", "SecurityDataCsp11_3003.DLL"));
        assert!(glob_match("eps2003csp11?.dll", "eps2003csp11v.dll"));
        assert!(!glob_match("*.so", "libx.so.1"));
        assert!(wildcard("A*", "abc", true) && !wildcard("A*", "abc", false));
        let started = std::time::Instant::now();
        let p = "*a".repeat(60) + "b";
        assert!(!glob_match(&p, &"a".repeat(4000)));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(version_order("5,0,4,5", "5.0.10"), Ordering::Less);
        assert_eq!(version_order("8", "8.0"), Ordering::Equal);
        assert_eq!(version_order("1.10", "1.9"), Ordering::Greater);
    }

    #[test]
    fn env_expansion_skips_unset_variables() {
        let env = |k: &str| (k == "A").then(|| "x".to_string());
        assert_eq!(expand_env("%A%\\b", &env).as_deref(), Some("x\\b"));
        assert_eq!(expand_env("${A}/b/$A", &env).as_deref(), Some("x/b/x"));
        assert_eq!(expand_env("%B%\\b", &env), None);
    }

    #[test]
    fn national_ids_and_digits() {
        assert!(is_national_id("0499370899"));
        assert!(!is_national_id("0499370898"));
        assert!(!is_national_id("1111111111"));
        assert_eq!(ascii_digits("\u{06F0}\u{06F4}\u{0669}"), "049");
        assert_eq!(persian_digits("12"), "\u{06F1}\u{06F2}");
        assert_eq!(mask("0499370899", 4), "••••••0899");
    }
}
