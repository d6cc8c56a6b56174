//! The engine's integration tests, one binary (a 2-core machine links one, not fourteen).
//! Each module says what it proves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

#[path = "calendar.rs"]
mod calendar;
#[path = "kb.rs"]
mod kb;
#[path = "layers.rs"]
mod layers;
#[path = "lookup_eval.rs"]
mod lookup_eval;
#[path = "net.rs"]
mod net;
#[path = "os.rs"]
mod os;
#[path = "probes.rs"]
mod probes;
#[path = "recipes.rs"]
mod recipes;
#[path = "robust.rs"]
mod robust;
#[path = "saved.rs"]
mod saved;
#[path = "scale.rs"]
mod scale;
#[path = "scenario.rs"]
mod scenario;
#[path = "schema.rs"]
mod schema;
#[path = "session.rs"]
mod session;
/// Knowledge bases of any size, with or without planted mistakes (also used by the benches).
#[path = "support/synthetic.rs"]
mod synthetic;
#[path = "token_kb.rs"]
mod token_kb;
#[path = "windows.rs"]
mod windows;
