//! Windows: the registry (through [`System::registry`]: the Windows API on Windows, `reg query`
//! on recorded machines), USB devices (the registry's `Enum\USB`), network adapters (through
//! [`System::network_adapters`]), the standard commands recorded machines answer (`tasklist`,
//! `sc query`) and the parsing of what they print. Nothing here is
//! `cfg(windows)`: it compiles and is tested everywhere against recorded outputs through
//! [`System`]. A command that prints nothing is "cannot tell", never an empty list: a running
//! Windows always has processes and services, and a blocked or stub PowerShell exits 0 silently.

use serde_json::{Value, json};

use super::inventory::{Service, UninstallEntry};
use super::registry::first_words;
use super::registry::{RegKey, reg_key};
pub use super::system::Adapter;
use super::system::System;
use crate::facts::Fact;

/// Parses `tasklist /FO CSV /NH`: one quoted CSV row per process, the image name first.
pub(crate) fn parse_tasklist(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter_map(|l| csv_fields(l.trim()).into_iter().next())
        .filter(|n| !n.is_empty() && n.contains('.'))
        .collect();
    names.sort_by_key(|n| n.to_lowercase());
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    if !line.is_empty() {
        out.push(cur);
    }
    out
}

/// Parses `sc query type= service state= all`. The state is read from its number, which every
/// language of Windows prints the same way.
pub(crate) fn parse_sc_query(text: &str) -> Vec<Service> {
    let mut out: Vec<Service> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("SERVICE_NAME:") {
            out.push(Service {
                name: name.trim().to_string(),
                display_name: None,
                state: "unknown".into(),
            });
        } else if let Some(d) = t.strip_prefix("DISPLAY_NAME:") {
            if let Some(s) = out.last_mut() {
                s.display_name = Some(d.trim().to_string());
            }
        } else if t.starts_with("STATE")
            && let Some((_, v)) = t.split_once(':')
            && let Some(s) = out.last_mut()
        {
            let code = v.split_whitespace().next().unwrap_or_default();
            s.state = match code {
                "1" => "stopped",
                "2" => "start-pending",
                "3" => "stop-pending",
                "4" => "running",
                "5" => "continue-pending",
                "6" => "pause-pending",
                "7" => "paused",
                _ => "unknown",
            }
            .to_string();
        }
    }
    out
}

/// The uninstall keys read, with the architecture of what each one lists.
pub(crate) const UNINSTALL_ROOTS: [(&str, Option<&str>); 3] = [
    (
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
        None,
    ),
    (
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall",
        Some("x86"),
    ),
    (
        r"HKCU\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall",
        None,
    ),
];

/// Every program in Windows' uninstall lists (the "Programs and Features" entries).
pub(crate) fn uninstall_entries(
    sys: &dyn System,
    native_arch: &str,
) -> (Vec<UninstallEntry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for (i, (root, arch)) in UNINSTALL_ROOTS.iter().enumerate() {
        match sys.registry(root, true) {
            Ok(Some(keys)) => {
                for k in keys {
                    let Some(name) = k.string("DisplayName") else {
                        continue;
                    };
                    // Windows updates and components listed under a parent are not programs.
                    if k.string("ParentKeyName").is_some() || k.number("SystemComponent") == Some(1)
                    {
                        continue;
                    }
                    let arch = arch
                        .map(str::to_string)
                        .or_else(|| (i == 0).then(|| native_arch.to_string()));
                    entries.push(UninstallEntry {
                        arch: arch_from_name(&name).map(str::to_string).or(arch),
                        version: k.string("DisplayVersion"),
                        publisher: k.string("Publisher"),
                        install_date: k.string("InstallDate").and_then(|d| yyyymmdd(&d)),
                        location: k.string("InstallLocation"),
                        key: k.path.clone(),
                        name,
                    });
                }
            }
            // A 32-bit Windows has no WOW6432Node; a user may have no per-user programs.
            Ok(None) => {}
            Err(e) => problems.push(e),
        }
    }
    (entries, problems)
}

fn arch_from_name(name: &str) -> Option<&'static str> {
    let n = name.to_lowercase();
    if n.contains("64-bit") || n.contains("(x64)") || n.contains("x64 ") {
        Some("x64")
    } else if n.contains("32-bit") || n.contains("(x86)") {
        Some("x86")
    } else {
        None
    }
}

