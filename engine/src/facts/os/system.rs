//! The machine as providers see it: commands, environment variables and files. Collectors take a
//! `&dyn System`, so the Windows and macOS code paths run on Linux in tests against recorded
//! command outputs and a fake file tree.

use std::collections::BTreeMap;
use std::time::Duration;

use super::exec::{CmdOutput, ExecError, run_with_deadline};
use super::inventory::Service;
use super::registry::{RegKey, reg_exe_query};
use crate::text::Wildcard;

/// Which operating system a collector reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Windows,
    Linux,
    Macos,
    Other,
}

impl Family {
    pub fn current() -> Family {
        match std::env::consts::OS {
            "windows" => Family::Windows,
            "linux" => Family::Linux,
            "macos" => Family::Macos,
            _ => Family::Other,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Family::Windows => "windows",
            Family::Linux => "linux",
            Family::Macos => "macos",
            Family::Other => std::env::consts::OS,
        }
    }

    pub(crate) fn separator(self) -> char {
        if self == Family::Windows { '\\' } else { '/' }
    }
}

pub trait System: Send + Sync {
    fn family(&self) -> Family;
    /// Runs a command under this system's per-command deadline.
    fn run(&self, program: &str, args: &[&str]) -> Result<CmdOutput, ExecError>;
    fn env(&self, name: &str) -> Option<String>;
    /// The names in a folder (empty when it cannot be read).
    fn list_dir(&self, path: &str) -> Vec<String>;
    fn exists(&self, path: &str) -> bool;
    fn read_file(&self, path: &str) -> Option<String>;
    /// A file's modification date, `YYYY-MM-DD` (UTC).
    fn modified(&self, path: &str) -> Option<String>;
    /// The path with links resolved, so one installation reached by two names counts once.
    fn canonical(&self, path: &str) -> String {
        path.to_string()
    }
    /// The names of the running programs, where the OS gives them through an API rather than a
    /// command (Windows' process snapshot). `None`: the platform collector reads them its own
    /// way (Linux: /proc through `read_file`; a recorded machine: `tasklist`).
    fn process_names(&self) -> Option<Result<Vec<String>, String>> {
        None
    }
    /// The states of the named services, where the OS gives them through an API (Windows' Service
    /// Control Manager). `None`: the platform collector asks its command, for those names only.
    fn service_states(&self, names: &[String]) -> Option<Result<Vec<Service>, String>> {
        // Where the whole list comes through an API (the Service Control Manager), the named
        // ones are picked from it: no process.
        self.service_list().map(|all| {
            all.map(|all| {
                all.into_iter()
                    .filter(|s| names.iter().any(|n| n.eq_ignore_ascii_case(&s.name)))
                    .collect()
            })
        })
    }
    /// A Windows registry key's values and, with `recursive`, those of every key below it;
    /// `Ok(None)` when the key does not exist. By default this runs `reg query` through
    /// [`System::run`], which is how recorded machines answer; on Windows, [`RealSystem`] reads
    /// the registry through its API instead (no OEM code page, no process).
    fn registry(&self, key: &str, recursive: bool) -> Result<Option<Vec<RegKey>>, String> {
        reg_exe_query(self, key, recursive)
    }
    /// The services, where the OS lists them without a program (Windows' Service Control
    /// Manager); `None`: the collector runs its command (`sc query`).
    fn service_list(&self) -> Option<Result<Vec<Service>, String>> {
        None
    }
    /// The network adapters, where the OS lists them through an API (Windows'
    /// `GetAdaptersAddresses`); `None`: not read on this system.
    fn network_adapters(&self) -> Option<Result<Vec<Adapter>, String>> {
        None
    }
}

/// One network adapter as the system lists it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Adapter {
    /// What its driver calls it ("TAP-Windows Adapter V9").
    pub description: String,
    /// The connection's name the user sees ("Ethernet 2").
    pub name: String,
    /// Up and carrying traffic.
    pub up: bool,
    pub loopback: bool,
}

