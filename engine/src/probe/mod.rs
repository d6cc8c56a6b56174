//! The Rhai sandbox that runs probe scripts.
//!
//! The knowledge base holds scripts as text; this layer compiles them, lazily: `Programs`
//! compiles a script the first time a run needs it and keeps the result for the process, so a
//! command compiles only the scripts it runs (`lookup` none, `diagnose --system setad` a few).
//! One engine is built per process, when the first script compiles, and shared by every run
//! (threads included). Scripts see
//! the world only through the read-only host API below; every run has an operation budget, a
//! call-depth limit, size limits and a wall-clock deadline. Whatever a script does wrong (a syntax
//! error at load, a runtime error, a loop, a limit, a fact that could not be read) ends as a
//! result with status `unknown` and the reason: never a panic, never a hang.

mod host;
pub(crate) mod reads;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rhai::{AST, Dynamic, Engine, EvalAltResult, Scope};
use serde::{Deserialize, Serialize};

use crate::facts::Facts;
use crate::i18n::Message;
use crate::model::Status;

pub(crate) use crate::facts::FactReads;
pub(crate) use reads::{arg_reads, fact_reads};

/// Resource limits of one probe run.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// What all of a run's variables may hold together, in bytes (string bytes plus a few words
    /// per element): the limits above are per value, and many values under them add up.
    pub max_run_memory: usize,
    /// What `print` and `debug` may write in one run, in bytes; the rest is dropped.
    pub max_log: usize,
    pub deadline: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_operations: 2_000_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_string_size: 512 * 1024,
            max_array_size: 20_000,
            max_map_size: 5_000,
            max_run_memory: 32 * 1024 * 1024,
            max_log: 64 * 1024,
            deadline: Duration::from_secs(2),
        }
    }
}

/// A script that failed to compile, with the position Rhai reported (1-based).
#[derive(Debug, Clone)]
pub(crate) struct CompileError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// What one probe run found.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProbeResult {
    pub status: Status,
    #[serde(default)]
    pub evidence: serde_json::Map<String, serde_json::Value>,
    /// What the script says about its verdict: a message id with arguments (`engine/i18n`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Message>,
    /// Why the status is `unknown`, when the script could not decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Message>,
    /// The check does not apply on this computer (a Windows setting on Linux): the verdict is
    /// `ok` for the walk's logic, and it is shown as "does not apply", never as a pass. A script
    /// says so with `status: "not_applicable"`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_applicable: bool,
    /// The facts the script read, so a finding can show what it rests on.
    #[serde(default)]
    pub facts_read: Vec<String>,
    pub at: DateTime<Utc>,
    pub elapsed_ms: u64,
}

impl ProbeResult {
    pub fn unknown(reason: impl Into<Message>) -> Self {
        ProbeResult {
            status: Status::Unknown,
            evidence: Default::default(),
            note: None,
            reason: Some(reason.into()),
            not_applicable: false,
            facts_read: Vec::new(),
            at: Utc::now(),
            elapsed_ms: 0,
        }
    }
}

/// What a script run may look at besides facts.
#[derive(Clone, Default)]
pub(crate) struct RunInput {
    /// The system the diagnosis is for, if any.
    pub system: Option<String>,
    /// The probe node's `args:`.
    pub args: serde_json::Map<String, serde_json::Value>,
}

/// Knowledge-base data scripts may read (`kb_data("systems")`, `system_rules()`).
pub(crate) type KbData = Arc<KbTables>;

/// The knowledge base's data files as scripts see them. Each is turned into a script value the
/// first time a script asks for it and copied for every later run: a copy costs a fraction of
/// the conversion, which was 7 % of a whole diagnosis's instructions when every run converted
/// anew.
#[derive(Default)]
pub(crate) struct KbTables {
    json: serde_json::Map<String, serde_json::Value>,
    values: Mutex<HashMap<String, Dynamic>>,
}

impl KbTables {
    pub(crate) fn new(json: serde_json::Map<String, serde_json::Value>) -> KbTables {
        KbTables {
            json,
            values: Mutex::default(),
        }
    }

    /// A data file as JSON (`systems`, `tokens`, …).
    pub(crate) fn json(&self, name: &str) -> Option<&serde_json::Value> {
        self.json.get(name)
    }

    /// One program of `software` (kb/software.yaml) as a script value, or `()`: what a script
    /// asks of the catalogue is almost always one program, and copying the whole catalogue
    /// for it cost more than the check.
    pub(crate) fn program(&self, id: &str) -> Dynamic {
        self.json
            .get("software")
            .and_then(|s| s.get("programs"))
            .and_then(|p| p.as_array())
            .and_then(|ps| {
                ps.iter()
                    .find(|p| p.get("id").and_then(|i| i.as_str()) == Some(id))
            })
            .and_then(|p| rhai::serde::to_dynamic(p).ok())
            .unwrap_or(Dynamic::UNIT)
    }

