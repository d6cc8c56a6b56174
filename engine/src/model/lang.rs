//! The languages tokenyar speaks, as data. A language is a message file `engine/i18n/<code>.ftl`
//! (and its interface twin `tui/i18n/<code>.ftl`); what the layout needs to know about it (its
//! name, direction, digits, first calendar) is written in that file as `language-*` messages, so
//! adding a language adds files and translations, never Rust (docs/i18n.md, "Adding a language").
//!
//! Persian and English are the knowledge base's base languages: every KB text has both (`kb
//! check` E006). A text without a translation into another language shows its English.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

static MESSAGE_FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// A language, by its code (`fa`, `en`, …). Only a code with a message file is a `Lang`, so
/// every `Lang` has messages, a direction and digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(&'static str);

// The two base languages are named like the enum variants they once were, so call sites read
// the same (`Lang::Fa`) and still match as patterns.
#[allow(non_upper_case_globals)]
impl Lang {
    /// Persian, the users' language and the default.
    pub const Fa: Lang = Lang("fa");
    /// English, the fallback of every other language.
    pub const En: Lang = Lang("en");
    /// The languages every knowledge-base text is written in.
    pub const BASE: [Lang; 2] = [Lang::Fa, Lang::En];
}

/// What the layout needs to know about a language, read from its message file.
#[derive(Debug, Clone)]
pub struct LangInfo {
    pub lang: Lang,
    /// The language's own name for itself (`language-name`), shown where one is chosen.
    pub name: String,
    /// Its name in English (`language-english-name`), so `--lang persian` works too.
    pub english_name: String,
    /// Written right to left (`language-direction = rtl`).
    pub rtl: bool,
    /// Its ten digits (`language-digits`), when it does not write numbers with 0–9.
    digits: Option<[char; 10]>,
    /// Its decimal separator (`language-decimal`), with its digits.
    decimal: Option<char>,
    /// Dates are shown Solar Hijri first (`language-calendar = jalali`).
    pub jalali: bool,
    /// The engine's message file itself.
    pub source: &'static str,
}

impl LangInfo {
    /// Reads the `language-*` messages of a message file. They are one-line plain values, so a
    /// line scan does; a file without them is a left-to-right language with 0–9 digits.
    pub(crate) fn from_ftl(lang: Lang, src: &'static str) -> LangInfo {
        let mut info = LangInfo {
            lang,
            name: lang.0.to_string(),
            english_name: String::new(),
            rtl: false,
            digits: None,
            decimal: None,
            jalali: false,
            source: src,
        };
        for line in src.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            match key.trim() {
                "language-name" => info.name = value.to_string(),
                "language-english-name" => info.english_name = value.to_string(),
                "language-direction" => info.rtl = value.eq_ignore_ascii_case("rtl"),
                "language-calendar" => info.jalali = value.eq_ignore_ascii_case("jalali"),
                "language-digits" => {
                    let d: Vec<char> = value.chars().filter(|c| !c.is_whitespace()).collect();
                    info.digits = <[char; 10]>::try_from(d).ok();
                }
                "language-decimal" => info.decimal = value.chars().next(),
                _ => {}
            }
        }
        info
    }
}

fn registry() -> &'static [LangInfo] {
    static R: OnceLock<Vec<LangInfo>> = OnceLock::new();
    R.get_or_init(|| {
        let mut langs: Vec<LangInfo> = MESSAGE_FILES
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "ftl"))
            .filter_map(|f| {
                let code = f.path().file_stem()?.to_str()?;
                Some(LangInfo::from_ftl(Lang(code), f.contents_utf8()?))
            })
            .collect();
        // The base languages first, then the others by code: the order F2 cycles in.
        langs.sort_by_key(|i| {
            let base = Lang::BASE.iter().position(|b| *b == i.lang);
            (base.unwrap_or(Lang::BASE.len()), i.lang.0)
        });
        langs
    })
}

