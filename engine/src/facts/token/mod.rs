//! The `token` fact: what every PKCS#11 module on this machine says about its slots, tokens and
//! certificates, read without logging in.
//!
//! Vendor modules hang and crash, so no module is ever loaded into this process. For each module
//! the provider starts a child (the same program, hidden subcommand `probe-token --module PATH`,
//! see [`reader`]) that walks the read-only sequence and prints one JSON line per step; the parent
//! (`child`) collects the lines under a deadline, kills a child that overruns it and reports
//! that module as `timeout` (or `crashed`), keeping whatever the child had already said. All
//! modules are read in parallel, so one hung module neither delays nor hides another.
//!
//! Which modules to read comes from the knowledge base (`kb/tokens.yaml`, see `discover`) plus
//! the `--pkcs11-module` arguments. The shape of the fact is ARCHITECTURE.md's FACTS CONTRACT.

pub(crate) mod arch;
pub(crate) mod child;
pub(crate) mod discover;
pub mod reader;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Fact;
use super::provider::{LiveOptions, Provider};

/// The whole fact.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct TokenFact {
    pub modules: Vec<Module>,
    pub slots: Vec<Slot>,
}

/// One PKCS#11 module and how reading it went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Module {
    pub path: String,
    /// The token model the knowledge base ties this module to, if any.
    pub model: Option<String>,
    /// `discovered` (found by the knowledge base's list) or `argument` (`--pkcs11-module`).
    pub source: String,
    /// Whether the library was loaded and answered `C_GetFunctionList`.
    pub loaded: bool,
    /// A PKCS#11 return-code name (`CKR_…`), or `timeout`, `crashed`, `load_failed`,
    /// `not_a_pkcs11_module`, `wrong_architecture`; `None` when the module read cleanly.
    pub error: Option<String>,
    pub library: Option<Library>,
    /// The PKCS#11 function the module was in when it failed, hung or crashed.
    #[serde(default)]
    pub error_in: Option<String>,
    /// The operating system's or the module's own words about the error.
    #[serde(default)]
    pub detail: Option<String>,
    /// How sure the knowledge base is of the entry that found this module.
    #[serde(default)]
    pub confidence: Option<String>,
    #[serde(default)]
    pub elapsed_ms: u64,
    /// The module file's word size (32 or 64), from its header or else the knowledge base; a
    /// 32-bit module on 64-bit Windows is read by the 32-bit reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    pub manufacturer: String,
    pub description: String,
    pub version: String,
    #[serde(default)]
    pub cryptoki_version: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    pub module: String,
    pub slot_id: u64,
    pub description: String,
    pub manufacturer: String,
    pub token_present: bool,
    pub removable: bool,
    pub hardware: bool,
    pub error: Option<String>,
    /// The PKCS#11 function that returned `error`.
    #[serde(default)]
    pub error_in: Option<String>,
    pub token: Option<TokenInfo>,
    pub certificates: Vec<Certificate>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenInfo {
    pub label: String,
    pub model: String,
    pub manufacturer: String,
    pub serial: String,
    pub min_pin: u64,
    pub max_pin: u64,
    /// The known `CKF_*` bits of the token's flags, as one number.
    pub raw_flags: u64,
    pub flags: Flags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Flags {
    pub token_initialized: bool,
    pub user_pin_initialized: bool,
    pub login_required: bool,
    pub write_protected: bool,
    pub user_pin_count_low: bool,
    pub user_pin_final_try: bool,
    pub user_pin_locked: bool,
    pub user_pin_to_be_changed: bool,
    pub so_pin_count_low: bool,
    pub so_pin_final_try: bool,
    pub so_pin_locked: bool,
    pub so_pin_to_be_changed: bool,
}

/// One certificate object. `der` is base64 (empty when its value could not be read, with `error`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    pub label: String,
    /// `CKA_ID` in hex.
    pub id: String,
    pub der: String,
    #[serde(default)]
    pub error: Option<String>,
}

