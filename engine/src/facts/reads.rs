//! Which facts a script (or a diagnosis) may read: what `Facts::prefetch` reads ahead. Found by
//! the probe layer from the scripts' text (`probe::fact_reads`); kept here because the facts
//! below it consume it.

use std::collections::BTreeSet;

/// The facts a script (or a set of scripts) may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactReads {
    /// Any fact: a key the scan could not pin down.
    All,
    Only(BTreeSet<String>),
}

impl Default for FactReads {
    fn default() -> Self {
        FactReads::Only(BTreeSet::new())
    }
}

impl FactReads {
    /// Adds what another script reads.
    pub fn extend(&mut self, other: &FactReads) {
        match (&mut *self, other) {
            (FactReads::All, _) => {}
            (_, FactReads::All) => *self = FactReads::All,
            (FactReads::Only(a), FactReads::Only(b)) => a.extend(b.iter().cloned()),
        }
    }

    /// The keys, when they are known.
    pub fn keys(&self) -> Option<&BTreeSet<String>> {
        match self {
            FactReads::All => None,
            FactReads::Only(k) => Some(k),
        }
    }
}
