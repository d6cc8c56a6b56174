//! The world probes look at. Every fact a probe reads goes through [`Facts`], so a live run and
//! the replay of its recorded bundle see exactly the same values.
//!
//! A fact is a named JSON value (`clock`, `token`, `software`, ...; docs/facts.md lists them). Reading one never fails:
//! a provider that cannot tell answers [`Fact::Unknown`] with the reason, and a fact that means
//! nothing on this OS (the Windows registry on Linux) answers [`Fact::NotApplicable`].

pub mod bundle;
pub mod cert;
pub(crate) mod der;
pub mod live;
pub mod net;
pub mod os;
pub mod provider;
pub(crate) mod reads;
pub mod redact;
pub mod token;

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

pub use bundle::{Bundle, BundleError};
pub(crate) use reads::FactReads;

/// One fact as read, or why it could not be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    Value(serde_json::Value),
    Unknown(String),
    NotApplicable(String),
}

/// The read-only interface every probe reads the world through.
pub trait Facts: Send + Sync {
    /// Reads one fact. Implementations cache, so a fact read twice in one diagnosis is the same.
    fn read(&self, key: &str) -> Fact;

    /// Forgets cached values so the next read looks again (after the user changed something).
    /// Recorded facts never change, so the default does nothing.
    fn refresh(&self) {}

    /// Starts reading these facts, all at once, and may return before they are read: a later
    /// `read` of one waits for it (under its deadline) instead of reading it again. Recorded
    /// facts are already there, so the default does nothing.
    fn prefetch(&self, _keys: &FactReads) {}
}

/// Facts from a recorded bundle (or a scenario test). A fact the bundle lacks is unknown.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    facts: BTreeMap<String, Fact>,
}

impl Snapshot {
    pub fn new(facts: BTreeMap<String, Fact>) -> Snapshot {
        Snapshot { facts }
    }

    pub fn from_bundle(bundle: &Bundle) -> Snapshot {
        Snapshot {
            facts: bundle.facts.clone(),
        }
    }
}

impl Facts for Snapshot {
    fn read(&self, key: &str) -> Fact {
        self.facts.get(key).cloned().unwrap_or_else(|| {
            Fact::Unknown(format!("the fact `{key}` was not recorded in this bundle"))
        })
    }
}

/// Wraps a provider and remembers every fact read through it, to write a bundle afterwards.
pub struct Recorder<F: Facts> {
    inner: F,
    seen: Mutex<BTreeMap<String, Fact>>,
}

impl<F: Facts> Recorder<F> {
    pub fn new(inner: F) -> Self {
        Recorder {
            inner,
            seen: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn recorded(&self) -> BTreeMap<String, Fact> {
        self.seen.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// Shared facts are facts (so a recorder can sit in front of whichever a command built).
impl Facts for std::sync::Arc<dyn Facts> {
    fn read(&self, key: &str) -> Fact {
        self.as_ref().read(key)
    }

    fn refresh(&self) {
        self.as_ref().refresh();
    }

    fn prefetch(&self, keys: &FactReads) {
        self.as_ref().prefetch(keys);
    }
}

impl<F: Facts> Facts for Recorder<F> {
    fn read(&self, key: &str) -> Fact {
        let fact = self.inner.read(key);
        if let Ok(mut seen) = self.seen.lock() {
            seen.entry(key.to_string()).or_insert_with(|| fact.clone());
        }
        fact
    }

    fn refresh(&self) {
        self.inner.refresh();
    }

    fn prefetch(&self, keys: &FactReads) {
        // Read ahead underneath; what the probes then read is recorded as it is read.
        self.inner.prefetch(keys);
    }
}
