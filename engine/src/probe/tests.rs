//! Unit tests of the sandbox: limits, deadline, the host API, hostile scripts.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::*;
use crate::facts::{Fact, Snapshot};

fn facts() -> Arc<dyn Facts> {
    let mut m = BTreeMap::new();
    m.insert(
        "clock".to_string(),
        Fact::Value(serde_json::json!({"now": "2025-06-01T10:00:00+03:30"})),
    );
    m.insert(
        "broken".to_string(),
        Fact::Unknown("the module hung".into()),
    );
    m.insert(
        "registry".to_string(),
        Fact::NotApplicable("not Windows".into()),
    );
    Arc::new(Snapshot::new(m))
}

fn run_with(limits: Limits, src: &str) -> ProbeResult {
    let sb = Sandbox::new(limits);
    let ast = sb.compile(src).expect("compiles");
    sb.run(&ast, facts(), KbData::default(), &RunInput::default())
}

fn run(src: &str) -> ProbeResult {
    run_with(Limits::default(), src)
}

#[test]
fn a_good_script_returns_its_verdict_and_the_facts_it_read() {
    let r =
        run(r#"let c = fact("clock"); #{ status: "fail", evidence: #{ now: c.now }, note: "x" }"#);
    assert_eq!(r.status, Status::Fail);
    assert_eq!(
        r.evidence["now"],
        serde_json::json!("2025-06-01T10:00:00+03:30")
    );
    assert_eq!(r.facts_read, vec!["clock".to_string()]);
    assert_eq!(r.note.map(|m| m.id).as_deref(), Some("x"));
}

#[test]
fn an_infinite_loop_is_stopped_by_the_operation_budget() {
    let r = run("loop { }");
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("operations"), "{r:?}");
}

#[test]
fn a_slow_loop_is_stopped_by_the_wall_clock() {
    let limits = Limits {
        max_operations: u64::MAX / 2,
        deadline: Duration::from_millis(200),
        ..Limits::default()
    };
    let t = Instant::now();
    let r = run_with(limits, "let x = 0; loop { x += 1; }");
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("deadline"), "{r:?}");
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t.elapsed()
    );
}

#[test]
fn deep_recursion_is_stopped() {
    let r = run("fn f(n) { f(n + 1) } f(0)");
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("deeper"), "{r:?}");
}

#[test]
fn oversized_strings_and_arrays_are_stopped() {
    let r = run(r#"let s = "x"; loop { s += s; }"#);
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("too large"), "{r:?}");
    let r = run("let a = []; loop { a.push(1); }");
    assert_eq!(r.status, Status::Unknown, "{r:?}");
}

#[test]
fn calling_a_missing_function_is_unknown_not_a_crash() {
    let r = run("no_such_function(1)");
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("no_such_function"), "{r:?}");
}