/// `20240115` -> `2024-01-15`.
fn yyyymmdd(s: &str) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(s.trim(), "%Y%m%d").ok()?;
    Some(d.format("%Y-%m-%d").to_string())
}

pub fn processes(sys: &dyn System) -> Result<Vec<String>, String> {
    if let Some(listed) = sys.process_names() {
        let mut names = listed?;
        names.retain(|n| n.contains('.'));
        names.sort_by_key(|n| n.to_lowercase());
        names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        if names.is_empty() {
            return Err(
                "the process list was empty, which cannot be true of a running Windows".into(),
            );
        }
        return Ok(names);
    }
    let out = sys
        .run("tasklist", &["/FO", "CSV", "/NH"])
        .map_err(|e| e.to_string())?;
    if !out.success() {
        return Err(format!(
            "`tasklist` failed: {}",
            first_words(&out.stderr, &out.stdout)
        ));
    }
    let names = parse_tasklist(&out.stdout);
    if names.is_empty() {
        // Wine's tasklist is such a stub; so may be a locked-down or broken one.
        return Err(
            "`tasklist` listed no process, which cannot be true of a running Windows".into(),
        );
    }
    Ok(names)
}

/// `x64`, `x86` or `arm64`, from the variables Windows sets for every process (a 32-bit process
/// on 64-bit Windows sees the machine's in `PROCESSOR_ARCHITEW6432`).
pub fn arch(sys: &dyn System) -> String {
    let raw = sys
        .env("PROCESSOR_ARCHITEW6432")
        .or_else(|| sys.env("PROCESSOR_ARCHITECTURE"))
        .unwrap_or_default();
    match raw.to_uppercase().as_str() {
        "AMD64" | "X64" => "x64".into(),
        "X86" => "x86".into(),
        "ARM64" => "arm64".into(),
        "" => "unknown".into(),
        other => other.to_lowercase(),
    }
}

pub fn os(sys: &dyn System) -> Fact {
    let cv = match reg_key(sys, r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion") {
        Ok(Some(k)) => k,
        Ok(None) => return Fact::Unknown("the Windows version key is missing".into()),
        Err(e) => return Fact::Unknown(e),
    };
    let build = cv
        .string("CurrentBuildNumber")
        .or_else(|| cv.string("CurrentBuild"));
    let version = match (
        cv.number("CurrentMajorVersionNumber"),
        cv.number("CurrentMinorVersionNumber"),
    ) {
        (Some(major), Some(minor)) => format!(
            "{major}.{minor}.{}{}",
            build.clone().unwrap_or_default(),
            cv.number("UBR")
                .map(|u| format!(".{u}"))
                .unwrap_or_default()
        ),
        _ => format!(
            "{}.{}",
            cv.string("CurrentVersion").unwrap_or_default(),
            build.clone().unwrap_or_default()
        ),
    };
    let mut name = cv.string("ProductName").unwrap_or_default();
    // Windows 11 still calls itself "Windows 10" in ProductName; its builds start at 22000.
    if build
        .as_deref()
        .and_then(|b| b.parse::<u32>().ok())
        .is_some_and(|b| b >= 22000)
    {
        name = name.replace("Windows 10", "Windows 11");
    }
    Fact::Value(json!({
        "family": "windows",
        "version": version,
        "name": name,
        "release": cv.string("DisplayVersion").or_else(|| cv.string("ReleaseId")),
        "arch": arch(sys),
        "host_name": sys.env("COMPUTERNAME"),
        "user_name": sys.env("USERNAME"),
    }))
}

/// Windows' calendar type numbers (`CAL_GREGORIAN` = 1 ... `CAL_PERSIAN` = 22).
pub(crate) fn calendar_kind(calendar_type: i64) -> &'static str {
    match calendar_type {
        1 | 2 | 9 | 10 | 11 | 12 => "gregorian",
        22 => "persian",
        6 | 23 => "hijri",
        _ => "other",
    }
}

pub fn calendar(sys: &dyn System) -> Fact {
    let k = match reg_key(sys, r"HKCU\Control Panel\International") {
        Ok(Some(k)) => k,
        Ok(None) => return Fact::Unknown("the regional settings key is missing".into()),
        Err(e) => return Fact::Unknown(e),
    };
    // iCalendarType is REG_SZ ("22"), absent when the locale's default (Gregorian) is used.
    let ct = k.number("iCalendarType").unwrap_or(1);
    Fact::Value(json!({
        "calendar_type": ct,
        "calendar": calendar_kind(ct),
        "short_date": k.string("sShortDate"),
        "long_date": k.string("sLongDate"),
        "locale": k.string("LocaleName"),
    }))
}

