//! Synthetic knowledge bases for benchmarks and robustness tests: the shipped KB's meta files plus
//! generated systems of realistic shape (a root question, symptoms with messages and codes,
//! probes, remedies), optionally with deliberate mistakes of every checker rule.

use std::fmt::Write as _;

use tokenyar_engine::kb::Source;

/// Which mistakes to plant, one per group of nodes, so the checker must report them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistakes {
    None,
    Every,
}

/// What a planted mistake is expected to produce: the code, the file and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planted {
    pub code: &'static str,
    pub file: String,
    pub line: u32,
}

/// A KB of about `nodes` nodes over `systems` systems. Returns the source and, with
/// `Mistakes::Every`, where each mistake was planted.
pub fn generate(nodes: usize, mistakes: Mistakes) -> (Source, Vec<Planted>) {
    let base = Source::embedded();
    let mut files: Vec<(String, String)> = base
        .files
        .iter()
        .filter(|(p, _)| {
            matches!(
                p.as_str(),
                "scripts/cert/validity.rhai" | "kb/kb.yaml" | "kb/catalog.yaml" | "kb/tokens.yaml"
            )
        })
        .cloned()
        .collect();
    // A group is 10 nodes: a symptom, a probe, a question, 5 remedies and 2 infos.
    let groups = nodes.div_ceil(10).max(1);
    let per_system = 50;
    let systems = groups.div_ceil(per_system);
    let mut systems_yaml = String::from("systems:\n");
    let mut planted = Vec::new();
    for s in 0..systems {
        let sys = format!("s{s}");
        let sfa = tokenyar_engine::text::persian_digits(&s.to_string());
        let _ = write!(
            systems_yaml,
            "  - id: {sys}\n    name: {{fa: \"سامانه‌ی {sfa}\", en: \"System {s}\"}}\n    root: {sys}/root\n"
        );
        let first = s * per_system;
        let last = ((s + 1) * per_system).min(groups);
        let path = format!("kb/{sys}/nodes.yaml");
        let mut y = String::new();
        let mut line: u32 = 1;
        let push = |y: &mut String, text: &str, line: &mut u32| {
            y.push_str(text);
            *line += text.matches('\n').count() as u32;
        };
        let mut root = format!(
            "- id: {sys}/root\n  kind: question\n  title: {{fa: \"ریشه\", en: Root}}\n  text: {{fa: \"کدام؟\", en: Which?}}\n  choices:\n"
        );
        for g in first..last {
            let gfa = tokenyar_engine::text::persian_digits(&g.to_string());
            let _ = write!(
                root,
                "    - text: {{fa: \"مورد {gfa}\", en: \"Case {g}\"}}\n      next: {sys}/g{g}/q\n"
            );
        }
        push(&mut y, &root, &mut line);
        for g in first..last {
            let gfa = tokenyar_engine::text::persian_digits(&g.to_string());
            let id = format!("{sys}/g{g}");
            let mistake = if mistakes == Mistakes::Every {
                g % 12
            } else {
                usize::MAX
            };
            let plant = |planted: &mut Vec<Planted>, code: &'static str, at: u32| {
                planted.push(Planted {
                    code,
                    file: path.clone(),
                    line: at,
                })
            };
            let start = line;
            // symptom (line start)
            let next_q = if mistake == 0 {
                format!("{id}/qq")
            } else {
                format!("{id}/q")
            };
            if mistake == 0 {
                plant(&mut planted, "E004", start + 6);
            }
            let fa_title = if mistake == 1 {
                String::new()
            } else {
                format!("fa: \"نشانه‌ی {gfa}\", ")
            };
            if mistake == 1 {
                plant(&mut planted, "E006", start + 3);
            }
            push(
                &mut y,
                &format!(
                    "- id: {id}\n  kind: symptom\n  case: general/cert-expired\n  title: {{{fa_title}en: \"Symptom {g}\"}}\n  messages: [\"خطای {g} در امضا\", \"error {g} while signing\"]\n  codes: [\"{g}\"]\n  next: {next_q}\n  check: {id}/p\n"
                ),
                &mut line,
            );
            // probe
            let script = if mistake == 2 {
                "cert/nonexistent.rhai"
            } else {
                "cert/validity.rhai"
            };
            if mistake == 2 {
                plant(&mut planted, "E008", line + 3);
            }
            push(
                &mut y,
                &format!(
                    "- id: {id}/p\n  kind: probe\n  title: {{fa: \"بررسی\", en: Check}}\n  script: {script}\n  outcomes: {{ok: {id}/i1, fail: {id}/r1}}\n"
                ),
                &mut line,
            );
            // question
            let extra = if mistake == 3 { "  colour: blue\n" } else { "" };
            if mistake == 3 {
                plant(&mut planted, "E002", line + 3);
            }
            push(
                &mut y,
                &format!(
                    "- id: {id}/q\n  kind: question\n  title: {{fa: \"پرسش\", en: Question}}\n{extra}  text: {{fa: \"کدام؟\", en: Which?}}\n  choices:\n    - text: {{fa: \"الف\", en: A}}\n      next: {id}/p\n    - text: {{fa: \"ب\", en: B}}\n      next: {id}/r2\n"
                ),
                &mut line,
            );
            // remedies r1..r5 (r5 escalates)
            for r in 1..=5 {
                let rfa = tokenyar_engine::text::persian_digits(&r.to_string());
                let tail = if r < 5 {
                    format!("  unresolved: {id}/r{}\n", r + 1)
                } else if mistake == 4 {
                    String::new()
                } else {
                    "  escalate: {contact: {fa: \"پشتیبانی\", en: support}}\n".to_string()
                };
                if r == 5 && mistake == 4 {
                    plant(&mut planted, "E010", line);
                }
                let dup = if r == 3 && mistake == 5 {
                    format!("{id}/r2")
                } else {
                    format!("{id}/r{r}")
                };
                if r == 3 && mistake == 5 {
                    plant(&mut planted, "E003", line);
                }
                push(
                    &mut y,
                    &format!(
                        "- id: {dup}\n  kind: remedy\n  case: general/cert-expired\n  title: {{fa: \"درمان {rfa}\", en: \"Remedy {r}\"}}\n  steps:\n    - {{fa: \"گام\", en: Step}}\n  verify: {id}/p\n{tail}"
                    ),
                    &mut line,
                );
            }
            // infos: i1 ends; i2 is unreachable when planted
            push(
                &mut y,
                &format!("- id: {id}/i1\n  kind: info\n  title: {{fa: \"درست است\", en: Fine}}\n"),
                &mut line,
            );
            if mistake == 6 {
                plant(&mut planted, "W001", line);
                push(
                    &mut y,
                    &format!(
                        "- id: {id}/orphan\n  kind: info\n  title: {{fa: \"تنها\", en: Alone}}\n"
                    ),
                    &mut line,
                );
            }
            if mistake == 7 {
                plant(&mut planted, "E012", line + 2);
                push(
                    &mut y,
                    &format!(
                        "- id: {id}/i2\n  kind: info\n  case: nowhere/unknown-case\n  title: {{fa: \"الف\", en: A}}\n"
                    ),
                    &mut line,
                );
                // reachable through nothing: also unreachable
                plant(&mut planted, "W001", line - 4);
            }
            if mistake == 8 {
                plant(&mut planted, "E009", line);
                push(
                    &mut y,
                    &format!(
                        "- id: {id}/loop-a\n  kind: question\n  title: {{fa: \"حلقه\", en: Loop}}\n  text: {{fa: \"؟\", en: \"?\"}}\n  choices:\n    - text: {{fa: \"ب\", en: B}}\n      next: {id}/loop-b\n- id: {id}/loop-b\n  kind: info\n  title: {{fa: \"حلقه\", en: Loop}}\n  next: {id}/loop-a\n"
                    ),
                    &mut line,
                );
                // The loop is entered from nowhere: both nodes are unreachable too.
                plant(&mut planted, "W001", line - 11);
                plant(&mut planted, "W001", line - 4);
            }
            if mistake == 9 {
                plant(&mut planted, "E005", line + 3);
                push(
                    &mut y,
                    &format!(
                        "- id: {id}/wrong-check\n  kind: symptom\n  title: {{fa: \"الف\", en: A}}\n  check: {id}/i1\n"
                    ),
                    &mut line,
                );
            }
            if mistake == 10 {
                plant(&mut planted, "E011", line);
                push(
                    &mut y,
                    &format!("- id: Bad_Id/{g}\n  kind: info\n  title: {{fa: \"الف\", en: A}}\n"),
                    &mut line,
                );
                plant(&mut planted, "W001", line - 3);
            }
        }
        if mistakes == Mistakes::Every && s == 0 {
            files.push((
                format!("kb/{sys}/broken.yaml"),
                "- id: s0/x\n  kind: info\n  title: {fa: a, en: b\n".into(),
            ));
            planted.push(Planted {
                code: "E001",
                file: format!("kb/{sys}/broken.yaml"),
                line: 4,
            });
        }
        files.push((path, y));
    }
    files.push(("kb/systems.yaml".into(), systems_yaml));
    if mistakes == Mistakes::Every {
        files.push(("scripts/broken/syntax.rhai".into(), "let = ;\n".into()));
        planted.push(Planted {
            code: "E007",
            file: "scripts/broken/syntax.rhai".into(),
            line: 1,
        });
    }
    files.sort();
    (
        Source {
            files,
            origin: format!("synthetic ({nodes} nodes)"),
        },
        planted,
    )
}
