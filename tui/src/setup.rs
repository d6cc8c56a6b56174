//! What every entry point shares: the knowledge base (embedded or a working copy), the
//! language, and the one builder of the live world. `diagnose`, `collect` and the interactive
//! screen all assemble live facts here, from the same [`LiveArgs`], so a flag means the same
//! everywhere.

use std::sync::Arc;
use std::time::Duration;

use fluent_bundle::FluentValue;

use tokenyar_engine::authoring::load_checked;
use tokenyar_engine::facts::live::LiveFacts;
use tokenyar_engine::facts::provider::LiveOptions;
use tokenyar_engine::facts::token::Prefetch;
use tokenyar_engine::kb::{self, Diagnostic, Kb, Lang, Parts, Source};
use tokenyar_engine::model::{SoftwareCatalog, TokensFile};

use crate::cli::{Common, LiveArgs};

/// An error that ends the command with exit code 2 and one clear message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// A mistake in the command line or its inputs: a `tui/i18n` message, told in the user's
    /// language when printed (`errors::message`); `Display` gives the English.
    #[error("{}", msg(Lang::En, id, args))]
    Usage {
        id: &'static str,
        args: Vec<(&'static str, FluentValue<'static>)>,
    },
    #[error(transparent)]
    Source(#[from] kb::source::SourceError),
    #[error(transparent)]
    Bundle(#[from] tokenyar_engine::facts::BundleError),
    #[error(
        "the knowledge base at {origin} has {count} error(s); run `tokenyar kb check` to see them\n{first}"
    )]
    BrokenKb {
        origin: String,
        count: usize,
        first: String,
    },
    #[error("cannot write the output: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Report(#[from] tokenyar_engine::report::ReportError),
    #[error(transparent)]
    SessionFile(#[from] tokenyar_engine::infer::saved::SessionFileError),
    #[error(transparent)]
    File(#[from] tokenyar_engine::files::FileError),
    #[error(transparent)]
    AddTest(#[from] tokenyar_engine::authoring::to_test::AddTestError),
}

impl CliError {
    /// The message `id` of `tui/i18n` with its arguments.
    pub fn usage(id: &'static str, args: &[(&'static str, FluentValue<'_>)]) -> CliError {
        CliError::Usage {
            id,
            args: args.iter().map(|(k, v)| (*k, v.into_owned())).collect(),
        }
    }
}

pub fn source(common: &Common) -> Result<Source, CliError> {
    source_parts(common, Parts::ALL)
}

/// The parts of the knowledge base a command needs: the embedded copy reads no more; a working
/// copy is read whole, since it is checked before use.
fn source_parts(common: &Common, parts: Parts) -> Result<Source, CliError> {
    Ok(match &common.kb {
        Some(dir) => Source::from_dir(dir)?,
        None => Source::embedded_parts(parts),
    })
}

/// Loads the knowledge base for use (not for `kb check`): refuses one with errors. Everything
/// but the scenario tests.
pub fn load_kb(common: &Common) -> Result<Arc<Kb>, CliError> {
    load_kb_parts(common, Parts::RUN)
}

/// The embedded knowledge base, loaded, checked and frozen by build.rs (`kb::frozen`).
static FROZEN_KB: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kb.frozen"));

/// The knowledge base built into this binary: thawed from the bytes build.rs froze after
/// checking it, in about a millisecond (parsing its YAML took tens).
pub fn embedded_kb() -> Result<Kb, CliError> {
    let unreadable = |e: String| CliError::usage("err-built-in-kb", &[("error", e.into())]);
    let tokens = embedded_tokens().map_err(unreadable)?;
    kb::frozen::thaw_with_tokens(FROZEN_KB, tokens).map_err(|e| unreadable(e.to_string()))
}

/// The built-in token data, parsed once per process: the early token read and the knowledge
/// base share it. Unreadable bytes are an error here too, never an empty token list.
fn embedded_tokens() -> Result<Arc<TokensFile>, String> {
    static TOKENS: std::sync::OnceLock<Result<Arc<TokensFile>, String>> =
        std::sync::OnceLock::new();
    TOKENS
        .get_or_init(|| {
            kb::frozen::thaw_tokens(FROZEN_KB)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        })
        .clone()
}

/// The built-in knowledge base, thawed once per process and kept until it ends: a command
/// never pays for freeing its ten thousand allocations (5 % of a whole diagnosis's
/// instructions, measured), and one that loads it twice thaws it once.
fn shared_embedded_kb() -> Result<Arc<Kb>, CliError> {
    static KB: std::sync::OnceLock<Arc<Kb>> = std::sync::OnceLock::new();
    if let Some(kb) = KB.get() {
        return Ok(Arc::clone(kb));
    }
    let kb = Arc::new(embedded_kb()?);
    Ok(Arc::clone(KB.get_or_init(|| kb)))
}

/// Like [`load_kb`]. `parts` is what the command needs of a knowledge base (`lookup` needs no
/// scripts); the built-in one is whole either way, since thawing it costs less than choosing.
pub fn load_kb_parts(common: &Common, parts: Parts) -> Result<Arc<Kb>, CliError> {
    if common.kb.is_none() {
        return shared_embedded_kb();
    }
    let src = source_parts(common, parts)?;
    // A working copy is checked in full before use.
    let (kb, diags) = load_checked(&src);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        return Err(CliError::BrokenKb {
            origin: src.origin,
            count: errors.len(),
            first: first.to_string(),
        });
    }
    Ok(Arc::new(kb))
}

/// Loads the knowledge base for the editor's tools (`kb test`, `kb coverage`): one with errors
/// is still used, so an editor sees which scenarios pass while fixing it; the errors are
/// announced on stderr and counted.
pub fn load_for_editing(common: &Common) -> Result<(Arc<Kb>, usize), CliError> {
    let src = source(common)?;
    let (kb, diags) = load_checked(&src);
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    if let Some(first) = errors.first() {
        eprintln!(
            "warning: the knowledge base at {} has {} error(s) (run `tokenyar kb check`); using what loaded\n{first}\n",
            src.origin,
            errors.len()
        );
    }
    Ok((Arc::new(kb), errors.len()))
}

/// Refuses a `--system` the knowledge base does not know, naming the ones it does.
pub fn known_system(kb: &Kb, system: Option<&str>) -> Result<(), CliError> {
    match system {
        Some(s) if kb.system(s).is_none() => {
            let known: Vec<&str> = kb.systems.iter().map(|s| s.id.as_str()).collect();
            Err(CliError::usage(
                "err-unknown-system",
                &[("system", s.into()), ("known", known.join(", ").into())],
            ))
        }
        _ => Ok(()),
    }
}

/// The language codes `--lang` takes, for a message that names them.
pub fn known_langs() -> String {
    Lang::all().map(Lang::code).collect::<Vec<_>>().join(", ")
}

/// The language: `--lang`, else the one saved with F2/F3 (the settings file), else the
/// operating system's (`locale::default_lang`), the same rule as the interactive screen's.
pub fn lang(common: &Common) -> Result<Lang, CliError> {
    if let Some(l) = &common.lang {
        return Lang::parse(l).ok_or_else(|| {
            CliError::usage(
                "err-unknown-lang",
                &[("lang", l.as_str().into()), ("known", known_langs().into())],
            )
        });
    }
    Ok(crate::app::initial_settings(common, &crate::bidi::TerminalInfo::from_env())?.lang)
}

/// The command line's messages (`tui/i18n`, and the engine's), in logical order.
pub fn messages() -> &'static crate::i18n::I18n {
    static M: std::sync::OnceLock<crate::i18n::I18n> = std::sync::OnceLock::new();
    M.get_or_init(crate::i18n::I18n::plain)
}

