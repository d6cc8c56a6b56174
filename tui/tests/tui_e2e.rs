//! The real binary in a real terminal (tmux): start it in Persian with a recorded bundle, find
//! an error by typing it, walk to a remedy, switch to English, quit, and check that the
//! terminal is back as it was (main screen, no mouse reporting, cooked mode, BiDi mode reset).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support as common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use tokenyar::app::action::Action;
use tokenyar::app::{settle, update};
use tokenyar::bidi::{self, Dir, TextOpts};
use tokenyar_engine::kb::Lang;

struct Tmux {
    name: String,
}

impl Tmux {
    fn start(dir: &Path) -> Tmux {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("tokenyar-e2e-{}-{n}", std::process::id());
        let ok = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "100",
                "-y",
                "30",
                "-c",
            ])
            .arg(dir)
            .args([
                "env",
                "-i",
                "PATH=/usr/bin:/bin",
                "TERM=xterm-256color",
                "LANG=C.UTF-8",
            ])
            .args([
                "HOME=/nonexistent",
                "PS1=$ ",
                "bash",
                "--norc",
                "--noprofile",
            ])
            .status()
            .expect("tmux must be installed (.ci/run installs it)");
        assert!(ok.success());
        Tmux { name }
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", &self.name];
        a.extend(keys);
        self.tmux(&a);
    }

    fn literal(&self, text: &str) {
        self.tmux(&["send-keys", "-t", &self.name, "-l", text]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-t", &self.name, "-p"])
    }

    /// The screen with what scrolled off the top.
    fn history(&self) -> String {
        self.tmux(&["capture-pane", "-t", &self.name, "-p", "-S", "-1000"])
    }

    fn var(&self, v: &str) -> String {
        self.tmux(&["display-message", "-t", &self.name, "-p", v])
            .trim()
            .to_string()
    }

    /// Waits until the screen contains `text` (in the order the terminal shows it).
    fn wait_for(&self, text: &str) -> String {
        let t = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                t.elapsed() < Duration::from_secs(15),
                "never saw {text:?} on:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .status();
    }
}

/// How a text looks on screen: the first display line of it, in visual order, with the letters
/// joined as tokenyar joins them by default in tmux (which does not join them itself).
fn shown(text: &str, rtl: bool, width: usize) -> String {
    shown_with(text, rtl, width, true)
}

fn shown_with(text: &str, rtl: bool, width: usize, shape: bool) -> String {
    let dir = if rtl { Dir::Rtl } else { Dir::Ltr };
    let opts = TextOpts {
        shape,
        ..TextOpts::default()
    };
    bidi::layout(text, dir, width, opts)[0].text.clone()
}

#[test]
fn walk_to_a_remedy_in_persian_switch_to_english_and_quit_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("expired.json");
    std::fs::write(&bundle, serde_json::to_string(&common::expired()).unwrap()).unwrap();
    let query = "گواهی منقضی";
    // Where this walk leads in this knowledge base, found the same way in-process.
    let mut m = common::model(Lang::Fa, &common::expired());
    for c in query.chars() {
        let fx = update::update(&mut m, Action::Input(c));
        settle(&mut m, fx);
    }
    let fx = update::update(&mut m, Action::Select);
    settle(&mut m, fx);
    let remedy = m
        .walk
        .as_ref()
        .unwrap()
        .session
        .steps()
        .last()
        .unwrap()
        .node
        .clone();
    let title = m.kb.node(&remedy).unwrap().title.clone();

    let t = Tmux::start(dir.path());
    let log = dir.path().join("pane.log");
    t.tmux(&[
        "pipe-pane",
        "-t",
        &t.name,
        "-o",
        &format!("cat >> {}", log.display()),
    ]);
    let cmd = format!(
        "TOKENYAR_CONFIG_DIR={} TOKENYAR_TIMING=1 {} --snapshot expired.json --lang fa; echo EXIT=$?",
        dir.path().join("config").display(),
        env!("CARGO_BIN_EXE_tokenyar"),
    );
    t.literal(&cmd);
    t.keys(&["Enter"]);
    // The home screen, in Persian, reordered by the app: the title of the search box.
    t.wait_for(&shown("پیام خطایی را که می‌بینید بنویسید", true, 90));
    assert_eq!(t.var("#{alternate_on}"), "1");
    t.literal(query);
    let hit_title = m.home.hits[0].title.get(Lang::Fa).to_string();
    t.wait_for(&shown(&hit_title, true, 200)[..]);
    t.keys(&["Enter"]);
    // The remedy's title as a Persian reader sees it (the box is 96 cells wide inside).
    // A frame reaches tmux in pieces: wait for its last part, then check the first.
    let s = t.wait_for(&shown("درست شد", true, 96));
    assert!(s.contains(&shown(title.get(Lang::Fa), true, 96)), "{s}");
    // One key: English.
    t.keys(&["F2"]);
    let s = t.wait_for("It helped");
    assert!(s.contains(&shown(title.get(Lang::En), false, 96)), "{s}");
    // A resized terminal is redrawn (ratatui asks for the cursor position then: the app must
    // not have a second reader on the terminal's input).
    t.tmux(&["resize-window", "-t", &t.name, "-x", "120", "-y", "35"]);
    t.wait_for(&shown(title.get(Lang::En), false, 116));
    t.keys(&["F10"]);
    let s = t.wait_for("EXIT=0");
    assert!(s.contains("first frame"), "{s}");
    // The terminal is back: main screen, no mouse reporting, cursor shown.
    assert_eq!(t.var("#{alternate_on}"), "0");
    assert_eq!(t.var("#{mouse_any_flag}"), "0");
    assert_eq!(t.var("#{cursor_flag}"), "1");
    // Cooked mode: the shell's own line editing and echo work again.
    t.literal("stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' +; echo");
    t.keys(&["Enter"]);
    t.wait_for("icanon+echo+");
    // Explicit BiDi mode on start, implicit again on exit.
    let raw = std::fs::read(&log).unwrap();
    let raw = String::from_utf8_lossy(&raw);
    let on = raw.find("\x1b[8l").expect("CSI 8 l sent at start");
    let off = raw.rfind("\x1b[8h").expect("CSI 8 h sent at exit");
    assert!(on < off);
}

