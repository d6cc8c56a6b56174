//! Shared by the TUI tests: bundles of facts (no live token needed) and a model to drive.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use serde_json::{Value, json};
use tokenyar_engine::authoring::scenario::synth_cert;
use tokenyar_engine::facts::{Bundle, Snapshot};
use tokenyar_engine::kb::{Kb, Lang, Source};

use tokenyar::app::action::Action;
use tokenyar::app::state::{Model, Settings};
use tokenyar::app::{settle, update};
use tokenyar::bidi::{BidiMode, Shaping, TerminalInfo};

/// A bundle with one token holding one certificate valid until `not_after`, read at a fixed
/// time (so every run shows the same dates).
pub fn bundle(not_after: &str) -> Value {
    let der = synth_cert(&json!({
        "cn": "Sara Ahmadi [Sign]", "o": "Unaffiliated", "serial_number": "0499370899",
        "not_before": "2024-01-01T00:00:00Z", "not_after": not_after,
    }))
    .unwrap();
    let flags = json!({"token_initialized": true, "user_pin_initialized": true, "user_pin_locked": false,
        "user_pin_final_try": false, "user_pin_count_low": false, "so_pin_locked": false});
    json!({
        "format": "tokenyar-bundle", "version": 1,
        "facts": {
            "clock": {"value": {"now": "2025-03-01T09:00:00+03:30", "utc_offset_minutes": 210, "tz": "Asia/Tehran"}},
            "token": {"value": {"slots": [{"token_present": true,
                "token": {"label": "sara", "flags": flags},
                "certificates": [{"label": "sign", "der": der}]}]}}
        }
    })
}

pub fn expired() -> Value {
    bundle("2025-01-01T00:00:00Z")
}

pub fn kb() -> Arc<Kb> {
    let (kb, diags) = tokenyar_engine::authoring::load_checked(&Source::embedded());
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    Arc::new(kb)
}

/// A model over the shipped KB and a bundle, at a fixed wall-clock time.
pub fn model(lang: Lang, bundle: &Value) -> Model {
    let b = Bundle::parse(&bundle.to_string(), "test.json").unwrap();
    let settings = Settings {
        lang,
        bidi: BidiMode::App,
        shaping: Shaping::Off,
        agent: false,
    };
    let mut m = Model::new(
        kb(),
        Arc::new(Snapshot::from_bundle(&b)),
        settings,
        TerminalInfo::default(),
    );
    m.wall = chrono::DateTime::parse_from_rfc3339("2025-03-01T09:00:00+03:30").unwrap();
    m.replay = Some("test.json".into());
    m
}

/// Runs the real binary in `dir` with an English locale: exit code, stdout, stderr.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tokenyar"))
        .args(args)
        .current_dir(dir)
        .env("LANG", "C")
        .env_remove("SSH_CONNECTION")
        .env_remove("SSH_CLIENT")
        .env_remove("SSH_TTY")
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One key's action, with the effects it starts run to the end (as the screen's workers would).
pub fn act(m: &mut Model, a: Action) {
    let fx = update::update(m, a);
    settle(m, fx);
}

/// Text typed into the screen, key by key.
pub fn typed(m: &mut Model, s: &str) {
    for c in s.chars() {
        act(m, Action::Input(c));
    }
}
