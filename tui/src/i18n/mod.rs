//! The interface's texts: `tui/i18n/<code>.ftl`, one per language (screens, keys, command-line messages), added
//! to the engine's catalog (`tokenyar_engine::i18n`: report words, status words, probe notes),
//! so there is one localisation mechanism and one lookup for every sentence. Knowledge-base
//! texts are not here: they come from the KB in both languages.
//!
//! On screen, Fluent wraps placeables in isolation marks (FSI/PDI): the BiDi pass uses them to
//! keep an English name inside a Persian sentence in one piece, then strips them. Text written
//! in logical order (a pipe, a file) is formatted without them ([`I18n::plain`]).

use fluent_bundle::FluentValue;
use include_dir::{Dir, include_dir};
use tokenyar_engine::i18n::{Catalog, Message};
use tokenyar_engine::kb::Lang;

static FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/i18n");

/// The interface's message file of a language (empty for a language it has none for: the
/// engine's catalog then falls back to English).
pub fn tui_ftl(lang: Lang) -> &'static str {
    FILES
        .get_file(format!("{}.ftl", lang.code()))
        .and_then(|f| f.contents_utf8())
        .unwrap_or_default()
}

fn resources() -> Vec<(Lang, &'static str)> {
    Lang::all().map(|l| (l, tui_ftl(l))).collect()
}

/// Every language's messages, so switching language at run time costs nothing.
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
        I18n(Catalog::with_resources(&resources(), true))
    }

    /// For text written in logical order.
    pub fn plain() -> I18n {
        I18n(Catalog::with_resources(&resources(), false))
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
    fn every_file_parses_without_errors() {
        for lang in Lang::all() {
            if let Err((_, errs)) = FluentResource::try_new(tui_ftl(lang).to_string()) {
                panic!("{lang}.ftl: {errs:?}");
            }
        }
    }

    /// Every language tokenyar has (one per engine message file) has an interface file with
    /// the same ids as English, and no interface file is left without an engine file.
    #[test]
    fn every_language_has_the_same_message_ids() {
        let en = message_ids(tui_ftl(Lang::En));
        assert!(en.len() > 50, "{}", en.len());
        let i = I18n::new();
        for lang in Lang::all() {
            let ids = message_ids(tui_ftl(lang));
            let missing: Vec<_> = en.iter().filter(|i| !ids.contains(i)).collect();
            let extra: Vec<_> = ids.iter().filter(|i| !en.contains(i)).collect();
            assert!(
                missing.is_empty(),
                "missing in tui/i18n/{lang}.ftl: {missing:?}"
            );
            assert!(
                extra.is_empty(),
                "not in en.ftl but in {lang}.ftl: {extra:?}"
            );
            for id in &en {
                assert!(i.has(lang, id), "{lang}: {id}");
            }
        }
        for f in FILES.files() {
            let code = f
                .path()
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            assert!(
                Lang::from_code(code).is_some(),
                "tui/i18n/{code}.ftl has no engine/i18n/{code}.ftl"
            );
        }
    }

    /// The knowledge base's wording rules (kb.yaml `wording`: «مطابقت» not «جور», one term per
    /// concept, English that reads as English) hold for the interface's own sentences too.
    #[test]
    fn interface_texts_follow_the_knowledge_bases_wording_rules() {
        let kb = crate::setup::embedded_kb().unwrap();
        assert!(!kb.meta.wording.is_empty());
        let placeable = regex::Regex::new(r"\{[^}]*\}").unwrap();
        let rules = tokenyar_engine::kb::check::Wordings::new(&kb.meta.wording);
        let mut found = Vec::new();
        for lang in Lang::all() {
            let engine = tokenyar_engine::i18n::engine_ftl(lang);
            for (file, src) in [("tui", tui_ftl(lang)), ("engine", engine)] {
                for line in src.lines().filter(|l| !l.starts_with('#')) {
                    let value = line.split_once(" = ").map_or(line, |(_, v)| v);
                    let value = placeable.replace_all(value, " ");
                    for issue in rules.issues(&value, lang) {
                        found.push(format!("{file}/i18n/{lang}.ftl: {line}: {issue}"));
                    }
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn persian_text_uses_persian_letters_and_digits() {
        let re = regex::Regex::new(r"\{[^}]*\}|\[[^\]]*\]|[A-Za-z][A-Za-z0-9]*").unwrap();
        for line in tui_ftl(Lang::Fa).lines().filter(|l| !l.starts_with('#')) {
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
