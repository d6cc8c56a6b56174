//! The ground floor: every kind of thing the knowledge base holds, as Rust types. Node kinds
//! (`nodes`), and one typed module per data file (`tokens`, `software`, `lookup`; systems and
//! the case catalog sit with the nodes). Nothing here reads files or runs anything; `kb` loads
//! into these types and every other layer reads them. The JSON Schemas under `schemas/` are
//! generated from these types, so an editor's completion and `kb check` agree.

pub mod lang;
pub mod lookup;
pub mod nodes;
pub mod software;
pub mod tokens;

pub(crate) use lookup::{LookupData, Transliteration};
pub use nodes::*;
pub use software::SoftwareCatalog;
pub use tokens::TokensFile;
