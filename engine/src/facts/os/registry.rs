//! The Windows registry as tokenyar reads it: keys and values, and the parser of `reg query`
//! output. A leaf: the software matcher and the Windows collector both read keys through
//! [`reg_key`], which goes through the [`System`] seam so tests answer from recorded output.

use super::system::System;

/// One registry key as `reg query` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegKey {
    pub path: String,
    pub values: Vec<RegValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegValue {
    pub name: String,
    pub kind: String,
    pub data: String,
}

impl RegKey {
    pub fn get(&self, name: &str) -> Option<&RegValue> {
        self.values
            .iter()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| v.data.clone())
            .filter(|s| !s.is_empty())
    }

    /// A REG_DWORD / REG_QWORD as a number (`reg` prints them as `0x…`).
    pub fn number(&self, name: &str) -> Option<i64> {
        let v = self.get(name)?;
        let d = v.data.trim();
        match d.strip_prefix("0x").or_else(|| d.strip_prefix("0X")) {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => d.parse().ok(),
        }
    }
}

/// Parses the output of `reg query KEY [/v NAME] [/s]`: each key line followed by its values,
/// indented by four spaces as `NAME    REG_TYPE    DATA`.
pub(crate) fn parse_reg_query(text: &str) -> Vec<RegKey> {
    let mut keys: Vec<RegKey> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("HKEY_") || line.starts_with("HKLM") || line.starts_with("HKCU") {
            keys.push(RegKey {
                path: line.trim().to_string(),
                values: Vec::new(),
            });
            continue;
        }
        let Some(rest) = line.strip_prefix("    ") else {
            continue; // "End of search: N match(es) found." and the like
        };
        let Some(key) = keys.last_mut() else { continue };
        if let Some(v) = parse_value_line(rest) {
            key.values.push(v);
        }
    }
    keys
}

fn parse_value_line(rest: &str) -> Option<RegValue> {
    // Names may hold single spaces; the separators are runs of four.
    let i = rest.find("    REG_")?;
    let name = rest[..i].to_string();
    let after = &rest[i + 4..];
    let (kind, data) = match after.find("    ") {
        Some(j) => (&after[..j], &after[j + 4..]),
        None => (after.trim_end(), ""),
    };
    Some(RegValue {
        name,
        kind: kind.to_string(),
        data: data.to_string(),
    })
}

/// A key's own values, or why they could not be read. A missing key is `Ok(None)`.
pub(crate) fn reg_key(sys: &dyn System, key: &str) -> Result<Option<RegKey>, String> {
    Ok(sys.registry(key, false)?.map(|keys| {
        keys.into_iter()
            .find(|k| same_key(&k.path, key))
            .unwrap_or(RegKey {
                path: key.to_string(),
                values: Vec::new(),
            })
    }))
}

/// [`System::registry`] through `reg query KEY [/s]`: how recorded machines answer (and the
/// fallback where the API is not used). A missing key is `Ok(None)` (`reg` says "unable to find"
/// and exits 1).
pub(crate) fn reg_exe_query<S: System + ?Sized>(
    sys: &S,
    key: &str,
    recursive: bool,
) -> Result<Option<Vec<RegKey>>, String> {
    let args: &[&str] = if recursive {
        &["query", key, "/s"]
    } else {
        &["query", key]
    };
    match sys.run("reg", args) {
        Ok(out) if out.success() => Ok(Some(parse_reg_query(&out.stdout))),
        Ok(out) if out.code == Some(1) => Ok(None),
        Ok(out) => Err(format!(
            "`reg query {key}` failed: {}",
            first_words(&out.stderr, &out.stdout)
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// What a failed command said: Windows' own tools write errors to stdout as often as stderr.
pub(crate) fn first_words(stderr: &str, stdout: &str) -> String {
    let s = if stderr.trim().is_empty() {
        stdout
    } else {
        stderr
    };
    let s = s.trim();
    if s.is_empty() {
        "(it printed nothing)".into()
    } else {
        s.chars().take(200).collect()
    }
}

/// `HKLM\X` and `HKEY_LOCAL_MACHINE\X` are one key.
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let long = |s: &str| {
        let s = s.trim().trim_end_matches('\\');
        let s = if let Some(r) = s.strip_prefix("HKLM\\") {
            format!("HKEY_LOCAL_MACHINE\\{r}")
        } else if let Some(r) = s.strip_prefix("HKCU\\") {
            format!("HKEY_CURRENT_USER\\{r}")
        } else {
            s.to_string()
        };
        s.to_lowercase()
    };
    long(a) == long(b)
}