    /// Every data file as JSON, by name.
    #[cfg(test)]
    pub(crate) fn json_all(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.json
    }

    /// A data file as a script value, or `()` for a name the knowledge base has no file for.
    pub(crate) fn value(&self, name: &str) -> Dynamic {
        let Some(json) = self.json.get(name) else {
            return Dynamic::UNIT;
        };
        if let Some(v) = self.values.lock().ok().and_then(|c| c.get(name).cloned()) {
            return v;
        }
        let v = rhai::serde::to_dynamic(json).unwrap_or(Dynamic::UNIT);
        if let Ok(mut c) = self.values.lock() {
            c.entry(name.to_string()).or_insert_with(|| v.clone());
        }
        v
    }
}

/// Per-run state the host functions read; one run per thread at a time.
pub(crate) struct RunState {
    pub facts: Arc<dyn Facts>,
    pub kb_data: KbData,
    pub system: Option<String>,
    pub deadline: Instant,
    pub facts_read: Vec<String>,
    /// Set when a script asked for a fact that could not be read; turns the run into `unknown`.
    pub unavailable: Option<Message>,
    pub log: Vec<String>,
    /// Bytes written to `log` so far (see [`Limits::max_log`]).
    pub logged: usize,
    /// Variable reads so far: every few hundred, the run's memory is measured.
    pub var_reads: u64,
}

thread_local! {
    pub(crate) static RUN: RefCell<Option<RunState>> = const { RefCell::new(None) };
}

pub(crate) fn with_run<T>(f: impl FnOnce(&mut RunState) -> T) -> Option<T> {
    RUN.with(|r| r.borrow_mut().as_mut().map(f))
}

/// The sandboxed engine.
pub(crate) struct Sandbox {
    engine: Engine,
    limits: Limits,
}

impl std::fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sandbox")
            .field("limits", &self.limits)
            .finish()
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new(Limits::default())
    }
}

impl Sandbox {
    pub fn new(limits: Limits) -> Sandbox {
        let mut engine = Engine::new();
        engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
        engine.disable_symbol("eval");
        engine.set_strict_variables(true);
        engine.set_max_operations(limits.max_operations);
        engine.set_max_call_levels(limits.max_call_levels);
        engine.set_max_expr_depths(limits.max_expr_depth, limits.max_expr_depth);
        engine.set_max_string_size(limits.max_string_size);
        engine.set_max_array_size(limits.max_array_size);
        engine.set_max_map_size(limits.max_map_size);
        engine.set_max_modules(0);
        // Probe scripts are short and run once per diagnosis: parsing them is the cost, and the
        // optimiser and the string interner add to it (together about a fifth of the compile
        // time, measured) while saving no run time on such scripts.
        engine.set_optimization_level(rhai::OptimizationLevel::None);
        engine.set_max_strings_interned(0);
        let max_log = limits.max_log;
        let log = move |s: &str| {
            with_run(|r| {
                if r.logged + s.len() <= max_log {
                    r.logged += s.len();
                    r.log.push(s.to_string());
                }
            });
        };
        engine.on_print(log);
        engine.on_debug(move |s, _, _| log(s));
        // The run's memory is measured from the variables in scope every 64 variable reads:
        // cheap, and data cannot grow far between two measures without being read.
        let budget = limits.max_run_memory;
        #[allow(deprecated)] // "volatile", not deprecated: the hook that can see the scope
        engine.on_var(move |_, _, ctx| {
            let due = with_run(|r| {
                r.var_reads += 1;
                r.var_reads % 64 == 0
            })
            .unwrap_or(false);
            if due {
                let used: usize = ctx
                    .scope()
                    .iter_raw()
                    .map(|(_, _, v)| host::size_of(v, 0))
                    .sum();
                if used > budget {
                    return Err(Box::new(EvalAltResult::ErrorDataTooLarge(
                        format!("the script's data ({} MB in all)", used >> 20),
                        rhai::Position::NONE,
                    )));
                }
            }
            Ok(None)
        });
        // The clock is read every 1024 operations: cheap, and a loop cannot outrun it by much.
        engine.on_progress(|ops| {
            if ops % 1024 != 0 {
                return None;
            }
            let late = with_run(|r| Instant::now() > r.deadline).unwrap_or(false);
            late.then(|| Dynamic::from("deadline"))
        });
        host::register(&mut engine);
        Sandbox { engine, limits }
    }

