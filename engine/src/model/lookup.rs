//! `kb/lookup.yaml`: the language knowledge the lookup uses (stop words, spellings, synonyms),
//! as an editor writes it. The lookup folds it once into its own form (`lookup::data`).

use std::collections::{BTreeMap, HashMap};

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
    /// Words (or phrases) after which a number names a version or a product, not an error code:
    /// «ویندوز 11», «java 8», «نسخه‌ی 5».
    #[serde(default)]
    pub not_code_after: Vec<String>,
    /// How a word of Persian typed in Latin letters (Finglish) is read back in Persian letters.
    #[serde(default)]
    pub transliteration: Transliteration,
}

/// Finglish: the Latin letters users type for Persian ones. A Latin word of a query that the
/// knowledge base does not know is spelled out letter by letter with these rules, and each
/// spelling is looked up among the knowledge base's words; the cheapest spelling found wins
/// (the options of each rule are in order, the likeliest first). `spellings` keeps the
/// exceptions these rules cannot reach.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transliteration {
    /// Latin letters (one or more) -> the Persian letters they may stand for; `""` where the
    /// sound is a short vowel Persian leaves unwritten.
    #[serde(default)]
    pub letters: BTreeMap<String, Vec<String>>,
    /// The same, at the start of a word, where it differs (an initial vowel is written with alef).
    #[serde(default)]
    pub initial: BTreeMap<String, Vec<String>>,
    /// The same, at the end of a word, where it differs (a final «e» is often «ه»).
    #[serde(default, rename = "final")]
    pub final_: BTreeMap<String, Vec<String>>,
    /// Endings Finglish adds to a word («-am» my, «-esh» his, «-o» the object marker), tried off
    /// when the whole word is not found.
    #[serde(default)]
    pub suffixes: Vec<String>,
}
