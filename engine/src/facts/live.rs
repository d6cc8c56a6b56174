//! The live world: composes every area's providers (os, net, token) into one [`Facts`]; each fact
//! is read under its deadline, once, and cached for the rest of the run. The providers know
//! nothing of this registry: they take a [`LiveOptions`] and return a [`Fact`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::FactReads;
use super::provider::{LiveOptions, ReadFn, Started, start, with_deadline};
use super::{Fact, Facts};

/// The live world.
pub struct LiveFacts {
    opts: LiveOptions,
    providers: BTreeMap<String, ReadFn>,
    /// Providers that keep their own, longer deadline (the token reader kills its children).
    deadlines: BTreeMap<String, Duration>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Fact>>>>,
    /// Reads `prefetch` started that no one has waited for yet.
    started: Mutex<HashMap<String, Started>>,
}

/// The fact keys some provider reads, sorted: what scripts may name (`kb check` warns of others).
pub(crate) fn provided_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = all_providers().iter().map(|p| p.key).collect();
    keys.sort_unstable();
    keys
}

fn all_providers() -> Vec<super::provider::Provider> {
    super::os::providers()
        .into_iter()
        .chain(super::net::providers())
        .chain(super::token::providers())
        .collect()
}

impl LiveFacts {
    pub fn new(opts: LiveOptions) -> LiveFacts {
        let mut me = LiveFacts {
            opts,
            providers: BTreeMap::new(),
            deadlines: BTreeMap::new(),
            cache: Mutex::new(HashMap::new()),
            started: Mutex::new(HashMap::new()),
        };
        for p in all_providers() {
            let deadline = (p.deadline)(&me.opts);
            me.providers.insert(p.key.to_string(), p.read);
            me.deadlines.insert(p.key.to_string(), deadline);
        }
        me
    }

    /// Adds or replaces the provider of one fact.
    pub fn register(
        &mut self,
        key: &str,
        f: impl Fn(&LiveOptions) -> Fact + Send + Sync + 'static,
    ) {
        self.providers.insert(key.to_string(), Arc::new(f));
    }

    /// Adds or replaces a provider that may take up to `deadline` (instead of the options').
    pub(crate) fn register_with_deadline(
        &mut self,
        key: &str,
        deadline: Duration,
        f: impl Fn(&LiveOptions) -> Fact + Send + Sync + 'static,
    ) {
        self.register(key, f);
        self.deadlines.insert(key.to_string(), deadline);
    }

    /// Takes the `token` fact from a read that started before these facts existed (while the
    /// knowledge base loaded); a read after `refresh` reads the tokens again.
    pub fn with_prefetched_token(mut self, early: super::token::Prefetch) -> LiveFacts {
        let deadline = super::token::deadline(&self.opts);
        self.register_with_deadline("token", deadline, move |opts| {
            early.take().unwrap_or_else(|| super::token::provide(opts))
        });
        self
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }

    pub fn options(&self) -> &LiveOptions {
        &self.opts
    }

    fn cell(&self, key: &str) -> Option<Arc<OnceLock<Fact>>> {
        let mut c = self.cache.lock().ok()?;
        Some(Arc::clone(c.entry(key.to_string()).or_default()))
    }

    fn deadline(&self, key: &str) -> Duration {
        self.deadlines
            .get(key)
            .copied()
            .unwrap_or(self.opts.deadline)
    }
}

impl Facts for LiveFacts {
    fn read(&self, key: &str) -> Fact {
        let Some(provider) = self.providers.get(key).cloned() else {
            return Fact::Unknown(format!(
                "no provider reads the fact `{key}` on this machine"
            ));
        };
        let Some(cell) = self.cell(key) else {
            return Fact::Unknown("fact cache poisoned".into());
        };
        cell.get_or_init(|| {
            // A read `prefetch` started is waited for (under its own deadline), not repeated.
            let early = self.started.lock().ok().and_then(|mut s| s.remove(key));
            match early {
                Some(read) => read.wait(),
                None => with_deadline(key, self.deadline(key), {
                    let opts = self.opts.clone();
                    move || provider(&opts)
                }),
            }
        })
        .clone()
    }

