//! Facts read from this machine, each by a provider that runs under a deadline and is cached
//! for the rest of the run.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::Duration;

use super::{Fact, Facts};

/// Settings of a live run.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// No network: no remote time check.
    pub offline: bool,
    /// PKCS#11 modules to probe besides (or instead of) the ones discovered.
    pub pkcs11_modules: Vec<PathBuf>,
    /// How long any one provider may take before its fact is `unknown`.
    pub deadline: Duration,
    /// Knowledge-base data providers need (token models, program lists).
    pub kb_data: Arc<serde_json::Map<String, serde_json::Value>>,
    /// The program whose hidden `probe-token --module PATH` subcommand reads one PKCS#11 module
    /// (normally this very program); without one the `token` fact is unknown.
    pub token_reader: Option<PathBuf>,
    /// How long one PKCS#11 module may take before its reader is killed (`timeout`).
    pub token_deadline: Duration,
    /// Look for the modules `kb/tokens.yaml` names (besides `pkcs11_modules`).
    pub discover_modules: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            offline: false,
            pkcs11_modules: Vec::new(),
            deadline: Duration::from_secs(5),
            kb_data: Arc::default(),
            token_reader: None,
            token_deadline: Duration::from_secs(4),
            discover_modules: true,
        }
    }
}

type Provider = Arc<dyn Fn(&LiveOptions) -> Fact + Send + Sync>;

/// The live world.
pub struct LiveFacts {
    opts: LiveOptions,
    providers: BTreeMap<String, Provider>,
    /// Providers that keep their own, longer deadline (the token reader kills its children).
    deadlines: BTreeMap<String, Duration>,
    cache: Mutex<HashMap<String, Arc<OnceLock<Fact>>>>,
}

impl LiveFacts {
    pub fn new(opts: LiveOptions) -> LiveFacts {
        let mut me = LiveFacts {
            opts,
            providers: BTreeMap::new(),
            deadlines: BTreeMap::new(),
            cache: Mutex::new(HashMap::new()),
        };
        me.register("clock", clock);
        super::os::register(&mut me);
        super::net::register(&mut me);
        // Each module's reader is killed at `token_deadline`; the margin covers starting them.
        let token_deadline = me.opts.token_deadline + Duration::from_secs(1);
        me.register_with_deadline("token", token_deadline, super::token::provide);
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
    pub fn register_with_deadline(
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
        let deadline = self.opts.token_deadline + Duration::from_secs(1);
        self.register_with_deadline("token", deadline, move |opts| {
            early.take().unwrap_or_else(|| super::token::provide(opts))
        });
        self
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.providers.keys().map(String::as_str)
    }

    /// Reads every fact at once, each on its own thread under its own deadline: most providers
    /// wait on commands or devices, so a diagnosis then finds them cached instead of reading
    /// them one after another.
    pub fn prefetch(&self) {
        std::thread::scope(|s| {
            for k in self.keys() {
                s.spawn(move || self.read(k));
            }
        });
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
}

/// Runs `f` on its own thread and gives up on it after `deadline`: a provider stuck in a system
/// call cannot stall the diagnosis. (Providers that run commands kill them at their own deadline.)
pub fn with_deadline(
    key: &str,
    deadline: Duration,
    f: impl FnOnce() -> Fact + Send + 'static,
) -> Fact {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("fact-{key}"))
        .spawn(move || {
            let _ = tx.send(f());
        });
    if spawned.is_err() {
        return Fact::Unknown(format!("could not start a thread to read `{key}`"));
    }
    match rx.recv_timeout(deadline) {
        Ok(f) => f,
        Err(mpsc::RecvTimeoutError::Timeout) => Fact::Unknown(format!(
            "reading `{key}` took longer than {} ms and was abandoned",
            deadline.as_millis()
        )),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            Fact::Unknown(format!("reading `{key}` crashed"))
        }
    }
}

/// The local clock. The offset from a trusted time source is a separate fact (`clock.skew`).
fn clock(_: &LiveOptions) -> Fact {
    let now = chrono::Local::now();
    Fact::Value(serde_json::json!({
        "now": now.to_rfc3339(),
        "utc_offset_minutes": now.offset().local_minus_utc() / 60,
        "tz": if cfg!(windows) { read_timezone_name() } else { std::env::var("TZ").ok().or_else(read_timezone_name) },
    }))
}

/// Windows keeps the zone in the registry; whatever TZ says, chrono's local time there comes from
/// Windows' own setting, so the name must too.
#[cfg(windows)]
fn read_timezone_name() -> Option<String> {
    crate::facts::os::win_api::time_zone_name()
}

#[cfg(not(windows))]
fn read_timezone_name() -> Option<String> {
    if let Ok(s) = std::fs::read_to_string("/etc/timezone") {
        return Some(s.trim().to_string());
    }
    std::fs::read_link("/etc/localtime").ok().and_then(|p| {
        let s = p.to_string_lossy().to_string();
        s.split("zoneinfo/").nth(1).map(str::to_string)
    })
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
