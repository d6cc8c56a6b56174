//! The non-interactive commands. Each returns the process exit code: 0 nothing wrong, 1 problems
//! found, 2 usage or internal error (DESIGN.md's contract).

use std::io::Write;
use std::sync::Arc;

use tokenyar_engine::facts::token;
use tokenyar_engine::facts::{Bundle, Facts, Snapshot};
use tokenyar_engine::infer::{Diagnosis, diagnose};
use tokenyar_engine::kb::{Kb, Lang, Status};
use tokenyar_engine::lookup;

use crate::cli::{
    CollectArgs, Common, DiagnoseArgs, GraphFormat, KbCommand, LookupArgs, ProbeTokenArgs,
    ReportArgs, ReportFormat, SessionCommand,
};
use crate::plain::Plain;
use crate::setup::{self, known_system, messages, msg};
pub use crate::setup::{CliError, env_lang, lang, load_for_editing, load_kb, source};

/// Standard output for people: untrusted text in it (certificate labels, module errors) cannot
/// drive the terminal.
fn safe_stdout() -> tokenyar_engine::text::TerminalSafe<std::io::StdoutLock<'static>> {
    tokenyar_engine::text::TerminalSafe::new(std::io::stdout().lock())
}

pub fn diagnose_cmd(common: &Common, args: &DiagnoseArgs) -> Result<i32, CliError> {
    // The token is read (in child processes) while the knowledge base loads.
    let early_token = match &common.snapshot {
        Some(_) => None,
        None => Some(setup::start_token_read(common, &common.live)?),
    };
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    known_system(&kb, args.system.as_deref())?;
    let facts: Arc<dyn Facts> = match &common.snapshot {
        Some(path) => Arc::new(Snapshot::from_bundle(&Bundle::read(path)?)),
        // `diagnose` reads ahead only the facts its checks need.
        None => Arc::new(setup::live_facts(&kb, &common.live, early_token)?),
    };
    // What the checks read is recorded, so JSON output can be redacted with what it holds.
    let recorder = Arc::new(tokenyar_engine::facts::Recorder::new(facts));
    let facts: Arc<dyn Facts> = recorder.clone();
    let d = diagnose(&kb, facts, args.system.as_deref());
    if args.json {
        let mut out = safe_stdout();
        let mut v = serde_json::to_value(&d).unwrap_or_default();
        if !args.no_redact {
            let mut r = tokenyar_engine::facts::redact::Redactor::default();
            r.learn(&recorder.recorded());
            r.learn_environment();
            r.redact_value(&mut v);
        }
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )?;
        // The command ends here: freeing the output's thousands of values would only delay
        // the exit.
        std::mem::forget(v);
    } else {
        let mut text = Vec::new();
        print_diagnosis(&mut text, &kb, &d, lang, common.agent)?;
        Plain::stdout(common, lang)?.write(
            &mut std::io::stdout().lock(),
            &String::from_utf8_lossy(&text),
        )?;
    }
    Ok(if d.has_problems() { 1 } else { 0 })
}

