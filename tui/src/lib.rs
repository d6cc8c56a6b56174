//! The `tokenyar` program: the command line and the interactive terminal UI.

pub mod app;
pub mod bidi;
pub mod cli;
pub mod commands;
pub mod dates;
pub mod errors;
pub mod i18n;
pub mod locale;
pub mod plain;
pub mod setup;

use clap::Parser;

/// Runs tokenyar with the process arguments and returns the exit code.
pub fn main_with_args() -> i32 {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match &cli.command {
        Some(cli::Command::Diagnose(a)) => commands::diagnose_cmd(&cli.common, a),
        Some(cli::Command::Kb(k)) => commands::kb_cmd(&cli.common, k),
        Some(cli::Command::Lookup(a)) => commands::lookup_cmd(&cli.common, a),
        Some(cli::Command::Collect(a)) => commands::collect_cmd(&cli.common, a),
        None => app::run(&cli.common),
        Some(cli::Command::ProbeToken(a)) => commands::probe_token_cmd(a),
        Some(cli::Command::Report(a)) => commands::report_cmd(&cli.common, a),
        Some(cli::Command::Session(s)) => commands::session_cmd(&cli.common, s),
        // Written whole at the end, so a reader that stops early (`| head`) is no error.
        Some(cli::Command::Completions { shell }) => {
            let mut cmd = <cli::Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_complete::generate(*shell, &mut cmd, "tokenyar", &mut text);
            std::io::Write::write_all(&mut std::io::stdout(), &text)
                .map(|()| 0)
                .map_err(commands::CliError::Io)
        }
        Some(cli::Command::Man) => {
            let cmd = <cli::Cli as clap::CommandFactory>::command();
            let mut text = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut text)
                .and_then(|()| std::io::Write::write_all(&mut std::io::stdout(), &text))
                .map(|()| 0)
                .map_err(commands::CliError::Io)
        }
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not an error worth a message.
        Err(commands::CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            // In the language the command was to speak; an unknown `--lang` is told in the
            // system's.
            let lang = setup::lang(&cli.common)
                .unwrap_or_else(|_| setup::env_lang().unwrap_or(tokenyar_engine::Lang::En));
            // A right-to-left sentence after the Latin «tokenyar:» would make the line a
            // left-to-right paragraph and scramble its words; the mark gives it the message's
            // direction.
            let mark = if lang.rtl() { "\u{200F}" } else { "" };
            let text = format!(
                "{mark}tokenyar: {}\n",
                tokenyar_engine::text::terminal_safe_text(&errors::message(&e, lang))
            );
            let _ = plain::stderr(&cli.common).write(&mut std::io::stderr().lock(), &text);
            2
        }
    }
}
