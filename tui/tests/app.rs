//! The command line and the screen, in process and as a process: one binary.
//! Each module says what it proves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

mod support;

#[path = "bidi_props.rs"]
mod bidi_props;
#[path = "cli.rs"]
mod cli;
#[path = "faults.rs"]
mod faults;
#[path = "kb_tools.rs"]
mod kb_tools;
#[path = "lookup.rs"]
mod lookup;
#[path = "tui_dates.rs"]
mod tui_dates;
#[path = "tui_flow.rs"]
mod tui_flow;
#[path = "tui_session.rs"]
mod tui_session;
#[path = "tui_snapshots.rs"]
mod tui_snapshots;
#[path = "words.rs"]
mod words;
