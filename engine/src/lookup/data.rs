//! The language knowledge the lookup uses, read from `kb/lookup.yaml` (editors extend it there).

use std::collections::{HashMap, HashSet};

use super::text::{normalize, words};
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
        l
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
