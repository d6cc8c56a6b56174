//! Unit tests of the lookup: normalisation, spellings, fuzzy matching and ranking on small KBs.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use super::text::visual_to_logical;
use super::*;
use crate::kb::{Kb, Source};

// ---------------------------------------------------------------- normalisation

#[test]
fn arabic_letters_become_persian() {
    assert_eq!(normalize("يك"), "یک");
    assert_eq!(normalize("ى"), "ی");
    assert_eq!(normalize("مسئول"), "مسیول");
    assert_eq!(normalize("خانة"), "خانه");
    assert_eq!(normalize("خانۀ"), "خانه");
    assert_eq!(normalize("أنا إذن"), "انا اذن");
    assert_eq!(normalize("مؤدیان"), normalize("مودیان"));
    assert_eq!(normalize("امضاء"), "امضا");
}

#[test]
fn every_kind_of_digit_becomes_ascii() {
    assert_eq!(normalize("۰۱۲۳۴۵۶۷۸۹"), "0123456789");
    assert_eq!(normalize("٠١٢٣٤٥٦٧٨٩"), "0123456789");
    assert_eq!(normalize("خطای 4۰1"), "خطای 401");
    assert_eq!(normalize("٤٠٢"), "402");
    // Full-width digits, through NFKC.
    assert_eq!(normalize("３１"), "31");
}

#[test]
fn tatweel_diacritics_and_format_characters_are_dropped() {
    assert_eq!(normalize("خـــطا"), "خطا");
    assert_eq!(normalize("خَطاٌ"), "خطا");
    assert_eq!(normalize("\u{202B}خطا\u{202C}"), "خطا");
    assert_eq!(
        normalize("\u{200F}توکن\u{200E} \u{2067}قفل\u{2069}\u{FEFF}"),
        "توکن قفل"
    );
    assert_eq!(normalize("a\u{200B}b"), "ab");
}

#[test]
fn half_spaces_and_spaces_are_alike() {
    assert_eq!(normalize("نرم‌افزار"), "نرم افزار");
    assert_eq!(normalize("نرم‌افزار"), normalize("نرم   افزار"));
    assert_eq!(normalize("  می\u{00A0}شود\t\n"), "می شود");
}

#[test]
fn case_is_folded() {
    assert_eq!(normalize("SO PIN Blocked"), "so pin blocked");
    assert_eq!(normalize("Dastine NOT Installed"), "dastine not installed");
}

#[test]
fn presentation_forms_become_letters() {
    // What a terminal that shapes Persian itself puts on screen (and into the clipboard).
    assert_eq!(normalize("ﺗﻮﮐﻦ ﻗﻔﻞ ﺷﺪﻩ"), "توکن قفل شده");
    assert_eq!(normalize("ﮔﻮﺍﻫﯽ"), "گواهی");
    assert_eq!(normalize("ﻻ"), "لا");
}

#[test]
fn words_cut_digits_off_persian_but_not_off_latin() {
    assert_eq!(words(&normalize("خطای۲۹")), ["خطای", "29"]);
    assert_eq!(words(&normalize("۲۹درامضا")), ["29", "درامضا"]);
    assert_eq!(words(&normalize("eppass3003")), ["eppass3003"]);
    assert_eq!(words(&normalize("SHA-256")), ["sha", "256"]);
    assert_eq!(words(&normalize("Dastineنصب")), ["dastine", "نصب"]);
    assert_eq!(words(&normalize("«خطا»، لطفاً؟")), ["خطا", "لطفا"]);
}

#[test]
fn visual_order_is_turned_back() {
    assert_eq!(visual_to_logical("23 یاطخ"), "خطای 23");
    assert_eq!(visual_to_logical("Holoo رد 31 یاطخ"), "خطای 31 در Holoo");
    assert_eq!(visual_to_logical("SHA-256 یاطخ"), "خطای SHA-256");
    // Visual presentation forms with the lam-alef ligature: one glyph for two letters.
    assert_eq!(
        normalize(&visual_to_logical("ﻦﯿﮔﻻ ﯽﻫﺍﻮﮔ")),
        normalize("گواهی لاگین")
    );
}

/// A small deterministic generator for the property checks below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next() % from.len()]
    }
}

const PIECES: &[&str] = &[
    "خطای",
    "گواهی",
    "توکن",
    "ﺗﻮﮐﻦ",
    "ﻻ",
    "ي",
    "ك",
    "ة",
    "ۀ",
    "أ",
    "ـ",
    "َ",
    "\u{200C}",
    "\u{200F}",
    "\u{202B}",
    "۲۹",
    "٤٠١",
    "31",
    "SHA",
    "-",
    "Épass",
    "İ",
    "ß",
    " ",
    "  ",
    "\u{00A0}",
    "،",
    ".",
];

