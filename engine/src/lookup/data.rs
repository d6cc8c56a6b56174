//! The language knowledge the lookup uses, read from `kb/lookup.yaml` (editors extend it there).

use std::collections::{HashMap, HashSet};

use super::text::{normalize, words};
use super::translit::Translit;
use crate::model::lookup::LookupData;

/// [`LookupData`] folded once, ready for queries.
#[derive(Debug, Default)]
pub(crate) struct Language {
    pub stop: HashSet<String>,
    /// Stop phrases of several words, each as its words.
    pub stop_phrases: Vec<Vec<String>>,
    pub spellings: HashMap<String, Vec<String>>,
    pub synonyms: HashMap<String, Vec<String>>,
    pub joins_next: HashSet<String>,
    pub joins_previous: HashSet<String>,
    /// Words and phrases (each as its words) after which a number is not an error code.
    pub not_code_after: Vec<Vec<String>>,
    /// Finglish read back into Persian letters.
    pub translit: Translit,
}

impl Language {
    pub fn new(d: &LookupData) -> Language {
        let mut l = Language::default();
        for s in &d.stop_words {
            let w = words(&normalize(s));
            match w.len() {
                0 => {}
                1 => {
                    l.stop.extend(w);
                }
                _ => l.stop_phrases.push(w),
            }
        }
        // Longest phrases first, so "چه کار کنم" goes before "چه کار".
        l.stop_phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for (from, to) in &d.spellings {
            let from = words(&normalize(from));
            if let [one] = from.as_slice() {
                l.spellings.insert(one.clone(), words(&normalize(to)));
            }
        }
        for group in &d.synonyms {
            let group: Vec<String> = group
                .iter()
                .map(|w| words(&normalize(w)).join(" "))
                .filter(|w| !w.is_empty() && !w.contains(' '))
                .collect();
            for w in &group {
                let others = group.iter().filter(|o| *o != w).cloned();
                l.synonyms.entry(w.clone()).or_default().extend(others);
            }
        }
        let one = |list: &[String]| -> HashSet<String> {
            list.iter()
                .filter_map(|w| match words(&normalize(w)).as_slice() {
                    [one] => Some(one.clone()),
                    _ => None,
                })
                .collect()
        };
        l.joins_next = one(&d.joins_next);
        l.joins_previous = one(&d.joins_previous);
        l.not_code_after = d
            .not_code_after
            .iter()
            .map(|p| words(&normalize(p)))
            .filter(|p| !p.is_empty())
            .collect();
        l.translit = Translit::new(&d.transliteration);
        l
    }

    /// One word as the lookup reads it: its spelling from `spellings`, or itself.
    pub(crate) fn spell(&self, w: &str) -> Vec<String> {
        match self.spellings.get(w) {
            Some(to) => to.clone(),
            None => vec![w.to_string()],
        }
    }

    /// Whether the words before a number (`before`, in order) end with a word after which a
    /// number is a version or a product's name («ویندوز 11»), not an error code.
    pub(crate) fn names_a_version(&self, before: &[String]) -> bool {
        self.not_code_after.iter().any(|p| {
            before.len() >= p.len() && before[before.len() - p.len()..].iter().eq(p.iter())
        })
    }

    /// The words of a text as the lookup sees them: normalised, with spellings applied.
    pub fn words(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for w in words(&normalize(text)) {
            match self.spellings.get(&w) {
                Some(to) => out.extend(to.iter().cloned()),
                None => out.push(w),
            }
        }
        out
    }
}
