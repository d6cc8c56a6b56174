//! The read-only host API of probe scripts. Nothing here can write, log in, touch a PIN, open a
//! file or reach the network: scripts read facts that providers gathered under their own rules.

use chrono::{DateTime, FixedOffset};
use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString};

use super::with_run;
use crate::facts::Fact;
use crate::i18n::Message;
use crate::text;

type R<T> = Result<T, Box<EvalAltResult>>;

fn runtime(msg: impl Into<String>) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(msg.into()),
        rhai::Position::NONE,
    ))
}

fn read(key: &str) -> Option<Fact> {
    with_run(|r| {
        let f = r.facts.read(key);
        if !r.facts_read.iter().any(|k| k == key) {
            r.facts_read.push(key.to_string());
        }
        f
    })
}

fn to_dyn(v: &serde_json::Value) -> Dynamic {
    rhai::serde::to_dynamic(v).unwrap_or(Dynamic::UNIT)
}

/// `fact(key)`: the value, or the run stops as `unknown` naming the fact and why.
fn fact(key: &str) -> R<Dynamic> {
    match read(key) {
        Some(Fact::Value(v)) => Ok(to_dyn(&v)),
        Some(Fact::Unknown(why)) => Err(unavailable(key, "fact-unreadable", &why)),
        Some(Fact::NotApplicable(why)) => Err(unavailable(key, "fact-not-applicable", &why)),
        None => Err(runtime("fact() called outside a probe run")),
    }
}

/// Records why the run cannot go on (a message for the reader) and stops the script; the
/// English text of the runtime error is only what a script's own `try` would see.
fn unavailable(key: &str, id: &str, why: &str) -> Box<EvalAltResult> {
    let msg = Message::new(id).arg("fact", key).arg("detail", why);
    with_run(|r| r.unavailable = Some(msg));
    runtime(format!("the fact `{key}` is not available: {why}"))
}

/// `fact_or(key, default)`: the value, or `default` when it cannot be read.
fn fact_or(key: &str, default: Dynamic) -> Dynamic {
    match read(key) {
        Some(Fact::Value(v)) => to_dyn(&v),
        _ => default,
    }
}

/// `fact_state(key)`: "value", "unknown" or "not_applicable", for scripts that branch on it.
fn fact_state(key: &str) -> ImmutableString {
    match read(key) {
        Some(Fact::Value(_)) => "value".into(),
        Some(Fact::NotApplicable(_)) => "not_applicable".into(),
        _ => "unknown".into(),
    }
}

fn kb_data(name: &str) -> Dynamic {
    with_run(|r| r.kb_data.value(name)).unwrap_or(Dynamic::UNIT)
}

/// `kb_program(id)`: one program of kb/software.yaml (`name`, `min_version`, …), or `()`.
fn kb_program(id: &str) -> Dynamic {
    with_run(|r| r.kb_data.program(id)).unwrap_or(Dynamic::UNIT)
}

/// `system_rules()`: the certificate rules of the system being diagnosed, or `()` without one.
fn system_rules() -> Dynamic {
    with_run(|r| {
        let sys = r.system.clone()?;
        let systems = r.kb_data.json("systems")?.as_array()?;
        systems
            .iter()
            .find(|s| s.get("id").and_then(|i| i.as_str()) == Some(sys.as_str()))
            .and_then(|s| s.get("certificate"))
            .map(to_dyn)
    })
    .flatten()
    .unwrap_or(Dynamic::UNIT)
}

fn parse_time(s: &str) -> R<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s)
        .map_err(|e| runtime(format!("not an RFC 3339 time: {s:?}: {e}")))
}

/// `days_between(a, b)`: whole days from `a` to `b` (negative when `b` is earlier).
fn days_between(a: &str, b: &str) -> R<i64> {
    Ok((parse_time(b)? - parse_time(a)?).num_days())
}

/// `seconds_between(a, b)`.
fn seconds_between(a: &str, b: &str) -> R<i64> {
    Ok((parse_time(b)? - parse_time(a)?).num_seconds())
}

