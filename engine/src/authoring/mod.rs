//! The top floor of the engine: tools for people who write the knowledge base. Scenario tests
//! (`kb test`), coverage, turning a field case into a test (`kb add-test`), graph export. These run inference over a loaded KB, so they sit above
//! `infer` and `report`; the loader and checker below never call them.

pub mod coverage;
pub mod graph;
pub(crate) mod rules;
pub mod scenario;
pub mod schema;
pub mod to_test;

use crate::kb::{self, Diagnostic, Kb, Source, diag};

/// Loads a knowledge base and runs every checker rule and every scenario test: what
/// `kb check` prints.
pub fn load_checked(source: &Source) -> (Kb, Vec<Diagnostic>) {
    let (kb, mut diags) = kb::load_and_check(source);
    let parsed = scenario::parse_all(&kb);
    diags.extend(scenario::check_files(&parsed));
    diags.extend(rules::check(&kb, source, &parsed));
    diag::sort(&mut diags);
    (kb, diags)
}
