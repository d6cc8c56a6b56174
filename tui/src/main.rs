//! The `tokenyar` binary: parses the command line and hands over to the library (`tokenyar::main_with_args`).

fn main() {
    std::process::exit(tokenyar::main_with_args());
}
