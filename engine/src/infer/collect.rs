//! `tokenyar collect`: run every probe of every system against the live machine, record every
//! fact they read (plus every fact a provider offers), and make one bundle of it. It lives with
//! inference, not with the facts, because recording a bundle means running the probes.

use std::sync::Arc;

use super::Runner;
use crate::facts::live::LiveFacts;
use crate::facts::{Bundle, Facts, Recorder, redact};
use crate::kb::{Kb, Kind};

/// Collects a bundle. With `redact`, national ids and user and host names are replaced by
/// placeholders; secrets are never recorded either way.
pub fn collect(kb: &Arc<Kb>, live: LiveFacts, redact: bool) -> Bundle {
    let keys: Vec<String> = live.keys().map(str::to_string).collect();
    let rec = Arc::new(Recorder::new(live));
    // Read every provider's fact at once (each under its own deadline): the probes then find
    // them cached, and facts no probe reads yet still reach the support agent.
    std::thread::scope(|s| {
        for k in &keys {
            let rec = Arc::clone(&rec);
            s.spawn(move || rec.read(k));
        }
    });
    let facts: Arc<dyn Facts> = rec.clone();
    let systems = std::iter::once(None).chain(kb.systems.iter().map(|s| Some(s.id.clone())));
    for system in systems {
        let runner = Runner::new(Arc::clone(kb), Arc::clone(&facts), system);
        for n in kb.nodes.iter().filter(|n| n.kind == Kind::Probe) {
            runner.run(&n.id);
        }
    }
    let mut recorded = rec.recorded();
    redact::scrub_facts(&mut recorded);
    if redact {
        recorded = redact::redact(&recorded);
    }
    Bundle::new(recorded, &kb.version, redact)
}
