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
    #[error(transparent)]
    File(Box<crate::files::FileError>),
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

/// Reads the knowledge-base files under `root`. A `--kb` folder is untrusted input, so the walk
/// reads regular files only (a FIFO would block it, a device would never end), follows a symbolic
/// link only when it stays inside `root` and was not visited before (two self-links would
/// otherwise make it exponential), and refuses a file larger than [`MAX_KB_FILE_BYTES`].
///
/// [`MAX_KB_FILE_BYTES`]: crate::files::MAX_KB_FILE_BYTES
fn collect_dir(
    root: &Path,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), SourceError> {
    struct Walk<'a> {
        root: PathBuf,
        prefix: &'a str,
        seen: std::collections::HashSet<PathBuf>,
        out: &'a mut Vec<(String, String)>,
    }
    /// Folders nested deeper than this are not knowledge-base layout but a trap.
    const MAX_DEPTH: usize = 16;
    fn walk(w: &mut Walk<'_>, dir: &Path, rel: &str, depth: usize) -> Result<(), SourceError> {
        let io = |e| SourceError::Io {
            path: dir.to_path_buf(),
            source: e,
        };
        // A folder reached twice (through a link) is read once.
        let real = std::fs::canonicalize(dir).map_err(io)?;
        if depth > MAX_DEPTH || !real.starts_with(&w.root) || !w.seen.insert(real) {
            return Ok(());
        }
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let Ok(mut meta) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if meta.file_type().is_symlink() {
                match std::fs::canonicalize(&p) {
                    Ok(target) if target.starts_with(&w.root) => {
                        let Ok(m) = std::fs::metadata(&target) else {
                            continue;
                        };
                        meta = m;
                    }
                    // A link out of the folder, dangling, or looping: not part of the KB.
                    _ => continue,
                }
            }
            let name = e.file_name().to_string_lossy().into_owned();
            let rel_name = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if meta.is_dir() {
                walk(w, &p, &rel_name, depth + 1)?;
            } else if meta.is_file()
                && matches!(
                    p.extension().and_then(|x| x.to_str()),
                    Some("yaml" | "yml" | "rhai" | "json" | "md" | "pem")
                )
            {
                let text = crate::files::read_text(
                    &p,
                    crate::files::MAX_KB_FILE_BYTES,
                    "knowledge-base file",
                )
                .map_err(|e| SourceError::File(Box::new(e)))?;
                w.out.push((format!("{}/{rel_name}", w.prefix), text));
            }
        }
        Ok(())
    }
    let real_root = std::fs::canonicalize(root).map_err(|e| SourceError::Io {
        path: root.to_path_buf(),
        source: e,
    })?;
    let mut w = Walk {
        root: real_root,
        prefix,
        seen: Default::default(),
        out,
    };
    walk(&mut w, root, "", 0)
}
