//! The `tokenyar` program: the command line and the interactive terminal UI.

pub mod cli;
pub mod commands;

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
        Some(cli::Command::Collect(a)) => commands::collect_cmd(&cli.common, a),
        Some(cli::Command::Report(a)) => commands::report_cmd(&cli.common, a),
        Some(cli::Command::Session(s)) => commands::session_cmd(&cli.common, s),
        None => {
            use clap::CommandFactory;
            let _ = cli::Cli::command().print_help();
            Ok(0)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("tokenyar: {e}");
            2
        }
    }
}
