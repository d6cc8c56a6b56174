//! What a fact provider is and what it is given: the options of a live run and a deadline
//! runner. A leaf of `facts`: the areas (os, net, token) export their providers from here, and
//! `live` alone composes them, so no area depends on the registry.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use super::Fact;
use crate::model::{SoftwareCatalog, TokensFile};

/// Settings of a live run.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// No network: no remote time check.
    pub offline: bool,
    /// PKCS#11 modules to probe besides (or instead of) the ones discovered.
    pub pkcs11_modules: Vec<PathBuf>,
    /// How long any one provider may take before its fact is `unknown`.
    pub deadline: Duration,
    /// Token models and where their modules live (`kb/tokens.yaml`).
    pub tokens: Arc<TokensFile>,
    /// How programs, Dastine, time servers and VPNs are recognised (`kb/software.yaml`).
    pub software: Arc<SoftwareCatalog>,
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
            tokens: Arc::default(),
            software: Arc::default(),
            token_reader: None,
            token_deadline: Duration::from_secs(4),
            discover_modules: true,
        }
    }
}

/// Reads one fact from the live machine.
pub(crate) type ReadFn = Arc<dyn Fn(&LiveOptions) -> Fact + Send + Sync>;

/// One fact key and how to read it.
pub(crate) struct Provider {
    pub key: &'static str,
    pub read: ReadFn,
    /// How long a read may take before the fact is `unknown`.
    pub deadline: fn(&LiveOptions) -> Duration,
}

impl Provider {
    /// A provider bound by the run's common deadline.
    pub fn new(
        key: &'static str,
        f: impl Fn(&LiveOptions) -> Fact + Send + Sync + 'static,
    ) -> Self {
        Provider {
            key,
            read: Arc::new(f),
            deadline: |o| o.deadline,
        }
    }
}

/// A provider running on its own thread, from [`start`]: [`Started::wait`] takes its fact.
pub(crate) struct Started {
    key: String,
    rx: mpsc::Receiver<Fact>,
    deadline: Duration,
    /// When the provider gives up: `deadline` after it started, however late someone waits.
    by: Instant,
}

/// Starts `f` on its own thread, to be waited for with [`Started::wait`]. A thread that cannot
/// start gives its fact (`unknown`, saying so) at once.
pub(crate) fn start(
    key: &str,
    deadline: Duration,
    f: impl FnOnce() -> Fact + Send + 'static,
) -> Result<Started, Fact> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(format!("fact-{key}"))
        .spawn(move || {
            let _ = tx.send(f());
        });
    match spawned {
        Ok(_) => Ok(Started {
            key: key.to_string(),
            rx,
            deadline,
            by: Instant::now() + deadline,
        }),
        Err(_) => Err(Fact::Unknown(format!(
            "could not start a thread to read `{key}`"
        ))),
    }
}

impl Started {
    /// The provider's fact, or `unknown` once its deadline has passed: a provider stuck in a
    /// system call cannot stall the diagnosis.
    pub(crate) fn wait(self) -> Fact {
        match self
            .rx
            .recv_timeout(self.by.saturating_duration_since(Instant::now()))
        {
            Ok(f) => f,
            Err(mpsc::RecvTimeoutError::Timeout) => Fact::Unknown(format!(
                "reading `{}` took longer than {} ms and was abandoned",
                self.key,
                self.deadline.as_millis()
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Fact::Unknown(format!("reading `{}` crashed", self.key))
            }
        }
    }
}

/// Runs `f` on its own thread and gives up on it after `deadline`. (Providers that run commands
/// kill them at their own deadline.)
pub(crate) fn with_deadline(
    key: &str,
    deadline: Duration,
    f: impl FnOnce() -> Fact + Send + 'static,
) -> Fact {
    start(key, deadline, f).map_or_else(|f| f, Started::wait)
}
