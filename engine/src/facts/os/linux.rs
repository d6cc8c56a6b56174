//! Linux: /etc/os-release, /proc, /sys and `systemctl show` for the services the KB names.

use serde_json::{Value, json};

use super::inventory::Service;
use super::system::System;
use crate::facts::Fact;

/// `x86_64` -> `x64` and so on, so every OS names architectures alike.
pub(crate) fn normalise_arch(raw: &str) -> String {
    match raw {
        "x86_64" | "amd64" => "x64".into(),
        "i386" | "i486" | "i586" | "i686" | "x86" => "x86".into(),
        "aarch64" | "arm64" => "arm64".into(),
        other => other.to_string(),
    }
}

fn os_release(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
    })
}

pub fn os(sys: &dyn System) -> Fact {
    let rel = sys
        .read_file("/etc/os-release")
        .or_else(|| sys.read_file("/usr/lib/os-release"))
        .unwrap_or_default();
    let trim = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Fact::Value(json!({
        "family": "linux",
        "version": os_release(&rel, "VERSION_ID"),
        "name": os_release(&rel, "PRETTY_NAME"),
        "kernel": trim(sys.read_file("/proc/sys/kernel/osrelease")),
        "arch": normalise_arch(std::env::consts::ARCH),
        "host_name": trim(sys.read_file("/proc/sys/kernel/hostname")).or_else(|| sys.env("HOSTNAME")),
        "user_name": sys.env("USER").or_else(|| sys.env("LOGNAME")).or_else(|| user_from_passwd(sys)),
    }))
}

/// The name of this process's user, from its uid and /etc/passwd.
fn user_from_passwd(sys: &dyn System) -> Option<String> {
    let status = sys.read_file("/proc/self/status")?;
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))?
        .split_whitespace()
        .next()?
        .to_string();
    sys.read_file("/etc/passwd")?.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2] == uid).then(|| f[0].to_string())
    })
}

