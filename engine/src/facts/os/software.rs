//! The `software` fact: which of the knowledge base's programs are installed, in which version
//! and architecture, and whether they run. What to look for is `kb/software.yaml`; this module
//! only matches it against what a platform collector found.

use serde_json::{Map, Value, json};

pub(crate) use super::inventory::{Inventory, Service};
use super::system::{Family, System, glob};
use crate::facts::Fact;
use crate::model::software::{Program, Recognise, SoftwareCatalog, regex_ci};

/// One place a program was found.
#[derive(Debug, Clone)]
struct Instance {
    version: Option<String>,
    arch: Option<String>,
    install_date: Option<String>,
    evidence: String,
}

fn recogniser(p: &Program, family: Family) -> Option<&Recognise> {
    match family {
        Family::Windows => p.windows.as_ref(),
        Family::Linux => p.linux.as_ref(),
        Family::Macos => p.macos.as_ref(),
        Family::Other => None,
    }
}

/// Builds the `software` fact. Programs the KB has no way to recognise on this OS are left out,
/// so probes say "cannot tell" rather than "not installed".
pub(crate) fn software_fact(sys: &dyn System, catalog: &SoftwareCatalog, inv: &Inventory) -> Fact {
    let family = sys.family();
    let mut items = Map::new();
    for p in &catalog.programs {
        let Some(r) = recogniser(p, family) else {
            continue;
        };
        items.insert(p.id.clone(), item(sys, p, r, inv));
    }
    let mut v = json!({"items": items});
    if !inv.problems.is_empty() {
        v["problems"] = json!(inv.problems);
    }
    Fact::Value(v)
}

fn item(sys: &dyn System, p: &Program, r: &Recognise, inv: &Inventory) -> Value {
    let mut found: Vec<Instance> = Vec::new();
    for pat in &r.uninstall {
        let Some(re) = regex_ci(pat) else { continue };
        for e in &inv.uninstall {
            let Some(caps) = re.captures(&e.name) else {
                continue;
            };
            let version = caps
                .name("version")
                .map(|m| m.as_str().to_string())
                .or_else(|| e.version.clone());
            found.push(Instance {
                version,
                arch: e.arch.clone(),
                install_date: e.install_date.clone(),
                evidence: format!(
                    "uninstall entry \"{}\"{} ({})",
                    e.name,
                    e.version
                        .as_ref()
                        .map(|v| format!(" {v}"))
                        .unwrap_or_default(),
                    e.key
                ),
            });
        }
    }
    for rv in &r.registry {
        if let Ok(Some(k)) = super::registry::reg_key(sys, &rv.key)
            && let Some(v) = k.get(&rv.value)
        {
            found.push(Instance {
                version: rv.version.then(|| v.data.clone()).filter(|s| !s.is_empty()),
                arch: None,
                install_date: None,
                evidence: format!("registry {}\\{} = {}", rv.key, rv.value, v.data),
            });
        }
    }
    let mut seen_files = std::collections::BTreeSet::new();
    for pat in &r.files {
        for path in glob(sys, pat) {
            // Two patterns may name one file (an exact name and a wildcard), or a link another.
            if !seen_files.insert(sys.canonical(&path).to_lowercase()) {
                continue;
            }
            found.push(Instance {
                version: None,
                arch: None,
                install_date: sys.modified(&path),
                evidence: format!("file {path}"),
            });
        }
    }
    for vf in &r.version_files {
        for path in glob(sys, &vf.path) {
            if !seen_files.insert(sys.canonical(&path).to_lowercase()) {
                continue;
            }
            let Some(version) = sys
                .read_file(&path)
                .and_then(|text| release_value(&text, &vf.key))
            else {
                continue;
            };
            found.push(Instance {
                version: Some(version),
                arch: None,
                install_date: sys.modified(&path),
                evidence: format!("file {path} ({})", vf.key),
            });
        }
    }
    let best = found
        .iter()
        .filter(|i| i.version.is_some())
        .max_by(|a, b| {
            version_order(
                a.version.as_deref().unwrap_or_default(),
                b.version.as_deref().unwrap_or_default(),
            )
        })
        .or(found.first());
    let running_process = (!r.processes.is_empty())
        .then(|| {
            inv.processes.as_ref().map(|ps| {
                r.processes
                    .iter()
                    .any(|want| ps.iter().any(|p| p.eq_ignore_ascii_case(want)))
            })
        })
        .flatten();
    let service = r.services.iter().find_map(|want| {
        inv.services
            .as_ref()?
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(want))
    });
    let service_state = service.map(|s| s.state.clone());
    let running = match (running_process, &service_state) {
        (Some(true), _) => Some(true),
        (_, Some(s)) if s == "running" => Some(true),
        (Some(false), _) => Some(false),
        (None, Some(_)) => Some(false),
        (None, None) => None,
    };
    let mut evidence: Vec<String> = found.iter().map(|i| i.evidence.clone()).collect();
    if let Some(s) = service {
        evidence.push(format!("service {} is {}", s.name, s.state));
    }
    json!({
        "installed": !found.is_empty(),
        "version": best.and_then(|b| b.version.clone()),
        "arch": best.and_then(|b| b.arch.clone()),
        "install_date": found.iter().filter_map(|i| i.install_date.clone()).max(),
        "category": p.category,
        "running": running,
        "service_state": service_state,
        "instances": found.len(),
        "evidence": evidence,
    })
}

/// The value of `key` in a `KEY="value"` file (a Java `release` file, an os-release): the last
/// assignment wins, as when a shell reads it; an empty value is none.
pub(crate) fn release_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().trim_matches(['"', '\'']).to_string())
        })
        .next_back()
        .filter(|v| !v.is_empty())
}

pub use crate::text::version_order;
