//! The non-interactive commands. Each returns the process exit code: 0 nothing wrong, 1 problems
//! found, 2 usage or internal error (DESIGN.md's contract).

use std::io::Write;
use std::sync::Arc;

use tokenyar_engine::facts::live::{LiveFacts, LiveOptions};
use tokenyar_engine::facts::token;
use tokenyar_engine::facts::{Bundle, Facts, Snapshot};
use tokenyar_engine::infer::{Diagnosis, diagnose};
use tokenyar_engine::kb::{self, Diagnostic, Kb, Lang, Source, Status};
use tokenyar_engine::lookup;

use crate::cli::{
    CollectArgs, Common, DiagnoseArgs, GraphFormat, KbCommand, LookupArgs, ProbeTokenArgs,
};

/// An error that ends the command with exit code 2 and one clear message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Source(#[from] kb::source::SourceError),
    #[error(transparent)]
    Bundle(#[from] tokenyar_engine::facts::BundleError),
    #[error(
        "the knowledge base at {origin} has {count} error(s); run `tokenyar kb check` to see them\n{first}"
    )]
    BrokenKb {
        origin: String,
        count: usize,
        first: String,
    },
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
}

pub fn source(common: &Common) -> Result<Source, CliError> {
    Ok(match &common.kb {
        Some(dir) => Source::from_dir(dir)?,
        None => Source::embedded(),
    })
}

/// Loads the knowledge base for use (not for `kb check`): refuses one with errors.
pub fn load_kb(common: &Common) -> Result<Arc<Kb>, CliError> {
    let src = source(common)?;
    // The embedded knowledge base passed every checker rule before this binary was built (the
    // test suite refuses it otherwise): loading is enough. A working copy is checked in full.
    let (kb, diags) = if common.kb.is_none() {
        Kb::load(&src)
    } else {
        kb::load_checked(&src)
    };
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        return Err(CliError::BrokenKb {
            origin: src.origin,
            count: errors.len(),
            first: first.to_string(),
        });
    }
    Ok(Arc::new(kb))
}

/// Loads the knowledge base for the editor's tools (`kb test`, `kb coverage`): one with errors
/// is still used, so an editor sees which scenarios pass while fixing it; the errors are
/// announced on stderr and counted.
pub fn load_for_editing(common: &Common) -> Result<(Arc<Kb>, usize), CliError> {
    let src = source(common)?;
    let (kb, diags) = kb::load_checked(&src);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        eprintln!(
            "warning: the knowledge base at {} has {} error(s) (run `tokenyar kb check`); using what loaded\n{first}\n",
            src.origin,
            errors.len()
        );
    }
    Ok((Arc::new(kb), errors.len()))
}

/// The language: `--lang`, else the environment, else English (Persian needs a terminal that
/// shows it right to left, which the interactive screen handles and plain output cannot).
pub fn lang(common: &Common) -> Result<Lang, CliError> {
    if let Some(l) = &common.lang {
        return Lang::parse(l)
            .ok_or_else(|| CliError::Usage(format!("unknown language {l:?}: use fa or en")));
    }
    Ok(env_lang().unwrap_or(Lang::En))
}

pub fn env_lang() -> Option<Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|v| Lang::parse(&v))
}

pub fn diagnose_cmd(common: &Common, args: &DiagnoseArgs) -> Result<i32, CliError> {
    // The token is read (in child processes) while the knowledge base loads.
    let early_token = match &args.snapshot {
        Some(_) => None,
        None => {
            let mut data = serde_json::Map::new();
            data.insert("tokens".into(), token::tokens_data(&source(common)?));
            Some(token::Prefetch::start(live_options(args, data)?))
        }
    };
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    if let Some(s) = &args.system
        && kb.system(s).is_none()
    {
        let known: Vec<&str> = kb.systems.iter().map(|s| s.id.as_str()).collect();
        return Err(CliError::Usage(format!(
            "unknown system {s:?}; known systems: {}",
            known.join(", ")
        )));
    }
    let facts: Arc<dyn Facts> = match &args.snapshot {
        Some(path) => Arc::new(Snapshot::from_bundle(&Bundle::read(path)?)),
        None => {
            let live = LiveFacts::new(live_options(args, (*kb.data).clone())?);
            Arc::new(match early_token {
                Some(t) => live.with_prefetched_token(t),
                None => live,
            })
        }
    };
    let d = diagnose(&kb, facts, args.system.as_deref());
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&d).unwrap_or_default()
        )?;
    } else {
        print_diagnosis(&mut out, &kb, &d, lang)?;
    }
    Ok(if d.has_problems() { 1 } else { 0 })
}

