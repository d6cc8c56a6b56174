//! Finding PKCS#11 modules on this machine from the knowledge base's list (`kb/tokens.yaml`,
//! `models[].modules`): folders per OS (with `%VAR%` / `$VAR` expanded) and file names, which may
//! be globs (`*Csp11_3003*.dll`, for resellers that rename Feitian's module).

use std::path::{MAIN_SEPARATOR_STR, Path, PathBuf};

use crate::model::tokens::TokensFile;
use crate::text::{expand_env, glob_match};

/// A module file found on disk.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub path: PathBuf,
    pub model: String,
    pub confidence: String,
    /// The module's word size as the knowledge base gives it (`bits: 32` for the modules in
    /// SysWOW64); the file's own header, read later, has the last word.
    pub bits: Option<u32>,
}

/// Every module the knowledge base names for `os` that exists on this machine, in the
/// knowledge base's order, each file once.
pub(crate) fn discover(
    tokens: &TokensFile,
    os: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    for model in &tokens.models {
        for entry in model.modules.iter().filter(|e| e.os.name() == os) {
            let confidence = entry.confidence.name().to_string();
            for dir in &entry.dirs {
                let Some(dir) = expand(dir, env) else {
                    continue;
                };
                for file in &entry.files {
                    for path in find(&dir, file) {
                        if out.iter().any(|c| same_file(&c.path, &path)) {
                            continue;
                        }
                        out.push(Candidate {
                            path,
                            model: model.id.clone(),
                            confidence: confidence.clone(),
                            bits: entry.bits,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The model whose module names match this file's name (for `--pkcs11-module` paths).
pub(crate) fn model_of(tokens: &TokensFile, path: &Path) -> Option<String> {
    let name = path.file_name()?.to_string_lossy().to_string();
    tokens
        .models
        .iter()
        .find(|m| {
            m.modules
                .iter()
                .flat_map(|e| &e.files)
                .any(|f| glob_match(f, &name))
        })
        .map(|m| m.id.clone())
}

/// Whether two paths name one file (links resolved); falls back to comparing the text.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// A folder of `kb/tokens.yaml` on this machine: variables expanded (`None` when one is not
/// set: the folder does not apply here), either slash taken as this OS's separator.
pub fn expand(text: &str, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let out = expand_env(text, env)?;
    Some(PathBuf::from(out.replace(['/', '\\'], MAIN_SEPARATOR_STR)))
}

/// The files in `dir` that `pattern` names: the file itself, or every match of a glob.
fn find(dir: &Path, pattern: &str) -> Vec<PathBuf> {
    if !pattern.contains(['*', '?']) {
        let p = dir.join(pattern);
        return if p.is_file() { vec![p] } else { Vec::new() };
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| glob_match(pattern, &e.file_name().to_string_lossy()))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kb() -> TokensFile {
        serde_json::from_value(json!({"models": [
            {"id": "epass3003", "name": "e3", "modules": [
                {"os": "windows", "dirs": ["%SystemRoot%\\System32"], "files": ["ShuttleCsp11_3003.dll", "*Csp11_3003*.dll"], "confidence": "sourced"},
                {"os": "windows", "dirs": ["%SystemRoot%\\SysWOW64"], "files": ["ShuttleCsp11_3003.dll"], "bits": 32},
                {"os": "linux", "dirs": ["/nonexistent-dir", "$HOME/lib"], "files": ["libshuttle_p11v220.so"]}
            ]},
            {"id": "epass2003", "name": "e2", "modules": [
                {"os": "windows", "dirs": ["%SystemRoot%/System32"], "files": ["eps2003csp11.dll"]}
            ]}
        ]}))
        .unwrap()
    }

    #[test]
    fn finds_modules_by_name_and_by_glob_in_expanded_folders() {
        let root = tempfile::tempdir().unwrap();
        let sys32 = root.path().join("System32");
        let wow = root.path().join("SysWOW64");
        std::fs::create_dir_all(&sys32).unwrap();
        std::fs::create_dir_all(&wow).unwrap();
        for f in [
            "ShuttleCsp11_3003.dll",
            "SecurityDataCsp11_3003.dll",
            "eps2003csp11.dll",
            "kernel32.dll",
        ] {
            std::fs::write(sys32.join(f), b"MZ").unwrap();
        }
        std::fs::write(wow.join("ShuttleCsp11_3003.dll"), b"MZ").unwrap();
        let r = root.path().display().to_string();
        let env = move |k: &str| (k == "SystemRoot").then(|| r.clone());
        let found = discover(&kb(), "windows", &env);
        let names: Vec<(String, String)> = found
            .iter()
            .map(|c| {
                (
                    c.path.file_name().unwrap().to_string_lossy().into_owned(),
                    c.model.clone(),
                )
            })
            .collect();
        assert_eq!(
            names,
            vec![
                ("ShuttleCsp11_3003.dll".into(), "epass3003".into()),
                ("SecurityDataCsp11_3003.dll".into(), "epass3003".into()),
                ("ShuttleCsp11_3003.dll".into(), "epass3003".into()),
                ("eps2003csp11.dll".into(), "epass2003".into()),
            ]
        );
        // The same file is not listed twice although the name and the glob both match it.
        assert!(found[0].path.starts_with(&sys32) && found[2].path.starts_with(&wow));
        assert_eq!(found[0].confidence, "sourced");
        assert_eq!(found[0].bits, None);
        // The knowledge base's word for SysWOW64: a 32-bit module, for the 32-bit reader.
        assert_eq!(found[2].bits, Some(32));
    }

    #[test]
    fn unset_variables_and_missing_folders_find_nothing() {
        let none = |_: &str| None;
        assert!(discover(&kb(), "windows", &none).is_empty());
        assert!(discover(&kb(), "linux", &none).is_empty());
        assert_eq!(expand("%X%\\a", &none), None);
        let home = |k: &str| (k == "HOME").then(|| "/h".to_string());
        assert_eq!(
            expand("${HOME}/lib", &home),
            Some(PathBuf::from(format!(
                "{MAIN_SEPARATOR_STR}h{MAIN_SEPARATOR_STR}lib"
            )))
        );
    }

    #[test]
    fn names_the_model_of_a_module_given_by_path() {
        assert_eq!(
            model_of(&kb(), Path::new("/x/AcmeCsp11_3003.dll")),
            Some("epass3003".into())
        );
        assert_eq!(model_of(&kb(), Path::new("/x/other.so")), None);
    }
}