/// This machine. Commands get `command_timeout`, and never more than what is left before
/// `until` (the provider's own deadline), so they are killed before the provider is abandoned.
#[derive(Debug, Clone)]
pub struct RealSystem {
    pub command_timeout: Duration,
    pub until: Option<std::time::Instant>,
}

impl RealSystem {
    pub fn with_budget(budget: Duration) -> RealSystem {
        RealSystem {
            command_timeout: budget,
            until: Some(std::time::Instant::now() + budget),
        }
    }
}

impl System for RealSystem {
    fn family(&self) -> Family {
        Family::current()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<CmdOutput, ExecError> {
        let left = self.until.map_or(self.command_timeout, |u| {
            u.saturating_duration_since(std::time::Instant::now())
        });
        run_with_deadline(
            &system_program(program),
            args,
            self.command_timeout.min(left),
        )
    }

    #[cfg(windows)]
    fn registry(&self, key: &str, recursive: bool) -> Result<Option<Vec<RegKey>>, String> {
        super::win_api::registry(key, recursive)
    }

    #[cfg(windows)]
    fn process_names(&self) -> Option<Result<Vec<String>, String>> {
        Some(super::win_api::process_names())
    }

    #[cfg(windows)]
    fn service_list(&self) -> Option<Result<Vec<Service>, String>> {
        Some(super::win_api::services(self.until))
    }

    #[cfg(windows)]
    fn network_adapters(&self) -> Option<Result<Vec<Adapter>, String>> {
        Some(super::win_api::adapters())
    }

    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }

    fn list_dir(&self, path: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(path)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    fn exists(&self, path: &str) -> bool {
        std::path::Path::new(path).exists()
    }

    fn read_file(&self, path: &str) -> Option<String> {
        // sysfs and procfs files are tiny; a regular file is read up to a bound.
        use std::io::Read;
        let f = std::fs::File::open(path).ok()?;
        let mut s = Vec::new();
        f.take(1024 * 1024).read_to_end(&mut s).ok()?;
        Some(String::from_utf8_lossy(&s).into_owned())
    }

    fn canonical(&self, path: &str) -> String {
        std::fs::canonicalize(path)
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| path.to_string())
    }

    fn modified(&self, path: &str) -> Option<String> {
        let t = std::fs::metadata(path).ok()?.modified().ok()?;
        let t: chrono::DateTime<chrono::Utc> = t.into();
        Some(t.format("%Y-%m-%d").to_string())
    }
}

/// Windows' own programs by their full path. Started by bare name, Windows looks in
/// tokenyar.exe's own folder first (a `reg.exe` beside a downloaded tokenyar.exe would run), and
/// PowerShell is found only through a PATH that installers often break.
fn system_program(program: &str) -> String {
    if !cfg!(windows) {
        return program.to_string();
    }
    let root = std::env::var("SystemRoot")
        .ok()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| r"C:\Windows".to_string());
    windows_program_path(&root, program).unwrap_or_else(|| program.to_string())
}

/// The full path of one of the Windows programs tokenyar runs, under `system_root`.
pub(crate) fn windows_program_path(system_root: &str, program: &str) -> Option<String> {
    let sub = match program.to_ascii_lowercase().as_str() {
        "reg" | "reg.exe" => "reg.exe",
        "sc" | "sc.exe" => "sc.exe",
        "tasklist" | "tasklist.exe" => "tasklist.exe",
        "cmd" | "cmd.exe" => "cmd.exe",
        "powershell" | "powershell.exe" => r"WindowsPowerShell\v1.0\powershell.exe",
        _ => return None,
    };
    Some(format!(
        r"{}\System32\{sub}",
        system_root.trim_end_matches('\\')
    ))
}

