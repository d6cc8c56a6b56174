//! The command line: a contract (DESIGN.md) that tests and scripts rely on.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "tokenyar",
    version = concat!(env!("CARGO_PKG_VERSION"), " (kb ", env!("TOKENYAR_KB_VERSION"), ")"),
    about = "Troubleshooting for Iranian digital-signature USB tokens (توکن‌یار)",
    long_about = "tokenyar finds out why signing with a USB token fails on Setad, Sabt-e Man, Jame Tejarat, \
the real-estate registry, Moadian/Holoo or Bank Mellat, and walks you to the fix.\n\
Run it with no command for the interactive screen."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: Common,
}

/// How the live world is read: the same flags for the screen, `diagnose` and `collect`.
#[derive(Debug, Args, Clone)]
pub struct LiveArgs {
    /// A PKCS#11 module to probe (repeatable); adds to the ones found on this machine.
    #[arg(long = "pkcs11-module", global = true, value_name = "PATH")]
    pub pkcs11_modules: Vec<PathBuf>,
    /// Do not use the network (no remote time check).
    #[arg(long, global = true)]
    pub offline: bool,
    /// Seconds one PKCS#11 module may take before it is stopped and reported as hung.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 4.0)]
    pub token_deadline: f64,
    /// Probe only the modules given with --pkcs11-module, not the ones found on this machine.
    #[arg(long, global = true)]
    pub no_module_discovery: bool,
}

impl Default for LiveArgs {
    fn default() -> Self {
        LiveArgs {
            pkcs11_modules: Vec::new(),
            offline: false,
            token_deadline: 4.0,
            no_module_discovery: false,
        }
    }
}

/// Options that mean the same before or after the command (`tokenyar --snapshot B diagnose` is
/// `tokenyar diagnose --snapshot B`), and for the interactive screen.
#[derive(Debug, Args, Clone, Default)]
pub struct Common {
    /// Replay the facts of a recorded bundle (`tokenyar collect`) instead of reading this machine.
    #[arg(long, global = true, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
    /// A walk someone saved with F6 (a `tokenyar-session` file): the screen resumes it, `report`
    /// reports it, on the facts it recorded.
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "snapshot")]
    pub session: Option<PathBuf>,
    /// Support-agent mode: raw evidence, national ids unmasked, agent-only remedies shown.
    #[arg(long, global = true)]
    pub agent: bool,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Use the knowledge base in this folder (a working copy) instead of the embedded one.
    #[arg(long, global = true, value_name = "DIR")]
    pub kb: Option<PathBuf>,
    /// Language of texts: a code (fa, en, or another language tokenyar has; `report` also takes
    /// both) or a locale. Default: the one saved with F2 or in the settings file, else the
    /// system's (LC_ALL, LC_MESSAGES, LANG; Windows' display language), else English.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Who reorders right-to-left text on a terminal: app (tokenyar), terminal, or off (default:
    /// the settings file, else chosen for the terminal). Piped output is always logical order.
    #[arg(long, global = true, value_parser = ["app", "terminal", "off"])]
    pub bidi: Option<String>,
    /// Whether tokenyar joins Persian letters itself: auto (on unless the terminal is known to
    /// join them: VTE, Konsole, mlterm, Terminal.app, kitty, WezTerm, mintty), on or off.
    #[arg(long, global = true, value_parser = ["auto", "on", "off"])]
    pub shaping: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every check of a system (or all) and report what is wrong.
    Diagnose(DiagnoseArgs),
    /// Record every fact the checks read on this computer into one bundle, for a support agent
    /// to replay with `diagnose --snapshot`.
    Collect(CollectArgs),
    /// Work on the knowledge base: check, test, graph, coverage.
    #[command(subcommand)]
    Kb(KbCommand),
    /// Find the case for an error message you typed or pasted (any spelling, Persian or English).
    Lookup(LookupArgs),
    /// Read one PKCS#11 module and print what it says, one JSON line per step. `diagnose` runs
    /// this in a child process per module, so a module that hangs or crashes cannot take
    /// tokenyar with it. Never logs in and never touches a PIN.
    #[command(name = "probe-token", hide = true)]
    ProbeToken(ProbeTokenArgs),
    /// Write a case report (Markdown, JSON or HTML) from a saved session or a bundle, for a
    /// support agent or the next tier. Use `--lang fa|en|both` or another language code (default: both).
    Report(ReportArgs),
    /// Saved sessions: see where a walk someone saved stands.
    #[command(subcommand)]
    Session(SessionCommand),
    /// Print a completion script for a shell, e.g. `tokenyar completions bash >
    /// ~/.local/share/bash-completion/completions/tokenyar`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), e.g. `tokenyar man > ~/.local/share/man/man1/tokenyar.1`.
    Man,
}