pub fn collect_cmd(common: &Common, args: &CollectArgs) -> Result<i32, CliError> {
    if let Some(p) = args
        .output
        .as_ref()
        .filter(|p| p.as_os_str() != "-" && !args.force)
    {
        tokenyar_engine::files::check_target(p, tokenyar_engine::files::Existing::Refuse, &[])?;
    }
    // As in `diagnose`: the token is read while the knowledge base loads.
    let early_token = setup::start_token_read(common, &common.live)?;
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    let live = setup::live_facts(&kb, &common.live, Some(early_token))?;
    let bundle = tokenyar_engine::infer::collect::collect(&kb, live, !args.no_redact);
    let json = bundle.to_json();
    use tokenyar_engine::files::{self, Existing};
    // A name the user gave is replaced only with --force; the default name, when taken (two
    // runs in one second), becomes the next free one, which the message below names.
    let (path, existing) = match &args.output {
        Some(p) if p.as_os_str() == "-" => (None, Existing::Refuse),
        Some(p) if args.force => (Some(p.clone()), Existing::Replace),
        Some(p) => (Some(p.clone()), Existing::Refuse),
        None => (
            Some(std::path::PathBuf::from(format!(
                "tokenyar-bundle-{}.json",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            ))),
            Existing::NewName,
        ),
    };
    let path = match path {
        None => {
            writeln!(safe_stdout(), "{json}")?;
            None
        }
        Some(p) => Some(files::write(
            &p,
            format!("{json}\n").as_bytes(),
            existing,
            &[],
        )?),
    };
    let n = bundle.facts.len();
    let where_ = path.map_or_else(|| "-".to_string(), |p| p.display().to_string());
    let msg = msg(
        lang,
        if bundle.redacted {
            "cli-collected"
        } else {
            "cli-collected-raw"
        },
        &[("count", n.into()), ("path", where_.into())],
    );
    // Persian on a terminal goes through the same layout as every other line (the writer
    // sanitises the text first).
    crate::plain::stderr(common)
        .write(&mut std::io::stderr().lock(), &format!("tokenyar: {msg}\n"))?;
    Ok(0)
}

/// `probe-token`: the child side of reading a token (see `tokenyar_engine::facts::token`).
pub fn probe_token_cmd(args: &ProbeTokenArgs) -> Result<i32, CliError> {
    if let Some(s) = args.deadline {
        token::reader::watchdog(setup::token_deadline(s)?);
    }
    let mut out = std::io::stdout().lock();
    token::reader::run(&args.module, &mut out)?;
    Ok(0)
}

/// How bad a verdict is, worst first (the order checks are listed in); a check that does not
/// apply here comes last.
fn rank(s: Status, not_applicable: bool) -> u8 {
    match s {
        _ if not_applicable => 4,
        Status::Fail => 0,
        Status::Warn => 1,
        Status::Unknown => 2,
        Status::Ok => 3,
    }
}

/// Evidence in words under a check, indented from its mark (national ids masked unless a
/// support agent asked, `--agent`).
fn print_words(
    out: &mut impl Write,
    kb: &Kb,
    evidence: &serde_json::Map<String, serde_json::Value>,
    lang: Lang,
    agent: bool,
    indent: usize,
) -> std::io::Result<()> {
    let masked;
    let ev = if agent {
        evidence
    } else {
        masked = match tokenyar_engine::text::mask_national_ids_in(&serde_json::Value::Object(
            evidence.clone(),
        )) {
            serde_json::Value::Object(o) => o,
            _ => evidence.clone(),
        };
        &masked
    };
    let w = tokenyar_engine::report::words::Words::new(messages().catalog(), Some(kb), lang, agent);
    for l in w.evidence(ev) {
        writeln!(out, "{}{}", " ".repeat(indent + 2 * l.depth), l.text())?;
    }
    Ok(())
}