pub fn collect_cmd(common: &Common, args: &CollectArgs) -> Result<i32, CliError> {
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    let live = LiveFacts::new(LiveOptions {
        offline: args.offline,
        pkcs11_modules: args.pkcs11_modules.clone(),
        kb_data: Arc::clone(&kb.data),
        token_reader: std::env::current_exe().ok(),
        ..LiveOptions::default()
    });
    let bundle = tokenyar_engine::facts::collect::collect(&kb, live, !args.no_redact);
    let json = bundle.to_json();
    let path = match &args.output {
        Some(p) if p.as_os_str() == "-" => None,
        Some(p) => Some(p.clone()),
        None => Some(std::path::PathBuf::from(format!(
            "tokenyar-bundle-{}.json",
            chrono::Local::now().format("%Y%m%d-%H%M%S")
        ))),
    };
    match &path {
        None => writeln!(std::io::stdout().lock(), "{json}")?,
        Some(p) => std::fs::write(p, format!("{json}\n"))
            .map_err(|e| CliError::Usage(format!("cannot write {}: {e}", p.display())))?,
    }
    let n = bundle.facts.len();
    let where_ = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let msg = match (lang, bundle.redacted) {
        (Lang::Fa, true) => format!(
            "{} واقعیت در {where_} ثبت شد؛ کد ملی، نام کاربر و نام رایانه با جای‌نشین عوض شده‌اند.",
            persian_digits(n)
        ),
        (Lang::Fa, false) => format!(
            "{} واقعیت در {where_} ثبت شد؛ اطلاعات شخصی حذف نشده است.",
            persian_digits(n)
        ),
        (Lang::En, true) => format!(
            "recorded {n} facts in {where_}; national ids, user and host names are replaced by placeholders"
        ),
        (Lang::En, false) => {
            format!("recorded {n} facts in {where_}; personal data is NOT redacted")
        }
    };
    eprintln!("tokenyar: {msg}");
    Ok(0)
}

fn persian_digits(n: usize) -> String {
    n.to_string()
        .chars()
        .map(|c| {
            c.to_digit(10)
                .and_then(|d| char::from_u32(0x06F0 + d))
                .unwrap_or(c)
        })
        .collect()
}

fn live_options(
    args: &DiagnoseArgs,
    kb_data: serde_json::Map<String, serde_json::Value>,
) -> Result<LiveOptions, CliError> {
    Ok(LiveOptions {
        offline: args.offline,
        pkcs11_modules: args.pkcs11_modules.clone(),
        kb_data: Arc::new(kb_data),
        token_reader: std::env::current_exe().ok(),
        token_deadline: token_deadline(args.token_deadline)?,
        discover_modules: !args.no_module_discovery,
        ..LiveOptions::default()
    })
}