#[test]
fn normalizing_twice_changes_nothing() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2000 {
        let s: String = (0..rng.next() % 8).map(|_| rng.pick(PIECES)).collect();
        let once = normalize(&s);
        assert_eq!(normalize(&once), once, "{s:?}");
        assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }
}

#[test]
fn reading_visual_order_twice_gives_the_line_back() {
    let words_ = &[
        "خطای",
        "گواهی",
        "توکن",
        "در",
        "31",
        "04132",
        "Holoo",
        "SHA-256",
    ];
    let mut rng = Rng(42);
    for _ in 0..2000 {
        let line: Vec<&str> = (0..1 + rng.next() % 6).map(|_| rng.pick(words_)).collect();
        let line = line.join(" ");
        assert_eq!(visual_to_logical(&visual_to_logical(&line)), line);
    }
}

// ---------------------------------------------------------------- ranking

/// A small knowledge base with the hard cases of the real one: one code in two systems, one
/// message in a general and a system case, and two symptoms of one case.
fn fixture() -> Kb {
    let files = [
        ("kb/kb.yaml", "version: \"1\"\n"),
        ("kb/catalog.yaml", "cases: []\n"),
        ("kb/tokens.yaml", "{}\n"),
        (
            "kb/systems.yaml",
            r#"systems:
  - {id: general, name: {fa: عمومی, en: General}, root: general/a, aliases: [توکن]}
  - {id: sabt-man, name: {fa: ثبت من, en: Sabt-e Man}, root: general/a, aliases: [ثبت من, sabt]}
  - {id: moadian, name: {fa: مودیان, en: Moadian}, root: general/a, aliases: [هلو, holoo]}
  - {id: setad, name: {fa: ستاد, en: Setad}, root: general/a, aliases: [ستاد]}
"#,
        ),
        (
            "kb/lookup.yaml",
            r#"stop_words: [سلام, لطفا, راهنمایی, کنید, چیه, چکار کنم, در, please, help, the, to]
spellings: {خطای: خطا, میده: می دهد}
synonyms: [[خطا, error]]
joins_next: [در]
"#,
        ),
        (
            "kb/general/a.yaml",
            r#"
- id: general/java
  kind: symptom
  case: general/java-error
  title: {fa: خطای جاوا, en: Java error}
  messages: ["Unable to launch the application"]
- id: general/pin
  kind: symptom
  case: general/pin-locked
  title: {fa: رمز توکن قفل شده, en: The token PIN is locked}
  messages: ["توکن قفل شده", "PIN locked"]
- id: general/pin-again
  kind: symptom
  case: general/pin-locked
  title: {fa: رمز توکن فراموش شده, en: Forgotten token PIN}
  keywords: [فراموش, forgot pin]
- id: general/cert-missing
  kind: symptom
  case: general/cert-missing
  title: {fa: گواهی پیدا نمی‌شود, en: No certificate found}
  messages: ["گواهی امضا یافت نشد"]
"#,
        ),
        (
            "kb/setad/a.yaml",
            r#"
- id: setad/launch
  kind: symptom
  case: setad/unable-to-launch
  title: {fa: ستاد اجرا نمی‌شود, en: Setad does not start}
  messages: ["unable to launch the application"]
"#,
        ),
        (
            "kb/sabt-man/a.yaml",
            r#"
- id: sabt-man/error-31
  kind: symptom
  case: sabt-man/error-31
  title: {fa: ثبت من، خطای ۳۱, en: "Sabt-e Man: error 31"}
  messages: ["خطای 31"]
  codes: ["31"]
- id: sabt-man/warning-29
  kind: symptom
  case: sabt-man/warning-29
  title: {fa: حساب کاربری قفل شده, en: The account is locked}
  messages: ["هشدار 29", "خطای 29"]
  codes: ["29"]
"#,
        ),
        (
            "kb/moadian/a.yaml",
            r#"
- id: moadian/holoo-error-31
  kind: symptom
  case: moadian/holoo-error-31
  title: {fa: هلو، خطای ۳۱, en: "Holoo: error 31"}
  messages: ["خطای 31"]
  codes: ["31"]
- id: moadian/error-04132
  kind: symptom
  case: moadian/error-04132
  title: {fa: شناسه یکتا, en: Unique ID}
  messages: ["خطای 04132"]
  codes: ["04132"]
"#,
        ),
    ];
    let source = Source {
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
        origin: "fixture".into(),
        digest: None,
        trusted: false,
    };
    let (kb, diags) = Kb::load(&source);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    kb
}

fn top(index: &Index, q: &str) -> Option<String> {
    index.search(q, 3).first().and_then(|h| h.case.clone())
}

