//! Reading and validating a knowledge base: the one YAML reader (with positions), the loader
//! from files to the typed `model`, the checker's rules and the walk graph they use. It never
//! runs inference: scenario tests, coverage and other authoring tools are in `authoring`.

pub mod check;
pub(crate) mod diag;
pub mod frozen;
pub mod graph;
pub mod load;
pub mod source;
pub mod yaml;

pub use crate::model::{Body, Kind, Lang, Node, Status, Text};
pub use diag::{Code, Diagnostic, Level};
pub(crate) use load::Script;
pub use load::{Kb, tokens_only};
pub use source::{Parts, Source};

/// Loads and runs the checker's data rules (not the scenario and content rules of
/// `authoring::load_checked`, which need inference and the lookup).
pub fn load_and_check(source: &Source) -> (Kb, Vec<Diagnostic>) {
    let (kb, mut diags) = Kb::load(source);
    diags.extend(check::check(&kb));
    diag::sort(&mut diags);
    (kb, diags)
}