fn token_deadline(seconds: f64) -> Result<std::time::Duration, CliError> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 600.0) {
        return Err(CliError::Usage(format!(
            "--token-deadline must be a number of seconds between 0 and 600, not {seconds}"
        )));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// `probe-token`: the child side of reading a token (see `tokenyar_engine::facts::token`).
pub fn probe_token_cmd(args: &ProbeTokenArgs) -> Result<i32, CliError> {
    if let Some(s) = args.deadline {
        token::reader::watchdog(token_deadline(s)?);
    }
    let mut out = std::io::stdout().lock();
    token::reader::run(&args.module, &mut out)?;
    Ok(0)
}

fn print_diagnosis(
    out: &mut impl Write,
    kb: &Kb,
    d: &Diagnosis,
    lang: Lang,
) -> std::io::Result<()> {
    let system = d
        .system
        .as_deref()
        .and_then(|s| kb.system(s))
        .map(|s| s.name.get(lang).to_string());
    let head = match lang {
        Lang::Fa => "بررسی‌ها",
        Lang::En => "Checks",
    };
    writeln!(out, "{head}: {}", system.unwrap_or_else(|| "*".into()))?;
    for c in &d.checks {
        let mark = match c.status {
            Status::Ok => "[✓]",
            Status::Warn => "[!]",
            Status::Fail => "[✗]",
            Status::Unknown => "[?]",
        };
        writeln!(out, "{mark} {}", c.title.get(lang))?;
        if let Some(r) = &c.reason {
            writeln!(out, "    {r}")?;
        }
    }
    if d.findings.is_empty() {
        let unknown = d
            .checks
            .iter()
            .filter(|c| c.status == Status::Unknown)
            .count();
        let ok = match (lang, unknown) {
            (Lang::Fa, 0) => "مشکلی پیدا نشد.".to_string(),
            (Lang::En, 0) => "No problem found.".to_string(),
            (Lang::Fa, n) => format!(
                "مشکلی پیدا نشد، اما {} بررسی نتوانست نتیجه بگیرد (با ? نشان داده شده‌اند).",
                persian_digits(n)
            ),
            (Lang::En, n) => {
                format!("No problem found, but {n} check(s) could not tell (marked ?).")
            }
        };
        writeln!(out, "\n{ok}")?;
        return Ok(());
    }
    writeln!(out)?;
    for f in &d.findings {
        writeln!(out, "• {} ({})", f.title.get(lang), f.case)?;
        if let Some(r) = &f.remedy {
            writeln!(out, "  → {}", r.title.get(lang))?;
            for (i, s) in r.steps.iter().enumerate() {
                writeln!(out, "    {}. {}", i + 1, s.get(lang))?;
            }
        }
    }
    Ok(())
}

pub fn kb_cmd(common: &Common, cmd: &KbCommand) -> Result<i32, CliError> {
    let mut out = std::io::stdout().lock();
    match cmd {
        KbCommand::Check { json } => {
            let src = source(common)?;
            let (kb, diags) = kb::load_checked(&src);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if *json {
                let v = serde_json::json!({
                    "kb": src.origin,
                    "kb_version": kb.version,
                    "nodes": kb.nodes.len(),
                    "scripts": kb.scripts.len(),
                    "scenarios": kb.scenarios.len(),
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": diags,
                });
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                )?;
            } else {
                for d in &diags {
                    writeln!(out, "{d}\n")?;
                }
                writeln!(
                    out,
                    "kb check: {errors} error(s), {warnings} warning(s) in {} nodes, {} scripts, {} scenarios ({})",
                    kb.nodes.len(),
                    kb.scripts.len(),
                    kb.scenarios.len(),
                    src.origin
                )?;
            }
            Ok(if errors > 0 { 1 } else { 0 })
        }
        KbCommand::Test { json } => {
            let (kb, errors) = load_for_editing(common)?;
            let reports = kb::scenario::run_all(&kb);
            let failed = reports.iter().filter(|r| !r.passed()).count();
            if *json {
                let v = serde_json::json!({"passed": reports.len() - failed, "failed": failed, "kb_errors": errors, "scenarios": reports});
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&v).unwrap_or_default()
                )?;
            } else {
                for r in &reports {
                    let mark = if r.passed() { "ok  " } else { "FAIL" };
                    writeln!(out, "{mark} {} — {}", r.path, r.name)?;
                    if r.passed() {
                        continue;
                    }
                    for f in &r.failures {
                        for line in f.lines() {
                            writeln!(out, "       {line}")?;
                        }
                    }
                    if !r.walk.is_empty() {
                        writeln!(out, "       walk ({} question(s) answered):", r.questions)?;
                        writeln!(out, "         {}", r.walk_line())?;
                    }
                }
                writeln!(out, "{} passed, {failed} failed", reports.len() - failed)?;
            }
            Ok(if failed > 0 || errors > 0 { 1 } else { 0 })
        }
        KbCommand::Coverage { json } => {
            let (kb, _) = load_for_editing(common)?;
            let c = kb::coverage::coverage(&kb);
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&c).unwrap_or_default()
                )?;
            } else {
                writeln!(
                    out,
                    "{:<44} {:>5} {:>5} {:>5} {:>6}",
                    "case", "nodes", "tests", "walk", "lookup"
                )?;
                let yes = |b: bool| if b { "yes" } else { "no" };
                for cc in &c.cases {
                    let flag = if cc.nodes == 0 || cc.tests == 0 || !cc.reachable {
                        "  ←"
                    } else {
                        ""
                    };
                    writeln!(
                        out,
                        "{:<44} {:>5} {:>5} {:>5} {:>6}{flag}",
                        cc.case,
                        cc.nodes,
                        cc.tests,
                        yes(cc.reachable),
                        yes(cc.lookup)
                    )?;
                }
                let covered = c
                    .cases
                    .iter()
                    .filter(|x| x.nodes > 0 && x.tests > 0)
                    .count();
                let reachable = c.cases.iter().filter(|x| x.reachable).count();
                writeln!(
                    out,
                    "\n{covered}/{} catalog cases have nodes and tests; {reachable}/{} are reachable from their system's root",
                    c.cases.len(),
                    c.cases.len()
                )?;
                writeln!(
                    out,
                    "{} scenarios ({} failing)",
                    c.scenarios, c.scenarios_failed
                )?;
                writeln!(out, "{} nodes no scenario reaches", c.unreached_nodes.len())?;
                for n in &c.unreached_nodes {
                    writeln!(out, "  {n}")?;
                }
                if let Some(m) = c.median_questions {
                    writeln!(out, "median questions asked per scenario: {m}")?;
                }
            }
            Ok(0)
        }
        KbCommand::Graph { system, format } => {
            let kb = load_kb(common)?;
            if let Some(s) = system
                && kb.system(s).is_none()
            {
                return Err(CliError::Usage(format!("unknown system {s:?}")));
            }
            let f = match format {
                GraphFormat::Dot => kb::graph::GraphFormat::Dot,
                GraphFormat::Mermaid => kb::graph::GraphFormat::Mermaid,
            };
            write!(out, "{}", kb::graph::render(&kb, system.as_deref(), f))?;
            Ok(0)
        }
    }
}

