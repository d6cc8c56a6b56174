//! The app's reordering checked against GNU FriBidi (Debian's `libfribidi-bin`, command
//! `fribidi`; `.ci/run` installs it) on mixed Persian/English/number lines: the visual-to-logical
//! index maps must agree, in RTL and LTR paragraphs, and line by line for wrapped paragraphs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};

use tokenyar::bidi::{self, Dir, TextOpts};

const LINES: &[&str] = &[
    "سلام دنیا",
    "توکن epass3003 وصل نیست",
    "گواهی امضا (Sign) تا 2025-11-21 معتبر است",
    "رمز توکن ۳ بار دیگر قابل ورود است",
    "خطای CKR_TOKEN_NOT_RECOGNIZED هنگام خواندن توکن",
    "نسخه‌ی Java 8 update 202 نصب است",
    "The token «توکن» is locked",
    "Error 0x80090016: کلید پیدا نشد",
    "پورت 51356 و 51357 بسته است.",
    "سامانه‌ی ستاد [setad.ir] را باز کنید",
    "مبلغ: 1,250,000 ریال (با مالیات)",
    "تاریخ ۱۴۰۴/۰۸/۳۰ برابر با 2025/11/21 است",
    "آدرس https://gica.ir/renew را باز کنید!",
    "Holoo و مودیان: شناسه‌ی یکتا A1B2C3",
    "اگر «PIN locked» دیدید، با پشتیبانی {1556} تماس بگیرید",
    "100% آماده است",
    "ok",
    "12345",
    "خانهٔ من",
    "- گام ۱: توکن را وصل کنید (USB 2.0)",
];

/// FriBidi's visual-to-logical map of one line, in a forced base direction.
fn fribidi_vtol(line: &str, rtl: bool) -> Vec<usize> {
    let mut child = Command::new("fribidi")
        .args([
            "--nopad",
            "--nobreak",
            "--novisual",
            "--vtol",
            "--reordernsm",
            if rtl { "--rtl" } else { "--ltr" },
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the `fribidi` command (Debian package libfribidi-bin) must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{line}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect()
}

/// The app's map: every character of every visual unit, with its logical index.
fn app_vtol(line: &str, rtl: bool) -> Vec<usize> {
    let mut map = Vec::new();
    for (start, unit) in bidi::visual_units(line, rtl) {
        // Inside a unit (a letter and its marks) characters keep their logical order.
        map.extend((0..unit.chars().count()).map(|k| start + k));
    }
    map
}

#[test]
fn reordering_matches_fribidi_on_mixed_lines() {
    let mut checked = 0;
    for line in LINES {
        for rtl in [true, false] {
            let ours = app_vtol(line, rtl);
            let theirs = fribidi_vtol(line, rtl);
            assert_eq!(ours, theirs, "{line:?} rtl={rtl}");
            checked += 1;
        }
    }
    assert_eq!(checked, LINES.len() * 2);
}

#[test]
fn mirrored_brackets_match_fribidi_visual_output() {
    // FriBidi's visual string (it also shapes; --noshape does not exist in the CLI, so compare
    // only the brackets and quotes, which shaping leaves alone).
    for line in LINES.iter().filter(|l| l.contains(['(', '[', '{', '«'])) {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "printf '%s\\n' '{line}' | fribidi --nopad --nobreak --rtl"
            ))
            .output()
            .unwrap();
        let theirs: String = String::from_utf8(out.stdout)
            .unwrap()
            .chars()
            .filter(|c| "()[]{}«»".contains(*c))
            .collect();
        let ours: String = bidi::layout(line, Dir::Rtl, 200, TextOpts::default())[0]
            .text
            .chars()
            .filter(|c| "()[]{}«»".contains(*c))
            .collect();
        assert_eq!(ours, theirs, "{line}");
    }
}

#[test]
fn each_wrapped_line_matches_fribidi_on_that_line() {
    let para = "اگر گواهی تازه (Renewed certificate) دیده نشد، نرم‌افزار epass3003 Token Manager را حذف کنید، \
                رایانه را دوباره راه‌اندازی کنید و نسخه‌ی 2.1 یا تازه‌تر را نصب کنید؛ سپس ۵ دقیقه صبر کنید.";
    for width in [20usize, 33, 47, 80] {
        let lines = bidi::layout(para, Dir::Rtl, width, TextOpts::default());
        assert!(lines.len() > 1 || width >= 80);
        for (r, l) in bidi::wrap(para, width).into_iter().zip(&lines) {
            let piece = &para[r];
            assert!(
                tokenyar::bidi::width(&l.text) <= width,
                "{width}: {}",
                l.text
            );
            // The line reordered on its own by FriBidi gives the same order of characters.
            let theirs = fribidi_vtol(piece, true);
            let chars: Vec<char> = piece.chars().collect();
            let visual: String = theirs.iter().map(|&i| chars[i]).collect();
            let visual = visual.replace(['(', ')'], "");
            assert_eq!(
                l.text.replace(['(', ')'], ""),
                visual,
                "width {width}: {piece}"
            );
        }
    }
}

/// FriBidi's display of one line in its own base direction (the first strong character), with
/// its shaping undone (NFKC maps presentation forms back to letters; tokenyar's test turns
/// shaping off, which is about joining, not order).
fn fribidi_visual(line: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut child = Command::new("fribidi")
        .args(["--nopad", "--nobreak"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the `fribidi` command (Debian package libfribidi-bin) must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{line}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    // FriBidi draws lam + alef as one ligature glyph followed by a U+FEFF filler; in visual
    // order that pair is alef then lam.
    let raw: String = String::from_utf8(out.stdout)
        .unwrap()
        .chars()
        .filter(|&c| c != '\u{FEFF}')
        .map(|c| match c {
            '\u{FEF5}'..='\u{FEFC}' => "\u{0627}\u{0644}".to_string(),
            c => c.to_string(),
        })
        .collect();
    let s: String = raw.nfkc().collect();
    bidi::strip_controls(s.trim_end_matches('\n'))
        .trim()
        .to_string()
}

/// Every line `tokenyar diagnose --lang fa` writes, as the command-line pipeline shows it on a
/// terminal (`bidi = app`), reads as FriBidi orders it.
#[test]
fn the_command_line_output_matches_fribidi() {
    use tokenyar::plain::Plain;
    let bundle = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kb/general/tests/machine-expired.json");
    let out = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(["diagnose", "--snapshot"])
        .arg(&bundle)
        .args(["--lang", "fa", "--system", "setad"])
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let logical = String::from_utf8(out.stdout).unwrap();
    let plain = Plain {
        opts: TextOpts::default(),
        terminal: true,
        colour: false,
        width: 10_000,
        rtl: true,
    };
    let mut checked = 0;
    for line in logical.lines().filter(|l| !l.trim().is_empty()) {
        let ours = plain.render(line);
        let ours = ours
            .trim_start_matches("\x1b[8l")
            .trim_end_matches("\x1b[8h");
        let ours = ours.trim();
        assert_eq!(ours, fribidi_visual(line), "line: {line}");
        checked += 1;
    }
    assert!(checked > 20, "{logical}");
}
