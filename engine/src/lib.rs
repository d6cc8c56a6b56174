//! tokenyar's engine: the knowledge base, the inference engine, the probe sandbox and the facts
//! probes read. Everything except the screen; this crate never depends on a terminal library.
//!
//! # Floors
//!
//! Modules are stacked so that each names only its own floor and those below (a test,
//! `tests/layers.rs`, holds this):
//!
//! ```text
//! 7  authoring   scenario tests, coverage, add-test, schemas, graph export, content rules
//! 6  report      case reports (md, json, html)
//! 5  lookup      error text -> case          infer   walks, diagnosis, explanations, collect
//! 4  kb          load (the one YAML reader) + check; never runs inference
//! 3  probe       the Rhai sandbox and its host functions
//! 2  facts       providers of the live world, snapshots, bundles, redaction
//! 1  model       every kind of KB data as Rust types    calendar  Jalali dates
//! 0  text        small domain rules (wildcards, versions, national ids, digits)
//! ```
//!
//! # The surface
//!
//! The types a program starts from are re-exported here. The floors stay public modules, but
//! inside them an item is `pub` only when the `tokenyar` binary or a test names it (or a public
//! field or signature carries it); the rest is `pub(crate)`. ARCHITECTURE.md lists what the
//! binary uses of each floor.
//!
//! ```
//! use std::sync::Arc;
//! use tokenyar_engine::{Bundle, Facts, Kb, Snapshot, Source, diagnose};
//!
//! let (kb, diagnostics) = Kb::load(&Source::embedded());
//! assert!(diagnostics.is_empty());
//! let kb = Arc::new(kb);
//! // A machine on which nothing could be read: every check says it cannot tell.
//! let facts: Arc<dyn Facts> = Arc::new(Snapshot::from_bundle(&Bundle::new(
//!     Default::default(),
//!     &kb.version,
//!     true,
//! )));
//! let d = diagnose(&kb, facts, Some("setad"));
//! assert!(!d.checks.is_empty());
//! ```

pub mod authoring;
pub mod calendar;
pub mod facts;
pub mod files;
pub mod i18n;
pub mod infer;
pub mod kb;
pub mod lookup;
pub mod model;
pub mod probe;
pub mod report;
pub mod text;
pub(crate) mod versioned;

pub use authoring::load_checked;
pub use facts::live::LiveFacts;
pub use facts::provider::LiveOptions;
pub use facts::{Bundle, BundleError, Fact, Facts, Snapshot};
pub use infer::{Diagnosis, Finding, Need, Runner, Session, diagnose};
pub use kb::{Diagnostic, Kb, Source};
pub use lookup::{Hit, Index};
pub use model::{Body, Kind, Lang, Node, Status, Text};

/// The version of tokenyar, recorded in bundles and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