    fn refresh(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
        if let Ok(mut s) = self.started.lock() {
            s.clear();
        }
    }

    /// Starts reading the facts asked for (all of them for `FactReads::All`) at once, each on
    /// its own thread under its own deadline, and returns: most providers wait on files,
    /// commands or devices, so the probes that follow find them read, or being read, instead of
    /// reading them one after another. A fact no one asks for is never read: the machine is
    /// not searched for what no check looks at.
    fn prefetch(&self, keys: &FactReads) {
        let keys: Vec<&str> = match keys.keys() {
            None => self.keys().collect(),
            Some(k) => k.iter().map(String::as_str).collect(),
        };
        let Ok(mut started) = self.started.lock() else {
            return;
        };
        for k in keys {
            let Some(provider) = self.providers.get(k).cloned() else {
                continue;
            };
            if started.contains_key(k) || self.cell(k).is_none_or(|c| c.get().is_some()) {
                continue;
            }
            let opts = self.opts.clone();
            match start(k, self.deadline(k), move || provider(&opts)) {
                Ok(read) => {
                    started.insert(k.to_string(), read);
                }
                Err(fact) => {
                    if let Some(c) = self.cell(k) {
                        let _ = c.set(fact);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stuck_provider_is_cut_at_its_deadline() {
        let mut live = LiveFacts::new(LiveOptions {
            deadline: Duration::from_millis(100),
            ..Default::default()
        });
        live.register("slow", |_| {
            std::thread::sleep(Duration::from_secs(5));
            Fact::Value(serde_json::json!(1))
        });
        let t = std::time::Instant::now();
        assert!(matches!(live.read("slow"), Fact::Unknown(_)));
        assert!(t.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn a_prefetch_returns_at_once_and_the_read_waits_for_it_not_again() {
        let mut live = LiveFacts::new(LiveOptions {
            deadline: Duration::from_millis(300),
            ..Default::default()
        });
        let n = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let n2 = Arc::clone(&n);
        live.register("slow", move |_| {
            std::thread::sleep(Duration::from_millis(100));
            Fact::Value(serde_json::json!(
                n2.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            ))
        });
        live.register("stuck", |_| {
            std::thread::sleep(Duration::from_secs(5));
            Fact::Value(serde_json::json!(1))
        });
        let t = std::time::Instant::now();
        live.prefetch(&FactReads::All);
        assert!(t.elapsed() < Duration::from_millis(90), "{:?}", t.elapsed());
        assert_eq!(live.read("slow"), Fact::Value(serde_json::json!(0)));
        assert_eq!(live.read("slow"), Fact::Value(serde_json::json!(0)));
        assert_eq!(n.load(std::sync::atomic::Ordering::SeqCst), 1);
        // The stuck read's deadline runs from when the prefetch started it.
        assert!(matches!(live.read("stuck"), Fact::Unknown(_)));
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        // After a refresh the fact is read again.
        live.refresh();
        assert_eq!(live.read("slow"), Fact::Value(serde_json::json!(1)));
    }

    #[test]
    fn facts_are_cached() {
        let mut live = LiveFacts::new(LiveOptions::default());
        let n = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let n2 = Arc::clone(&n);
        live.register("count", move |_| {
            Fact::Value(serde_json::json!(
                n2.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            ))
        });
        assert_eq!(live.read("count"), live.read("count"));
        assert_eq!(n.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn clock_is_rfc3339() {
        let live = LiveFacts::new(LiveOptions::default());
        let Fact::Value(v) = live.read("clock") else {
            panic!()
        };
        assert!(chrono::DateTime::parse_from_rfc3339(v["now"].as_str().unwrap()).is_ok());
    }
}