/// The checks as a checklist, worst first, each failing or doubtful one with what it found on
/// the line below (and, for a failing or warning one, the evidence in words); then a summary
/// line and each finding's fix.
pub fn print_diagnosis(
    out: &mut impl Write,
    kb: &Kb,
    d: &Diagnosis,
    lang: Lang,
    agent: bool,
) -> std::io::Result<()> {
    let system = d
        .system
        .as_deref()
        .and_then(|s| kb.system(s))
        .map(|s| s.name.get(lang).to_string())
        .unwrap_or_else(|| tokenyar_engine::i18n::t(lang, "report-any-system"));
    writeln!(
        out,
        "{}",
        msg(lang, "cli-checks", &[("system", system.into())])
    )?;
    let mut checks: Vec<_> = d.checks.iter().collect();
    checks.sort_by_key(|c| rank(c.status, c.not_applicable));
    for c in &checks {
        let mark = match c.status {
            _ if c.not_applicable => "[–]",
            Status::Ok => "[✓]",
            Status::Warn => "[!]",
            Status::Fail => "[✗]",
            Status::Unknown => "[?]",
        };
        writeln!(out, "{mark} {}", c.title.get(lang))?;
        if (c.status != Status::Ok || c.not_applicable)
            && let Some(r) = c.reason.as_ref().or(c.note.as_ref())
        {
            writeln!(out, "    {}", messages().message(lang, r))?;
        }
        if matches!(c.status, Status::Fail | Status::Warn) && !c.not_applicable {
            print_words(out, kb, &c.evidence, lang, agent, 4)?;
        }
    }
    let count = |s: Status| d.checks.iter().filter(|c| c.status == s).count();
    let unknown = count(Status::Unknown);
    writeln!(out)?;
    if d.findings.is_empty() && count(Status::Fail) == 0 && count(Status::Warn) == 0 {
        writeln!(out, "{}", msg(lang, "cli-no-problem", &[]))?;
    } else {
        writeln!(
            out,
            "{}",
            msg(
                lang,
                "cli-summary-problems",
                &[
                    ("problems", count(Status::Fail).into()),
                    ("warnings", count(Status::Warn).into()),
                    ("checks", d.checks.len().into()),
                ],
            )
        )?;
    }
    if unknown > 0 {
        writeln!(
            out,
            "{}",
            msg(lang, "cli-summary-unknown", &[("count", unknown.into())])
        )?;
    }
    let mut findings: Vec<_> = d.findings.iter().collect();
    findings.sort_by_key(|f| f.severity);
    for f in findings {
        writeln!(out, "\n• {} ({})", f.title.get(lang), f.case)?;
        if let Some(r) = &f.remedy {
            writeln!(
                out,
                "  {}: {}",
                msg(lang, "cli-fix", &[]),
                r.title.get(lang)
            )?;
            for (i, s) in r.steps.iter().enumerate() {
                writeln!(out, "    {}. {}", number(lang, i + 1), s.get(lang))?;
            }
        }
    }
    Ok(())
}

/// A list number in the language's digits.
fn number(lang: Lang, n: usize) -> String {
    lang.digits(&n.to_string())
}

pub fn kb_cmd(common: &Common, cmd: &KbCommand) -> Result<i32, CliError> {
    let mut out = safe_stdout();
    // The command's own sentences are localised; the checker's findings stay in English
    // (docs/i18n.md: they are for knowledge-base editors, quoted in issues and searched for).
    let lang = lang(common)?;
    match cmd {
        KbCommand::Check { json } => {
            let src = source(common)?;
            let (kb, diags) = tokenyar_engine::authoring::load_checked(&src);
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
                    "{}",
                    msg(
                        lang,
                        "cli-kb-check-summary",
                        &[
                            ("errors", errors.into()),
                            ("warnings", warnings.into()),
                            ("nodes", kb.nodes.len().into()),
                            ("scripts", kb.scripts.len().into()),
                            ("scenarios", kb.scenarios.len().into()),
                            ("origin", src.origin.clone().into()),
                        ],
                    )
                )?;
            }
            Ok(if errors > 0 { 1 } else { 0 })
        }
        KbCommand::Test { json } => {
            let (kb, errors) = load_for_editing(common)?;
            let reports = tokenyar_engine::authoring::scenario::run_all(&kb);
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
                    let mark = if r.passed() {
                        msg(lang, "cli-kb-test-ok", &[])
                    } else {
                        msg(lang, "cli-kb-test-fail", &[])
                    };
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
                        writeln!(
                            out,
                            "       {}",
                            msg(
                                lang,
                                "cli-kb-test-walk",
                                &[("questions", r.questions.into())]
                            )
                        )?;
                        writeln!(out, "         {}", r.walk_line())?;
                    }
                }
                writeln!(
                    out,
                    "{}",
                    msg(
                        lang,
                        "cli-kb-test-summary",
                        &[
                            ("passed", (reports.len() - failed).into()),
                            ("failed", failed.into()),
                        ],
                    )
                )?;
            }
            Ok(if failed > 0 || errors > 0 { 1 } else { 0 })
        }
        KbCommand::Coverage { json } => {
            let (kb, _) = load_for_editing(common)?;
            let c = tokenyar_engine::authoring::coverage::coverage(&kb);
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
                let n = |k: usize| fluent_bundle::FluentValue::from(k);
                writeln!(
                    out,
                    "\n{}",
                    msg(
                        lang,
                        "cli-kb-coverage-summary",
                        &[
                            ("covered", n(covered)),
                            ("reachable", n(reachable)),
                            ("cases", n(c.cases.len())),
                            ("scenarios", n(c.scenarios)),
                            ("failing", n(c.scenarios_failed)),
                            ("unreached", n(c.unreached_nodes.len())),
                        ],
                    )
                )?;
                for node in &c.unreached_nodes {
                    writeln!(out, "  {node}")?;
                }
                if let Some(m) = c.median_questions {
                    writeln!(
                        out,
                        "{}",
                        msg(lang, "cli-kb-coverage-median", &[("median", m.into())])
                    )?;
                }
            }
            Ok(0)
        }
        KbCommand::AddTest { file, name, system } => add_test_cmd(common, file, name, system),
        KbCommand::Schemas { dir } => {
            for kind in tokenyar_engine::authoring::schema::kinds() {
                // The schemas are generated files: regenerating replaces them.
                let path = tokenyar_engine::files::write(
                    &dir.join(kind.file_name()),
                    kind.render().as_bytes(),
                    tokenyar_engine::files::Existing::Replace,
                    &[],
                )?;
                writeln!(out, "{}", path.display())?;
            }
            Ok(0)
        }
        KbCommand::Graph { system, format } => {
            let kb = load_kb(common)?;
            known_system(&kb, system.as_deref())?;
            let f = match format {
                GraphFormat::Dot => tokenyar_engine::authoring::graph::GraphFormat::Dot,
                GraphFormat::Mermaid => tokenyar_engine::authoring::graph::GraphFormat::Mermaid,
            };
            write!(
                out,
                "{}",
                tokenyar_engine::authoring::graph::render(&kb, system.as_deref(), f)
            )?;
            Ok(0)
        }
    }
}

