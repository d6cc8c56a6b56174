//! Where a knowledge base is read from: the copy embedded at build time, or a folder on disk.

use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static EMBEDDED_KB: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../kb");
static EMBEDDED_SCRIPTS: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../scripts");

/// The text files of a knowledge base, by path relative to its root (`kb/general/cert.yaml`,
/// `scripts/cert/expired.rhai`), in a stable order.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub files: Vec<(String, String)>,
    /// Where it came from, for messages: "embedded" or the folder.
    pub origin: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not a knowledge base folder: it has no systems.yaml")]
    NotKb(PathBuf),
}

impl Source {
    /// The knowledge base compiled into this binary.
    pub fn embedded() -> Source {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED_KB, "kb", &mut files);
        collect_embedded(&EMBEDDED_SCRIPTS, "scripts", &mut files);
        files.sort();
        Source {
            files,
            origin: "embedded".into(),
        }
    }

    /// A working copy: `dir` is the `kb/` folder; scripts are read from `dir/../scripts`,
    /// or from `dir/scripts` when the KB keeps them inside.
    pub fn from_dir(dir: &Path) -> Result<Source, SourceError> {
        if !dir.join("systems.yaml").is_file() {
            return Err(SourceError::NotKb(dir.to_path_buf()));
        }
        let mut files = Vec::new();
        collect_dir(dir, "kb", &mut files)?;
        let inner = dir.join("scripts");
        let sibling = dir.parent().map(|p| p.join("scripts"));
        let scripts = if inner.is_dir() {
            Some(inner)
        } else {
            sibling.filter(|s| s.is_dir())
        };
        if let Some(s) = scripts {
            collect_dir(&s, "scripts", &mut files)?;
        }
        files.sort();
        Ok(Source {
            files,
            origin: dir.display().to_string(),
        })
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }
}

fn collect_embedded(dir: &Dir<'_>, prefix: &str, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        if let Some(text) = f.contents_utf8() {
            out.push((format!("{prefix}/{}", f.path().display()), text.to_string()));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, prefix, out);
    }
}

fn collect_dir(
    root: &Path,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), SourceError> {
    fn walk(
        base: &Path,
        dir: &Path,
        prefix: &str,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), SourceError> {
        let io = |e| SourceError::Io {
            path: dir.to_path_buf(),
            source: e,
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, prefix, out)?;
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "rhai" | "json" | "md" | "pem")
            ) {
                let text = std::fs::read_to_string(&p).map_err(|e| SourceError::Io {
                    path: p.clone(),
                    source: e,
                })?;
                let rel = p.strip_prefix(base).unwrap_or(&p);
                let rel = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((format!("{prefix}/{rel}"), text));
            }
        }
        Ok(())
    }
    walk(root, root, prefix, out)
}
