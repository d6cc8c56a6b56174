//! The knowledge base: model, loading (with source positions), checking and graph export.

pub mod check;
pub mod coverage;
pub mod diag;
pub mod graph;
pub mod load;
pub mod model;
pub mod scenario;
pub mod source;
#[doc(hidden)]
pub mod synthetic;
pub mod yaml;

pub use diag::{Code, Diagnostic, Level};
pub use load::{Kb, Script};
pub use model::{Body, Kind, Lang, Node, Status, Text};
pub use source::Source;

/// Loads a knowledge base and runs every checker rule: what `kb check` prints.
pub fn load_checked(source: &Source) -> (Kb, Vec<Diagnostic>) {
    let (kb, mut diags) = Kb::load(source);
    diags.extend(check::check(&kb));
    diags.extend(scenario::check_files(&kb));
    diag::sort(&mut diags);
    (kb, diags)
}
