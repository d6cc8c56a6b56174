//! `tokenyar kb add-test`: a field case (a saved session or a bundle) becomes a scenario test
//! under `kb/<system>/tests/`, expecting what the knowledge base concludes from it now, so a case
//! that was hard once stays solved.
//!
//! A session gives the walk's start, the user's answers and what they said of each remedy; a
//! bundle gives the findings of `diagnose`. The facts go into a bundle file beside the test,
//! always redacted (a knowledge base is shared). The expectations are observed by running the
//! new scenario before it is written, and the written files are run again from disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_yaml::{Mapping, Value as Y};

use super::scenario::{self, Answer, Expect, Outcome, Scenario};
use crate::facts::redact::{Redactor, scrub_facts};
use crate::facts::{Bundle, BundleError, Fact};
use crate::infer::saved::{SavedSession, SessionFileError};
use crate::infer::session::{Need, RemedyOutcome, Via};
use crate::kb::{Kb, Source};

#[derive(Debug, thiserror::Error)]
pub enum AddTestError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{0}: neither a tokenyar session nor a bundle (its `format` must be \"tokenyar-session\" or \"tokenyar-bundle\")"
    )]
    Unrecognised(String),
    #[error(transparent)]
    Session(#[from] SessionFileError),
    #[error(transparent)]
    Bundle(#[from] BundleError),
    #[error("unknown system {0:?}")]
    UnknownSystem(String),
    #[error("the new test {path} does not pass when run from disk:\n{failures}")]
    DoesNotPass { path: String, failures: String },
    #[error("cannot reload the knowledge base at {0}: {1}")]
    Reload(String, String),
}

/// What `add_test` wrote.
#[derive(Debug, Clone)]
pub struct NewTest {
    pub test: PathBuf,
    pub bundle: PathBuf,
    /// The scenario as run from disk (it passed).
    pub report: scenario::Report,
    /// Where the replayed walk left the saved one (a changed knowledge base), if it did.
    pub diverged_at: Option<usize>,
}

/// Options of `kb add-test`.
#[derive(Debug, Clone, Default)]
pub struct AddTest {
    pub name: Option<String>,
    /// For a bundle: the system whose checks the test runs (default `general`).
    pub system: Option<String>,
}

/// Turns `input` (a session or a bundle file) into a scenario test of the knowledge base in
/// `kb_dir`, which `kb` was loaded from.
pub fn add_test(
    kb: &Arc<Kb>,
    kb_dir: &Path,
    input: &Path,
    opts: &AddTest,
) -> Result<NewTest, AddTestError> {
    let name_of_input = input.display().to_string();
    let text = std::fs::read_to_string(input).map_err(|e| AddTestError::Read {
        path: name_of_input.clone(),
        source: e,
    })?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v.get("format").and_then(|f| f.as_str()).map(str::to_string))
        .unwrap_or_default();
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (sc, facts, system, saved_walk) = match format.as_str() {
        crate::infer::saved::FORMAT => {
            let saved = SavedSession::parse(&text, &name_of_input)?;
            let (sc, system) = from_session(kb, &saved, opts, &file_name)?;
            let walk: Vec<String> = saved.walk.steps.iter().map(|s| s.node.clone()).collect();
            (sc, saved.facts, system, Some(walk))
        }
        crate::facts::bundle::FORMAT => {
            let bundle = Bundle::parse(&text, &name_of_input)?;
            let system = opts.system.clone().unwrap_or_else(|| "general".into());
            if kb.system(&system).is_none() {
                return Err(AddTestError::UnknownSystem(system));
            }
            let sc = Scenario {
                name: opts
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("Field case from {file_name}: what diagnose finds")),
                start: None,
                system: None,
                facts: BTreeMap::new(),
                bundle: None,
                patch: BTreeMap::new(),
                answers: BTreeMap::new(),
                remedy_outcomes: BTreeMap::new(),
                until: None,
                expect: Expect {
                    findings: Some(Vec::new()),
                    ..Expect::default()
                },
            };
            (sc, bundle.facts, system, None)
        }
        _ => return Err(AddTestError::Unrecognised(name_of_input)),
    };
    let facts = redacted(facts);

    // Observe what the knowledge base concludes now.
    let observed = scenario::run_parsed(kb, &sc, facts.clone(), &system, "(new)");
    let mut sc = sc;
    if saved_walk.is_some() {
        sc.expect = Expect {
            cases: Some(observed.cases.clone()),
            remedy: observed.remedy.clone(),
            questions: Some(observed.questions),
            visits: Some(observed.walk.iter().map(|s| s.node.clone()).collect()),
            end: observed.end.clone(),
            ..Expect::default()
        };
    } else {
        sc.expect.findings = Some(observed.findings.clone());
    }
    let diverged_at = saved_walk.as_ref().and_then(|saved| {
        let replay: Vec<&String> = observed.walk.iter().map(|s| &s.node).collect();
        (0..saved.len().max(replay.len()))
            .find(|&i| saved.get(i) != replay.get(i).copied())
            .map(|i| i + 1)
    });

    // Write the bundle and the test beside each other.
    let dir = kb_dir.join(&system).join("tests");
    std::fs::create_dir_all(&dir).map_err(|e| AddTestError::Write {
        path: dir.display().to_string(),
        source: e,
    })?;
    let slug = unique_slug(&dir, &slugify(opts.name.as_deref().unwrap_or(&file_name)));
    let bundle_path = dir.join(format!("{slug}.json"));
    let test_path = dir.join(format!("{slug}.yaml"));
    let bundle = Bundle::new(facts, &kb.version, true);
    write(&bundle_path, &format!("{}\n", bundle.to_json()))?;
    let yaml = to_yaml(kb, &sc, &format!("{slug}.json"), &system, &file_name);
    write(&test_path, &yaml)?;

    // Run it from disk, as `kb test` will.
    let src = Source::from_dir(kb_dir)
        .map_err(|e| AddTestError::Reload(kb_dir.display().to_string(), e.to_string()))?;
    let (fresh, _) = Kb::load(&src);
    let fresh = Arc::new(fresh);
    let rel = format!("{system}/tests/{slug}.yaml");
    let file = fresh
        .scenarios
        .iter()
        .find(|f| f.path.ends_with(&rel))
        .ok_or_else(|| AddTestError::DoesNotPass {
            path: test_path.display().to_string(),
            failures: "the knowledge base does not list it".into(),
        })?;
    let report = scenario::run(&fresh, file);
    if !report.passed() {
        return Err(AddTestError::DoesNotPass {
            path: test_path.display().to_string(),
            failures: report.failures.join("\n"),
        });
    }
    Ok(NewTest {
        test: test_path,
        bundle: bundle_path,
        report,
        diverged_at,
    })
}

