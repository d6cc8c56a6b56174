//! Facts about the computer around the token: the OS, its calendar setting, installed programs,
//! processes, services, USB devices and Windows' UAC policy. Each collector runs standard
//! commands or reads files through [`System`] and parses what it gets in plain Rust, so every
//! platform's parsing is tested on any platform with recorded outputs.
//!
//! A fact that means nothing on this OS is [`Fact::NotApplicable`]; one that could not be read is
//! [`Fact::Unknown`] with the reason.

pub mod exec;
pub(crate) mod inventory;
pub(crate) mod linux;
pub(crate) mod macos;
pub(crate) mod registry;
pub mod session;
pub mod software;
pub mod system;
// Its readers run only on Windows; elsewhere only its tests call the conversions they share.
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) mod win_api;
pub(crate) mod windows;

use std::time::Duration;

use serde_json::json;

use self::software::{Inventory, Service};
use self::system::{Family, RealSystem, System};
use super::Fact;
use super::provider::{LiveOptions, Provider};
use crate::model::SoftwareCatalog;

/// The facts this area reads.
pub(crate) fn providers() -> Vec<Provider> {
    vec![
        Provider::new("clock", |_| clock()),
        Provider::new("os", |o| os(&real(o))),
        Provider::new("os.calendar", |o| calendar(&real(o))),
        Provider::new("os.session", |o| session::session(&real(o))),
        Provider::new("software", |o| software(&real(o), &o.software)),
        Provider::new("processes", |o| processes(&real(o))),
        Provider::new("services", |o| services(&real(o), &o.software)),
        Provider::new("usb", |o| usb(&real(o))),
        Provider::new("windows.uac", |o| uac(&real(o))),
    ]
}

/// The local clock. The offset from a trusted time source is a separate fact (`clock.skew`).
pub fn clock() -> Fact {
    let now = chrono::Local::now();
    Fact::Value(serde_json::json!({
        "now": now.to_rfc3339(),
        "utc_offset_minutes": now.offset().local_minus_utc() / 60,
        "tz": if cfg!(windows) {
            read_timezone_name()
        } else {
            std::env::var("TZ").ok().or_else(read_timezone_name)
        },
    }))
}

/// Windows keeps the zone in the registry; whatever TZ says, chrono's local time there comes from
/// Windows' own setting, so the name must too.
#[cfg(windows)]
fn read_timezone_name() -> Option<String> {
    win_api::time_zone_name()
}

#[cfg(not(windows))]
fn read_timezone_name() -> Option<String> {
    if let Ok(s) = std::fs::read_to_string("/etc/timezone") {
        return Some(s.trim().to_string());
    }
    std::fs::read_link("/etc/localtime").ok().and_then(|p| {
        let s = p.to_string_lossy().to_string();
        s.split("zoneinfo/").nth(1).map(str::to_string)
    })
}

/// This machine, with commands bounded to most of the provider's deadline.
pub fn real(o: &LiveOptions) -> RealSystem {
    RealSystem::with_budget(budget(o.deadline))
}

/// What a provider lets its own work take: enough below its deadline that commands are killed
/// (and reported) before the provider itself is abandoned.
pub fn budget(deadline: Duration) -> Duration {
    deadline.mul_f64(0.8)
}

fn not_applicable(what: &str, sys: &dyn System) -> Fact {
    Fact::NotApplicable(format!("{what} is not read on {}", sys.family().name()))
}

pub fn os(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows::os(sys),
        Family::Linux => linux::os(sys),
        Family::Macos => macos::os(sys),
        Family::Other => Fact::Value(json!({
            "family": sys.family().name(),
            "version": null,
            "arch": linux::normalise_arch(std::env::consts::ARCH),
        })),
    }
}

pub fn calendar(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows::calendar(sys),
        Family::Macos => macos::calendar(sys),
        _ => Fact::NotApplicable(format!(
            "{} has no system-wide calendar setting",
            sys.family().name()
        )),
    }
}

pub fn uac(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows::uac(sys),
        _ => Fact::NotApplicable("User Account Control exists only on Windows".into()),
    }
}

fn process_list(sys: &dyn System) -> Result<Vec<String>, String> {
    if let Some(names) = sys.process_names() {
        return names;
    }
    match sys.family() {
        Family::Windows => windows::processes(sys),
        Family::Linux => linux::processes(sys),
        Family::Macos => macos::processes(sys),
        Family::Other => Err(format!("processes are not read on {}", sys.family().name())),
    }
}