    /// Compiles a script (see [`Programs`], which compiles each once, when first needed).
    pub(crate) fn compile(&self, source: &str) -> Result<AST, CompileError> {
        // Plain variables, not constants: the optimiser would fold a constant's compile-time
        // value (an empty map) into the script.
        let mut scope = Scope::new();
        scope.push("args", rhai::Map::new());
        scope.push("system", Dynamic::UNIT);
        self.engine.compile_with_scope(&scope, source).map_err(|e| {
            let pos = e.1;
            CompileError {
                line: pos.line().unwrap_or(1) as u32,
                col: pos.position().unwrap_or(1) as u32,
                message: e.0.to_string(),
            }
        })
    }

    /// Runs a compiled script against `facts`. Never panics, never exceeds its deadline by more
    /// than the time one host call takes (host calls carry their own deadlines).
    pub fn run(
        &self,
        ast: &AST,
        facts: Arc<dyn Facts>,
        kb_data: KbData,
        input: &RunInput,
    ) -> ProbeResult {
        let started = Instant::now();
        let at = Utc::now();
        let state = RunState {
            facts,
            kb_data,
            system: input.system.clone(),
            deadline: started + self.limits.deadline,
            facts_read: Vec::new(),
            unavailable: None,
            log: Vec::new(),
            logged: 0,
            var_reads: 0,
        };
        // A probe run inside another (never done by the engine) would clobber the state.
        let previous = RUN.with(|r| r.borrow_mut().replace(state));
        let mut scope = Scope::new();
        let args: Dynamic = rhai::serde::to_dynamic(&input.args).unwrap_or(Dynamic::UNIT);
        scope.push_constant("args", args);
        scope.push_constant(
            "system",
            input
                .system
                .clone()
                .map(Dynamic::from)
                .unwrap_or(Dynamic::UNIT),
        );
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.engine.eval_ast_with_scope::<Dynamic>(&mut scope, ast)
        }));
        let state = RUN.with(|r| std::mem::replace(&mut *r.borrow_mut(), previous));
        let (facts_read, unavailable) = state
            .map(|s| (s.facts_read, s.unavailable))
            .unwrap_or_default();
        let mut result = match outcome {
            Err(_) => ProbeResult::unknown("probe-crashed"),
            Ok(Err(e)) => ProbeResult::unknown(match unavailable.clone() {
                Some(why) => why,
                None => describe_error(&e, &self.limits),
            }),
            Ok(Ok(value)) => interpret(value),
        };
        if result.status != Status::Unknown
            && let Some(why) = unavailable.filter(|_| result.reason.is_none())
        {
            // The script went on without a fact it asked for: say so, but keep its verdict.
            result.note.get_or_insert(why);
        }
        result.facts_read = facts_read;
        result.at = at;
        result.elapsed_ms = started.elapsed().as_millis() as u64;
        result
    }
}

/// Scripts compiled on first use and kept: the knowledge base is plain data (a script is its
/// text), and whoever runs probes asks here for the compiled form. A script is looked up by its
/// text, so two knowledge bases in one process (a test's, the embedded one) never share a
/// program by mistake, and the same text is compiled once. A compile error is kept too: the
/// run that needs it ends `unknown` with the message (`kb check` reports it as E007).
pub(crate) struct Programs {
    sandbox: OnceLock<Sandbox>,
    limits: Limits,
    compiled: Mutex<HashMap<Arc<str>, Compiled>>,
}

/// A script's compiled form, or why it has none.
type Compiled = Result<Arc<AST>, CompileError>;

