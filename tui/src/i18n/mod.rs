//! The interface's texts: `tui/i18n/{fa,en}.ftl` (screens, keys, command-line messages), added
//! to the engine's catalog (`tokenyar_engine::i18n`: report words, status words, probe notes),
//! so there is one localisation mechanism and one lookup for every sentence. Knowledge-base
//! texts are not here: they come from the KB in both languages.
//!
//! On screen, Fluent wraps placeables in isolation marks (FSI/PDI): the BiDi pass uses them to
//! keep an English name inside a Persian sentence in one piece, then strips them. Text written
//! in logical order (a pipe, a file) is formatted without them ([`I18n::plain`]).

use fluent_bundle::FluentValue;
use tokenyar_engine::i18n::{Catalog, Message};
use tokenyar_engine::kb::Lang;

pub const FA_FTL: &str = include_str!("../../i18n/fa.ftl");
pub const EN_FTL: &str = include_str!("../../i18n/en.ftl");

/// Both languages' messages, so switching language at run time costs nothing.
#[derive(Debug)]
pub struct I18n(Catalog);

impl Default for I18n {
    fn default() -> Self {
        I18n::new()
    }
}

impl I18n {
    /// For the screen (isolation marks kept for the BiDi pass).
    pub fn new() -> I18n {
        I18n(Catalog::with_resources(&[(FA_FTL, EN_FTL)], true))
    }

    /// For text written in logical order.
    pub fn plain() -> I18n {
        I18n(Catalog::with_resources(&[(FA_FTL, EN_FTL)], false))
    }

    /// The message `id` (falling back fa -> en, then to the id itself so a gap is visible).
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.0.t(lang, id)
    }

    /// The message `id` with arguments.
    pub fn ta(&self, lang: Lang, id: &str, args: &[(&str, FluentValue)]) -> String {
        self.0.ta(lang, id, args)
    }

    /// A probe's note or reason.
    pub fn message(&self, lang: Lang, m: &Message) -> String {
        self.0.message(lang, m)
    }

    /// The catalog itself (for the engine's renderers, such as evidence in words).
    pub fn catalog(&self) -> &Catalog {
        &self.0
    }

    /// Whether a message exists in a language (for tests and the help screen).
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.0.has(lang, id)
    }
}

pub use tokenyar_engine::i18n::message_ids;

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;

    #[test]
    fn both_files_parse_without_errors() {
        for (name, src) in [("fa", FA_FTL), ("en", EN_FTL)] {
            if let Err((_, errs)) = FluentResource::try_new(src.to_string()) {
                panic!("{name}.ftl: {errs:?}");
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_message_ids() {
        let fa = message_ids(FA_FTL);
        let en = message_ids(EN_FTL);
        assert!(en.len() > 50, "{}", en.len());
        let missing_fa: Vec<_> = en.iter().filter(|i| !fa.contains(i)).collect();
        let missing_en: Vec<_> = fa.iter().filter(|i| !en.contains(i)).collect();
        assert!(missing_fa.is_empty(), "missing in fa.ftl: {missing_fa:?}");
        assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
        let i = I18n::new();
        for id in &en {
            assert!(i.has(Lang::Fa, id) && i.has(Lang::En, id), "{id}");
        }
    }

    #[test]
    fn persian_text_uses_persian_letters_and_digits() {
        let re = regex::Regex::new(r"\{[^}]*\}|\[[^\]]*\]|[A-Za-z][A-Za-z0-9]*").unwrap();
        for line in FA_FTL.lines().filter(|l| !l.starts_with('#')) {
            let value = line.split_once(" = ").map_or(line, |(_, v)| v);
            assert!(!value.contains(['ي', 'ك']), "Arabic letter in: {line}");
            // Numbers outside placeables, variant keys and Latin names (F5) are Persian.
            let rest = re.replace_all(value, "");
            assert!(
                !rest.chars().any(|c| c.is_ascii_digit()),
                "ASCII digit in Persian text: {line}"
            );
        }
    }

    #[test]
    fn numbers_are_persian_in_persian() {
        let i = I18n::new();
        let fa = i.ta(
            Lang::Fa,
            "diag-summary",
            &[
                ("problems", 2.into()),
                ("warnings", 1.into()),
                ("checks", 12.into()),
            ],
        );
        assert!(fa.contains('۲') && fa.contains("۱۲"), "{fa}");
        let en = i.ta(
            Lang::En,
            "diag-summary",
            &[
                ("problems", 2.into()),
                ("warnings", 1.into()),
                ("checks", 12.into()),
            ],
        );
        assert!(en.contains("12"), "{en}");
    }
}
