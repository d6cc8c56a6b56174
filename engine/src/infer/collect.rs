//! `tokenyar collect`: record every fact a provider offers and every fact a probe script names
//! (running, for every system, the scripts whose reads cannot be known without running them),
//! and make one bundle of it. It lives with inference, not with the facts, because what a bundle
//! must hold is what the probes read.

use std::sync::Arc;

use super::Runner;
use crate::facts::live::LiveFacts;
use crate::facts::{Bundle, Facts, Recorder, redact};
use crate::kb::{Body, Kb, Kind};

/// Collects a bundle. With `redact`, national ids and user and host names are replaced by
/// placeholders; secrets are never recorded either way.
pub fn collect(kb: &Arc<Kb>, live: LiveFacts, redact: bool) -> Bundle {
    let keys: Vec<String> = live.keys().map(str::to_string).collect();
    let rec = Arc::new(Recorder::new(live));
    // Read every provider's fact at once (each under its own deadline): the probes then find
    // them cached, and facts no probe reads yet still reach the support agent.
    rec.prefetch(&crate::facts::FactReads::All);
    for k in &keys {
        rec.read(k);
    }
    // The facts each script names are recorded without running it (a fact with no provider is
    // recorded as unknown, with the reason); only a script whose reads the scan could not pin
    // down runs, for every system, so whatever it reads is recorded too.
    let mut opaque = Vec::new();
    for n in kb.nodes.iter().filter(|n| n.kind == Kind::Probe) {
        let Body::Probe { script, .. } = &n.body else {
            continue;
        };
        match kb.script(script).map(|s| s.reads.keys()) {
            Some(Some(keys)) => {
                for k in keys {
                    rec.read(k);
                }
            }
            Some(None) => opaque.push(n.id.as_str()),
            None => {}
        }
    }
    if !opaque.is_empty() {
        let facts: Arc<dyn Facts> = rec.clone();
        let systems = std::iter::once(None).chain(kb.systems.iter().map(|s| Some(s.id.clone())));
        for system in systems {
            let runner = Runner::new(Arc::clone(kb), Arc::clone(&facts), system);
            for id in &opaque {
                runner.run(id);
            }
        }
    }
    let mut recorded = rec.recorded();
    redact::scrub_facts(&mut recorded);
    if redact {
        recorded = redact::redact(&recorded);
    }
    Bundle::new(recorded, &kb.version, redact)
}