/// `lookup`: the cases that match a typed error message, best first. Exit code 1 when nothing in
/// the knowledge base matches; then the systems are listed, so the user can start a guided walk
/// instead of following a guess.
pub fn lookup_cmd(common: &Common, args: &LookupArgs) -> Result<i32, CliError> {
    // The index is built from nodes and language data: no script is compiled for a lookup.
    let kb = setup::load_kb_parts(common, tokenyar_engine::kb::Parts::INDEX)?;
    let lang = lang(common)?;
    known_system(&kb, args.system.as_deref())?;
    let query = args.text.join(" ");
    if lookup::words(&lookup::normalize(&query)).is_empty() {
        return Err(CliError::usage("cli-lookup-empty", &[]));
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
    // Written through the text pipeline at the end (JSON as it is).
    let mut out: Vec<u8> = Vec::new();
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
        let head = msg(lang, "cli-lookup-none", &[]);
        let hint = msg(lang, "cli-lookup-systems", &[]);
        writeln!(out, "{head}\n{hint}")?;
        for s in &kb.systems {
            writeln!(out, "  {:<14} {}", s.id, s.name.get(lang))?;
        }
    } else {
        for (i, h) in hits.iter().enumerate() {
            let id = h.case.as_deref().unwrap_or(&h.node);
            writeln!(out, "{}. {} ({id})", number(lang, i + 1), h.title.get(lang))?;
            if let Some(m) = &h.matched {
                writeln!(out, "   {}: {m}", msg(lang, "cli-lookup-matches", &[]))?;
            }
        }
    }
    let text = String::from_utf8_lossy(&out);
    let mut stdout = std::io::stdout().lock();
    if args.json {
        stdout.write_all(tokenyar_engine::text::terminal_safe_text(&text).as_bytes())?;
    } else {
        Plain::stdout(common, lang)?.write(&mut stdout, &text)?;
    }
    Ok(if hits.is_empty() { 1 } else { 0 })
}