#[test]
fn a_code_wins_and_the_named_system_breaks_the_tie() {
    let index = Index::build(&fixture());
    let cases = |q: &str| -> Vec<String> {
        index
            .search(q, 5)
            .into_iter()
            .filter_map(|h| h.case)
            .collect()
    };
    let both = cases("خطای 31");
    assert_eq!(both.len(), 2, "{both:?}");
    assert!(both.contains(&"sabt-man/error-31".to_string()));
    assert_eq!(
        top(&index, "خطای ۳۱ هلو").as_deref(),
        Some("moadian/holoo-error-31")
    );
    assert_eq!(
        top(&index, "holoo error 31").as_deref(),
        Some("moadian/holoo-error-31")
    );
    assert_eq!(
        top(&index, "خطای٣١ در ثبت من").as_deref(),
        Some("sabt-man/error-31")
    );
    let hinted = index.search_with(
        "خطای 31",
        &Options {
            limit: 3,
            system: Some("moadian".into()),
        },
    );
    assert_eq!(hinted[0].case.as_deref(), Some("moadian/holoo-error-31"));
    assert!(hinted[0].code);
    // A code without its leading zero is still that code.
    assert_eq!(
        top(&index, "ارور ۴۱۳۲").as_deref(),
        Some("moadian/error-04132")
    );
}

#[test]
fn the_issue_example_finds_warning_29() {
    let index = Index::build(&fixture());
    assert_eq!(
        top(&index, "خطا ۲۹درامضا چیست").as_deref(),
        Some("sabt-man/warning-29")
    );
}

#[test]
fn typos_are_forgiven() {
    let index = Index::build(&fixture());
    assert_eq!(
        top(&index, "unable to lunch appliction").as_deref(),
        Some("general/java-error")
    );
    assert_eq!(
        top(&index, "PIN lockd").as_deref(),
        Some("general/pin-locked")
    );
}

#[test]
fn a_shared_message_goes_to_the_named_system_else_to_the_general_case() {
    let index = Index::build(&fixture());
    let q = "Unable to launch the application";
    assert_eq!(top(&index, q).as_deref(), Some("general/java-error"));
    assert_eq!(
        top(&index, &format!("ستاد {q}")).as_deref(),
        Some("setad/unable-to-launch")
    );
}

#[test]
fn filler_words_change_nothing_and_alone_find_nothing() {
    let index = Index::build(&fixture());
    assert!(index.search("سلام لطفا راهنمایی کنید", 3).is_empty());
    assert!(index.search("please help", 3).is_empty());
    let plain = index.search("توکن قفل شده", 3);
    let chatty = index.search("سلام توکن قفل شده چکار کنم لطفا راهنمایی کنید", 3);
    assert_eq!(plain[0].case, chatty[0].case);
    assert_eq!(plain[0].score, chatty[0].score);
}

#[test]
fn unrelated_text_finds_nothing() {
    let index = Index::build(&fixture());
    for q in [
        "قیمت دلار امروز",
        "printer out of paper",
        "خطای 999",
        "خطا",
        "",
        "؟!",
    ] {
        let hits = index.search(q, 3);
        assert!(hits.is_empty(), "{q:?} -> {hits:?}");
    }
}

#[test]
fn visual_order_and_presentation_forms_are_found() {
    let index = Index::build(&fixture());
    assert_eq!(
        top(&index, "دشن تفای اضما یهاوگ").as_deref(),
        Some("general/cert-missing")
    );
    assert_eq!(
        top(&index, "ﻩﺪﺷ ﻞﻔﻗ ﻦﮐﻮﺗ").as_deref(),
        Some("general/pin-locked")
    );
    assert_eq!(
        top(&index, "29 رادشه").as_deref(),
        Some("sabt-man/warning-29")
    );
}

#[test]
fn one_hit_per_case_and_at_most_the_limit() {
    let index = Index::build(&fixture());
    let hits = index.search("رمز توکن قفل شده فراموش", 5);
    let pin = hits
        .iter()
        .filter(|h| h.case.as_deref() == Some("general/pin-locked"))
        .count();
    assert_eq!(pin, 1, "{hits:?}");
    assert!(index.search("خطای 31", 1).len() == 1);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn a_hit_says_what_matched() {
    let index = Index::build(&fixture());
    let hits = index.search("گواهي امضا يافت نشد", 1);
    assert_eq!(hits[0].matched.as_deref(), Some("گواهی امضا یافت نشد"));
    let hits = index.search("۲۹", 1);
    assert_eq!(hits[0].matched.as_deref(), Some("هشدار 29"));
    let hits = index.search("خطای ۲۹", 1);
    assert_eq!(hits[0].matched.as_deref(), Some("خطای 29"));
}

#[test]
fn a_mistake_in_lookup_yaml_is_reported_with_its_line() {
    let files = [
        ("kb/kb.yaml", "version: \"1\"\n"),
        ("kb/catalog.yaml", "cases: []\n"),
        ("kb/tokens.yaml", "{}\n"),
        (
            "kb/systems.yaml",
            "systems:\n  - {id: general, name: {fa: عمومی, en: General}, root: general/a}\n",
        ),
        ("kb/lookup.yaml", "stop_words: [سلام]\nstopwords: [please]\n"),
    ];
    let source = Source {
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect(),
        origin: "fixture".into(),
        digest: None,
        trusted: false,
    };
    let (_, diags) = Kb::load(&source);
    let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("kb/lookup.yaml:2") && d.contains("stopwords")),
        "{shown:?}"
    );
}

