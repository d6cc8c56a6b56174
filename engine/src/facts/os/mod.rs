//! Facts about the computer around the token: the OS, its calendar setting, installed programs,
//! processes, services, USB devices and Windows' UAC policy. Each collector runs standard
//! commands or reads files through [`System`] and parses what it gets in plain Rust, so every
//! platform's parsing is tested on any platform with recorded outputs.
//!
//! A fact that means nothing on this OS is [`Fact::NotApplicable`]; one that could not be read is
//! [`Fact::Unknown`] with the reason.

pub mod catalog;
pub mod exec;
pub mod linux;
pub mod macos;
pub mod software;
pub mod system;
pub mod win_api;
pub mod windows;

use std::time::Duration;

use serde_json::json;

use self::catalog::SoftwareCatalog;
use self::software::{Inventory, Service};
use self::system::{Family, RealSystem, System};
use super::Fact;
use super::live::{LiveFacts, LiveOptions};

/// Registers the providers of this module.
pub fn register(live: &mut LiveFacts) {
    live.register("os", |o| os(&real(o)));
    live.register("os.calendar", |o| calendar(&real(o)));
    live.register("software", |o| {
        software(&real(o), &SoftwareCatalog::from_kb_data(&o.kb_data))
    });
    live.register("processes", |o| processes(&real(o)));
    live.register("services", |o| services(&real(o)));
    live.register("usb", |o| usb(&real(o)));
    live.register("windows.uac", |o| uac(&real(o)));
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