/// `tokenyar report`: a case report from a saved session or a bundle. Never reads this machine.
pub fn report_cmd(common: &Common, args: &ReportArgs) -> Result<i32, CliError> {
    use tokenyar_engine::files::{self, Existing};
    use tokenyar_engine::report::{self, Format, LangChoice, Options};
    let inputs: Vec<&std::path::Path> = [&common.session, &common.snapshot]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect();
    let existing = if args.force {
        Existing::Replace
    } else {
        Existing::Refuse
    };
    if let Some(p) = args.output.as_ref().filter(|p| p.as_os_str() != "-") {
        files::check_target(p, existing, &inputs)?;
    }
    let kb = load_kb(common)?;
    let langs = match &common.lang {
        Some(l) => LangChoice::parse(l).ok_or_else(|| {
            CliError::usage(
                "err-unknown-report-lang",
                &[
                    ("lang", l.as_str().into()),
                    ("known", crate::setup::known_langs().into()),
                ],
            )
        })?,
        None => LangChoice::Both,
    };
    let opts = Options {
        redact: !args.no_redact,
        system: args.system.clone(),
        source_name: None,
        for_user: false,
    };
    let r = match (&common.session, &common.snapshot) {
        (Some(p), _) => {
            if args.system.is_some() {
                return Err(CliError::usage("err-report-system", &[]));
            }
            report::build_from_session_file(&kb, p, &opts)?
        }
        (None, Some(p)) => report::build_from_bundle_file(&kb, p, &opts)?,
        (None, None) => {
            return Err(CliError::usage("err-report-source", &[]));
        }
    };
    let format = match args.format {
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Json => Format::Json,
        ReportFormat::Html => Format::Html,
    };
    let text = report::render(&r, format, langs);
    match &args.output {
        Some(p) if p.as_os_str() != "-" => {
            // Markdown is read with `cat` as often as in an editor.
            let text = match format {
                Format::Markdown => tokenyar_engine::text::terminal_safe_text(&text),
                _ => std::borrow::Cow::Borrowed(text.as_str()),
            };
            files::write(p, text.as_bytes(), existing, &inputs)?;
        }
        _ => write!(safe_stdout(), "{text}")?,
    }
    Ok(0)
}