// ---------------------------------------------------------------- versions and Finglish

/// A knowledge base with an error 11 and a «token not detected», and `lookup` as given.
fn versions_and_finglish(lookup: &str) -> Kb {
    let files = [
        ("kb/kb.yaml", "version: \"1\"\n".to_string()),
        ("kb/catalog.yaml", "cases: []\n".to_string()),
        ("kb/tokens.yaml", "{}\n".to_string()),
        (
            "kb/systems.yaml",
            "systems:\n  - {id: general, name: {fa: عمومی, en: General}, root: general/a}\n  - {id: amlak, name: {fa: املاک, en: Amlak}, root: general/a}\n".to_string(),
        ),
        ("kb/lookup.yaml", lookup.to_string()),
        (
            "kb/general/a.yaml",
            r#"
- id: general/not-detected
  kind: symptom
  case: general/token-not-detected
  title: {fa: توکن شناسایی نمی‌شود, en: The token is not detected}
  messages: ["عدم شناسایی توکن"]
- id: general/pin
  kind: symptom
  case: general/pin-locked
  title: {fa: رمز توکن قفل شده, en: The token PIN is locked}
  messages: ["رمز توکن قفل شده"]
"#
            .to_string(),
        ),
        (
            "kb/amlak/a.yaml",
            r#"
- id: amlak/error-11
  kind: symptom
  case: amlak/error-11
  title: {fa: خطای ۱۱ املاک, en: Registry error 11}
  messages: ["خطای 11"]
  codes: ["11"]
"#
            .to_string(),
        ),
    ];
    let source = Source {
        files: files
            .iter()
            .map(|(p, t)| (p.to_string(), t.clone()))
            .collect(),
        origin: "fixture".into(),
        digest: None,
        trusted: false,
    };
    let (kb, diags) = Kb::load(&source);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    kb
}

const FINGLISH_RULES: &str = r#"stop_words: [شده]
transliteration:
  letters: {gh: [ق, غ], sh: [ش], a: [ا, ""], e: ["", ی], o: ["", و], i: [ی], r: [ر], m: [م], z: [ز], f: [ف], l: [ل], d: [د], t: [ت], k: [ک], n: [ن], s: [س]}
  final: {e: [ه, ""]}
  suffixes: [am]
"#;

#[test]
fn a_number_after_a_product_name_is_no_error_code() {
    let with = Index::build(&versions_and_finglish(
        "not_code_after: [ویندوز, windows]\n",
    ));
    let q = "ویندوز 11 دارم و عدم شناسایی توکن";
    assert_eq!(top(&with, q).as_deref(), Some("general/token-not-detected"));
    assert!(
        with.search(q, 5)
            .iter()
            .all(|h| h.case.as_deref() != Some("amlak/error-11")),
        "a version is no code at all"
    );
    assert_eq!(
        top(&with, "windows 11 token not detected").as_deref(),
        Some("general/token-not-detected")
    );
    // The same number anywhere else is the code.
    assert_eq!(top(&with, "خطای 11").as_deref(), Some("amlak/error-11"));
    assert_eq!(
        top(&with, "خطای 11 روی ویندوز").as_deref(),
        Some("amlak/error-11")
    );
    // The word list is data: without it the number is read as the code.
    let without = Index::build(&versions_and_finglish("{}\n"));
    assert_eq!(top(&without, q).as_deref(), Some("amlak/error-11"));
}

#[test]
fn finglish_is_read_letter_by_letter() {
    let index = Index::build(&versions_and_finglish(FINGLISH_RULES));
    // No `spellings` entry: «ramz», «ghofl», «shode» are spelled by the letter rules.
    assert_eq!(
        top(&index, "ramz token ghofl shode").as_deref(),
        Some("general/pin-locked")
    );
    // A Finglish ending comes off a word the index knows: «tokenam» is «token».
    assert_eq!(
        top(&index, "ramze tokenam ghofl shode").as_deref(),
        Some("general/pin-locked")
    );
    // English stays English, and nonsense finds nothing.
    assert!(index.search("printer is out of paper", 3).is_empty());
    assert!(index.search("qwrtzp", 3).is_empty());
    // Without the rules the same query finds nothing.
    let none = Index::build(&versions_and_finglish("{}\n"));
    assert!(none.search("ramz ghofl shode", 3).is_empty());
}
