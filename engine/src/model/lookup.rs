//! `kb/lookup.yaml`: the language knowledge the lookup uses (stop words, spellings, synonyms),
//! as an editor writes it. The lookup folds it once into its own form (`lookup::data`).

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `kb/lookup.yaml` as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LookupData {
    /// Words and short phrases that carry no meaning in a query (greetings, "please", "what
    /// is it", Persian particles): left out of the ranking.
    #[serde(default)]
    pub stop_words: Vec<String>,
    /// How users write a word -> how the knowledge base writes it (colloquial verb forms,
    /// common misspellings, English loanwords in Persian letters). The right side may be several
    /// words.
    #[serde(default)]
    pub spellings: HashMap<String, String>,
    /// Groups of words that mean the same here: a query word also finds the others, a little
    /// more weakly.
    #[serde(default)]
    pub synonyms: Vec<Vec<String>>,
    /// Short words users run into the next word without a space ("درامضا" for "در امضا").
    #[serde(default)]
    pub joins_next: Vec<String>,
    /// Short words users run onto the word before ("توکنرو" for "توکن رو").
    #[serde(default)]
    pub joins_previous: Vec<String>,
}
