//! tokenyar's engine: the knowledge base, the inference engine, the probe sandbox and the facts
//! probes read. Everything except the screen; this crate never depends on a terminal library.

pub mod authoring;
pub mod calendar;
pub mod facts;
pub mod files;
pub mod infer;
pub mod kb;
pub mod lookup;
pub mod model;
pub mod probe;
pub mod report;
pub mod text;
pub mod versioned;

/// The version of tokenyar, recorded in bundles and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
