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
    /// The digest of every file, when it is known without reading them all (the embedded copy's
    /// is computed at build time), so a partial load still names the whole knowledge base.
    /// Whoever changes `files` of an embedded source sets it to `None`.
    pub digest: Option<String>,
    /// Checked before this binary was built (the test suite refuses an embedded knowledge base
    /// that fails `kb check`): loading records no source positions and skips the data files' own
    /// rules, since no message will point into it. `kb check` reads the embedded copy untrusted.
    pub trusted: bool,
}

/// What of a knowledge base a command needs; the embedded copy reads nothing else, so a command
/// starts no slower than its own work. (A working copy is always read whole: it is checked.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// The probe scripts, compiled: walks, diagnoses, collecting.
    pub scripts: bool,
    /// The scenario tests and the files they name: `kb test`, `kb coverage`, `kb check`.
    pub tests: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        scripts: true,
        tests: true,
    };
    /// What running the knowledge base needs: everything but its tests.
    pub const RUN: Parts = Parts {
        scripts: true,
        tests: false,
    };
    /// What `lookup` needs: the nodes, systems and language data its index is built from.
    pub const INDEX: Parts = Parts {
        scripts: false,
        tests: false,
    };

    /// Whether a file (by its path in a [`Source`]) is part of these.
    pub fn wants(self, path: &str) -> bool {
        if path.starts_with("scripts/") {
            return self.scripts;
        }
        let mut parts = path.split('/');
        let is_test = parts.next() == Some("kb") && parts.nth(1) == Some("tests");
        !is_test || self.tests
    }
}

/// Computed by build.rs over the same files `include_dir!` embeds, with [`content_digest`].
const EMBEDDED_DIGEST: &str = env!("TOKENYAR_KB_DIGEST");

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
        Source::embedded_parts(Parts::ALL)
    }

    /// The parts of the embedded knowledge base a command needs (see [`Parts`]).
    pub fn embedded_parts(parts: Parts) -> Source {
        let mut files = Vec::new();
        collect_embedded(&EMBEDDED_KB, "kb", parts, &mut files);
        if parts.scripts {
            collect_embedded(&EMBEDDED_SCRIPTS, "scripts", parts, &mut files);
        }
        files.sort();
        Source {
            files,
            origin: "embedded".into(),
            digest: Some(EMBEDDED_DIGEST.to_string()),
            trusted: parts != Parts::ALL,
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
            digest: None,
            trusted: false,
        })
    }

    pub fn get(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
    }
}

fn collect_embedded(dir: &Dir<'_>, prefix: &str, parts: Parts, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        let path = format!("{prefix}/{}", f.path().display());
        if !parts.wants(&path) {
            continue;
        }
        if let Some(text) = f.contents_utf8() {
            out.push((path, text.to_string()));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, prefix, parts, out);
    }
}

/// A short, stable digest of a knowledge base's files (FNV-1a; identity, not security), sorted
/// by path. build.rs computes the embedded copy's the same way (its test keeps them equal).
pub fn content_digest<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for (p, t) in files {
        for b in p.bytes().chain([0]).chain(t.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    format!("{:08x}", h >> 32)
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
