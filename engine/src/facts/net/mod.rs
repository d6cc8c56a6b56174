//! Network facts: loopback checks of local services (Dastine), the VPN adapters and proxy the
//! computer uses, and the clock's offset from a time server (the only remote contact, skipped
//! with `--offline`).

pub mod dastine;
pub mod time;

use serde_json::{Value, json};

use super::Fact;
use super::os::system::{Family, System};
use super::os::{budget, linux, macos, real, windows};
use super::provider::{LiveOptions, Provider};
use crate::model::software::{SoftwareCatalog, regex_ci};

/// The facts this area reads.
pub(crate) fn providers() -> Vec<Provider> {
    vec![
        Provider::new("clock.skew", |o: &LiveOptions| {
            if o.offline {
                return Fact::Unknown(
                    "offline: the clock was not compared with a time server (--offline)".into(),
                );
            }
            match &o.software.time_check {
                Some(t) if !t.sources.is_empty() => time::skew(&t.sources, budget(o.deadline)),
                _ => Fact::Unknown("the knowledge base names no time server".into()),
            }
        }),
        Provider::new("net.dastine", |o: &LiveOptions| match &o.software.dastine {
            Some(conf) => dastine::check(conf, budget(o.deadline)),
            None => Fact::Unknown("the knowledge base does not say how to reach Dastine".into()),
        }),
        Provider::new("net.vpn", |o: &LiveOptions| vpn(&real(o), &o.software)),
        Provider::new("net.proxy", |o: &LiveOptions| proxy(&real(o))),
    ]
}

/// Active VPN connections: `{active: [{name, kind}]}`.
pub fn vpn(sys: &dyn System, catalog: &SoftwareCatalog) -> Fact {
    let conf = catalog.vpn.clone().unwrap_or_default();
    let matcher = |pats: &[String], text: &str| -> Option<String> {
        pats.iter()
            .filter_map(|p| regex_ci(p))
            .find_map(|re| re.find(text).map(|m| m.as_str().to_string()))
    };
    match sys.family() {
        Family::Windows => match windows::connected_adapters(sys) {
            Ok(adapters) => {
                let active: Vec<Value> = adapters
                    .into_iter()
                    .filter_map(|a| {
                        matcher(&conf.windows, &a.description)
                            .or_else(|| matcher(&conf.windows, &a.name))
                            .map(|_| {
                                let name = if a.name.is_empty() {
                                    a.description.clone()
                                } else {
                                    a.name
                                };
                                json!({"name": name, "kind": a.description})
                            })
                    })
                    .collect();
                Fact::Value(json!({"active": active}))
            }
            Err(e) => Fact::Unknown(e),
        },
        Family::Linux => match linux::interfaces(sys, "") {
            Ok(ifs) => {
                let active: Vec<Value> = ifs
                    .into_iter()
                    .filter(|(n, _)| n != "lo")
                    .filter_map(|(n, kind)| {
                        let kind =
                            kind.or_else(|| matcher(&conf.linux, &n).map(|_| "vpn".into()))?;
                        Some(json!({"name": n, "kind": kind}))
                    })
                    .collect();
                Fact::Value(json!({"active": active}))
            }
            Err(e) => Fact::Unknown(e),
        },
        // macOS keeps system tunnels (utun) up at all times, so interface names prove nothing.
        Family::Macos => Fact::Unknown("VPN connections are not read on macOS yet".into()),
        Family::Other => {
            Fact::NotApplicable(format!("VPNs are not read on {}", sys.family().name()))
        }
    }
}

/// The configured proxy: `{enabled, server}` (never with credentials).
pub fn proxy(sys: &dyn System) -> Fact {
    match sys.family() {
        Family::Windows => windows::proxy(sys),
        Family::Linux => linux::proxy_from_env(sys),
        Family::Macos => macos::proxy(sys),
        Family::Other => {
            Fact::NotApplicable(format!("proxies are not read on {}", sys.family().name()))
        }
    }
}
