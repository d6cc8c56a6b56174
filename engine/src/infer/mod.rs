//! Inference: everything that runs probes over facts. The guided walk ([`session`]: a sans-IO
//! state machine the screen drives), whole-system checks ([`diagnose`]), "why?" ([`explain`]),
//! saved walks ([`saved`]) and recording a bundle ([`collect`]). [`Runner`] runs one probe
//! node's script in the sandbox and caches its result for the run; nothing here does I/O except
//! through [`Facts`].

pub mod collect;
pub mod diagnose;
pub mod explain;
pub mod saved;
pub mod session;
pub(crate) mod text_args;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::facts::Facts;
use crate::kb::{Body, Kb};
use crate::probe::{ProbeResult, Programs, RunInput};

pub use diagnose::{Diagnosis, Finding, diagnose};
pub use session::{Need, Session};
pub use text_args::TextArgs;

/// Runs probe nodes against one set of facts, remembering results for the run so a probe that
/// several checks share runs once. Scripts are compiled by `probe::Programs` when first run.
pub struct Runner {
    kb: Arc<Kb>,
    facts: Arc<dyn Facts>,
    programs: &'static Programs,
    system: Option<String>,
    cache: Mutex<HashMap<(Option<String>, String), ProbeResult>>,
}

impl Runner {
    pub fn new(kb: Arc<Kb>, facts: Arc<dyn Facts>, system: Option<String>) -> Runner {
        Runner {
            kb,
            facts,
            programs: Programs::shared(),
            system,
            cache: Mutex::new(HashMap::new()),
        }
    }

    pub fn kb(&self) -> &Arc<Kb> {
        &self.kb
    }

    pub fn system(&self) -> Option<&str> {
        self.system.as_deref()
    }

    /// The result of a probe node, from this run's cache when it already ran.
    pub fn run(&self, probe_id: &str) -> ProbeResult {
        self.run_in(probe_id, self.system.as_deref())
    }

    /// Runs a probe again after the world may have changed (a remedy's `verify`).
    pub fn rerun(&self, probe_id: &str) -> ProbeResult {
        self.rerun_in(probe_id, self.system.as_deref())
    }

    /// Like [`Runner::run`], for another system's rules: a walk that moved from the general root
    /// into a system's subtree judges certificates by that system's rules.
    pub fn run_in(&self, probe_id: &str, system: Option<&str>) -> ProbeResult {
        let key = (system.map(str::to_string), probe_id.to_string());
        if let Some(r) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return r;
        }
        let r = self.run_fresh(probe_id, system);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, r.clone());
        }
        r
    }

    pub fn rerun_in(&self, probe_id: &str, system: Option<&str>) -> ProbeResult {
        self.facts.refresh();
        let r = self.run_fresh(probe_id, system);
        if let Ok(mut c) = self.cache.lock() {
            // Everything read before the refresh is stale now.
            c.clear();
            c.insert(
                (system.map(str::to_string), probe_id.to_string()),
                r.clone(),
            );
        }
        r
    }

    fn run_fresh(&self, probe_id: &str, system: Option<&str>) -> ProbeResult {
        let Some(node) = self.kb.node(probe_id) else {
            return ProbeResult::unknown(format!("the probe `{probe_id}` does not exist"));
        };
        let Body::Probe { script, args, .. } = &node.body else {
            return ProbeResult::unknown(format!("`{probe_id}` is not a probe"));
        };
        let Some(source) = self.kb.script(script).map(|s| &s.source) else {
            return ProbeResult::unknown(format!("the script `scripts/{script}` is missing"));
        };
        let input = RunInput {
            system: system.map(str::to_string),
            args: args.clone(),
        };
        self.programs.run(
            script,
            source,
            Arc::clone(&self.facts),
            Arc::clone(self.kb.data()),
            &input,
        )
    }
}