/// A command-line message.
pub fn msg(lang: Lang, id: &str, args: &[(&str, fluent_bundle::FluentValue)]) -> String {
    messages().ta(lang, id, args)
}

/// The operating system's language, if it names one (`locale::os_lang`).
pub fn env_lang() -> Option<Lang> {
    crate::locale::os_lang()
}

/// The options of a live run from the command line and the knowledge base's data.
pub fn live_options(
    args: &LiveArgs,
    tokens: Arc<TokensFile>,
    software: Arc<SoftwareCatalog>,
) -> Result<LiveOptions, CliError> {
    // A path that names no file is a typing mistake, not a broken installation. A bare name
    // (`libsofthsm2.so`) is left to the system's library search.
    for m in &args.pkcs11_modules {
        if m.components().count() > 1 && !m.exists() {
            return Err(CliError::usage(
                "err-module-not-found",
                &[("path", m.display().to_string().into())],
            ));
        }
    }
    Ok(LiveOptions {
        offline: args.offline,
        pkcs11_modules: args.pkcs11_modules.clone(),
        tokens,
        software,
        // Tokens are read by a child of this same binary, so a hung module cannot take
        // tokenyar (or its screen) with it.
        token_reader: std::env::current_exe().ok(),
        token_deadline: token_deadline(args.token_deadline)?,
        discover_modules: !args.no_module_discovery,
        ..LiveOptions::default()
    })
}

/// Starts reading the token now, from `kb/tokens.yaml` alone, so the read overlaps with
/// loading the rest of the knowledge base; hand it to [`live_facts`].
pub fn start_token_read(common: &Common, args: &LiveArgs) -> Result<Prefetch, CliError> {
    let tokens = match &common.kb {
        Some(dir) => Arc::new(kb::tokens_only(&Source::from_dir(dir)?)),
        // Unreadable, the read starts with no token data; loading the knowledge base, which
        // every command does next, reports why.
        None => embedded_tokens().unwrap_or_default(),
    };
    Ok(Prefetch::start(live_options(args, tokens, Arc::default())?))
}

/// The live world of this machine, as the command line asks for it.
pub fn live_facts(
    kb: &Kb,
    args: &LiveArgs,
    early_token: Option<Prefetch>,
) -> Result<LiveFacts, CliError> {
    let opts = live_options(args, Arc::clone(&kb.tokens), Arc::clone(&kb.software))?;
    let live = LiveFacts::new(opts);
    Ok(match early_token {
        Some(t) => live.with_prefetched_token(t),
        None => live,
    })
}

pub fn token_deadline(seconds: f64) -> Result<Duration, CliError> {
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 600.0) {
        return Err(CliError::usage(
            "err-token-deadline",
            &[("value", seconds.to_string().into())],
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The frozen knowledge base is kb/ as it is now: freezing what the YAML loader reads from
    /// the folder gives the bytes build.rs embedded (and the engine's tests show that thawing
    /// gives back what was frozen).
    #[test]
    fn the_built_in_knowledge_base_is_the_one_in_the_kb_folder() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../kb");
        let (mut kb, diags) = kb::load_and_check(&Source::from_dir(&dir).unwrap());
        assert!(!diags.iter().any(|d| d.is_error()), "{diags:?}");
        kb.origin = "embedded".into();
        assert!(kb::frozen::freeze(&kb).unwrap() == FROZEN_KB);
        let thawed = embedded_kb().unwrap();
        assert_eq!(thawed.version, kb.version);
        assert_eq!(thawed.nodes.len(), kb.nodes.len());
        assert_eq!(thawed.scripts.len(), kb.scripts.len());
    }
}
