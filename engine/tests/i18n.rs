//! One localisation: the engine's Fluent files agree with each other, every message id a probe
//! script returns exists in both languages, and no Persian sentence hides in the engine's Rust
//! (outside its tests): user text lives in `engine/i18n` or the knowledge base.

use std::path::{Path, PathBuf};

use tokenyar_engine::i18n::{self, Catalog, Message, engine_ftl, message_ids};
use tokenyar_engine::kb::Lang;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every language's file (not only the two base ones: a third language is held to the same
/// rule) parses, has the same ids as English, and says how to lay it out.
#[test]
fn every_language_file_parses_and_has_the_same_ids() {
    let en = message_ids(engine_ftl(Lang::En));
    assert!(en.len() > 80, "{}", en.len());
    let c = Catalog::new(false);
    let langs: Vec<Lang> = Lang::all().collect();
    assert!(langs.starts_with(&Lang::BASE), "{langs:?}");
    for lang in langs {
        let src = engine_ftl(lang);
        if let Err((_, errs)) = fluent_bundle::FluentResource::try_new(src.to_string()) {
            panic!("engine/i18n/{lang}.ftl: {errs:?}");
        }
        let ids = message_ids(src);
        let missing: Vec<_> = en.iter().filter(|i| !ids.contains(i)).collect();
        // `language-digits`/`-decimal` are optional: English writes 0–9.
        let extra: Vec<_> = ids
            .iter()
            .filter(|i| !en.contains(i) && !i.starts_with("language-"))
            .collect();
        assert!(missing.is_empty(), "missing in {lang}.ftl: {missing:?}");
        assert!(
            extra.is_empty(),
            "not in en.ftl but in {lang}.ftl: {extra:?}"
        );
        for id in [
            "language-name",
            "language-english-name",
            "language-direction",
            "language-calendar",
        ] {
            assert!(ids.contains(&id.to_string()), "{lang}.ftl has no {id}");
        }
        for id in &en {
            assert!(c.has(lang, id), "{lang}: {id}");
        }
    }
}

/// Every `"probe-…"`/`"fact-…"` literal in a script, and every literal `note:`/`reason:`, is a
/// message id both languages have: a script that returns an English sentence fails here.
#[test]
fn every_message_a_script_returns_exists_in_both_languages() {
    let id = regex::Regex::new(r#""((?:probe|fact)-[a-z0-9-]+)""#).unwrap();
    let said = regex::Regex::new(r#"\b(?:note|reason)\s*:\s*"([^"]*)""#).unwrap();
    let fa = message_ids(engine_ftl(Lang::Fa));
    let en = message_ids(engine_ftl(Lang::En));
    let mut seen = 0;
    let mut bad = Vec::new();
    let mut stack = vec![root().join("scripts")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rhai") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
                let ids = id
                    .captures_iter(line)
                    .chain(said.captures_iter(line))
                    .map(|c| c[1].to_string());
                for i in ids {
                    seen += 1;
                    if !fa.contains(&i) || !en.contains(&i) {
                        bad.push(format!("{}: {i}", p.display()));
                    }
                }
            }
        }
    }
    assert!(seen > 30, "only {seen} messages found: is scripts/ there?");
    assert!(bad.is_empty(), "unknown message ids: {bad:#?}");
}

#[test]
fn a_message_is_formatted_in_each_language_and_an_old_sentence_is_kept() {
    let m = Message::new("probe-cert-expired")
        .arg("days", 35)
        .arg("date", serde_json::json!({"date": "2026-10-28T08:00:00Z"}));
    let en = m.text(Lang::En);
    let fa = m.text(Lang::Fa);
    assert!(
        en.contains("35 days ago") && en.contains("2026-10-28"),
        "{en}"
    );
    // Persian digits and the Jalali date first (1405/08/06 is 2026-10-28).
    assert!(fa.contains("۳۵") && fa.contains("۱۴۰۵/۰۸/۰۶"), "{fa}");
    assert!(!fa.chars().any(|c| c.is_ascii_alphabetic()), "{fa}");
    // No isolation marks in logical-order text.
    assert!(!en.contains('\u{2068}') && !fa.contains('\u{2068}'));
    // A sentence saved by an older tokenyar is shown as it is.
    let old = Message::new("the time zone is not Iran's");
    assert_eq!(old.text(Lang::Fa), "the time zone is not Iran's");
    // Saved as a plain string without arguments, as a map with them; both read back.
    let plain = serde_json::to_value(Message::new("probe-no-token")).unwrap();
    assert_eq!(plain, serde_json::json!("probe-no-token"));
    let back: Message = serde_json::from_value(serde_json::to_value(&m).unwrap()).unwrap();
    assert_eq!(back, m);
    assert_eq!(
        i18n::status_word(tokenyar_engine::kb::Status::Fail, Lang::En),
        "problem found"
    );
}

fn arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// User text is in `engine/i18n` or the KB. Comments may quote Persian (they explain what users
/// type); tests may use it. `authoring/synthetic.rs` writes a knowledge base for benchmarks:
/// its Persian is knowledge-base content in YAML, not a message.
#[test]
fn no_persian_string_in_the_engine_source_outside_tests() {
    let exempt = ["synthetic.rs", "tests.rs"];
    let mut bad = Vec::new();
    let mut stack = vec![root().join("engine/src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if !name.ends_with(".rs") || exempt.contains(&name.as_str()) {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break;
                }
                let code = line.split("//").next().unwrap_or_default();
                if code.chars().any(arabic_script) {
                    bad.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(bad.is_empty(), "Persian text in engine code: {bad:#?}");
}

/// Issue 15: a failing or warning check says what it found. Every `fail` or `warn` a script
/// returns carries a `note` (or a `reason`) on the same line, a message id both languages have
/// (the test above checks the ids).
#[test]
fn every_fail_and_warn_a_script_returns_says_what_it_found() {
    let verdict =
        regex::Regex::new(r#"(?:status:\s*"(?:fail|warn)"|\{\s*"(?:fail|warn)"\s*\})"#).unwrap();
    let mut bad = Vec::new();
    let mut seen = 0;
    let mut stack = vec![root().join("scripts")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rhai") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if !verdict.is_match(code) {
                    continue;
                }
                seen += 1;
                if !code.contains("note:") && !code.contains("reason:") {
                    bad.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(seen > 25, "only {seen} verdicts found: is scripts/ there?");
    assert!(bad.is_empty(), "fail/warn without a note: {bad:#?}");
}
