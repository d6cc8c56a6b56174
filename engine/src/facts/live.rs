//! The live world: composes every area's providers (os, net, token) into one [`Facts`]; each fact
//! is read under its deadline, once, and cached for the rest of the run. The providers know
//! nothing of this registry: they take a [`LiveOptions`] and return a [`Fact`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::FactReads;
use super::provider::{LiveOptions, ReadFn, with_deadline};
use super::{Fact, Facts};

/// The live world.
pub struct LiveFacts {
    opts: LiveOptions,
    providers: BTreeMap<String, ReadFn>,
    /// Providers that keep their own, longer deadline (the token reader kills its children).
    deadlines: BTreeMap<String, Duration>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Fact>>>>,
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
}

impl Facts for LiveFacts {
    fn read(&self, key: &str) -> Fact {
        let Some(provider) = self.providers.get(key).cloned() else {
            return Fact::Unknown(format!(
                "no provider reads the fact `{key}` on this machine"
            ));
        };
        let cell = match self.cache.lock() {
            Ok(mut c) => Arc::clone(c.entry(key.to_string()).or_default()),
            Err(_) => return Fact::Unknown("fact cache poisoned".into()),
        };
        let deadline = self
            .deadlines
            .get(key)
            .copied()
            .unwrap_or(self.opts.deadline);
        cell.get_or_init(|| {
            with_deadline(key, deadline, {
                let opts = self.opts.clone();
                move || provider(&opts)
            })
        })
        .clone()
    }

    fn refresh(&self) {
        if let Ok(mut c) = self.cache.lock() {
            c.clear();
        }
    }

    /// Reads the facts asked for (all of them for `FactReads::All`) at once, each on its own
    /// thread under its own deadline: most providers wait on files, commands or devices, so the
    /// probes that follow find them cached instead of reading them one after another. A fact no
    /// one asks for is never read: the machine is not searched for what no check looks at.
    fn prefetch(&self, keys: &FactReads) {
        let keys: Vec<&str> = match keys.keys() {
            None => self.keys().collect(),
            Some(k) => k
                .iter()
                .map(String::as_str)
                .filter(|k| self.providers.contains_key(*k))
                .collect(),
        };
        std::thread::scope(|s| {
            for k in keys {
                s.spawn(move || self.read(k));
            }
        });
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