/// A recorded machine for tests: command outputs by command line, variables and files.
#[derive(Debug, Clone)]
pub struct FakeSystem {
    pub family: Family,
    /// `"program arg1 arg2"` -> output; a missing entry is "program not found".
    pub commands: BTreeMap<String, Result<CmdOutput, ExecError>>,
    pub env: BTreeMap<String, String>,
    /// Files and their contents; folders exist implicitly.
    pub files: BTreeMap<String, String>,
    /// By program, the answer to a command line not in `commands` (as `reg` answers a key that
    /// does not exist).
    pub defaults: BTreeMap<String, Result<CmdOutput, ExecError>>,
    /// Every command line run, in order.
    pub ran: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    /// What [`System::network_adapters`] answers (`None`: not read here).
    pub adapters: Option<Result<Vec<Adapter>, String>>,
}

impl FakeSystem {
    pub fn new(family: Family) -> FakeSystem {
        FakeSystem {
            family,
            commands: BTreeMap::new(),
            env: BTreeMap::new(),
            files: BTreeMap::new(),
            defaults: BTreeMap::new(),
            ran: Default::default(),
            adapters: None,
        }
    }

    pub fn adapters(mut self, adapters: Result<Vec<Adapter>, String>) -> Self {
        self.adapters = Some(adapters);
        self
    }

    pub fn command(mut self, line: &str, out: Result<CmdOutput, ExecError>) -> Self {
        self.commands.insert(line.to_string(), out);
        self
    }

    pub fn default_for(mut self, program: &str, out: Result<CmdOutput, ExecError>) -> Self {
        self.defaults.insert(program.to_string(), out);
        self
    }

    pub fn file(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_string(), text.to_string());
        self
    }

    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.env.insert(name.to_string(), value.to_string());
        self
    }

    fn norm(&self, p: &str) -> String {
        let p = p.trim_end_matches(['/', '\\']);
        if self.family == Family::Windows {
            p.to_lowercase()
        } else {
            p.to_string()
        }
    }
}

impl System for FakeSystem {
    fn family(&self) -> Family {
        self.family
    }