/// `time_before(a, b)`: whether instant `a` is earlier than `b`.
fn time_before(a: &str, b: &str) -> R<bool> {
    Ok(parse_time(a)? < parse_time(b)?)
}

/// `version_cmp(a, b)`: -1, 0 or 1, comparing dotted or comma-separated versions numerically
/// ("5,0,4,5" < "5.0.10").
fn version_cmp(a: &str, b: &str) -> i64 {
    text::version_order(a, b) as i64
}

/// `name_key(text)`: a name as the certificate rules compare names: lower case, with spaces,
/// dashes, underscores, dots and zero-width non-joiners dropped ("Non-Governmental",
/// "non governmental" and "NONGOVERNMENTAL" are one key). Scripts built it a character at a
/// time, which made classifying two certificates the slowest check of a diagnosis.
fn name_key(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_' | '.' | '\u{200c}'))
        .collect()
}

/// `cert_parse(der)`: what a certificate says. A diagnosis parses each certificate in half a
/// dozen checks, so the analysis (pure: the same text gives the same value) is kept for the
/// process, for a few dozen certificates at most.
fn cert_parse(text: &str) -> Dynamic {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    const KEPT: usize = 64;
    static PARSED: LazyLock<Mutex<HashMap<String, Dynamic>>> = LazyLock::new(Mutex::default);
    if let Some(v) = PARSED.lock().ok().and_then(|p| p.get(text).cloned()) {
        return v;
    }
    let v = to_dyn(&crate::facts::cert::analyse_text(text));
    if let Ok(mut p) = PARSED.lock()
        && p.len() < KEPT
    {
        p.insert(text.to_string(), v.clone());
    }
    v
}

/// Roughly how many bytes a value holds: its strings' bytes and a few words per element.
pub(super) fn size_of(v: &Dynamic, depth: usize) -> usize {
    const WORDS: usize = 32;
    if depth > 64 {
        return WORDS;
    }
    if let Some(s) = v.read_lock::<ImmutableString>() {
        return WORDS + s.len();
    }
    if let Some(a) = v.read_lock::<rhai::Array>() {
        return WORDS + a.iter().map(|x| size_of(x, depth + 1)).sum::<usize>();
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        return WORDS
            + m.iter()
                .map(|(k, x)| k.len() + size_of(x, depth + 1))
                .sum::<usize>();
    }
    if let Some(b) = v.read_lock::<rhai::Blob>() {
        return WORDS + b.len();
    }
    WORDS
}

/// `sort(comparer)` and `dedup(comparer)` as Rhai's own, except that an error in the comparer
/// (the deadline, the operation budget) ends the run: Rhai's versions swallow it and go on.
fn register_comparers(engine: &mut Engine) {
    use rhai::{Array, FnPtr, NativeCallContext};
    fn late() -> Option<Box<EvalAltResult>> {
        with_run(|r| std::time::Instant::now() > r.deadline)
            .unwrap_or(false)
            .then(|| {
                Box::new(EvalAltResult::ErrorTerminated(
                    Dynamic::from("deadline"),
                    rhai::Position::NONE,
                ))
            })
    }
    engine.register_fn(
        "sort",
        |ctx: NativeCallContext, array: &mut Array, comparer: FnPtr| -> R<()> {
            let mut failed: Option<Box<EvalAltResult>> = None;
            let mut items = std::mem::take(array);
            // The standard sort may panic on a comparer that is no total order: catch it.
            let sorted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                items.sort_by(|x, y| {
                    if failed.is_some() {
                        return std::cmp::Ordering::Equal;
                    }
                    if let Some(e) = late() {
                        failed = Some(e);
                        return std::cmp::Ordering::Equal;
                    }
                    match comparer.call_raw(&ctx, None, [x.clone(), y.clone()]) {
                        Ok(v) => match v
                            .as_int()
                            .or_else(|_| v.as_bool().map(|b| if b { -1 } else { 1 }))
                        {
                            Ok(n) => n.cmp(&0),
                            Err(t) => {
                                failed = Some(runtime(format!(
                                    "the sort comparer returned {t}, not a number"
                                )));
                                std::cmp::Ordering::Equal
                            }
                        },
                        Err(e) => {
                            failed = Some(e);
                            std::cmp::Ordering::Equal
                        }
                    }
                });
            }));
            if sorted.is_err() {
                return Err(runtime("the sort comparer is not a consistent order"));
            }
            *array = items;
            failed.map_or(Ok(()), Err)
        },
    );
    engine.register_fn(
        "dedup",
        |ctx: NativeCallContext, array: &mut Array, comparer: FnPtr| -> R<()> {
            let mut failed: Option<Box<EvalAltResult>> = None;
            array.dedup_by(|x, y| {
                if failed.is_some() {
                    return false;
                }
                if let Some(e) = late() {
                    failed = Some(e);
                    return false;
                }
                match comparer.call_raw(&ctx, None, [y.clone(), x.clone()]) {
                    Ok(v) => v.as_bool().unwrap_or(false),
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                }
            });
            failed.map_or(Ok(()), Err)
        },
    );
}