/// The states of the named services only: a whole listing costs a process that enumerates
/// every service (and on Windows, one `sc` per call anyway). A service that does not exist is
/// left out.
fn service_list(sys: &dyn System, names: &[String]) -> Result<Vec<Service>, String> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(states) = sys.service_states(names) {
        return states;
    }
    match sys.family() {
        Family::Windows => {
            let mut found = Vec::new();
            for n in names {
                let out = sys
                    .run("sc", &["query", n])
                    .map_err(|e| format!("`sc query {n}` could not run: {e}"))?;
                // `sc` fails for a service that does not exist (error 1060): not installed.
                if out.success() {
                    found.extend(
                        windows::parse_sc_query(&out.stdout)
                            .into_iter()
                            .find(|s| s.name.eq_ignore_ascii_case(n)),
                    );
                }
            }
            Ok(found)
        }
        Family::Linux => linux::services(sys, names),
        Family::Macos => Ok(macos::services(sys)?
            .into_iter()
            .filter(|s| names.iter().any(|n| n.eq_ignore_ascii_case(&s.name)))
            .collect()),
        Family::Other => Err(format!("services are not read on {}", sys.family().name())),
    }
}

pub fn processes(sys: &dyn System) -> Fact {
    if sys.family() == Family::Other {
        return not_applicable("the process list", sys);
    }
    match process_list(sys) {
        Ok(names) => Fact::Value(json!({"names": names})),
        Err(e) => Fact::Unknown(e),
    }
}

/// The services the knowledge base names on this OS, with their states (`named` lists what was
/// asked, so a missing one reads as "not installed", not "not looked for").
pub fn services(sys: &dyn System, catalog: &SoftwareCatalog) -> Fact {
    if sys.family() == Family::Other {
        return not_applicable("the service list", sys);
    }
    let names = catalog.service_names(sys.family().name());
    match service_list(sys, &names) {
        Ok(items) => Fact::Value(json!({"items": items, "named": names})),
        Err(e) => Fact::Unknown(e),
    }
}

pub fn usb(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows::usb(sys),
        Family::Linux => linux::usb(sys, ""),
        Family::Macos => macos::usb(sys),
        Family::Other => not_applicable("USB", sys),
    }
}

/// Everything `software` matches against, read in parallel (each part under the deadline), and
/// only the parts the catalogue's recognisers for this OS use: on Linux it names no processes
/// or services, and neither is then read.
pub(crate) fn inventory(sys: &dyn System, catalog: &SoftwareCatalog) -> Inventory {
    let family = sys.family();
    let recognisers: Vec<_> = catalog
        .programs
        .iter()
        .filter_map(|p| p.on(family.name()))
        .collect();
    let wants_uninstall =
        family == Family::Windows && recognisers.iter().any(|r| !r.uninstall.is_empty());
    let wants_processes = recognisers.iter().any(|r| !r.processes.is_empty());
    let service_names = catalog.service_names(family.name());
    let arch = match os(sys) {
        Fact::Value(v) => v["arch"].as_str().unwrap_or("unknown").to_string(),
        _ => "unknown".into(),
    };
    std::thread::scope(|s| {
        let uninstall = s.spawn(|| {
            if wants_uninstall {
                windows::uninstall_entries(sys, &arch)
            } else {
                (Vec::new(), Vec::new())
            }
        });
        let procs = s.spawn(|| wants_processes.then(|| process_list(sys)));
        let servs = s.spawn(|| service_list(sys, &service_names));
        let (uninstall, mut problems) = uninstall
            .join()
            .unwrap_or_else(|_| (Vec::new(), vec!["reading the program list crashed".into()]));
        let processes = procs
            .join()
            .unwrap_or_else(|_| Some(Err("reading processes crashed".into())))
            .and_then(|r| r.map_err(|e| problems.push(e)).ok());
        let services = servs
            .join()
            .unwrap_or_else(|_| Err("reading services crashed".into()))
            .map_err(|e| problems.push(e))
            .ok();
        Inventory {
            uninstall,
            processes,
            services,
            problems,
        }
    })
}

pub fn software(sys: &dyn System, catalog: &SoftwareCatalog) -> Fact {
    if catalog.programs.is_empty() {
        return Fact::Unknown("the knowledge base lists no programs to look for".into());
    }
    if sys.family() == Family::Other {
        return not_applicable("installed software", sys);
    }
    software::software_fact(sys, catalog, &inventory(sys, catalog))
}
