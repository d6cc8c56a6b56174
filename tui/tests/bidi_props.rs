//! Property tests of the right-to-left layout over random mixed Persian/English/number/bracket
//! text: no panic, no line wider than asked, and every visible character kept exactly once (the
//! reordering permutes, it never loses or invents). FriBidi agreement is tui_bidi_fribidi.rs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tokenyar::bidi::{BidiMode, Dir, TextOpts, is_bidi_control, layout, width};

fn mixed() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "توکن",
        "گواهی",
        "می‌شود",
        "خطای",
        "۲۳",
        "31",
        "epass3003",
        "Token",
        "(",
        ")",
        "[",
        "]",
        "«",
        "»",
        " ",
        " ",
        "، ",
        ".",
        ":",
        "-",
        "\u{200c}",
        "\u{2068}",
        "\u{2069}",
        "https://my.ssaa.ir",
        "لا",
        "ي",
        "ك",
        "\u{064E}",
        "😀",
        "\t",
    ]);
    prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
}

fn visible(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s
        .chars()
        .filter(|c| !is_bidi_control(*c) && *c != '\n')
        .collect();
    v.sort_unstable();
    v
}

/// Brackets are mirrored in right-to-left runs: compare them as one kind.
fn unmirror(c: char) -> char {
    match c {
        ')' => '(',
        ']' => '[',
        '»' => '«',
        other => other,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn layout_keeps_every_character_and_the_width(text in mixed(), w in 1usize..60, rtl in any::<bool>()) {
        let dir = if rtl { Dir::Rtl } else { Dir::Ltr };
        let lines = layout(&text, dir, w, TextOpts { bidi: BidiMode::App, shape: false });
        let mut got: Vec<char> = lines.iter().flat_map(|l| l.text.chars()).map(unmirror).collect();
        let mut want: Vec<char> = visible(&text).into_iter().map(unmirror).collect();
        got.retain(|c| !c.is_whitespace());
        want.retain(|c| !c.is_whitespace());
        got.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(got, want);
        for l in &lines {
            // A single grapheme wider than the line (an emoji in a 1-cell box) is allowed alone.
            prop_assert!(l.width <= w.max(2), "{:?} is {} wide for {}", l.text, l.width, w);
            prop_assert_eq!(l.width, width(&l.text));
            prop_assert!(!l.text.chars().any(is_bidi_control), "controls left in {:?}", l.text);
        }
    }

    #[test]
    fn every_mode_survives_any_text(text in "\\PC{0,120}", w in 1usize..30) {
        for bidi in [BidiMode::App, BidiMode::Terminal, BidiMode::Off] {
            for shape in [false, true] {
                let _ = layout(&text, Dir::Auto { rtl_fallback: true }, w, TextOpts { bidi, shape });
            }
        }
    }
}