fn write(path: &Path, text: &str) -> Result<(), AddTestError> {
    std::fs::write(path, text).map_err(|e| AddTestError::Write {
        path: path.display().to_string(),
        source: e,
    })
}

/// Facts as a knowledge base may hold them: no secrets, no personal data.
fn redacted(mut facts: BTreeMap<String, Fact>) -> BTreeMap<String, Fact> {
    scrub_facts(&mut facts);
    let mut r = Redactor::default();
    r.learn(&facts);
    r.learn_environment();
    r.redact_facts(&facts)
}

/// The scenario a session replays: its start, its answers, what the user said of remedies.
fn from_session(
    kb: &Arc<Kb>,
    saved: &SavedSession,
    opts: &AddTest,
    file_name: &str,
) -> Result<(Scenario, String), AddTestError> {
    let resumed = saved.resume(Arc::clone(kb))?;
    let steps = &saved.walk.steps;
    let first = steps.first().map(|s| s.node.clone()).unwrap_or_default();
    let system = saved
        .system
        .clone()
        .or_else(|| first.split('/').next().map(str::to_string))
        .filter(|s| kb.system(s).is_some())
        .unwrap_or_else(|| "general".into());
    let mut answers = BTreeMap::new();
    for w in steps.windows(2) {
        if let Via::Answer { .. } = w[1].via {
            answers.insert(w[0].node.clone(), Answer::Next(w[1].node.clone()));
        }
    }
    let mut remedy_outcomes = BTreeMap::new();
    for t in &saved.walk.tried {
        let o = match t.outcome {
            RemedyOutcome::NotHelped => Outcome::NotHelped,
            RemedyOutcome::Helped | RemedyOutcome::VerifyFailed => Outcome::Helped,
        };
        remedy_outcomes.insert(t.remedy.clone(), o);
    }
    // A walk saved while a question waited stops there: the test has no answer to give.
    let until = match resumed.session.need() {
        Need::Answer { node } if !answers.contains_key(&node) => Some(node),
        _ => None,
    };
    let root = kb.system(&system).map(|s| s.root.clone());
    let start = (Some(&first) != root.as_ref()).then_some(first);
    let when = saved
        .created
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    Ok((
        Scenario {
            name: opts.name.clone().unwrap_or_else(|| {
                format!("Field case from {file_name} ({when}): the walk goes the same way")
            }),
            start,
            system: None,
            facts: BTreeMap::new(),
            bundle: None,
            patch: BTreeMap::new(),
            answers,
            remedy_outcomes,
            until,
            expect: Expect {
                end: Some("open".into()),
                ..Expect::default()
            },
        },
        system,
    ))
}

