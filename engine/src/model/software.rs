//! The knowledge base's `kb/software.yaml`, typed: which programs matter and how each is
//! recognised per OS, Dastine's local service, where the clock is checked and what a VPN
//! adapter looks like. Providers read it from `LiveOptions.software`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::nodes::{Confidence, Text};

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SoftwareCatalog {
    #[serde(default)]
    pub programs: Vec<Program>,
    #[serde(default)]
    pub dastine: Option<DastineConf>,
    #[serde(default)]
    pub time_check: Option<TimeCheck>,
    #[serde(default)]
    pub vpn: Option<VpnConf>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Program {
    /// The software id probes and `systems.yaml` prerequisites name.
    pub id: String,
    pub name: Text,
    /// `virtual-drive` for tools that stop the token being recognised.
    #[serde(default)]
    pub category: Option<String>,
    /// The oldest version that works, when one is known.
    #[serde(default)]
    pub min_version: Option<String>,
    #[serde(default)]
    pub confidence: Confidence,
    #[serde(default)]
    pub windows: Option<Recognise>,
    #[serde(default)]
    pub linux: Option<Recognise>,
    #[serde(default)]
    pub macos: Option<Recognise>,
}

/// How one program shows itself on one OS. Any match means "installed".
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recognise {
    /// Regular expressions (case-insensitive) over the DisplayName of Windows' uninstall entries;
    /// a named group `version` takes the version from the name instead of DisplayVersion.
    #[serde(default)]
    pub uninstall: Vec<String>,
    /// Registry values whose presence shows the program; `version: true` reads the version there.
    #[serde(default)]
    pub registry: Vec<RegistryValue>,
    /// Files or folders (`%VAR%`, `$VAR`, `~`, and `*` inside a component).
    #[serde(default)]
    pub files: Vec<String>,
    /// Process names (case-insensitive) that show it running.
    #[serde(default)]
    pub processes: Vec<String>,
    /// Service names (case-insensitive) that show it running.
    #[serde(default)]
    pub services: Vec<String>,
    /// Files that state the version as `KEY=value` lines (a Java installation's `release`):
    /// the version is read, never asked of the program, so recognising software starts no
    /// process (a JVM start alone costs more than the whole diagnosis).
    #[serde(default)]
    pub version_files: Vec<VersionFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistryValue {
    /// `HKLM\SOFTWARE\...`.
    pub key: String,
    pub value: String,
    #[serde(default)]
    pub version: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionFile {
    /// The file (`%VAR%`, `$VAR`, `~`, and `*` inside a component, as in `files`).
    pub path: String,
    /// The line's key (`JAVA_VERSION`); its value, unquoted, is the version.
    pub key: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DastineConf {
    /// Loopback ports that are only connected to (a TCP handshake, nothing sent).
    pub ports: Vec<u16>,
    /// The plain WebSocket the version request goes to.
    pub websocket: DastineSocket,
    /// The one message ever sent to Dastine, verbatim.
    pub request: String,
    /// The reply field that holds the version.
    pub version_field: String,
    pub min_version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DastineSocket {
    pub port: u16,
    pub path: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeCheck {
    /// Tried in order until one answers.
    pub sources: Vec<TimeSource>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeSource {
    /// `http-date` (the `Date` header of a plain HTTP HEAD) or `ntp`.
    pub kind: TimeKind,
    /// A host name, optionally with `:port`.
    pub host: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TimeKind {
    HttpDate,
    Ntp,
}

impl TimeKind {
    pub fn name(self) -> &'static str {
        match self {
            TimeKind::HttpDate => "http-date",
            TimeKind::Ntp => "ntp",
        }
    }
}

/// Regular expressions (case-insensitive) over adapter descriptions (Windows) or interface
/// names (Linux, macOS) that mark a VPN.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpnConf {
    #[serde(default)]
    pub windows: Vec<String>,
    #[serde(default)]
    pub linux: Vec<String>,
    #[serde(default)]
    pub macos: Vec<String>,
}

impl SoftwareCatalog {
    /// Mistakes `kb check` reports: (path inside the file, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let re = |path: String, pat: &str, out: &mut Vec<(String, String)>| {
            if let Err(e) = regex::RegexBuilder::new(pat).case_insensitive(true).build() {
                out.push((path, format!("not a valid regular expression: {e}")));
            }
        };
        let mut seen = std::collections::HashSet::new();
        for (i, p) in self.programs.iter().enumerate() {
            if !seen.insert(p.id.as_str()) {
                out.push((
                    format!(".programs[{i}].id"),
                    format!("the software id `{}` is listed twice", p.id),
                ));
            }
            for (os, r) in [
                ("windows", &p.windows),
                ("linux", &p.linux),
                ("macos", &p.macos),
            ] {
                let Some(r) = r else { continue };
                for (j, pat) in r.uninstall.iter().enumerate() {
                    re(format!(".programs[{i}].{os}.uninstall[{j}]"), pat, &mut out);
                }
                for (j, f) in r.version_files.iter().enumerate() {
                    let key_ok = !f.key.is_empty()
                        && f.key
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
                    if !key_ok {
                        out.push((
                            format!(".programs[{i}].{os}.version_files[{j}].key"),
                            "a key is a name of letters, digits, `_` and `.`".into(),
                        ));
                    }
                }
            }
        }
        if let Some(v) = &self.vpn {
            for (os, pats) in [
                ("windows", &v.windows),
                ("linux", &v.linux),
                ("macos", &v.macos),
            ] {
                for (j, pat) in pats.iter().enumerate() {
                    re(format!(".vpn.{os}[{j}]"), pat, &mut out);
                }
            }
        }
        if let Some(d) = &self.dastine
            && serde_json::from_str::<serde_json::Value>(&d.request).is_err()
        {
            out.push((
                ".dastine.request".into(),
                "the request must be JSON text".into(),
            ));
        }
        out
    }
}

impl SoftwareCatalog {
    /// The service names the programs name on one OS (`windows`, `linux`, `macos`), once each
    /// (case-insensitively), in the catalogue's order: the only services ever asked about.
    pub(crate) fn service_names(&self, os: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in self.programs.iter().filter_map(|p| p.on(os)) {
            for s in &r.services {
                if !out.iter().any(|o| o.eq_ignore_ascii_case(s)) {
                    out.push(s.clone());
                }
            }
        }
        out
    }
}

impl Program {
    /// How the program is recognised on one OS.
    pub fn on(&self, os: &str) -> Option<&Recognise> {
        match os {
            "windows" => self.windows.as_ref(),
            "linux" => self.linux.as_ref(),
            "macos" => self.macos.as_ref(),
            _ => None,
        }
    }
}

/// A case-insensitive regex from KB text (already validated by `kb check`).
pub(crate) fn regex_ci(pattern: &str) -> Option<regex::Regex> {
    regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .size_limit(1 << 20)
        .build()
        .ok()
}