impl Lang {
    pub fn code(self) -> &'static str {
        self.0
    }

    /// Every language tokenyar has messages for, base languages first.
    pub fn all() -> impl Iterator<Item = Lang> {
        registry().iter().map(|i| i.lang)
    }

    /// The language with exactly this code.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.0 == code)
    }

    /// A language from what a person or an OS writes: a code (`fa`), a locale (`fa_IR.UTF-8`,
    /// `en-US`) or a name (`Persian`, `english`, `فارسی`).
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_lowercase();
        let code: String = s.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        if let Some(l) = Lang::from_code(&code) {
            return Some(l);
        }
        if s.chars().count() < 3 {
            return None;
        }
        registry()
            .iter()
            .find(|i| i.english_name.to_lowercase().starts_with(&s) || i.name.to_lowercase() == s)
            .map(|i| i.lang)
    }

    pub fn info(self) -> &'static LangInfo {
        registry()
            .iter()
            .find(|i| i.lang == self)
            .or_else(|| registry().first())
            .unwrap_or_else(|| unreachable_info())
    }

    /// Written right to left.
    pub fn rtl(self) -> bool {
        self.info().rtl
    }

    /// Dates shown Solar Hijri first.
    pub fn jalali_first(self) -> bool {
        self.info().jalali
    }

    /// The language's own name.
    pub fn name(self) -> &'static str {
        &self.info().name
    }

    /// `s` with its 0–9 digits (and, between digits, its `.`) written in this language's digits.
    pub fn digits(self, s: &str) -> String {
        let info = self.info();
        let Some(d) = info.digits else {
            return s.to_string();
        };
        let chars: Vec<char> = s.chars().collect();
        let mut out = String::with_capacity(s.len() * 2);
        for (i, c) in chars.iter().enumerate() {
            match c {
                '0'..='9' => out.push(d[(*c as u8 - b'0') as usize]),
                '.' if info.decimal.is_some()
                    && i > 0
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()) =>
                {
                    out.extend(info.decimal)
                }
                _ => out.push(*c),
            }
        }
        out
    }

    /// The next language, for a key that cycles through them.
    pub fn next(self) -> Lang {
        let all: Vec<Lang> = Lang::all().collect();
        let i = all.iter().position(|l| *l == self).unwrap_or(0);
        all.get((i + 1) % all.len().max(1)).copied().unwrap_or(self)
    }
}

/// Only reached if the binary embeds no message file at all, which the build's tests forbid.
fn unreachable_info() -> &'static LangInfo {
    static I: OnceLock<LangInfo> = OnceLock::new();
    I.get_or_init(|| LangInfo::from_ftl(Lang::En, ""))
}

impl Default for Lang {
    fn default() -> Lang {
        Lang::Fa
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

fn unknown_language<E: de::Error>(code: &str) -> E {
    let known: Vec<&str> = Lang::all().map(Lang::code).collect();
    E::custom(format!(
        "unknown language `{code}` (tokenyar has {}; a new language starts with engine/i18n/{code}.ftl)",
        known.join(", ")
    ))
}

impl Serialize for Lang {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let code = Cow::<str>::deserialize(d)?;
        Lang::from_code(&code).ok_or_else(|| unknown_language(&code))
    }
}

impl JsonSchema for Lang {
    fn schema_name() -> Cow<'static, str> {
        "Lang".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        json_schema!({
            "description": "A language code: one of tokenyar's message files (engine/i18n/<code>.ftl).",
            "type": "string",
            "enum": codes,
        })
    }
}

/// A user-facing text in several languages. A missing base language deserializes as empty and
/// the checker reports it, so one missing translation never hides others. Code builds texts with
/// [`Text::new`] and reads them with [`Text::get`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Text(Vec<(Lang, Cow<'static, str>)>);

impl Text {
    /// A text in the two base languages.
    pub fn new(fa: impl Into<String>, en: impl Into<String>) -> Text {
        Text(vec![
            (Lang::Fa, Cow::Owned(fa.into())),
            (Lang::En, Cow::Owned(en.into())),
        ])
    }

    /// A text whose strings live as long as the program: the built-in knowledge base's,
    /// borrowed from its bytes rather than copied (see `kb::frozen`).
    pub(crate) fn borrowed(mut parts: Vec<(Lang, &'static str)>) -> Text {
        parts.sort_by_key(|(l, _)| order(*l));
        Text(
            parts
                .into_iter()
                .map(|(l, s)| (l, Cow::Borrowed(s)))
                .collect(),
        )
    }

    /// The text in `lang`; where it has none, in English, then Persian, then whatever it has.
    pub fn get(&self, lang: Lang) -> &str {
        [Some(lang), Some(Lang::En), Some(Lang::Fa), None]
            .into_iter()
            .find_map(|l| match l {
                Some(l) => self.exact(l),
                None => self
                    .0
                    .iter()
                    .map(|(_, s)| s.as_ref())
                    .find(|s| !s.is_empty()),
            })
            .unwrap_or_default()
    }

    /// The text as written in `lang`, without falling back (empty counts as missing).
    pub fn exact(&self, lang: Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|(l, s)| *l == lang && !s.is_empty())
            .map(|(_, s)| s.as_ref())
    }

    /// Sets the text of one language.
    pub fn set(&mut self, lang: Lang, text: impl Into<String>) {
        let text = Cow::Owned(text.into());
        match self.0.iter_mut().find(|(l, _)| *l == lang) {
            Some((_, s)) => *s = text,
            None => {
                self.0.push((lang, text));
                self.0.sort_by_key(|(l, _)| order(*l));
            }
        }
    }

