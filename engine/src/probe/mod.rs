//! The Rhai sandbox that runs probe scripts.
//!
//! One engine is built per knowledge base and shared by every run (threads included). Scripts see
//! the world only through the read-only host API below; every run has an operation budget, a
//! call-depth limit, size limits and a wall-clock deadline. Whatever a script does wrong (a syntax
//! error at load, a runtime error, a loop, a limit, a fact that could not be read) ends as a
//! result with status `unknown` and the reason: never a panic, never a hang.

mod host;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rhai::{AST, Dynamic, Engine, EvalAltResult, Scope};
use serde::{Deserialize, Serialize};

use crate::facts::Facts;
use crate::model::Status;

/// Resource limits of one probe run.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_operations: u64,
    pub max_call_levels: usize,
    pub max_expr_depth: usize,
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
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
            deadline: Duration::from_secs(2),
        }
    }
}

/// A script that failed to compile, with the position Rhai reported (1-based).
#[derive(Debug, Clone)]
pub struct CompileError {
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why the status is `unknown`, when the script could not decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The facts the script read, so a finding can show what it rests on.
    #[serde(default)]
    pub facts_read: Vec<String>,
    pub at: DateTime<Utc>,
    pub elapsed_ms: u64,
}

impl ProbeResult {
    pub fn unknown(reason: impl Into<String>) -> Self {
        ProbeResult {
            status: Status::Unknown,
            evidence: Default::default(),
            note: None,
            reason: Some(reason.into()),
            facts_read: Vec::new(),
            at: Utc::now(),
            elapsed_ms: 0,
        }
    }
}

/// What a script run may look at besides facts.
#[derive(Clone, Default)]
pub struct RunInput {
    /// The system the diagnosis is for, if any.
    pub system: Option<String>,
    /// The probe node's `args:`.
    pub args: serde_json::Map<String, serde_json::Value>,
}

/// Knowledge-base data scripts may read (`kb_data("systems")`, `system_rules()`).
pub type KbData = Arc<serde_json::Map<String, serde_json::Value>>;

/// Per-run state the host functions read; one run per thread at a time.
pub(crate) struct RunState {
    pub facts: Arc<dyn Facts>,
    pub kb_data: KbData,
    pub system: Option<String>,
    pub deadline: Instant,
    pub facts_read: Vec<String>,
    /// Set when a script asked for a fact that could not be read; turns the run into `unknown`.
    pub unavailable: Option<String>,
    pub log: Vec<String>,
}

thread_local! {
    pub(crate) static RUN: RefCell<Option<RunState>> = const { RefCell::new(None) };
}

pub(crate) fn with_run<T>(f: impl FnOnce(&mut RunState) -> T) -> Option<T> {
    RUN.with(|r| r.borrow_mut().as_mut().map(f))
}

/// The sandboxed engine.
pub struct Sandbox {
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
        engine.on_print(|s| {
            with_run(|r| r.log.push(s.to_string()));
        });
        engine.on_debug(|s, _, _| {
            with_run(|r| r.log.push(s.to_string()));
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

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Compiles a script once, when the knowledge base loads.
    pub fn compile(&self, source: &str) -> Result<AST, CompileError> {
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
            Err(_) => ProbeResult::unknown("the probe script crashed the interpreter"),
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

fn describe_error(e: &EvalAltResult, limits: &Limits) -> String {
    let at = e.position();
    let where_ = match at.line() {
        Some(l) => format!(" (line {l})"),
        None => String::new(),
    };
    let what = match e {
        EvalAltResult::ErrorTerminated(..) => {
            format!(
                "the script ran past its deadline of {} ms",
                limits.deadline.as_millis()
            )
        }
        EvalAltResult::ErrorTooManyOperations(..) => {
            format!(
                "the script exceeded its budget of {} operations",
                limits.max_operations
            )
        }
        EvalAltResult::ErrorStackOverflow(..) => {
            format!(
                "the script nested calls deeper than {} levels",
                limits.max_call_levels
            )
        }
        EvalAltResult::ErrorDataTooLarge(what, ..) => {
            format!("the script built data too large: {what}")
        }
        EvalAltResult::ErrorRuntime(v, ..) => format!("the script stopped: {v}"),
        other => format!("the script failed: {other}"),
    };
    format!("{what}{where_}")
}

/// Turns a script's return value into a result; a malformed one is `unknown`, with the reason.
fn interpret(value: Dynamic) -> ProbeResult {
    let json: serde_json::Value = match rhai::serde::from_dynamic(&value) {
        Ok(v) => v,
        Err(e) => {
            return ProbeResult::unknown(format!(
                "the script returned a value that is not data: {e}"
            ));
        }
    };
    let serde_json::Value::Object(mut map) = json else {
        return ProbeResult::unknown(format!(
            "the script must return #{{status, evidence, note}}, not {}",
            type_name(&json)
        ));
    };
    let status = match map
        .get("status")
        .and_then(|s| s.as_str())
        .and_then(Status::parse)
    {
        Some(s) => s,
        None => {
            return ProbeResult::unknown(format!(
                "the script returned no valid status (ok, warn, fail, unknown): {}",
                map.get("status")
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "none".into())
            ));
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
    let note = map.remove("note").and_then(|n| match n {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    });
    let reason = if status == Status::Unknown {
        Some(
            map.remove("reason")
                .and_then(|r| r.as_str().map(str::to_string))
                .or_else(|| note.clone())
                .unwrap_or_else(|| "the script could not decide".into()),
        )
    } else {
        None
    };
    ProbeResult {
        status,
        evidence,
        note,
        reason,
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