pub fn uac(sys: &dyn System) -> Fact {
    match reg_key(
        sys,
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System",
    ) {
        Ok(Some(k)) => Fact::Value(json!({
            "enable_lua": k.number("EnableLUA"),
            "filter_administrator_token": k.number("FilterAdministratorToken").unwrap_or(0),
            "consent_prompt_behavior_admin": k.number("ConsentPromptBehaviorAdmin"),
        })),
        // Without the key Windows uses its defaults: UAC on, admin approval for the built-in
        // Administrator off.
        Ok(None) => Fact::Value(json!({
            "enable_lua": 1, "filter_administrator_token": 0,
            "consent_prompt_behavior_admin": null, "defaults": true,
        })),
        Err(e) => Fact::Unknown(e),
    }
}

pub fn proxy(sys: &dyn System) -> Fact {
    match reg_key(
        sys,
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings",
    ) {
        Ok(Some(k)) => {
            let enabled = k.number("ProxyEnable").unwrap_or(0) == 1;
            let pac = k.string("AutoConfigURL");
            Fact::Value(json!({
                "enabled": enabled || pac.is_some(),
                "server": if enabled { k.string("ProxyServer").map(|s| crate::facts::redact::strip_credentials(&s)) } else { None },
                "auto_config": pac.map(|s| crate::facts::redact::strip_credentials(&s)),
                "bypass": k.string("ProxyOverride"),
                "source": "internet-settings",
            }))
        }
        Ok(None) => {
            Fact::Value(json!({"enabled": false, "server": null, "source": "internet-settings"}))
        }
        Err(e) => Fact::Unknown(e),
    }
}

/// Where Windows lists every USB device it has set up: `Enum\USB\<VID_xxxx&PID_yyyy>\<instance>`,
/// with the device's names as values. A device plugged in now also has a volatile `Control`
/// subkey (PnP creates it when it starts the device, and removes it when the device goes);
/// devices seen before and since unplugged keep their keys without it.
pub(crate) const USB_ENUM: &str = r"HKLM\SYSTEM\CurrentControlSet\Enum\USB";

/// The USB devices plugged in now, from the registry (no PowerShell: it is slow to start, stub or
/// blocked in places, and printed nothing as often as a list). An empty or unreadable list is
/// "cannot tell": a Windows PC with USB always has its root hub there.
pub fn usb(sys: &dyn System) -> Fact {
    let keys = match sys.registry(USB_ENUM, true) {
        Ok(Some(keys)) => keys,
        Ok(None) => return Fact::Unknown(format!("{USB_ENUM} is not in the registry")),
        Err(e) => return Fact::Unknown(format!("the USB devices could not be read: {e}")),
    };
    let rows = usb_enum_rows(&keys);
    if rows.is_empty() {
        return Fact::Unknown(format!(
            "{USB_ENUM} lists no device plugged in, not even a root hub"
        ));
    }
    Fact::Value(json!({"devices": usb_devices(&rows), "source": "registry"}))
}