fn slugify(s: &str) -> String {
    let s = s.trim_end_matches(".json");
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    let out: String = out.chars().take(48).collect();
    if out.is_empty() {
        "field-case".into()
    } else if out.starts_with("field") {
        out
    } else {
        format!("field-{out}")
    }
}

fn unique_slug(dir: &Path, base: &str) -> String {
    let taken =
        |s: &str| dir.join(format!("{s}.yaml")).exists() || dir.join(format!("{s}.json")).exists();
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| base.to_string())
}

fn strs(v: &[String]) -> Y {
    Y::Sequence(v.iter().map(|s| Y::String(s.clone())).collect())
}

fn to_yaml(kb: &Kb, sc: &Scenario, bundle: &str, system: &str, from: &str) -> String {
    let mut m = Mapping::new();
    let mut put = |k: &str, v: Y| {
        m.insert(Y::String(k.into()), v);
    };
    put("name", Y::String(sc.name.clone()));
    if let Some(s) = &sc.start {
        put("start", Y::String(s.clone()));
    }
    put("bundle", Y::String(bundle.into()));
    if !sc.answers.is_empty() {
        let mut a = Mapping::new();
        for (q, ans) in &sc.answers {
            let v = match ans {
                Answer::Next(n) => Y::String(n.clone()),
                Answer::Index(i) => Y::Number((*i as u64).into()),
            };
            a.insert(Y::String(q.clone()), v);
        }
        put("answers", Y::Mapping(a));
    }
    if !sc.remedy_outcomes.is_empty() {
        let mut a = Mapping::new();
        for (r, o) in &sc.remedy_outcomes {
            let v = match o {
                Outcome::Helped => "helped",
                Outcome::NotHelped => "not-helped",
            };
            a.insert(Y::String(r.clone()), Y::String(v.into()));
        }
        put("remedy_outcomes", Y::Mapping(a));
    }
    if let Some(u) = &sc.until {
        put("until", Y::String(u.clone()));
    }
    let x = &sc.expect;
    let mut e = Mapping::new();
    let mut ex = |k: &str, v: Y| {
        e.insert(Y::String(k.into()), v);
    };
    if let Some(c) = &x.cases {
        ex("cases", strs(c));
    }
    if let Some(r) = &x.remedy {
        ex("remedy", Y::String(r.clone()));
    }
    if let Some(q) = x.questions {
        ex("questions", Y::Number((q as u64).into()));
    }
    if let Some(v) = &x.visits {
        ex("visits", strs(v));
    }
    if let Some(end) = &x.end {
        ex("end", Y::String(end.clone()));
    }
    if let Some(f) = &x.findings {
        ex("findings", strs(f));
    }
    put("expect", Y::Mapping(e));
    let body = serde_yaml::to_string(&Y::Mapping(m)).unwrap_or_default();
    format!(
        "# Made by `tokenyar kb add-test` from {from} (system {system}, knowledge base {}).\n# The expectations are what the knowledge base concluded then; edit them if the case should end differently.\n{body}",
        kb.version
    )
}
