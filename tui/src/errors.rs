//! What the user reads when a command fails: every [`CliError`] in the user's language.
//!
//! The engine's errors keep an English `Display` (logs, tests, `kb` tools in scripts); this is
//! the one place that turns each of them into a sentence of `tui/i18n`. The details that come
//! from outside tokenyar (a JSON parser's complaint, the checker's first finding) stay as they
//! are, quoted inside the localised sentence.

use fluent_bundle::FluentValue;
use tokenyar_engine::Lang;
use tokenyar_engine::authoring::to_test::AddTestError;
use tokenyar_engine::facts::{BundleError, bundle};
use tokenyar_engine::files::FileError;
use tokenyar_engine::infer::saved::{self, SessionFileError};
use tokenyar_engine::kb::source::SourceError;
use tokenyar_engine::report::ReportError;

use crate::setup::{CliError, msg};

/// `e` as a sentence in `lang`.
pub fn message(e: &CliError, lang: Lang) -> String {
    let m = |id: &str, args: &[(&str, FluentValue)]| msg(lang, id, args);
    match e {
        CliError::Usage { id, args } => msg(lang, id, args),
        CliError::Source(e) => source(e, lang),
        CliError::Bundle(e) => bundle(e, lang),
        CliError::BrokenKb {
            origin,
            count,
            first,
        } => m(
            "err-broken-kb",
            &[
                ("origin", origin.as_str().into()),
                ("count", (*count).into()),
                ("first", first.as_str().into()),
            ],
        ),
        CliError::Io(e) => m("err-output", &[("error", io(e, lang).into())]),
        CliError::Report(e) => match e {
            ReportError::Session(e) => session(e, lang),
            ReportError::Bundle(e) => bundle(e, lang),
            ReportError::UnknownSystem(s) => {
                m("err-unknown-system-plain", &[("system", s.as_str().into())])
            }
        },
        CliError::SessionFile(e) => session(e, lang),
        CliError::File(e) => file(e, lang),
        CliError::AddTest(e) => match e {
            AddTestError::File(e) => file(e, lang),
            AddTestError::Write { path, source } => write(path, source, lang),
            AddTestError::Unrecognised(path) => m(
                "err-add-test-unrecognised",
                &[("path", path.as_str().into())],
            ),
            AddTestError::Session(e) => session(e, lang),
            AddTestError::Bundle(e) => bundle(e, lang),
            AddTestError::UnknownSystem(s) => {
                m("err-unknown-system-plain", &[("system", s.as_str().into())])
            }
            AddTestError::DoesNotPass { path, failures } => m(
                "err-add-test-fails",
                &[
                    ("path", path.as_str().into()),
                    ("failures", failures.as_str().into()),
                ],
            ),
            AddTestError::Reload(origin, why) => m(
                "err-add-test-reload",
                &[
                    ("origin", origin.as_str().into()),
                    ("error", why.as_str().into()),
                ],
            ),
        },
    }
}

/// The operating system's reason in words for the kinds a user meets (a mistyped path, a
/// folder they may not write); the system's own text for the rest.
fn io(e: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind::*;
    let id = match e.kind() {
        NotFound => "err-io-not-found",
        PermissionDenied => "err-io-permission",
        AlreadyExists => "err-io-exists",
        IsADirectory => "err-io-is-folder",
        StorageFull => "err-io-disk-full",
        ReadOnlyFilesystem => "err-io-read-only",
        _ => return e.to_string(),
    };
    msg(lang, id, &[])
}

fn write(path: &str, e: &std::io::Error, lang: Lang) -> String {
    msg(
        lang,
        "err-cannot-write",
        &[("path", path.into()), ("error", io(e, lang).into())],
    )
}

fn file(e: &FileError, lang: Lang) -> String {
    let m = |id: &str, args: &[(&str, FluentValue)]| msg(lang, id, args);
    match e {
        FileError::Exists { path } => m("err-file-exists", &[("path", path.as_str().into())]),
        FileError::IsInput { path } => m("err-file-is-input", &[("path", path.as_str().into())]),
        FileError::Write { path, source } => write(path, source, lang),
        FileError::Read { path, source } => m(
            "err-cannot-read",
            &[
                ("path", path.as_str().into()),
                ("error", io(source, lang).into()),
            ],
        ),
        FileError::TooLarge {
            path, size, limit, ..
        } => m(
            "err-file-too-large",
            &[
                ("path", path.as_str().into()),
                ("size", (*size).into()),
                ("limit", (*limit).into()),
            ],
        ),
        FileError::NotAFile { path } => m("err-not-a-file", &[("path", path.as_str().into())]),
    }
}

fn source(e: &SourceError, lang: Lang) -> String {
    match e {
        SourceError::Io { path, source } => msg(
            lang,
            "err-cannot-read",
            &[
                ("path", path.display().to_string().into()),
                ("error", io(source, lang).into()),
            ],
        ),
        SourceError::File(e) => file(e, lang),
        SourceError::NotKb(path) => msg(
            lang,
            "err-not-kb",
            &[("path", path.display().to_string().into())],
        ),
    }
}

/// The message ids and the format of one kind of saved file: a bundle's and a session's
/// failures read alike.
struct Saved {
    invalid: &'static str,
    other: &'static str,
    newer: &'static str,
    format: &'static str,
    version: u32,
}

const BUNDLE: Saved = Saved {
    invalid: "err-bundle-invalid",
    other: "err-not-bundle",
    newer: "err-bundle-newer",
    format: bundle::FORMAT,
    version: bundle::VERSION,
};

const SESSION: Saved = Saved {
    invalid: "err-session-invalid",
    other: "err-not-session",
    newer: "err-session-newer",
    format: saved::FORMAT,
    version: saved::VERSION,
};

