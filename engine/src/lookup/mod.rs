//! "Type the error you see": ranks symptoms for what a user typed or pasted.
//!
//! The index is built once when the knowledge base loads, over every symptom's messages, codes,
//! titles and keywords in both languages. The language knowledge it needs (stop words, common
//! spellings, synonyms, the Finglish letters, the words after which a number is a version) is
//! KB data: `kb/lookup.yaml`.

mod data;
mod fuzzy;
mod index;
mod text;
mod translit;

#[cfg(test)]
mod tests;

pub use index::{Hit, Index, Options};
pub use text::{normalize, words};