impl std::fmt::Debug for Programs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Programs")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Programs {
    /// Programs run under `limits`; the engine is built when the first script compiles.
    pub fn new(limits: Limits) -> Programs {
        Programs {
            sandbox: OnceLock::new(),
            limits,
            compiled: Mutex::new(HashMap::new()),
        }
    }

    /// The process's programs, under the default limits: what every [`crate::infer::Runner`]
    /// uses unless it is given others.
    pub fn shared() -> &'static Programs {
        static SHARED: OnceLock<Programs> = OnceLock::new();
        SHARED.get_or_init(|| Programs::new(Limits::default()))
    }

    /// The sandbox the programs run in (built now if no script compiled yet).
    pub fn sandbox(&self) -> &Sandbox {
        self.sandbox
            .get_or_init(|| Sandbox::new(self.limits.clone()))
    }

    /// The compiled form of a script's text, compiling it on first use.
    pub fn get(&self, source: &Arc<str>) -> Compiled {
        if let Some(done) = self
            .compiled
            .lock()
            .ok()
            .and_then(|c| c.get(source).cloned())
        {
            return done;
        }
        // Compiled outside the lock: two threads that need different scripts compile them at
        // once; two that need the same one may both compile it, and one result is kept.
        let done = self.sandbox().compile(source).map(Arc::new);
        if let Ok(mut c) = self.compiled.lock() {
            c.entry(Arc::clone(source)).or_insert_with(|| done.clone());
        }
        done
    }

    /// Compiles every script of `sources` not compiled yet, on up to `threads` threads: what a
    /// command that knows which scripts it will run does while it waits for facts.
    pub(crate) fn prepare<'a>(
        &self,
        sources: impl IntoIterator<Item = &'a Arc<str>>,
        threads: usize,
    ) {
        let todo: Vec<&Arc<str>> = {
            let Ok(c) = self.compiled.lock() else { return };
            let mut seen = std::collections::HashSet::new();
            sources
                .into_iter()
                .filter(|s| !c.contains_key(*s) && seen.insert(Arc::as_ptr(s)))
                .collect()
        };
        let next = std::sync::atomic::AtomicUsize::new(0);
        let work = || {
            while let Some(s) = todo.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                let _ = self.get(s);
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..threads.clamp(1, todo.len().max(1)) {
                scope.spawn(work);
            }
            work();
        });
    }

    /// Runs a script (compiling it first if need be). A script that does not compile is
    /// `unknown`, with the compiler's message.
    pub fn run(
        &self,
        name: &str,
        source: &Arc<str>,
        facts: Arc<dyn Facts>,
        kb_data: KbData,
        input: &RunInput,
    ) -> ProbeResult {
        match self.get(source) {
            Ok(ast) => self.sandbox().run(&ast, facts, kb_data, input),
            Err(e) => ProbeResult::unknown(Message::new("probe-failed").arg(
                "detail",
                format!(
                    "the script `scripts/{name}` does not compile (line {}): {}",
                    e.line, e.message
                ),
            )),
        }
    }
}

fn describe_error(e: &EvalAltResult, limits: &Limits) -> Message {
    let what = match e {
        EvalAltResult::ErrorTerminated(..) => {
            Message::new("probe-deadline").arg("ms", limits.deadline.as_millis() as u64)
        }
        EvalAltResult::ErrorTooManyOperations(..) => {
            Message::new("probe-operations").arg("operations", limits.max_operations)
        }
        EvalAltResult::ErrorStackOverflow(..) => {
            Message::new("probe-nesting").arg("levels", limits.max_call_levels)
        }
        EvalAltResult::ErrorDataTooLarge(what, ..) => {
            Message::new("probe-too-large").arg("detail", what.as_str())
        }
        EvalAltResult::ErrorRuntime(v, ..) => {
            Message::new("probe-stopped").arg("detail", v.to_string())
        }
        other => Message::new("probe-failed").arg("detail", other.to_string()),
    };
    match e.position().line() {
        Some(l) => Message::new("probe-at-line")
            .arg("what", what.nested())
            .arg("line", l),
        None => what,
    }
}

/// Turns a script's return value into a result; a malformed one is `unknown`, with the reason.
fn interpret(value: Dynamic) -> ProbeResult {
    let json: serde_json::Value = match rhai::serde::from_dynamic(&value) {
        Ok(v) => v,
        Err(e) => {
            return ProbeResult::unknown(
                Message::new("probe-not-data").arg("detail", e.to_string()),
            );
        }
    };
    let serde_json::Value::Object(mut map) = json else {
        return ProbeResult::unknown(Message::new("probe-bad-shape").arg("kind", type_name(&json)));
    };
    let not_applicable = map.get("status").and_then(|s| s.as_str()) == Some("not_applicable");
    let status = match map.get("status").and_then(|s| s.as_str()).and_then(|s| {
        if not_applicable {
            Some(Status::Ok)
        } else {
            Status::parse(s)
        }
    }) {
        Some(s) => s,
        None => {
            return ProbeResult::unknown(
                Message::new("probe-bad-status").arg(
                    "value",
                    map.get("status")
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "none".into()),
                ),
            );
        }
    };
    let evidence = match map.remove("evidence") {
        Some(serde_json::Value::Object(m)) => m,
        None | Some(serde_json::Value::Null) => Default::default(),
        Some(other) => {
            let mut m = serde_json::Map::new();
            m.insert("value".into(), other);
            m
        }
    };
    let note = map.remove("note").and_then(Message::from_json);
    let reason = if status == Status::Unknown {
        Some(
            map.remove("reason")
                .and_then(Message::from_json)
                .or_else(|| note.clone())
                .unwrap_or_else(|| Message::new("probe-undecided")),
        )
    } else {
        None
    };
    ProbeResult {
        status,
        evidence,
        note,
        reason,
        not_applicable,
        facts_read: Vec::new(),
        at: Utc::now(),
        elapsed_ms: 0,
    }
}

fn type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "nothing",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests;
