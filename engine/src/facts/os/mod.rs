//! Facts about the computer around the token: the OS, its calendar setting, installed programs,
//! processes, services, USB devices and Windows' UAC policy. Each collector runs standard
//! commands or reads files through [`System`] and parses what it gets in plain Rust, so every
//! platform's parsing is tested on any platform with recorded outputs.
//!
//! A fact that means nothing on this OS is [`Fact::NotApplicable`]; one that could not be read is
//! [`Fact::Unknown`] with the reason.

pub mod exec;
pub mod inventory;
pub mod linux;
pub mod macos;
pub mod registry;
pub mod software;
pub mod system;
pub mod win_api;
pub mod windows;

use std::time::Duration;

use serde_json::json;

use self::software::{Inventory, Service};
use self::system::{Family, RealSystem, System};
use super::Fact;
use super::provider::{LiveOptions, Provider};
use crate::model::SoftwareCatalog;

/// The facts this area reads.
pub fn providers() -> Vec<Provider> {
    vec![
        Provider::new("clock", |_| clock()),
        Provider::new("os", |o| os(&real(o))),
        Provider::new("os.calendar", |o| calendar(&real(o))),
        Provider::new("software", |o| software(&real(o), &o.software)),
        Provider::new("processes", |o| processes(&real(o))),
        Provider::new("services", |o| services(&real(o))),
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
    match sys.family() {
        Family::Windows => windows::processes(sys),
        Family::Linux => linux::processes(sys),
        Family::Macos => macos::processes(sys),
        Family::Other => Err(format!("processes are not read on {}", sys.family().name())),
    }
}

fn service_list(sys: &dyn System) -> Result<Vec<Service>, String> {
    match sys.family() {
        Family::Windows => windows::services(sys),
        Family::Linux => linux::services(sys),
        Family::Macos => macos::services(sys),
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

pub fn services(sys: &dyn System) -> Fact {
    if sys.family() == Family::Other {
        return not_applicable("the service list", sys);
    }
    match service_list(sys) {
        Ok(items) => Fact::Value(json!({"items": items})),
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

/// Everything `software` matches against, read in parallel (each part under the deadline).
pub fn inventory(sys: &dyn System) -> Inventory {
    let arch = match os(sys) {
        Fact::Value(v) => v["arch"].as_str().unwrap_or("unknown").to_string(),
        _ => "unknown".into(),
    };
    std::thread::scope(|s| {
        let uninstall = s.spawn(|| {
            if sys.family() == Family::Windows {
                windows::uninstall_entries(sys, &arch)
            } else {
                (Vec::new(), Vec::new())
            }
        });
        let procs = s.spawn(|| process_list(sys));
        let servs = s.spawn(|| service_list(sys));
        let (uninstall, mut problems) = uninstall
            .join()
            .unwrap_or_else(|_| (Vec::new(), vec!["reading the program list crashed".into()]));
        let processes = procs
            .join()
            .unwrap_or_else(|_| Err("reading processes crashed".into()))
            .map_err(|e| problems.push(e))
            .ok();
        let services = servs
            .join()
            .unwrap_or_else(|_| Err("reading services crashed".into()))
            .map_err(|e| problems.push(e))
            .ok();
        Inventory {
            uninstall,
            processes,
            services,
            arch: arch.clone(),
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
    software::software_fact(sys, catalog, &inventory(sys))
}
