//! The engine's floors point one way (ARCHITECTURE.md, "Layers"): a module names only modules on
//! its own floor or below, so there is no import circle. Read from the source, outside test
//! code, so a new arrow up fails here with the file that draws it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Each top-level module of the engine and its floor, bottom first.
const FLOORS: &[(&str, u8)] = &[
    ("text", 0),
    ("versioned", 0),
    ("files", 0),
    ("model", 1),
    ("calendar", 1),
    ("i18n", 1),
    ("facts", 2),
    ("probe", 3),
    ("kb", 4),
    ("lookup", 5),
    ("infer", 5),
    ("report", 6),
    ("authoring", 7),
];

fn floor(module: &str) -> Option<u8> {
    FLOORS.iter().find(|(m, _)| *m == module).map(|(_, f)| *f)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's source without its test code (`#[cfg(test)]` to the end, which is where this
/// crate keeps its unit tests) and without comments.
fn production_code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| l.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// (file, module it is in, modules it names through `crate::`).
fn arrows() -> Vec<(String, String, Vec<String>)> {
    let re = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut out = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("tests.rs") || rel == "lib.rs" {
            continue;
        }
        let module = rel.split(['/', '.']).next().unwrap().to_string();
        let code = production_code(&std::fs::read_to_string(&f).unwrap());
        let mut names: Vec<String> = re
            .captures_iter(&code)
            .map(|c| c[1].to_string())
            .filter(|m| *m != module)
            .collect();
        names.sort();
        names.dedup();
        out.push((rel, module, names));
    }
    out
}

#[test]
fn every_module_has_a_floor() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    for f in files {
        let rel = f
            .strip_prefix(src())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "lib.rs" {
            continue;
        }
        let module = rel.split(['/', '.']).next().unwrap();
        assert!(
            floor(module).is_some(),
            "{rel}: module `{module}` has no floor in FLOORS"
        );
    }
}

#[test]
fn no_module_names_a_floor_above_its_own() {
    let mut up = Vec::new();
    for (file, module, names) in arrows() {
        let own = floor(&module).unwrap();
        for n in names {
            match floor(&n) {
                Some(f) if f > own => {
                    up.push(format!("{file} ({module}, floor {own}) -> {n} (floor {f})"))
                }
                _ => {}
            }
        }
    }
    assert!(up.is_empty(), "arrows up:\n{}", up.join("\n"));
}

#[test]
fn modules_on_one_floor_do_not_name_each_other_in_a_circle() {
    let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, module, names) in arrows() {
        edges.entry(module).or_default().extend(names);
    }
    for (a, to) in &edges {
        for b in to {
            let back = edges.get(b).is_some_and(|t| t.contains(a));
            assert!(!back, "`{a}` and `{b}` name each other");
        }
    }
}

/// Inside `facts`: the areas (os, net, token) never name the registry that composes them, and
/// the platform-neutral software matcher never names one platform's collector.
#[test]
fn fact_providers_do_not_know_their_registry() {
    let dir = src().join("facts");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    for f in files {
        let rel = f
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let code = production_code(&std::fs::read_to_string(&f).unwrap());
        if ["os/", "net/", "token/"].iter().any(|a| rel.starts_with(a)) {
            assert!(!code.contains("live::"), "facts/{rel} names `live`");
        }
        if rel == "os/software.rs" {
            assert!(
                !code.contains("windows::"),
                "facts/{rel} names the Windows collector"
            );
        }
    }
}

#[test]
fn the_knowledge_base_loader_never_runs_inference() {
    let dir = src().join("kb");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    for f in files {
        let code = production_code(&std::fs::read_to_string(&f).unwrap());
        for above in ["infer", "report", "lookup", "authoring"] {
            assert!(
                !code.contains(&format!("crate::{above}")),
                "{} imports {above}",
                f.display()
            );
        }
    }
}