    fn network_adapters(&self) -> Option<Result<Vec<Adapter>, String>> {
        self.adapters.clone()
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<CmdOutput, ExecError> {
        let line = std::iter::once(program)
            .chain(args.iter().copied())
            .collect::<Vec<_>>()
            .join(" ");
        if let Ok(mut r) = self.ran.lock() {
            r.push(line.clone());
        }
        self.commands
            .get(&line)
            .or_else(|| self.defaults.get(program))
            .cloned()
            .unwrap_or(Err(ExecError::NotFound {
                program: program.to_string(),
            }))
    }

    fn env(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .find(|(k, _)| {
                if self.family == Family::Windows {
                    k.eq_ignore_ascii_case(name)
                } else {
                    *k == name
                }
            })
            .map(|(_, v)| v.clone())
    }

    fn list_dir(&self, path: &str) -> Vec<String> {
        let sep = self.family.separator();
        let dir = self.norm(path);
        let mut names: Vec<String> = self
            .files
            .keys()
            .filter_map(|f| {
                let nf = self.norm(f);
                let rest = nf.strip_prefix(&dir)?.strip_prefix(sep)?;
                let first = rest.split(sep).next()?;
                // Keep the original spelling of the name.
                let start = f.len() - nf.len() + dir.len() + 1;
                f.get(start..start + first.len()).map(str::to_string)
            })
            .collect();
        names.sort();
        names.dedup();
        names
    }

    fn exists(&self, path: &str) -> bool {
        let p = self.norm(path);
        let sep = self.family.separator();
        self.files.keys().any(|f| {
            let nf = self.norm(f);
            nf == p || nf.strip_prefix(&p).is_some_and(|r| r.starts_with(sep))
        })
    }

    fn read_file(&self, path: &str) -> Option<String> {
        let p = self.norm(path);
        self.files
            .iter()
            .find(|(f, _)| self.norm(f) == p)
            .map(|(_, t)| t.clone())
    }

    fn modified(&self, path: &str) -> Option<String> {
        self.exists(path).then(|| "2024-01-01".to_string())
    }
}

/// Expands `%VAR%`, `$VAR`, `${VAR}` and (off Windows) a leading `~` in a KB path, with this
/// system's environment; `None` when a variable is not set.
pub(crate) fn expand_vars(sys: &dyn System, path: &str) -> Option<String> {
    let path = match path.strip_prefix('~') {
        Some(rest) if sys.family() != Family::Windows => format!("{}{rest}", sys.env("HOME")?),
        _ => path.to_string(),
    };
    crate::text::expand_env(&path, &|k| sys.env(k))
}

/// Every existing path matching a KB path pattern: variables expanded, `*` and `?` allowed inside
/// one path component (case-insensitive on Windows). Bounded: at most 64 results.
pub(crate) fn glob(sys: &dyn System, pattern: &str) -> Vec<String> {
    let Some(expanded) = expand_vars(sys, pattern) else {
        return Vec::new();
    };
    let sep = sys.family().separator();
    let expanded = if sep == '\\' {
        expanded.replace('/', "\\")
    } else {
        expanded
    };
    let mut parts = expanded.split(sep);
    let first = parts.next().unwrap_or_default().to_string();
    let mut current = vec![first];
    for part in parts {
        if part.is_empty() {
            continue;
        }
        let mut next = Vec::new();
        for base in &current {
            let base_dir = if base.is_empty() {
                sep.to_string()
            } else {
                base.clone()
            };
            if part.contains(['*', '?']) {
                let pattern = Wildcard::new(part, sys.family() == Family::Windows);
                for name in sys.list_dir(&base_dir) {
                    if pattern.matches(&name) {
                        next.push(format!("{base}{sep}{name}"));
                    }
                }
            } else {
                next.push(format!("{base}{sep}{part}"));
            }
        }
        next.truncate(64);
        current = next;
    }
    current.retain(|p| sys.exists(p));
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::wildcard;

    #[test]
    fn expands_windows_and_unix_variables() {
        let w =
            FakeSystem::new(Family::Windows).var("ProgramFiles(x86)", r"C:\Program Files (x86)");
        assert_eq!(
            expand_vars(&w, r"%ProgramFiles(x86)%\PKI\Dastine").as_deref(),
            Some(r"C:\Program Files (x86)\PKI\Dastine")
        );
        assert_eq!(expand_vars(&w, r"%NOPE%\x"), None);
        let l = FakeSystem::new(Family::Linux).var("HOME", "/home/sara");
        assert_eq!(
            expand_vars(&l, "~/.local/$HOME").as_deref(),
            Some("/home/sara/.local//home/sara")
        );
    }

    #[test]
    fn globs_within_components() {
        let w = FakeSystem::new(Family::Windows)
            .var("ProgramFiles", r"C:\Program Files")
            .file(r"C:\Program Files\Java\jre1.8.0_401\bin\java.exe", "")
            .file(r"C:\Program Files\Java\jdk-17\bin\java.exe", "")
            .file(r"C:\Program Files\Java\jre7\lib\rt.jar", "");
        let found = glob(&w, r"%ProgramFiles%\java\*\bin\JAVA.EXE");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].ends_with(r"\bin\JAVA.EXE") || found[0].ends_with(r"\bin\java.exe"));
        let l = FakeSystem::new(Family::Linux).file("/usr/lib/libshuttle_p11v220.so.1.0.0", "");
        assert_eq!(
            glob(&l, "/usr/lib/libshuttle_p11v220.so*"),
            vec!["/usr/lib/libshuttle_p11v220.so.1.0.0"]
        );
        assert!(glob(&l, "/usr/lib/libcastle*").is_empty());
    }

    #[test]
    fn wildcards() {
        assert!(wildcard(
            "*csp11_3003*.dll",
            "securitydatacsp11_3003.dll",
            false
        ));
        assert!(wildcard("a?c*", "ABCdef", true));
        assert!(!wildcard("a?c", "abcd", false));
        assert!(wildcard("**", "", false));
    }
}