/// `tokenyar session resume FILE`: where the walk stands and what comes next.
pub fn session_cmd(common: &Common, cmd: &SessionCommand) -> Result<i32, CliError> {
    use tokenyar_engine::calendar::Stamp;
    use tokenyar_engine::infer::Runner;
    use tokenyar_engine::infer::explain;
    use tokenyar_engine::infer::saved::SavedSession;
    use tokenyar_engine::infer::session::{End, Need};
    let SessionCommand::Resume { file, json } = cmd;
    let kb = load_kb(common)?;
    let lang = lang(common)?;
    let saved = SavedSession::read(file)?;
    let mut resumed = saved.resume(Arc::clone(&kb))?;
    let system = resumed.session.system().map(str::to_string);
    // Checks the walk still waits for run on the saved facts, never on this machine.
    let runner = Runner::new(Arc::clone(&kb), Arc::clone(&resumed.facts), system);
    let need = resumed.session.run_until_input(&runner);
    let s = &resumed.session;
    let steps = explain::walk(&kb, &s.state.steps, &s.state.evidence);
    let offset = saved.utc_offset_minutes();
    let (kind, node) = match &need {
        Need::Answer { node } => ("question", Some(node.clone())),
        Need::Remedy { node, .. } => ("remedy", Some(node.clone())),
        Need::Read { node, .. } => ("read", Some(node.clone())),
        Need::Probe { probe, .. } => ("check", Some(probe.clone())),
        Need::Ended(End::Resolved { remedy, .. }) => ("resolved", Some(remedy.clone())),
        Need::Ended(End::Escalated { node }) => ("escalated", Some(node.clone())),
        Need::Ended(End::Finished { node }) => ("finished", Some(node.clone())),
    };
    if *json {
        let mut out = safe_stdout();
        let v = serde_json::json!({
            "file": file.display().to_string(),
            "kb_version": kb.version,
            "saved_kb_version": saved.kb_version,
            "system": s.system(),
            "steps": steps,
            "tried": s.state.tried,
            "next": {"kind": kind, "node": node},
            "changes": resumed.changes,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&v).unwrap_or_default()
        )?;
        return Ok(0);
    }
    // Written through the text pipeline at the end.
    let mut out: Vec<u8> = Vec::new();
    let saved_at = saved
        .created
        .map(|t| Stamp::new(t, offset).text(lang))
        .unwrap_or_default();
    let saved_kb = saved.kb_version.clone().unwrap_or_default();
    writeln!(
        out,
        "{}",
        msg(
            lang,
            "cli-session-saved",
            &[
                ("when", saved_at.into()),
                ("saved", saved_kb.into()),
                ("current", kb.version.clone().into()),
            ],
        )
    )?;
    if let Some(sys) = s.system().and_then(|id| kb.system(id)) {
        let head = tokenyar_engine::i18n::t(lang, "report-system");
        writeln!(out, "{head}: {} ({})", sys.name.get(lang), sys.id)?;
    }
    for c in &resumed.changes {
        let to = c.now_leads_to.as_deref().unwrap_or("-");
        writeln!(
            out,
            "{}",
            msg(
                lang,
                "cli-session-changed",
                &[
                    ("step", c.step.into()),
                    ("node", c.node.as_str().into()),
                    ("to", to.into()),
                ],
            )
        )?;
    }
    writeln!(out, "\n{}", msg(lang, "cli-session-path", &[]))?;
    for w in &steps {
        writeln!(
            out,
            "{:>3}. {} [{}]",
            number(lang, w.index + 1),
            w.how_text(lang),
            w.node
        )?;
        for p in &w.probes {
            let when = Stamp::new(p.at, offset).text(lang);
            let title = if p.title.get(lang).is_empty() {
                p.probe.clone()
            } else {
                p.title.get(lang).to_string()
            };
            writeln!(
                out,
                "       {}",
                msg(
                    lang,
                    "why-check",
                    &[
                        ("title", title.into()),
                        ("status", p.verdict(lang).into()),
                        ("when", when.into()),
                    ],
                )
            )?;
            if let Some(r) = p.said() {
                writeln!(out, "         {}", messages().message(lang, r))?;
            }
            print_words(&mut out, &kb, &p.evidence, lang, common.agent, 9)?;
        }
    }
    if !s.state.tried.is_empty() {
        writeln!(out, "\n{}", msg(lang, "cli-session-tried", &[]))?;
        for t in &s.state.tried {
            let title = kb
                .node(&t.remedy)
                .map(|n| n.title.get(lang).to_string())
                .unwrap_or_default();
            let outcome = tokenyar_engine::i18n::t(lang, outcome_id(t.outcome));
            writeln!(out, "  - {title} [{}]: {outcome}", t.remedy)?;
        }
    }
    let title = |id: &str| {
        kb.node(id)
            .map(|n| n.title.get(lang).to_string())
            .unwrap_or_default()
    };
    writeln!(out)?;
    match &need {
        Need::Answer { node } => {
            let n = kb.node(node);
            let q = n
                .map(|n| n.text.clone().unwrap_or_else(|| n.title.clone()))
                .unwrap_or_default();
            writeln!(
                out,
                "{} {} [{node}]",
                msg(lang, "cli-next-question", &[]),
                q.get(lang)
            )?;
            if let Some(tokenyar_engine::kb::Body::Question { choices, .. }) = n.map(|n| &n.body) {
                for (i, c) in choices.iter().enumerate() {
                    writeln!(
                        out,
                        "  {}. {} → {}",
                        number(lang, i + 1),
                        c.text.get(lang),
                        c.next
                    )?;
                }
            }
        }
        Need::Remedy {
            node,
            verify_failed,
        } => {
            writeln!(
                out,
                "{} {} [{node}]",
                msg(lang, "cli-next-remedy", &[]),
                title(node)
            )?;
            if *verify_failed {
                writeln!(out, "  {}", msg(lang, "cli-still-broken", &[]))?;
            }
            if let Some(tokenyar_engine::kb::Body::Remedy { steps, .. }) =
                kb.node(node).map(|n| &n.body)
            {
                // The software of the token model the walk's probes found.
                let args = tokenyar_engine::infer::TextArgs::from_evidence(&kb, &s.state.evidence);
                for (i, st) in steps.iter().enumerate() {
                    writeln!(
                        out,
                        "  {}. {}",
                        number(lang, i + 1),
                        args.fill(st).get(lang)
                    )?;
                }
            }
        }
        Need::Read { node, .. } => {
            writeln!(
                out,
                "{} {} [{node}]",
                msg(lang, "cli-next-read", &[]),
                title(node)
            )?;
        }
        Need::Probe { probe, .. } => {
            writeln!(out, "{} [{probe}]", msg(lang, "cli-next-check", &[]))?;
        }
        Need::Ended(e) => {
            let (id, node) = match e {
                End::Resolved { remedy, .. } => ("cli-ended-resolved", remedy),
                End::Escalated { node } => ("cli-ended-escalated", node),
                End::Finished { node } => ("cli-ended-finished", node),
            };
            writeln!(out, "{} {} [{node}]", msg(lang, id, &[]), title(node))?;
        }
    }
    Plain::stdout(common, lang)?.write(
        &mut std::io::stdout().lock(),
        &String::from_utf8_lossy(&out),
    )?;
    Ok(0)
}