/// The devices plugged in now, as rows of `device id, manufacturer, name`, from the keys below
/// [`USB_ENUM`] (as `reg query /s` lists them: each key with its values).
pub(crate) fn usb_enum_rows(keys: &[RegKey]) -> Vec<Vec<String>> {
    // Below `...\Enum\USB\`: `device\instance` and `device\instance\Control`.
    let below = |path: &str| -> Option<Vec<String>> {
        let lower = path.to_ascii_lowercase();
        let at = lower.find(r"\enum\usb\")? + r"\enum\usb\".len();
        Some(path[at..].split('\\').map(str::to_string).collect())
    };
    let mut rows = Vec::new();
    for k in keys {
        let Some(parts) = below(&k.path) else {
            continue;
        };
        if parts.len() != 2 {
            continue;
        }
        let present = keys.iter().any(|c| {
            below(&c.path).is_some_and(|p| {
                p.len() == 3
                    && p[0].eq_ignore_ascii_case(&parts[0])
                    && p[1].eq_ignore_ascii_case(&parts[1])
                    && p[2].eq_ignore_ascii_case("Control")
            })
        });
        if !present {
            continue;
        }
        let name = k
            .string("FriendlyName")
            .or_else(|| k.string("DeviceDesc"))
            .map(|s| resource_text(&s))
            .unwrap_or_default();
        let mfg = k
            .string("Mfg")
            .map(|s| resource_text(&s))
            .unwrap_or_default();
        rows.push(vec![format!(r"USB\{}\{}", parts[0], parts[1]), mfg, name]);
    }
    rows
}

/// A registry name that points into a driver's resources (`@usb.inf,%usb.devicedesc%;USB
/// Composite Device`) carries its English text after the last `;`.
pub(crate) fn resource_text(s: &str) -> String {
    match s.strip_prefix('@') {
        Some(r) => r.rsplit(';').next().unwrap_or(r).trim().to_string(),
        None => s.trim().to_string(),
    }
}

/// Rows of `DeviceID, Manufacturer, Name`; a composite device appears once per interface
/// (`&MI_00`) and counts once.
pub(crate) fn usb_devices(rows: &[Vec<String>]) -> Vec<Value> {
    let re = regex::Regex::new(r"(?i)VID_([0-9a-f]{4})&PID_([0-9a-f]{4})").ok();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for r in rows {
        let Some(caps) = re.as_ref().and_then(|re| re.captures(&r[0])) else {
            continue;
        };
        let vid = caps[1].to_lowercase();
        let pid = caps[2].to_lowercase();
        let interface = r[0].to_uppercase().contains("&MI_");
        if !seen.insert((vid.clone(), pid.clone())) {
            continue;
        }
        out.push(json!({
            "vid": vid, "pid": pid,
            "vendor": r.get(1).filter(|s| !s.is_empty()),
            "product": r.get(2).filter(|s| !s.is_empty()),
            "interface": interface,
        }));
    }
    out
}

/// The network adapters that are up, from the system (Windows: `GetAdaptersAddresses`, no
/// PowerShell), loopback left out. None at all is "cannot tell", not "no VPN": a machine this
/// program runs on to reach a website has at least one.
pub(crate) fn connected_adapters(sys: &dyn System) -> Result<Vec<Adapter>, String> {
    let all = sys
        .network_adapters()
        .ok_or_else(|| "the network adapters are not read on this system".to_string())??;
    if all.is_empty() {
        return Err("the system listed no network adapter".into());
    }
    Ok(all.into_iter().filter(|a| a.up && !a.loopback).collect())
}

#[cfg(test)]
mod tests {
    use super::super::registry::parse_reg_query;
    use super::*;

    #[test]
    fn reg_values_with_spaces_and_empty_data() {
        let t = "\r\nHKEY_CURRENT_USER\\Control Panel\\International\r\n    Locale    REG_SZ    00000429\r\n    sShortDate    REG_SZ    yyyy/MM/dd\r\n    s1159    REG_SZ    \r\n    Some Name    REG_DWORD    0x16\r\n\r\n";
        let k = &parse_reg_query(t)[0];
        assert_eq!(k.string("sShortDate").as_deref(), Some("yyyy/MM/dd"));
        assert_eq!(k.string("s1159"), None);
        assert_eq!(k.number("Some Name"), Some(22));
        assert_eq!(k.values.len(), 4);
    }

    #[test]
    fn csv_with_quotes_and_commas() {
        assert_eq!(
            csv_fields(r#""a,b","1","say ""hi""""#),
            vec!["a,b", "1", "say \"hi\""]
        );
    }

    #[test]
    fn driver_resource_names_give_their_text() {
        assert_eq!(
            resource_text("@usb.inf,%usb.compositedevice.devicedesc%;USB Composite Device"),
            "USB Composite Device"
        );
        assert_eq!(resource_text("ePass3003 Token"), "ePass3003 Token");
    }

    #[test]
    fn keys_compare_in_short_and_long_forms() {
        assert!(super::super::registry::same_key(
            r"HKEY_LOCAL_MACHINE\SOFTWARE\X",
            r"HKLM\software\x\"
        ));
        assert!(!super::super::registry::same_key(
            r"HKCU\SOFTWARE\X",
            r"HKLM\SOFTWARE\X"
        ));
    }
}
