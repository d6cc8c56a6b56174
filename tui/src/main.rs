//! The `tokenyar` binary: parses the command line and hands over to the library (`tokenyar::run`).

fn main() {
    std::process::exit(tokenyar::main_with_args());
}
