//! Folding the many ways people write the same Persian or English text into one, and cutting it
//! into words.
//!
//! Users type error messages with Arabic or Persian letters, Persian, Arabic-Indic or Latin
//! digits, with or without half-spaces, and paste them out of terminals that show Persian in
//! visual (reversed) order or in presentation forms (shared/terminal-text.md).

use unicode_normalization::UnicodeNormalization;

/// Folds the ways users write the same text into one: NFKC (which also undoes presentation forms
/// and ligatures), Arabic letters to Persian, every digit to ASCII, tatweel, diacritics, hamza and
/// BiDi/format characters dropped, half-spaces and every run of white space to one space, case
/// folded. Punctuation is kept; [`words`] ignores it.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_space = true;
    for c in text.nfkc() {
        let Some(c) = fold(c) else { continue };
        if c.is_whitespace() || c.is_control() {
            if !after_space {
                out.push(' ');
                after_space = true;
            }
            continue;
        }
        out.extend(c.to_lowercase());
        after_space = false;
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The Persian letters variant spellings fold to (named: a character table, not text).
const PERSIAN_YEH: char = '\u{06CC}';
const PERSIAN_KEHEH: char = '\u{06A9}';
const HEH: char = '\u{0647}';
const ALEF: char = '\u{0627}';
const WAW: char = '\u{0648}';

/// One character after NFKC: `None` drops it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Arabic yeh, alef maksura, yeh with hamza, Urdu yeh barree.
        '\u{064A}' | '\u{0649}' | '\u{0626}' | '\u{06D2}' => PERSIAN_YEH,
        // Arabic kaf, swash kaf.
        '\u{0643}' | '\u{06AA}' => PERSIAN_KEHEH,
        // Teh marbuta, heh with yeh above (NFKC leaves ae + hamza above), heh doachashmee, heh goal.
        '\u{0629}' | '\u{06C0}' | '\u{06D5}' | '\u{06BE}' | '\u{06C1}' => HEH,
        // Alef with hamza above/below, alef with madda, alef wasla.
        '\u{0623}' | '\u{0625}' | '\u{0622}' | '\u{0671}' => ALEF,
        // Waw with hamza: "مؤدیان" and "مودیان" are the same word to users.
        '\u{0624}' => WAW,
        // A lone hamza is written or left out at will ("امضاء", "امضا").
        '\u{0621}' => return None,
        // Half-space (ZWNJ): "نرم‌افزار", "نرم افزار" and (see `words`) "نرمافزار" alike.
        '\u{200C}' => ' ',
        // Tatweel.
        '\u{0640}' => return None,
        // Harakat, superscript alef, Quranic marks.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' => return None,
        '\u{06F0}'..='\u{06F9}' => digit(c, '\u{06F0}'),
        '\u{0660}'..='\u{0669}' => digit(c, '\u{0660}'),
        // Persian decimal and thousands separators, Arabic comma: separators for us.
        '\u{066B}' | '\u{066C}' | '\u{060C}' => ' ',
        c if is_format(c) => return None,
        c => c,
    })
}

fn digit(c: char, zero: char) -> char {
    char::from_digit(c as u32 - zero as u32, 10).unwrap_or(c)
}

/// BiDi controls and other invisible format characters (Unicode category Cf and the like):
/// terminals and word processors leave them in copied text.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}' | '\u{200D}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Letters of the Arabic script, including presentation forms (before NFKC).
pub(crate) fn is_arabic(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}')
        && !is_eastern_digit(c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Digit,
    Arabic,
    Other,
}

fn class(c: char) -> Class {
    if c.is_numeric() {
        Class::Digit
    } else if is_arabic(c) {
        Class::Arabic
    } else {
        Class::Other
    }
}

/// The words of a normalised text: runs of letters and digits. Digits glued to Persian letters
/// ("خطای۲۹", "۲۹درامضا") are cut off as their own word, as are Persian letters glued to Latin
/// ones; Latin letters and digits stay together ("epass3003", "jre8").
pub fn words(normalized: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut last: Option<Class> = None;
    for c in normalized.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            last = None;
            continue;
        }
        let k = class(c);
        if let Some(l) = last {
            let split = matches!(
                (l, k),
                (Class::Digit, Class::Arabic)
                    | (Class::Arabic, Class::Digit)
                    | (Class::Arabic, Class::Other)
                    | (Class::Other, Class::Arabic)
            );
            if split && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
        last = Some(k);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a text holds Persian or Arabic letters, i.e. whether it could be in visual order.
pub(crate) fn has_arabic(text: &str) -> bool {
    text.chars().any(is_arabic)
}

/// Undoes the visual order a terminal shows a right-to-left line in: the line is reversed
/// character by character, then every left-to-right run (Latin letters, digits and what sits
/// between them) is turned back. Works on the raw text, before NFKC, so a lam-alef ligature
/// (one character in visual text) comes out right.
pub(crate) fn visual_to_logical(text: &str) -> String {
    let rev: Vec<char> = text.chars().rev().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < rev.len() {
        if is_ltr(rev[i]) {
            let mut j = i;
            // A left-to-right run goes on over neutral characters between strong LTR ones
            // ("SHA-256", "my.ssaa.ir", "04 132").
            let mut end = i;
            while j < rev.len() && !is_arabic(rev[j]) {
                if is_ltr(rev[j]) {
                    end = j;
                }
                j += 1;
            }
            out.extend(rev[i..=end].iter().rev());
            i = end + 1;
        } else {
            out.push(rev[i]);
            i += 1;
        }
    }
    out
}

/// Characters that keep left-to-right order inside a right-to-left line: Latin (and other
/// non-Arabic) letters and every kind of digit.
fn is_ltr(c: char) -> bool {
    (c.is_alphanumeric() && !is_arabic(c)) || is_eastern_digit(c)
}

/// Persian and Arabic-Indic digits: in the Arabic block, but written left to right.
fn is_eastern_digit(c: char) -> bool {
    matches!(c, '\u{06F0}'..='\u{06F9}' | '\u{0660}'..='\u{0669}')
}