/// The words for what a tried remedy did (never the enum's name).
fn outcome_id(o: tokenyar_engine::infer::session::RemedyOutcome) -> &'static str {
    use tokenyar_engine::infer::session::RemedyOutcome;
    match o {
        RemedyOutcome::Helped => "report-outcome-helped",
        RemedyOutcome::VerifyFailed => "report-outcome-verify-failed",
        RemedyOutcome::NotHelped => "report-outcome-not-helped",
    }
}

/// `tokenyar kb add-test FILE`: a field case becomes a scenario test of the working copy.
fn add_test_cmd(
    common: &Common,
    file: &std::path::Path,
    name: &Option<String>,
    system: &Option<String>,
) -> Result<i32, CliError> {
    use tokenyar_engine::authoring::to_test::{AddTest, add_test};
    let dir = match &common.kb {
        Some(d) => d.clone(),
        None if std::path::Path::new("kb/kb.yaml").exists() => std::path::PathBuf::from("kb"),
        None => {
            return Err(CliError::usage("err-add-test-kb", &[]));
        }
    };
    let common = Common {
        kb: Some(dir.clone()),
        ..common.clone()
    };
    // Expectations observed on a knowledge base with errors would be wrong: refuse it.
    let kb = load_kb(&common)?;
    let t = add_test(
        &kb,
        &dir,
        file,
        &AddTest {
            name: name.clone(),
            system: system.clone(),
        },
    )?;
    let lang = lang(&common)?;
    let mut out = safe_stdout();
    let s = |p: &std::path::Path| fluent_bundle::FluentValue::from(p.display().to_string());
    writeln!(
        out,
        "{}",
        msg(
            lang,
            "cli-add-test-wrote",
            &[("test", s(&t.test)), ("bundle", s(&t.bundle))]
        )
    )?;
    if !t.report.walk.is_empty() {
        let w = t.report.walk_line();
        writeln!(
            out,
            "  {}",
            msg(lang, "cli-add-test-walk", &[("walk", w.into())])
        )?;
    }
    if !t.report.findings.is_empty() {
        let f = t.report.findings.join(", ");
        writeln!(
            out,
            "  {}",
            msg(lang, "cli-add-test-findings", &[("findings", f.into())])
        )?;
    }
    if let Some(i) = t.diverged_at {
        writeln!(
            out,
            "  {}",
            msg(lang, "cli-add-test-diverged", &[("step", i.into())])
        )?;
    }
    writeln!(out, "  {}", msg(lang, "cli-add-test-passes", &[]))?;
    Ok(0)
}
