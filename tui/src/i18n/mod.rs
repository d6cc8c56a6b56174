//! Every UI string, from Fluent files (`tui/i18n/{fa,en}.ftl`, embedded). Texts from the
//! knowledge base are not here: they come from the KB in both languages.
//!
//! Fluent wraps placeables in isolation marks (FSI/PDI). They are kept: the BiDi pass uses
//! them to keep an English name inside a Persian sentence in one piece, then strips them.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use tokenyar_engine::kb::Lang;
use unic_langid::LanguageIdentifier;

use crate::dates::persian_digits;

pub const FA_FTL: &str = include_str!("../../i18n/fa.ftl");
pub const EN_FTL: &str = include_str!("../../i18n/en.ftl");

/// Both languages' bundles, so switching language at runtime costs nothing.
pub struct I18n {
    fa: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

/// Numbers in Persian text are written with Persian digits.
fn fa_numbers<M>(v: &FluentValue, _: &M) -> Option<String> {
    match v {
        FluentValue::Number(n) => {
            let s = if n.value.fract() == 0.0 && n.value.abs() < 1e15 {
                format!("{}", n.value as i64)
            } else {
                format!("{}", n.value)
            };
            Some(persian_digits(&s).replace('.', "٫"))
        }
        _ => None,
    }
}

fn bundle(lang: &str, ftl: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut b = FluentBundle::new(vec![id]);
    // A syntax error in a shipped .ftl is caught by the tests; at run time the messages that
    // did parse are still used.
    let res = match FluentResource::try_new(ftl.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let _ = b.add_resource(res);
    b
}

impl Default for I18n {
    fn default() -> Self {
        I18n::new()
    }
}

impl I18n {
    pub fn new() -> I18n {
        let mut fa = bundle("fa", FA_FTL);
        fa.set_formatter(Some(fa_numbers));
        I18n {
            fa,
            en: bundle("en", EN_FTL),
        }
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::Fa => &self.fa,
            Lang::En => &self.en,
        }
    }

    /// The message `id` (falling back fa -> en, then to the id itself so a gap is visible).
    pub fn t(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, None)
    }

    /// The message `id` with arguments.
    pub fn ta(&self, lang: Lang, id: &str, args: &[(&str, FluentValue)]) -> String {
        let mut a = FluentArgs::new();
        for (k, v) in args {
            a.set(*k, v.clone());
        }
        self.format(lang, id, Some(&a))
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
        for l in [lang, Lang::En] {
            let b = self.bundle(l);
            if let Some(p) = b.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(p, args, &mut errors).into_owned();
            }
        }
        id.to_string()
    }

    /// Whether a message exists in a language (for tests and the help screen).
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }
}

/// The message ids of a Fluent source, in order.
pub fn message_ids(ftl: &str) -> Vec<String> {
    ftl.lines()
        .filter(|l| !l.starts_with(['#', ' ', '\t', '.', '-', '[', '*', '}']) && l.contains(" ="))
        .filter_map(|l| l.split(" =").next())
        .map(|s| s.trim().to_string())
        .collect()
}

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
