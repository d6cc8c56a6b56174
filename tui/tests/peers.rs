//! Against real peers: SoftHSM2 and the mock PKCS#11 module, tmux, FriBidi, Chromium.
//! The slow suite, in its own binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

mod support;

#[path = "collect.rs"]
mod collect;
#[path = "mock_module.rs"]
mod mock_module;
#[path = "report.rs"]
mod report;
#[path = "softhsm.rs"]
mod softhsm;
#[path = "tui_bidi_fribidi.rs"]
mod tui_bidi_fribidi;
#[path = "tui_e2e.rs"]
mod tui_e2e;