#[derive(Debug, Args)]
pub struct LookupArgs {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Show at most this many cases.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    pub limit: u16,
    /// The system you are working in, when you know it: its cases come first on a tie.
    #[arg(long)]
    pub system: Option<String>,
    /// Also print how the text was read (words, matches, numbers, systems), for KB editors.
    #[arg(long)]
    pub explain: bool,
    /// The error message, as you see it (quotes are optional).
    #[arg(required = true, value_name = "TEXT")]
    pub text: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ProbeTokenArgs {
    /// The PKCS#11 module (a .so, .dll or .dylib) to read.
    #[arg(long, value_name = "PATH")]
    pub module: PathBuf,
    /// Stop this process after this many seconds, whatever the module is doing.
    #[arg(long, value_name = "SECONDS")]
    pub deadline: Option<f64>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// md (Markdown, for a ticket), json or html (one self-contained file).
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Where to write the report (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists (never one of the inputs).
    #[arg(long)]
    pub force: bool,
    /// Keep national ids, serial numbers, user and host names (only with the user's consent).
    #[arg(long)]
    pub no_redact: bool,
    /// With --snapshot: the system whose checks to run (default: every system's).
    #[arg(long)]
    pub system: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Md,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum SessionCommand {
    /// Where a saved walk stands and what comes next, or which step this knowledge base no
    /// longer has. Pending checks run on the facts saved with the session, never on this machine.
    Resume {
        /// The session file (`tokenyar-session-….json`, saved with F6).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the path, what was tried and the next step as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The system to check (general, setad, sabt-man, jame-tejarat, amlak, moadian, bank-mellat).
    #[arg(long)]
    pub system: Option<String>,
    /// Print the result as JSON (national ids masked to their last four digits).
    #[arg(long)]
    pub json: bool,
    /// With --json: keep national ids, holder names, serial numbers, user and host names
    /// (JSON output is for tickets and scripts, so it is redacted unless asked).
    #[arg(long)]
    pub no_redact: bool,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Where to write the bundle (`-` for standard output). Default: tokenyar-bundle-<time>.json.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
    /// Keep national ids, user names and host names (only with the user's consent).
    #[arg(long)]
    pub no_redact: bool,
}

#[derive(Debug, Subcommand)]
pub enum KbCommand {
    /// Check the knowledge base for mistakes, like a compiler.
    Check {
        /// Print the findings as JSON (with their file, line and column).
        #[arg(long)]
        json: bool,
    },
    /// Run the scenario tests under kb/*/tests.
    Test {
        /// Print each scenario's result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Per catalog case, how many nodes and scenario tests name it.
    Coverage {
        /// Print the coverage as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Turn a saved session or a bundle into a scenario test under <kb>/<system>/tests/, expecting
    /// what the knowledge base concludes from it now (needs a working copy: --kb DIR, or ./kb).
    AddTest {
        /// A session (`tokenyar-session-….json`) or a bundle (`tokenyar collect`).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The test's name (also its file name).
        #[arg(long)]
        name: Option<String>,
        /// For a bundle: the system whose checks the test runs (default: general).
        #[arg(long)]
        system: Option<String>,
    },
    /// Write the JSON Schema of every kind of KB file into DIR (an editor's completion and
    /// checks; `schemas/` of the repository holds them, mapped in .vscode/settings.json).
    Schemas {
        /// The folder to write the schemas into (created if missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
    /// Draw the decision graph (Graphviz dot or Mermaid).
    Graph {
        /// Only this system's subtree (default: every system).
        #[arg(long)]
        system: Option<String>,
        /// dot (Graphviz) or mermaid.
        #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
        format: GraphFormat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GraphFormat {
    Dot,
    Mermaid,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every option and argument of every command says what it is in `--help`.
    #[test]
    fn every_argument_is_documented() {
        fn walk(c: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in c.get_arguments() {
                let id = a.get_id().as_str();
                if id == "help" || id == "version" || a.is_hide_set() {
                    continue;
                }
                if a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for s in c.get_subcommands() {
                if s.is_hide_set() || s.get_name() == "help" {
                    continue;
                }
                if s.get_about().is_none() {
                    missing.push(format!("{path} {} (no about)", s.get_name()));
                }
                walk(s, &format!("{path} {}", s.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "tokenyar", &mut missing);
        assert!(missing.is_empty(), "undocumented: {missing:?}");
    }
}
