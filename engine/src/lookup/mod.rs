//! "Type the error you see": ranks symptoms for what a user typed or pasted.
//!
//! The index is built once when the knowledge base loads, over every symptom's messages, codes,
//! titles and keywords in both languages.

use crate::kb::{Body, Kb, Kind, Text};

/// One ranked symptom.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub case: Option<String>,
    pub node: String,
    pub system: String,
    pub score: f64,
    pub title: Text,
}

struct Entry {
    node: String,
    system: String,
    case: Option<String>,
    title: Text,
    /// Normalised words of everything a user might type for this symptom.
    words: Vec<String>,
    codes: Vec<String>,
}

/// The search index over a knowledge base's symptoms.
pub struct Index {
    entries: Vec<Entry>,
}

impl Index {
    pub fn build(kb: &Kb) -> Index {
        let entries = kb
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Symptom)
            .filter_map(|n| {
                let Body::Symptom {
                    messages,
                    codes,
                    keywords,
                    ..
                } = &n.body
                else {
                    return None;
                };
                let mut text = vec![n.title.fa.clone(), n.title.en.clone()];
                text.extend(messages.iter().cloned());
                text.extend(keywords.iter().cloned());
                let mut words: Vec<String> =
                    text.iter().flat_map(|t| words(&normalize(t))).collect();
                words.sort();
                words.dedup();
                Some(Entry {
                    node: n.id.clone(),
                    system: n.system.clone(),
                    case: n.case.clone(),
                    title: n.title.clone(),
                    words,
                    codes: codes.iter().map(|c| normalize(c)).collect(),
                })
            })
            .collect();
        Index { entries }
    }

    /// The best `limit` symptoms for `query`, best first; empty when nothing is relevant.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let q = words(&normalize(query));
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<Hit> = self
            .entries
            .iter()
            .filter_map(|e| {
                let overlap = q
                    .iter()
                    .filter(|w| e.words.binary_search(w).is_ok())
                    .count() as f64;
                let code = q.iter().any(|w| e.codes.contains(w));
                let score = overlap / q.len() as f64 + if code { 2.0 } else { 0.0 };
                (score > 0.0).then(|| Hit {
                    case: e.case.clone(),
                    node: e.node.clone(),
                    system: e.system.clone(),
                    score,
                    title: e.title.clone(),
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.node.cmp(&b.node))
        });
        hits.truncate(limit);
        hits
    }
}

/// Folds the ways users write the same text into one: Arabic letters to Persian, all digits to
/// ASCII, half-spaces to spaces, case folded.
pub fn normalize(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            'ي' | 'ى' | 'ئ' => Some('ی'),
            'ك' => Some('ک'),
            'ة' | 'ۀ' => Some('ه'),
            'أ' | 'إ' => Some('ا'),
            '\u{200c}' => Some(' '),
            '\u{0640}' | '\u{064B}'..='\u{065F}' => None,
            '۰'..='۹' => char::from_u32(c as u32 - '۰' as u32 + '0' as u32),
            '٠'..='٩' => char::from_u32(c as u32 - '٠' as u32 + '0' as u32),
            c => Some(c),
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
