fn main() {
    std::process::exit(tokenyar::main_with_args());
}
