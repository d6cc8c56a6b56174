//! Finglish: Persian typed in Latin letters ("ramz token ghofl shode"). A Latin word the index
//! does not know is spelled in Persian letters by the rules of `kb/lookup.yaml`
//! (`transliteration`), every spelling that can still become one of the knowledge base's words is
//! followed, and the cheapest complete word wins. Cheap means the likeliest options: each rule
//! lists its Persian letters in order, and taking the n-th costs n.

use std::collections::{HashMap, HashSet};

use super::text::normalize;
use crate::model::Transliteration;

/// The rules, folded for reading.
#[derive(Debug, Default)]
pub(crate) struct Translit {
    letters: HashMap<String, Vec<String>>,
    initial: HashMap<String, Vec<String>>,
    final_: HashMap<String, Vec<String>>,
    /// Longest first.
    suffixes: Vec<String>,
    /// The longest Latin key, in letters.
    longest: usize,
}

/// At most this many partial spellings are followed for one word (a long word of many vowels).
const BUDGET: usize = 20_000;
/// Words shorter than this (in Latin letters) are not read: too many Persian words are that short.
const SHORTEST: usize = 2;

fn fold(m: &std::collections::BTreeMap<String, Vec<String>>) -> HashMap<String, Vec<String>> {
    m.iter()
        .map(|(k, v)| {
            (
                k.to_lowercase(),
                v.iter()
                    .map(|p| normalize(p).replace(' ', ""))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

impl Translit {
    pub fn new(t: &Transliteration) -> Translit {
        let letters = fold(&t.letters);
        let initial = fold(&t.initial);
        let final_ = fold(&t.final_);
        let longest = letters
            .keys()
            .chain(initial.keys())
            .chain(final_.keys())
            .map(|k| k.chars().count())
            .max()
            .unwrap_or(0);
        let mut suffixes: Vec<String> = t.suffixes.iter().map(|s| s.to_lowercase()).collect();
        suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Translit {
            letters,
            initial,
            final_,
            suffixes,
            longest,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.letters.is_empty()
    }

    /// The Persian word `word` (lowercase Latin letters) stands for: a spelling `known` accepts,
    /// the cheapest. `prefix` says whether some known word starts with a spelling so far. When
    /// the whole word gives none, its Finglish ending is taken off and the rest is read (or kept,
    /// when `known_latin` knows it as it is: «tokenam» is «token»).
    pub fn read(
        &self,
        word: &str,
        prefix: &dyn Fn(&str) -> bool,
        known: &dyn Fn(&str) -> bool,
        known_latin: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        if self.is_empty() || word.chars().count() < SHORTEST {
            return None;
        }
        if let Some(p) = self.spell(word, prefix, known) {
            return Some(p);
        }
        for s in &self.suffixes {
            if let Some(stem) = word.strip_suffix(s.as_str())
                && stem.chars().count() >= 3
            {
                if known_latin(stem) {
                    return Some(stem.to_string());
                }
                if let Some(p) = self.spell(stem, prefix, known) {
                    return Some(p);
                }
            }
        }
        None
    }

    /// The cheapest spelling of `word` that `known` accepts: a search by cost (each option's
    /// place in its rule), over spellings some known word starts with.
    fn spell(
        &self,
        word: &str,
        prefix: &dyn Fn(&str) -> bool,
        known: &dyn Fn(&str) -> bool,
    ) -> Option<String> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let chars: Vec<char> = word.chars().collect();
        let mut queue: BinaryHeap<Reverse<(usize, usize, String)>> = BinaryHeap::new();
        let mut seen: HashSet<(usize, String)> = HashSet::new();
        queue.push(Reverse((0, 0, String::new())));
        let mut budget = BUDGET;
        while let Some(Reverse((cost, at, so_far))) = queue.pop() {
            if at == chars.len() {
                if so_far.chars().count() >= 2 && known(&so_far) {
                    return Some(so_far);
                }
                continue;
            }
            if !seen.insert((at, so_far.clone())) {
                continue;
            }
            budget = budget.checked_sub(1)?;
            let mut push = |next: String, to: usize, c: usize| {
                if next.is_empty() || prefix(&next) {
                    queue.push(Reverse((c, to, next)));
                }
            };
            for len in 1..=self.longest.min(chars.len() - at) {
                let key: String = chars[at..at + len].iter().collect();
                let table = if at == 0 && self.initial.contains_key(&key) {
                    &self.initial
                } else if at + len == chars.len() && self.final_.contains_key(&key) {
                    &self.final_
                } else {
                    &self.letters
                };
                for (i, p) in table.get(&key).into_iter().flatten().enumerate() {
                    // Two vowels in a row are seldom both left unwritten («shenasaee»).
                    let dropped = p.is_empty() && at > 0 && is_vowel(chars[at - 1]);
                    push(
                        format!("{so_far}{p}"),
                        at + len,
                        cost + i + usize::from(dropped),
                    );
                }
            }
            // A doubled letter is one Persian letter (a tashdid is not written): «motabeghat».
            if at > 0 && chars[at] == chars[at - 1] && !is_vowel(chars[at]) {
                push(so_far.clone(), at + 1, cost + 1);
            }
        }
        None
    }
}

fn is_vowel(c: char) -> bool {
    "aeiou".contains(c)
}

/// Every prefix of the given words (the words themselves included), for [`Translit::read`].
pub(crate) fn prefixes<'a>(words: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut out = HashSet::new();
    for w in words {
        let mut p = String::new();
        for c in w.chars() {
            p.push(c);
            out.insert(p.clone());
        }
    }
    out
}