/// Settings of the token provider (part of [`LiveOptions`]).
#[derive(Debug, Clone)]
pub(crate) struct ReaderSettings {
    /// The program that implements `probe-token` (normally this very program).
    pub program: PathBuf,
    /// The reader of 32-bit modules on 64-bit Windows (`tokenyar-reader32.exe` beside
    /// tokenyar.exe), when it is there.
    pub program32: Option<PathBuf>,
    /// How long one module may take before its child is killed.
    pub deadline: Duration,
}

/// The facts this area reads: `token`, under its own deadline.
pub(crate) fn providers() -> Vec<Provider> {
    vec![Provider {
        deadline,
        ..Provider::new("token", provide)
    }]
}

/// How long the whole `token` read may take: each module's reader is killed at
/// `token_deadline`; the margin covers starting them.
pub fn deadline(opts: &LiveOptions) -> Duration {
    opts.token_deadline + Duration::from_secs(1)
}

/// The `token` provider: discovers modules, reads each in a child under the deadline.
pub(crate) fn provide(opts: &LiveOptions) -> Fact {
    Reads::start(opts).finish()
}

/// The token read under way: every module's reader started at once, each in its child.
pub(crate) enum Reads {
    Running {
        modules: Vec<Module>,
        readers: Vec<Option<child::Started>>,
    },
    /// There is nothing to start: the fact is known already.
    Known(Fact),
}

impl Reads {
    /// Finds the modules and starts their readers; returns as soon as they run.
    fn start(opts: &LiveOptions) -> Reads {
        let Some(program) = &opts.token_reader else {
            return Reads::Known(Fact::Unknown(
                "this program was started without a token reader, so it cannot read tokens".into(),
            ));
        };
        let tokens = &opts.tokens;
        let mut modules: Vec<Module> = Vec::new();
        if opts.discover_modules {
            let env = |k: &str| std::env::var(k).ok();
            for c in discover::discover(tokens, std::env::consts::OS, &env) {
                modules.push(Module {
                    path: c.path.display().to_string(),
                    model: Some(c.model),
                    source: "discovered".into(),
                    confidence: Some(c.confidence),
                    bits: c.bits,
                    ..Module::default()
                });
            }
        }
        for p in &opts.pkcs11_modules {
            let same = modules
                .iter_mut()
                .find(|m| discover::same_file(Path::new(&m.path), p));
            match same {
                // The user named a module discovery also found: theirs wins, once.
                Some(m) => {
                    m.source = "argument".into();
                    m.path = p.display().to_string();
                }
                None => modules.push(Module {
                    path: p.display().to_string(),
                    model: discover::model_of(tokens, p),
                    source: "argument".into(),
                    ..Module::default()
                }),
            }
        }
        let settings = ReaderSettings {
            program: program.clone(),
            program32: arch::reader32_beside(program),
            deadline: opts.token_deadline,
        };
        // Each module goes to the reader that can load it: its file's header says which processor
        // it is for (the knowledge base's `bits` when the header cannot be read).
        let mut readers: Vec<Option<PathBuf>> = Vec::new();
        for m in &mut modules {
            let kb_bits = m.bits;
            let arch = arch::of_file(Path::new(&m.path)).or(kb_bits.map(arch::Arch::from_kb_bits));
            m.bits = arch.map(arch::Arch::bits);
            match arch::reader_for(&settings.program, settings.program32.as_deref(), arch) {
                Ok(p) => readers.push(Some(p.to_path_buf())),
                Err(why) => {
                    m.error = Some("wrong_architecture".into());
                    m.detail = Some(why);
                    readers.push(None);
                }
            }
        }
        let readers = modules
            .iter()
            .zip(readers)
            .map(|(m, r)| {
                let program = r?;
                let settings = ReaderSettings {
                    program,
                    ..settings.clone()
                };
                Some(child::start(&settings, Path::new(&m.path)))
            })
            .collect();
        Reads::Running { modules, readers }
    }