impl Saved {
    fn invalid(&self, lang: Lang, path: &str, line: usize, col: usize, detail: &str) -> String {
        msg(
            lang,
            self.invalid,
            &[
                ("where", format!("{path}:{line}:{col}").into()),
                ("detail", detail.into()),
            ],
        )
    }

    fn other_format(&self, lang: Lang, path: &str, found: &str) -> String {
        msg(
            lang,
            self.other,
            &[
                ("path", path.into()),
                ("found", format!("{found:?}").into()),
                ("expected", format!("{:?}", self.format).into()),
            ],
        )
    }

    fn newer(&self, lang: Lang, path: &str, found: u32) -> String {
        msg(
            lang,
            self.newer,
            &[
                ("path", path.into()),
                ("version", found.to_string().into()),
                ("max", self.version.to_string().into()),
            ],
        )
    }
}

fn bundle(e: &BundleError, lang: Lang) -> String {
    match e {
        BundleError::File(e) => file(e, lang),
        BundleError::Json {
            path,
            line,
            col,
            message,
        } => BUNDLE.invalid(lang, path, *line, *col, message),
        BundleError::NotBundle { path, found } => BUNDLE.other_format(lang, path, found),
        BundleError::FromTheFuture { path, found } => BUNDLE.newer(lang, path, *found),
    }
}

fn session(e: &SessionFileError, lang: Lang) -> String {
    match e {
        SessionFileError::File(e) => file(e, lang),
        SessionFileError::Json {
            path,
            line,
            col,
            message,
        } => SESSION.invalid(lang, path, *line, *col, message),
        SessionFileError::NotSession { path, found } => SESSION.other_format(lang, path, found),
        SessionFileError::FromTheFuture { path, found } => SESSION.newer(lang, path, *found),
        SessionFileError::StepGone {
            step,
            node,
            how,
            kb_version,
            saved_with,
        } => msg(
            lang,
            "err-session-step-gone",
            &[
                ("step", step.to_string().into()),
                ("node", node.as_str().into()),
                ("how", how.as_str().into()),
                ("kb", kb_version.as_str().into()),
                ("saved", saved_with.as_str().into()),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::io;

    /// One of every kind of failure a command can meet, as the engine reports it.
    fn every_error() -> Vec<CliError> {
        let nf = || io::Error::from(io::ErrorKind::NotFound);
        let p = || "/tmp/x.json".to_string();
        vec![
            CliError::Source(SourceError::Io {
                path: "/tmp/kb".into(),
                source: nf(),
            }),
            CliError::Source(SourceError::NotKb("/tmp/kb".into())),
            CliError::Bundle(BundleError::Json {
                path: p(),
                line: 3,
                col: 2,
                message: "expected value".into(),
            }),
            CliError::Bundle(BundleError::NotBundle {
                path: p(),
                found: "x".into(),
            }),
            CliError::Bundle(BundleError::FromTheFuture {
                path: p(),
                found: 7,
            }),
            CliError::BrokenKb {
                origin: "kb".into(),
                count: 2,
                first: "kb/a.yaml:1:1: E001".into(),
            },
            CliError::Io(io::Error::from(io::ErrorKind::PermissionDenied)),
            CliError::Report(ReportError::UnknownSystem("nosuch".into())),
            CliError::SessionFile(SessionFileError::NotSession {
                path: p(),
                found: "x".into(),
            }),
            CliError::SessionFile(SessionFileError::FromTheFuture {
                path: p(),
                found: 9,
            }),
            CliError::SessionFile(SessionFileError::Json {
                path: p(),
                line: 1,
                col: 1,
                message: "EOF".into(),
            }),
            CliError::SessionFile(SessionFileError::StepGone {
                step: 2,
                node: "setad/x".into(),
                how: "answer 1".into(),
                kb_version: "2".into(),
                saved_with: "1".into(),
            }),
            CliError::File(FileError::Exists { path: p() }),
            CliError::File(FileError::IsInput { path: p() }),
            CliError::File(FileError::Write {
                path: p(),
                source: io::Error::from(io::ErrorKind::PermissionDenied),
            }),
            CliError::File(FileError::Read {
                path: p(),
                source: nf(),
            }),
            CliError::File(FileError::TooLarge {
                path: p(),
                size: 99_000_000,
                limit: 16_000_000,
                what: "bundle",
            }),
            CliError::File(FileError::NotAFile { path: p() }),
            CliError::AddTest(AddTestError::Unrecognised(p())),
            CliError::AddTest(AddTestError::DoesNotPass {
                path: p(),
                failures: "FAIL".into(),
            }),
            CliError::AddTest(AddTestError::Reload("kb".into(), "E001".into())),
        ]
    }

    /// Every failure reads as Persian in Persian: no English sentence of the engine's `Display`
    /// survives, and what the user must act on (the file's path) is in it.
    #[test]
    fn every_failure_is_told_in_the_users_language() {
        let persian = |s: &str| {
            s.chars()
                .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
                .count()
        };
        for e in every_error() {
            let fa = message(&e, Lang::Fa);
            let en = message(&e, Lang::En);
            assert!(persian(&fa) >= 5, "{e:?} in Persian: {fa}");
            assert_eq!(persian(&en), 0, "{e:?} in English: {en}");
            assert_ne!(fa, e.to_string(), "{e:?}");
            if e.to_string().contains("/tmp/x.json") {
                assert!(
                    fa.contains("/tmp/x.json") && en.contains("/tmp/x.json"),
                    "{fa} / {en}"
                );
            }
        }
        // The system's reason is in words too.
        let fa = message(&every_error()[0], Lang::Fa);
        assert!(!fa.contains("os error"), "{fa}");
    }
}