    /// Every language the text is written in, with its text.
    pub fn iter(&self) -> impl Iterator<Item = (Lang, &str)> {
        self.0.iter().map(|(l, s)| (*l, s.as_ref()))
    }

    /// The same text with `f` applied in every language.
    pub fn map(&self, mut f: impl FnMut(&str) -> String) -> Text {
        Text(self.0.iter().map(|(l, s)| (*l, Cow::Owned(f(s)))).collect())
    }

    /// The same text with `f` applied in every language, told which one it is.
    pub(crate) fn map_lang(&self, mut f: impl FnMut(Lang, &str) -> String) -> Text {
        Text(
            self.0
                .iter()
                .map(|(l, s)| (*l, Cow::Owned(f(*l, s))))
                .collect(),
        )
    }

    /// A text built from a function of the language, in every language tokenyar has.
    pub(crate) fn from_fn(mut f: impl FnMut(Lang) -> String) -> Text {
        Text(Lang::all().map(|l| (l, Cow::Owned(f(l)))).collect())
    }
}

fn order(l: Lang) -> usize {
    Lang::all().position(|x| x == l).unwrap_or(usize::MAX)
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Text");
        for (l, s) in &self.0 {
            d.field(l.0, s);
        }
        d.finish()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (l, t) in &self.0 {
            m.serialize_entry(l.0, t)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text per language, like `{fa: …, en: …}`")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let mut t = Text::default();
                while let Some(code) = map.next_key::<Cow<str>>()? {
                    let lang = Lang::from_code(&code).ok_or_else(|| unknown_language(&code))?;
                    if t.0.iter().any(|(l, _)| *l == lang) {
                        return Err(de::Error::custom(format!("`{code}` is given twice")));
                    }
                    let s: String = map.next_value()?;
                    t.0.push((lang, Cow::Owned(s)));
                }
                t.0.sort_by_key(|(l, _)| order(*l));
                Ok(t)
            }
        }
        d.deserialize_map(V)
    }
}

impl JsonSchema for Text {
    fn schema_name() -> Cow<'static, str> {
        "Text".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut props = serde_json::Map::new();
        for l in Lang::all() {
            props.insert(l.0.to_string(), serde_json::json!({"type": "string"}));
        }
        json_schema!({
            "description": "A text per language; `fa` and `en` are required by `kb check` (E006), other languages fall back to English.",
            "type": "object",
            "properties": props,
            "additionalProperties": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_languages_come_from_their_files() {
        let all: Vec<Lang> = Lang::all().collect();
        assert_eq!(&all[..2], &Lang::BASE);
        assert!(Lang::Fa.rtl() && !Lang::En.rtl());
        assert!(Lang::Fa.jalali_first() && !Lang::En.jalali_first());
        assert_eq!(Lang::Fa.digits("1404.5 v2"), "۱۴۰۴٫۵ v۲");
        assert_eq!(Lang::En.digits("1404.5"), "1404.5");
        assert_eq!(Lang::Fa.next(), Lang::En);
    }

    #[test]
    fn parse_reads_codes_locales_and_names() {
        for (s, l) in [
            ("fa", Lang::Fa),
            ("fa_IR.UTF-8", Lang::Fa),
            ("Persian", Lang::Fa),
            ("per", Lang::Fa),
            ("فارسی", Lang::Fa),
            ("en-US", Lang::En),
            ("English", Lang::En),
        ] {
            assert_eq!(Lang::parse(s), Some(l), "{s}");
        }
        assert_eq!(Lang::parse("xx"), None);
        assert_eq!(Lang::parse("C"), None);
    }

    #[test]
    fn a_new_language_is_its_file() {
        let info = LangInfo::from_ftl(
            Lang("ar"),
            "language-name = العربية\nlanguage-direction = rtl\nlanguage-digits = ٠١٢٣٤٥٦٧٨٩\n",
        );
        assert!(info.rtl && !info.jalali);
        assert_eq!(info.digits.map(|d| d[7]), Some('٧'));
        assert!(!LangInfo::from_ftl(Lang("de"), "language-name = Deutsch\n").rtl);
    }

    #[test]
    fn text_falls_back_and_round_trips() {
        let t: Text = serde_json::from_str(r#"{"en": "Hello", "fa": ""}"#).unwrap();
        assert_eq!(t.get(Lang::Fa), "Hello");
        assert_eq!(t.exact(Lang::Fa), None);
        let t = Text::new("سلام", "Hello");
        let back: Text = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
        let err = serde_json::from_str::<Text>(r#"{"fr": "Bonjour"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown language `fr`"), "{err}");
    }
}