/// `lookup`: the cases that match a typed error message, best first. Exit code 1 when nothing in
/// the knowledge base matches; then the systems are listed, so the user can start a guided walk
/// instead of following a guess.
pub fn lookup_cmd(common: &Common, args: &LookupArgs) -> Result<i32, CliError> {
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    if let Some(s) = &args.system
        && kb.system(s).is_none()
    {
        let known: Vec<&str> = kb.systems.iter().map(|s| s.id.as_str()).collect();
        return Err(CliError::Usage(format!(
            "unknown system {s:?}; known systems: {}",
            known.join(", ")
        )));
    }
    let query = args.text.join(" ");
    if lookup::words(&lookup::normalize(&query)).is_empty() {
        return Err(CliError::Usage(
            "the text to look up is empty: give the error message you see".into(),
        ));
    }
    let index = lookup::Index::build(&kb);
    let hits = index.search_with(
        &query,
        &lookup::Options {
            limit: usize::from(args.limit),
            system: args.system.clone(),
        },
    );
    if args.explain {
        eprint!("{}", index.explain(&query));
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        let results: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                serde_json::json!({
                    "case": h.case,
                    "node": h.node,
                    "system": h.system,
                    "score": h.score,
                    "title": h.title,
                    "matched": h.matched,
                })
            })
            .collect();
        let mut v = serde_json::json!({"query": query, "results": results});
        if hits.is_empty() {
            v["systems"] = kb
                .systems
                .iter()
                .map(|s| serde_json::json!({"id": s.id, "name": s.name}))
                .collect();
        }
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )?;
    } else if hits.is_empty() {
        let (head, hint) = match lang {
            Lang::Fa => (
                "در پایگاه دانش چیزی مطابق این متن پیدا نشد.",
                "سامانه‌ای را که با آن کار می‌کنید برگزینید تا گام‌به‌گام عیب‌یابی کنیم (`tokenyar` را بدون فرمان اجرا کنید):",
            ),
            Lang::En => (
                "Nothing in the knowledge base matches this text.",
                "Choose the system you are working with for a guided walk (run `tokenyar` with no command):",
            ),
        };
        writeln!(out, "{head}\n{hint}")?;
        for s in &kb.systems {
            writeln!(out, "  {:<14} {}", s.id, s.name.get(lang))?;
        }
    } else {
        for (i, h) in hits.iter().enumerate() {
            let id = h.case.as_deref().unwrap_or(&h.node);
            writeln!(out, "{}. {} ({id})", i + 1, h.title.get(lang))?;
            if let Some(m) = &h.matched {
                let label = match lang {
                    Lang::Fa => "مطابق با",
                    Lang::En => "matches",
                };
                writeln!(out, "   {label}: {m}")?;
            }
        }
    }
    Ok(if hits.is_empty() { 1 } else { 0 })
}