pub fn processes(sys: &dyn System) -> Result<Vec<String>, String> {
    let pids: Vec<String> = sys
        .list_dir("/proc")
        .into_iter()
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    if pids.is_empty() {
        return Err("/proc lists no processes".into());
    }
    let mut names: Vec<String> = pids
        .iter()
        // Kernel threads have no command line; they are not programs.
        .filter(|p| {
            sys.read_file(&format!("/proc/{p}/cmdline"))
                .is_some_and(|c| !c.is_empty())
        })
        .filter_map(|p| sys.read_file(&format!("/proc/{p}/comm")))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Parses `systemctl show --property=Id,LoadState,SubState,Description UNIT...`: one block of
/// `Key=value` lines per unit, blocks apart by a blank line. A unit that does not exist
/// (`LoadState=not-found`) is left out.
pub(crate) fn parse_systemctl_show(text: &str) -> Vec<Service> {
    text.split("\n\n")
        .filter_map(|block| {
            let field = |key: &str| {
                block.lines().find_map(|l| {
                    let (k, v) = l.split_once('=')?;
                    (k == key).then(|| v.trim().to_string())
                })
            };
            if field("LoadState").as_deref() == Some("not-found") {
                return None;
            }
            let unit = field("Id")?;
            let name = unit.strip_suffix(".service").unwrap_or(&unit).to_string();
            let state = match field("SubState")?.as_str() {
                "dead" => "stopped".to_string(),
                other => other.to_string(),
            };
            Some(Service {
                name,
                display_name: field("Description").filter(|d| !d.is_empty()),
                state,
            })
        })
        .collect()
}

/// The named services' states: one `systemctl show` for all of them, never a whole listing.
pub fn services(sys: &dyn System, names: &[String]) -> Result<Vec<Service>, String> {
    let units: Vec<String> = names
        .iter()
        .map(|n| {
            if n.contains('.') {
                n.clone()
            } else {
                format!("{n}.service")
            }
        })
        .collect();
    let mut args = vec![
        "show",
        "--no-pager",
        "--property=Id,LoadState,SubState,Description",
        "--",
    ];
    args.extend(units.iter().map(String::as_str));
    let out = sys.run("systemctl", &args).map_err(|e| e.to_string())?;
    if !out.success() {
        let why = if out.stderr.trim().is_empty() {
            out.stdout.trim()
        } else {
            out.stderr.trim()
        };
        return Err(format!("systemctl cannot tell the services' states: {why}"));
    }
    Ok(parse_systemctl_show(&out.stdout))
}

pub fn usb(sys: &dyn System, root: &str) -> Fact {
    let base = format!("{root}/sys/bus/usb/devices");
    if !sys.exists(&base) {
        return Fact::Unknown(format!(
            "this system shows no USB bus ({base} is missing), so plugged-in tokens cannot be seen"
        ));
    }
    let read = |d: &str, f: &str| {
        sys.read_file(&format!("{base}/{d}/{f}"))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let devices: Vec<Value> = sys
        .list_dir(&base)
        .iter()
        .filter_map(|d| {
            let vid = read(d, "idVendor")?.to_lowercase();
            let pid = read(d, "idProduct")?.to_lowercase();
            Some(json!({
                "vid": vid, "pid": pid,
                "vendor": read(d, "manufacturer"),
                "product": read(d, "product"),
                "bus_path": d,
            }))
        })
        .collect();
    Fact::Value(json!({"devices": devices}))
}

/// Network interfaces that are up, with what marks a VPN: a tun/tap device, a WireGuard link,
/// or a name the KB lists.
pub(crate) fn interfaces(
    sys: &dyn System,
    root: &str,
) -> Result<Vec<(String, Option<String>)>, String> {
    let base = format!("{root}/sys/class/net");
    let names = sys.list_dir(&base);
    if names.is_empty() {
        return Err(format!("{base} lists no network interfaces"));
    }
    Ok(names
        .into_iter()
        .filter(|n| {
            // tun devices report "unknown" while carrying traffic.
            sys.read_file(&format!("{base}/{n}/operstate"))
                .is_some_and(|s| s.trim() != "down")
        })
        .map(|n| {
            let kind = if sys
                .read_file(&format!("{base}/{n}/uevent"))
                .is_some_and(|u| u.contains("DEVTYPE=wireguard"))
            {
                Some("wireguard".to_string())
            } else if sys.exists(&format!("{base}/{n}/tun_flags")) {
                Some("tun".to_string())
            } else {
                None
            };
            (n, kind)
        })
        .collect())
}

/// The proxy the environment configures (`https_proxy` and friends).
pub(crate) fn proxy_from_env(sys: &dyn System) -> Fact {
    let vars = [
        "https_proxy",
        "HTTPS_PROXY",
        "http_proxy",
        "HTTP_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ];
    let found = vars.iter().find_map(|v| sys.env(v).map(|s| (*v, s)));
    Fact::Value(match found {
        Some((var, server)) => json!({
            "enabled": true,
            "server": crate::facts::redact::strip_credentials(&server),
            "source": format!("environment ({var})"),
            "bypass": sys.env("no_proxy").or_else(|| sys.env("NO_PROXY")),
        }),
        None => json!({"enabled": false, "server": null, "source": "environment"}),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::os::system::{FakeSystem, Family};

    #[test]
    fn services_are_asked_by_name() {
        let out = crate::facts::os::exec::CmdOutput::ok(
            "Id=pcscd.service\nLoadState=loaded\nSubState=running\nDescription=PC/SC Smart Card Daemon\n\n\
                     Id=gone.service\nLoadState=not-found\nSubState=dead\nDescription=gone.service\n\n\
                     Id=cron.service\nLoadState=loaded\nSubState=dead\nDescription=\n",
        );
        let sys = FakeSystem::new(Family::Linux).command(
            "systemctl show --no-pager --property=Id,LoadState,SubState,Description -- pcscd.service gone.service cron.service",
            Ok(out),
        );
        let s = services(&sys, &["pcscd".into(), "gone".into(), "cron".into()]).unwrap();
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            (s[0].name.as_str(), s[0].state.as_str()),
            ("pcscd", "running")
        );
        assert_eq!(
            s[0].display_name.as_deref(),
            Some("PC/SC Smart Card Daemon")
        );
        assert_eq!(
            (s[1].name.as_str(), s[1].state.as_str()),
            ("cron", "stopped")
        );
        assert_eq!(s[1].display_name, None);
        // No listing of every service, ever.
        assert_eq!(sys.ran.lock().unwrap().len(), 1);
    }

    #[test]
    fn usb_devices_from_sysfs() {
        let sys = FakeSystem::new(Family::Linux)
            .file("/r/sys/bus/usb/devices/1-1/idVendor", "096e\n")
            .file("/r/sys/bus/usb/devices/1-1/idProduct", "0703\n")
            .file("/r/sys/bus/usb/devices/1-1/product", "ePass3003Auto\n")
            .file("/r/sys/bus/usb/devices/1-1:1.0/bInterfaceClass", "03\n")
            .file("/r/sys/bus/usb/devices/usb1/idVendor", "1d6b\n")
            .file("/r/sys/bus/usb/devices/usb1/idProduct", "0002\n");
        let Fact::Value(v) = usb(&sys, "/r") else {
            panic!()
        };
        let d = v["devices"].as_array().unwrap();
        assert_eq!(d.len(), 2, "{v}");
        assert_eq!(d[0]["vid"], "096e");
        assert_eq!(d[0]["product"], "ePass3003Auto");
        assert!(matches!(usb(&sys, "/nowhere"), Fact::Unknown(_)));
    }

    #[test]
    fn vpn_interfaces_from_sysfs() {
        let sys = FakeSystem::new(Family::Linux)
            .file("/sys/class/net/lo/operstate", "unknown")
            .file("/sys/class/net/eth0/operstate", "up")
            .file("/sys/class/net/tun0/operstate", "unknown")
            .file("/sys/class/net/tun0/tun_flags", "0x1001")
            .file("/sys/class/net/wg0/operstate", "unknown")
            .file(
                "/sys/class/net/wg0/uevent",
                "DEVTYPE=wireguard\nINTERFACE=wg0",
            )
            .file("/sys/class/net/tap1/operstate", "down")
            .file("/sys/class/net/tap1/tun_flags", "0x1002");
        let i = interfaces(&sys, "").unwrap();
        let kinds: Vec<(&str, Option<&str>)> =
            i.iter().map(|(n, k)| (n.as_str(), k.as_deref())).collect();
        assert_eq!(
            kinds,
            vec![
                ("eth0", None),
                ("lo", None),
                ("tun0", Some("tun")),
                ("wg0", Some("wireguard"))
            ]
        );
    }

    #[test]
    fn proxy_credentials_never_kept() {
        let sys =
            FakeSystem::new(Family::Linux).var("https_proxy", "http://ali:s3cret@10.0.0.1:3128");
        let Fact::Value(v) = proxy_from_env(&sys) else {
            panic!()
        };
        assert_eq!(v["enabled"], true);
        assert!(!v.to_string().contains("s3cret"), "{v}");
        assert!(v["server"].as_str().unwrap().ends_with("10.0.0.1:3128"));
    }
}
