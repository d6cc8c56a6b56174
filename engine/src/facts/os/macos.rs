//! macOS, where cheap: `sw_vers`, `ps`, `launchctl`, `defaults`, `scutil`, `system_profiler`.

use serde_json::{Value, json};

use super::inventory::Service;
use super::system::System;
use crate::facts::Fact;

fn out(sys: &dyn System, program: &str, args: &[&str]) -> Result<String, String> {
    let o = sys.run(program, args).map_err(|e| e.to_string())?;
    if o.success() {
        Ok(o.stdout)
    } else {
        Err(format!("`{program}` failed: {}", o.stderr.trim()))
    }
}

pub fn os(sys: &dyn System) -> Fact {
    let version = out(sys, "sw_vers", &["-productVersion"])
        .ok()
        .map(|s| s.trim().to_string());
    let arch = out(sys, "uname", &["-m"]).map(|s| super::linux::normalise_arch(s.trim()));
    Fact::Value(json!({
        "family": "macos",
        "version": version,
        "arch": arch.unwrap_or_else(|_| super::linux::normalise_arch(std::env::consts::ARCH)),
        "host_name": out(sys, "hostname", &[]).ok().map(|s| s.trim().to_string()),
        "user_name": sys.env("USER"),
    }))
}

pub fn processes(sys: &dyn System) -> Result<Vec<String>, String> {
    let text = out(sys, "ps", &["-axco", "comm="])?;
    let mut names: Vec<String> = text
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Parses `launchctl list`: `PID  Status  Label`, a PID of `-` meaning not running.
pub(crate) fn parse_launchctl(text: &str) -> Vec<Service> {
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let pid = f.next()?;
            let _status = f.next()?;
            let label = f.next()?;
            Some(Service {
                name: label.to_string(),
                display_name: None,
                state: if pid == "-" { "stopped" } else { "running" }.into(),
            })
        })
        .collect()
}

pub fn services(sys: &dyn System) -> Result<Vec<Service>, String> {
    Ok(parse_launchctl(&out(sys, "launchctl", &["list"])?))
}

/// The calendar comes with the locale: `fa_IR@calendar=persian`.
pub fn calendar(sys: &dyn System) -> Fact {
    match out(sys, "defaults", &["read", "-g", "AppleLocale"]) {
        Ok(locale) => {
            let locale = locale.trim().to_string();
            let cal = locale
                .split("calendar=")
                .nth(1)
                .map(|c| c.split(['@', ';']).next().unwrap_or(c));
            let calendar = match cal {
                None | Some("gregorian") => "gregorian",
                Some("persian") => "persian",
                Some(c) if c.starts_with("islamic") => "hijri",
                Some(_) => "other",
            };
            Fact::Value(
                json!({"calendar_type": cal, "calendar": calendar, "short_date": null, "locale": locale}),
            )
        }
        Err(e) => Fact::Unknown(e),
    }
}

/// Parses `scutil --proxy`.
pub(crate) fn parse_scutil_proxy(text: &str) -> Value {
    let get = |k: &str| {
        text.lines().find_map(|l| {
            let (a, b) = l.split_once(':')?;
            (a.trim() == k).then(|| b.trim().to_string())
        })
    };
    let on = |k: &str| get(k).as_deref() == Some("1");
    let server = if on("HTTPSEnable") {
        get("HTTPSProxy").map(|h| format!("{h}:{}", get("HTTPSPort").unwrap_or_default()))
    } else if on("HTTPEnable") {
        get("HTTPProxy").map(|h| format!("{h}:{}", get("HTTPPort").unwrap_or_default()))
    } else {
        None
    };
    let pac = on("ProxyAutoConfigEnable")
        .then(|| get("ProxyAutoConfigURLString"))
        .flatten();
    json!({
        "enabled": server.is_some() || pac.is_some(),
        "server": server,
        "auto_config": pac,
        "source": "scutil",
    })
}

pub fn proxy(sys: &dyn System) -> Fact {
    match out(sys, "scutil", &["--proxy"]) {
        Ok(t) => Fact::Value(parse_scutil_proxy(&t)),
        Err(e) => Fact::Unknown(e),
    }
}

/// USB devices from `system_profiler SPUSBDataType -json` (a tree of `_items`).
pub(crate) fn parse_system_profiler_usb(text: &str) -> Result<Vec<Value>, String> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("system_profiler printed no JSON: {e}"))?;
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<Value>) {
        if let Some(items) = v.get("_items").and_then(Value::as_array) {
            for i in items {
                let hex = |k: &str| {
                    i.get(k).and_then(Value::as_str).map(|s| {
                        s.trim_start_matches("0x")
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_lowercase()
                    })
                };
                if let (Some(vid), Some(pid)) = (hex("vendor_id"), hex("product_id")) {
                    out.push(json!({"vid": vid, "pid": pid,
                        "vendor": i.get("manufacturer"), "product": i.get("_name")}));
                }
                walk(i, out);
            }
        }
    }
    for bus in v
        .get("SPUSBDataType")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(bus, &mut out);
    }
    Ok(out)
}

pub fn usb(sys: &dyn System) -> Fact {
    match out(sys, "system_profiler", &["SPUSBDataType", "-json"])
        .and_then(|t| parse_system_profiler_usb(&t))
    {
        Ok(d) => Fact::Value(json!({"devices": d})),
        Err(e) => Fact::Unknown(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launchctl_and_scutil() {
        let s = parse_launchctl("PID\tStatus\tLabel\n-\t0\tcom.apple.x\n412\t0\tir.pki.dastine\n");
        assert_eq!(s[1].state, "running");
        assert_eq!(s[0].state, "stopped");
        let p = parse_scutil_proxy(
            "<dictionary> {\n  HTTPEnable : 1\n  HTTPPort : 8080\n  HTTPProxy : 10.1.1.1\n}\n",
        );
        assert_eq!(p["server"], "10.1.1.1:8080");
    }

    #[test]
    fn usb_tree() {
        let t = r#"{"SPUSBDataType":[{"_name":"USB31Bus","_items":[{"_name":"ePass3003Auto","vendor_id":"0x096e  (Feitian Technologies, Inc.)","product_id":"0x0703","manufacturer":"FT"}]}]}"#;
        let d = parse_system_profiler_usb(t).unwrap();
        assert_eq!(d[0]["vid"], "096e");
        assert_eq!(d[0]["pid"], "0703");
    }
}