    /// Gives up on every reader still running (see [`child::Started::abandon`]).
    fn abandon(self) {
        if let Reads::Running { readers, .. } = self {
            readers
                .into_iter()
                .flatten()
                .for_each(child::Started::abandon);
        }
    }

    /// Waits for every reader (each under its own deadline, and they run side by side) and
    /// gives the fact.
    fn finish(self) -> Fact {
        let (mut modules, readers) = match self {
            Reads::Known(fact) => return fact,
            Reads::Running { modules, readers } => (modules, readers),
        };
        let mut slots = Vec::new();
        for (m, r) in modules.iter_mut().zip(readers) {
            if let Some(r) = r {
                slots.extend(r.finish().apply(m));
            }
        }
        let fact = TokenFact { modules, slots };
        match serde_json::to_value(&fact) {
            Ok(v) => Fact::Value(v),
            Err(e) => Fact::Unknown(format!("the token facts could not be encoded: {e}")),
        }
    }
}

/// A token read started early, so that it overlaps with loading the knowledge base (see
/// `LiveFacts::with_prefetched_token`). The readers are started on the caller's thread, at
/// once: a thread started for it could wait milliseconds for a core the caller keeps busy, and
/// the read is the longest part of a diagnosis.
pub struct Prefetch(Mutex<Option<Reads>>);

impl std::fmt::Debug for Prefetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Prefetch")
    }
}

impl Prefetch {
    /// Starts reading now, with `opts` (only `tokens` need be filled: `kb::tokens_only`).
    pub fn start(opts: LiveOptions) -> Prefetch {
        Prefetch(Mutex::new(Some(Reads::start(&opts))))
    }

    /// The early result, once, when the readers finish; `None` if it was taken already.
    pub fn take(&self) -> Option<Fact> {
        let reads = self.0.lock().ok()?.take()?;
        Some(reads.finish())
    }
}

/// A read never taken (the command failed before it needed the token) leaves no reader
/// behind, and its drop does not wait for one.
impl Drop for Prefetch {
    fn drop(&mut self) {
        if let Some(reads) = self.0.get_mut().ok().and_then(Option::take) {
            reads.abandon();
        }
    }
}

/// The marker every line of the child's output starts with, so the parent can tell its lines
/// from anything a module prints to standard output itself.
pub(crate) const LINE_MARKER: &str = "{\"tokenyar_probe\":1,";

/// One line of the child's output: what it is about to do, or what it found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// About to call a PKCS#11 function (so a hang or crash can name where it happened).
    Step {
        step: String,
        #[serde(default)]
        slot_id: Option<u64>,
    },
    /// The library loaded and gave its function list.
    Loaded,
    Library {
        library: Library,
    },
    /// A slot as read so far; replaces an earlier line about the same slot.
    Slot {
        slot: Slot,
    },
    /// The module failed as a whole (loading, `C_Initialize`, `C_GetSlotList`).
    Error {
        step: String,
        error: String,
        #[serde(default)]
        detail: Option<String>,
    },
    /// The whole sequence ran.
    Done,
}

#[derive(Serialize, Deserialize)]
struct Line {
    tokenyar_probe: u32,
    #[serde(flatten)]
    event: Event,
}

impl Event {
    /// The event as one output line (the marker first), without the newline.
    pub(crate) fn to_line(&self) -> String {
        serde_json::to_string(&Line {
            tokenyar_probe: 1,
            event: self.clone(),
        })
        .unwrap_or_default()
    }

    /// The event in a line of output, wherever in the line it starts; `None` for other text.
    pub(crate) fn from_line(line: &str) -> Option<Event> {
        let at = line.find(LINE_MARKER)?;
        let mut stream = serde_json::Deserializer::from_str(&line[at..]).into_iter::<Line>();
        stream.next()?.ok().map(|l| l.event)
    }
}