pub(super) fn register(engine: &mut Engine) {
    register_comparers(engine);
    engine.register_fn("fact", |k: &str| fact(k));
    engine.register_fn("fact_or", |k: &str, d: Dynamic| fact_or(k, d));
    engine.register_fn("fact_state", |k: &str| fact_state(k));
    engine.register_fn("kb_data", |k: &str| kb_data(k));
    engine.register_fn("kb_program", |id: &str| kb_program(id));
    engine.register_fn("system_rules", system_rules);
    engine.register_fn("days_between", |a: &str, b: &str| days_between(a, b));
    engine.register_fn("seconds_between", |a: &str, b: &str| seconds_between(a, b));
    engine.register_fn("time_before", |a: &str, b: &str| time_before(a, b));
    engine.register_fn("version_cmp", |a: &str, b: &str| version_cmp(a, b));
    engine.register_fn("glob_match", |p: &str, t: &str| text::glob_match(p, t));
    engine.register_fn("name_key", |t: &str| name_key(t));
    engine.register_fn("cert_parse", |t: &str| cert_parse(t));
    // A certificate entry without DER (a hand-written bundle, a module that failed to read the
    // value) is an unreadable certificate, not a script error.
    engine.register_fn("cert_parse", |v: Dynamic| {
        if let Ok(s) = v.clone().into_immutable_string() {
            return cert_parse(&s);
        }
        to_dyn(&serde_json::json!({"ok": false, "error": format!("no certificate data (found {})", v.type_name())}))
    });
    engine.register_fn("mask", |t: &str, k: i64| {
        text::mask(t, usize::try_from(k).unwrap_or(0))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(version_cmp("5,0,4,5", "5.0.4.5"), 0);
        assert_eq!(version_cmp("5.0.10", "5,0,4,5"), 1);
        assert_eq!(version_cmp("1.8.0_351", "1.8.0_400"), -1);
    }

    #[test]
    fn globs() {
        assert!(text::glob_match(
            "*csp11_3003*.dll",
            "SecurityDataCsp11_3003.dll"
        ));
        assert!(!text::glob_match("*csp11_3003*.dll", "eps2003csp11.dll"));
        // Stars only cost linear work now, however many.
        assert!(text::glob_match(&"*".repeat(300), "x"));
    }

    #[test]
    fn name_keys_ignore_case_and_separators() {
        assert_eq!(name_key("Non-Governmental"), "nongovernmental");
        assert_eq!(name_key("non governmental"), "nongovernmental");
        assert_eq!(name_key("NON_GOVERN.MENTAL"), "nongovernmental");
        assert_eq!(name_key("مهر\u{200c}سازمانی [Sign]"), "مهرسازمانی[sign]");
    }

    #[test]
    fn masks_all_but_the_tail() {
        assert_eq!(text::mask("0012345678", 4), "••••••5678");
        assert_eq!(text::mask("12", 4), "12");
    }
}