/// `tokenyar diagnose --lang fa` on a terminal: every Persian line in visual order (as the
/// screen's own pipeline lays it out) and right-aligned; piped, the same run is logical order.
#[test]
fn persian_cli_output_is_visual_on_a_terminal_and_logical_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let bundle =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb/general/tests/machine-expired.json");
    let bundle = bundle.canonicalize().unwrap();
    let args = [
        "diagnose",
        "--snapshot",
        bundle.to_str().unwrap(),
        "--lang",
        "fa",
        "--system",
        "setad",
    ];
    let piped = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(args)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    let logical = String::from_utf8(piped.stdout).unwrap();
    assert!(!logical.contains('\x1b'), "no escapes in a pipe: {logical}");
    let fail = logical.lines().find(|l| l.starts_with("[✗]")).unwrap();
    let reason = logical
        .lines()
        .skip_while(|l| !l.starts_with("[✗]"))
        .nth(1)
        .unwrap();

    let t = Tmux::start(dir.path());
    t.literal(&format!(
        "{} {} --bidi app --shaping off; echo done-$?",
        env!("CARGO_BIN_EXE_tokenyar"),
        args.join(" ")
    ));
    t.keys(&["Enter"]);
    t.wait_for("done-1");
    let s = t.history();
    let want = shown_with(fail, true, 100, false);
    let line = s
        .lines()
        .find(|l| l.contains(&want))
        .unwrap_or_else(|| panic!("never saw {want:?} on:\n{s}"));
    // Right-aligned: the line reaches the right edge.
    assert_eq!(bidi::width(line), 100, "{line:?}");
    // The reason under it, indented from the right.
    let under = shown_with(reason, true, 100, false);
    assert!(s.contains(under.trim_start()), "{under:?} not on:\n{s}");
    // Nothing is shown in logical order, and no escape is visible.
    assert!(!s.contains(fail), "{s}");
    assert!(!s.contains("[8l") && !s.contains("[8h"), "{s}");
}

/// The issue's end-to-end check: `tokenyar diagnose --lang fa` on a real (SoftHSM2) token
/// holding an expired certificate, in tmux with the default settings: every Persian line in
/// visual order with its letters joined (tmux does not join them), and no English sentence.
#[test]
fn persian_diagnose_of_an_expired_token_in_tmux() {
    let hsm = common::Hsm::new();
    hsm.token("user token").import(
        "user token",
        "01",
        "sign",
        &common::user_cert("سارا احمدی [Sign]", "Unaffiliated", "0076543210", -400, -35),
    );
    let conf = hsm.conf.display().to_string();
    let args = [
        "diagnose",
        "--lang",
        "fa",
        "--offline",
        "--no-module-discovery",
        "--pkcs11-module",
        common::MODULE,
    ];
    let piped = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(args)
        .env("SOFTHSM2_CONF", &conf)
        .env("TZ", "Asia/Tehran")
        .env("LANG", "C.UTF-8")
        .env("TOKENYAR_CONFIG_DIR", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(1));
    let logical = String::from_utf8(piped.stdout).unwrap();
    assert!(logical.contains("۳۵ روز پیش"), "{logical}");
    // No English sentence: at most two Latin words on a line, outside parentheses (dates,
    // ids) and the [Sign] of the holder's name.
    let aside = regex::Regex::new(r"\([^)]*\)|\[[^\]]*\]").unwrap();
    for l in logical.lines() {
        let l = aside.replace_all(l, "");
        let latin = l
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 2)
            .count();
        assert!(latin < 3, "English in Persian output: {l}");
    }

    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::start(dir.path());
    t.literal(&format!(
        "SOFTHSM2_CONF={conf} TZ=Asia/Tehran TOKENYAR_CONFIG_DIR=/nonexistent {} {}; echo done-$?",
        env!("CARGO_BIN_EXE_tokenyar"),
        args.join(" ")
    ));
    t.keys(&["Enter"]);
    t.wait_for("done-1");
    let s = t.history();
    let mut checked = 0;
    // The computer's time is read again by the second run and may have passed a minute.
    for l in logical
        .lines()
        .filter(|l| bidi::first_strong_rtl(l) == Some(true))
        .filter(|l| !l.contains("زمان این رایانه"))
    {
        let want = shown(l.trim_start(), true, 100);
        assert!(
            s.contains(want.trim()),
            "never saw {want:?} (from {l:?}) on:\n{s}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked}: {logical}");
    // Nothing in logical order: the failing check's title is not there as written.
    let fail = logical.lines().find(|l| l.starts_with("[✗]")).unwrap();
    assert!(!s.contains(fail), "{s}");
}

#[test]
fn without_a_terminal_it_says_so_and_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .env("TOKENYAR_CONFIG_DIR", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(out.stdout.is_empty());
}