#[test]
fn eval_and_imports_are_not_available() {
    let sb = Sandbox::default();
    assert!(sb.compile(r#"eval("1")"#).is_err());
    let r = run(r#"import "std" as s; #{status: "ok"}"#);
    assert_eq!(r.status, Status::Unknown, "{r:?}");
}

#[test]
fn an_unreadable_fact_makes_the_result_unknown_with_its_reason() {
    let r = run(r#"let t = fact("broken"); #{ status: "fail" }"#);
    assert_eq!(r.status, Status::Unknown);
    assert!(en(&r.reason).contains("the module hung"), "{r:?}");
    let r = run(r#"fact("registry"); #{ status: "ok" }"#);
    assert!(en(&r.reason).contains("does not apply"), "{r:?}");
    let r = run(
        r#"#{ status: if fact_state("registry") == "not_applicable" { "ok" } else { "fail" } }"#,
    );
    assert_eq!(r.status, Status::Ok);
}

#[test]
fn malformed_results_are_unknown() {
    assert_eq!(run("42").status, Status::Unknown);
    assert_eq!(run(r#"#{ status: "great" }"#).status, Status::Unknown);
    assert_eq!(run(r#"#{ evidence: #{} }"#).status, Status::Unknown);
    assert_eq!(run(r#"throw "nope""#).status, Status::Unknown);
}

#[test]
fn a_syntax_error_has_a_line() {
    let e = Sandbox::default()
        .compile("let x = 1;\nlet = ;\n")
        .unwrap_err();
    assert_eq!(e.line, 2, "{e:?}");
}

#[test]
fn undefined_variables_are_compile_errors() {
    assert!(Sandbox::default().compile("let x = y + 1;").is_err());
    assert!(Sandbox::default().compile("let x = args.n; system").is_ok());
}

#[test]
fn the_engine_is_shared_across_threads() {
    let sb = Arc::new(Sandbox::default());
    let ast = Arc::new(
        sb.compile(r#"#{ status: "ok", evidence: #{ now: fact("clock").now } }"#)
            .unwrap(),
    );
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (sb, ast) = (Arc::clone(&sb), Arc::clone(&ast));
            std::thread::spawn(move || {
                sb.run(&ast, facts(), KbData::default(), &RunInput::default())
                    .status
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), Status::Ok);
    }
}

/// A probe's message as an English sentence.
fn en(m: &Option<crate::i18n::Message>) -> String {
    m.as_ref()
        .map(|m| m.text(crate::model::Lang::En))
        .unwrap_or_default()
}

#[test]
fn a_sort_comparer_that_loops_is_stopped_at_the_deadline() {
    let limits = Limits {
        max_operations: u64::MAX / 2,
        deadline: Duration::from_millis(300),
        ..Limits::default()
    };
    let t = Instant::now();
    // Each comparison loops until the deadline; Rhai's own sort swallowed that and went on,
    // so the script returned `ok`.
    let r = run_with(
        limits,
        r#"let a = [3, 1, 2, 5, 4]; a.sort(|x, y| { loop { } 0 }); #{status: "ok"}"#,
    );
    assert_eq!(r.status, Status::Unknown, "{r:?}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    // A good comparer still sorts.
    let r = run(
        r#"let a = [3, 1, 2]; a.sort(|x, y| x - y); a.dedup(|x, y| x == y); #{status: if a == [1, 2, 3] { "ok" } else { "fail" }}"#,
    );
    assert_eq!(r.status, Status::Ok, "{r:?}");
}

#[test]
fn a_hostile_glob_pattern_ends_within_the_deadline() {
    let t = Instant::now();
    let r = run(
        r#"let p = "*a*a*a*a*a*a*a*a*a*a*a*ab"; let t = "a"; t.pad(4000, "a"); #{status: if glob_match(p, t) { "fail" } else { "ok" }}"#,
    );
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn many_values_under_the_per_value_limits_hit_the_run_budget() {
    // 300 different strings of 256 KB: each under the string limit, 75 MB together.
    let t = Instant::now();
    let r = run(
        r#"let s = "x"; for j in 0..18 { s += s; } let m = #{}; for i in 0..300 { m[`k${i}`] = s + i; } #{status: "ok"}"#,
    );
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(r.status, Status::Unknown, "{r:?}");
    assert!(en(&r.reason).contains("too large"), "{r:?}");
}

#[test]
fn kb_data_and_kb_program_read_the_knowledge_base_tables() {
    let mut json = serde_json::Map::new();
    json.insert(
        "software".into(),
        serde_json::json!({"programs": [
            {"id": "java", "name": {"en": "Java", "fa": "جاوا"}, "min_version": "8"},
            {"id": "dastine"}
        ]}),
    );
    let tables: KbData = Arc::new(KbTables::new(json));
    let sb = Sandbox::default();
    let ast = sb
        .compile(
            r#"#{ status: "ok", evidence: #{
                name: kb_program("java")?.name.en ?? "none",
                min: kb_program("java").min_version,
                other: kb_program("dastine")?.name ?? "dastine",
                missing: kb_program("nothing") == (),
                count: kb_data("software").programs.len(),
                no_table: kb_data("systems") == (),
            } }"#,
        )
        .expect("compiles");
    // A script that changes its copy of a table changes nothing for the next run.
    let spoil = sb
        .compile(r#"let t = kb_data("software"); t.programs.clear(); #{ status: "ok" }"#)
        .expect("compiles");
    // Twice, a spoiler between: later runs read the converted tables, and get the same.
    for _ in 0..2 {
        sb.run(&spoil, facts(), Arc::clone(&tables), &RunInput::default());
        let r = sb.run(&ast, facts(), Arc::clone(&tables), &RunInput::default());
        assert_eq!(r.status, Status::Ok, "{r:?}");
        assert_eq!(
            serde_json::Value::Object(r.evidence),
            serde_json::json!({"name": "Java", "min": "8", "other": "dastine", "missing": true, "count": 2, "no_table": true})
        );
    }
}
