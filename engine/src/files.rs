//! The one way tokenyar reads and writes its own files (bundles, sessions, reports, settings,
//! scenario tests), so that no write can lose data and no input can exhaust memory.
//!
//! A write goes to a temporary file in the target's folder, is flushed to disk, and is renamed
//! over the target: a full disk, a crash or a second writer leaves either the old file or the
//! new one, never a mix or a stump. An existing file is replaced only when the caller says so,
//! and a file that is also an input of the run is never replaced.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The largest bundle tokenyar reads. A real one is well under 2 MB (64 certificates at most).
pub(crate) const MAX_BUNDLE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest saved session: its facts plus a walk of a few hundred steps.
pub const MAX_SESSION_BYTES: u64 = 16 * 1024 * 1024;
/// The largest single knowledge-base file (the biggest shipped one is well under 200 KB).
pub const MAX_KB_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What to do when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse: the caller asked for this name, and replacing needs `--force`.
    Refuse,
    /// Replace it (the user said `--force`, or it is tokenyar's own state, like settings).
    Replace,
    /// Keep it and write beside it under the next free name (`name-2.json`), returned.
    NewName,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path} already exists; give --force to replace it, or another name")]
    Exists { path: String },
    #[error("{path} is also an input of this run; write the output somewhere else")]
    IsInput { path: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path} is {size} bytes, more than the {limit} bytes a {what} may have; it is not read"
    )]
    TooLarge {
        path: String,
        size: u64,
        limit: u64,
        what: &'static str,
    },
    #[error("{path} is not a regular file")]
    NotAFile { path: String },
}

impl FileError {
    /// Whether the folder refused the write (read-only, no permission): worth trying elsewhere.
    pub fn is_denied(&self) -> bool {
        matches!(self, FileError::Write { source, .. }
            if matches!(source.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem))
    }
}

/// Writes `text` to `path` atomically; returns the path written (another one with
/// [`Existing::NewName`] when `path` was taken). `inputs` are the files this run read: none of
/// them is ever replaced.
pub fn write(
    path: &Path,
    text: &[u8],
    existing: Existing,
    inputs: &[&Path],
) -> Result<PathBuf, FileError> {
    write_with(path, existing, inputs, |w| w.write_all(text))
}

/// [`write`] with a writer callback, so a failure part-way (a full disk) can be shown to leave
/// the old file as it was.
pub fn write_with(
    path: &Path,
    existing: Existing,
    inputs: &[&Path],
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<PathBuf, FileError> {
    let name = |p: &Path| p.display().to_string();
    check_target(path, existing, inputs)?;
    let target = match existing {
        Existing::NewName if path.exists() => free_name(path),
        _ => path.to_path_buf(),
    };
    let err = |source| FileError::Write {
        path: name(&target),
        source,
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tokenyar-")
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(err)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).map_err(err)?;
        w.flush().map_err(err)?;
    }
    tmp.as_file().sync_all().map_err(err)?;
    // A replaced file keeps its permissions; a new one is private to the user (it may hold a
    // diagnosis of their machine), as the temporary file already is.
    if let Ok(meta) = std::fs::metadata(&target) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    let persisted = match existing {
        // Another writer may have taken the name since: never clobber what we were told to keep.
        Existing::Refuse | Existing::NewName => tmp.persist_noclobber(&target),
        Existing::Replace => tmp.persist(&target),
    };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            FileError::Exists {
                path: name(&target),
            }
        } else {
            err(e.error)
        }
    })?;
    Ok(target)
}

/// Whether [`write`] would refuse `path`: a command checks before its work, not after.
pub fn check_target(path: &Path, existing: Existing, inputs: &[&Path]) -> Result<(), FileError> {
    let name = path.display().to_string();
    if inputs.iter().any(|i| same_file(i, path)) {
        return Err(FileError::IsInput { path: name });
    }
    if existing == Existing::Refuse && path.exists() {
        return Err(FileError::Exists { path: name });
    }
    Ok(())
}

/// The first of `name-2.ext`, `name-3.ext`, ... that does not exist.
fn free_name(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (2u32..)
        .map(|n| path.with_file_name(format!("{stem}-{n}{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.to_path_buf())
}

/// Whether two paths name the same file (links and `./` spellings included). A path that does
/// not exist is no file at all.
pub(crate) fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
        false
    }
    #[cfg(not(unix))]
    {
        match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
}

/// Reads a text file of at most `limit` bytes; a larger one is refused before it is read, and
/// a FIFO or device (which has no size) is refused outright.
pub(crate) fn read_text(path: &Path, limit: u64, what: &'static str) -> Result<String, FileError> {
    let name = path.display().to_string();
    let read_err = |source| FileError::Read {
        path: name.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(if meta.is_dir() {
            read_err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder",
            ))
        } else {
            FileError::NotAFile { path: name }
        });
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            path: name,
            size: meta.len(),
            limit,
            what,
        });
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    // The file may grow between the size check and the read: read one byte past the limit.
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: name,
            size: bytes.len() as u64,
            limit,
            what,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        read_err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}
