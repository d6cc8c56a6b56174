//! The index over every symptom and the ranking of symptoms for a query.
//!
//! Four signals, strongest first: an error code in the query equal to one of a symptom's codes;
//! word overlap weighted by how rare each word is (BM25's idf, with typo-tolerant and synonym
//! matches counting a little less); phrase overlap as shared character trigrams of the texts
//! with spaces removed (which survives missing or extra spaces and half-spaces, words glued
//! together and small typos); and the system the query names (through `aliases` in
//! systems.yaml), which breaks ties such as "خطای 31" in Holoo or in Sabt-e Man.

use std::collections::{HashMap, HashSet};

use crate::kb::{Body, Kb, Kind, Text};

use super::data::Language;
use super::fuzzy;
use super::text;

/// The system whose cases apply everywhere: preferred when a query names no system.
const GENERAL: &str = "general";

/// How much each signal counts. An exact code outweighs any text overlap (both overlaps are
/// at most 1); a named system only reorders close candidates.
const CODE_WEIGHT: f32 = 2.0;
const NAMED_SYSTEM_BONUS: f32 = 0.15;
const GENERAL_BONUS: f32 = 0.05;
/// A case of another system than the one the query names: the user is not on that system, so
/// its case only leads when nothing of theirs or of the general setup is close.
const OTHER_SYSTEM_PENALTY: f32 = 0.3;
const SYNONYM_SIMILARITY: f32 = 0.8;
/// Similarity of a word one or two edits away from a known word.
const TYPO_SIMILARITY: [f32; 3] = [1.0, 0.85, 0.7];
/// Below these a symptom is not relevant: the words it shares with the query must weigh at least
/// as much as one word that a third of all symptoms share (so "error" alone is not enough), and
/// cover a fair part of the query.
const COMMON_SHARE: f32 = 0.3;
const MIN_OVERLAP: f32 = 0.3;
const STRONG_PHRASE: f32 = 0.5;
const STRONG_COVER: f32 = 0.6;

/// One ranked symptom.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Hit {
    pub case: Option<String>,
    pub node: String,
    pub system: String,
    pub score: f64,
    pub title: Text,
    /// The symptom's text that matched best (a message, keyword or title), as the KB writes it.
    pub matched: Option<String>,
    /// Whether an error code in the query is one of this symptom's codes.
    pub code: bool,
}

/// What a search may be told besides the query.
#[derive(Debug, Clone)]
pub struct Options {
    /// At most this many hits.
    pub limit: usize,
    /// The system the user is working in, when known (the TUI's choice, `--system`): counts as
    /// if the query named it.
    pub system: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            limit: 5,
            system: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldKind {
    Message,
    Keyword,
    Title,
}

impl FieldKind {
    fn weight(self) -> f32 {
        match self {
            FieldKind::Message => 1.0,
            FieldKind::Keyword => 0.9,
            FieldKind::Title => 0.8,
        }
    }
}

struct Field {
    entry: u32,
    text: String,
    kind: FieldKind,
    /// The words of the text, as indexed.
    words: Vec<String>,
    /// The summed weight of the field's distinct trigrams.
    mass: f32,
    /// The field's distinct words that are not stop words, and their summed weight.
    ids: Vec<u32>,
    word_mass: f32,
}

struct Entry {
    node: String,
    system: String,
    case: Option<String>,
    title: Text,
    /// Normalised codes (ASCII digits).
    codes: Vec<String>,
    /// Its fields, in `Index::fields`.
    fields: std::ops::Range<usize>,
}

struct Word {
    chars: Vec<char>,
    mask: u64,
    idf: f32,
    /// The entries holding the word, with the weight of the best field it is in.
    postings: Vec<(u32, f32)>,
}

struct Gram {
    idf: f32,
    fields: Vec<u32>,
}

/// The search index over a knowledge base's symptoms. Build it once, when the KB loads.
pub struct Index {
    entries: Vec<Entry>,
    fields: Vec<Field>,
    vocab: HashMap<String, u32>,
    words: Vec<Word>,
    /// Word ids by length in characters, for the typo scan.
    by_len: Vec<Vec<u32>>,
    grams: HashMap<u64, Gram>,
    /// The weight of a query word or trigram the index has never seen.
    unknown_word_idf: f32,
    unknown_gram_idf: f32,
    /// The least weight of shared words that makes a symptom relevant.
    min_matched_idf: f32,
    /// Per system: its aliases, each as words.
    systems: Vec<(String, Vec<Vec<String>>)>,
    lang: Language,
    /// The Persian words a Finglish word may be read as (the index's, the stop words, the
    /// spellings' own), and every prefix of them.
    readable: HashSet<String>,
    readable_prefixes: HashSet<String>,
    /// Latin words that name a system («setad», «sabt»): read as they are.
    alias_words: HashSet<String>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("symptoms", &self.entries.len())
            .field("words", &self.words.len())
            .field("trigrams", &self.grams.len())
            .finish()
    }
}

/// BM25's inverse document frequency: rare words weigh more.
fn idf(n: usize, df: usize) -> f32 {
    let (n, df) = (n as f32, df as f32);
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

/// Character trigrams of a run of words written without spaces, packed into one number each.
fn grams_of(words: &[String], out: &mut Vec<u64>) {
    let chars: Vec<char> = words.iter().flat_map(|w| w.chars()).collect();
    for w in chars.windows(3) {
        out.push(
            (u64::from(u32::from(w[0])) << 42)
                | (u64::from(u32::from(w[1])) << 21)
                | u64::from(u32::from(w[2])),
        );
    }
}

fn is_number(w: &str) -> bool {
    w.chars().all(|c| c.is_ascii_digit())
}

impl Index {
    pub fn build(kb: &Kb) -> Index {
        let lang = Language::new(&kb.lookup);

        let mut entries = Vec::new();
        let mut fields = Vec::new();
        for n in &kb.nodes {
            if n.kind != Kind::Symptom {
                continue;
            }
            let Body::Symptom {
                messages,
                codes,
                keywords,
                ..
            } = &n.body
            else {
                continue;
            };
            let e = entries.len() as u32;
            let first = fields.len();
            let mut add = |text: &str, kind: FieldKind| {
                let words = lang.words(text);
                if !words.is_empty() {
                    fields.push(Field {
                        entry: e,
                        text: text.to_string(),
                        kind,
                        words,
                        mass: 0.0,
                        ids: Vec::new(),
                        word_mass: 0.0,
                    });
                }
            };
            for m in messages {
                add(m, FieldKind::Message);
            }
            for k in keywords {
                add(k, FieldKind::Keyword);
            }
            for (_, title) in n.title.iter() {
                add(title, FieldKind::Title);
            }
            entries.push(Entry {
                node: n.id.clone(),
                system: n.system.clone(),
                case: n.case.clone(),
                title: n.title.clone(),
                codes: codes
                    .iter()
                    .flat_map(|c| text::words(&text::normalize(c)))
                    .collect(),
                fields: first..fields.len(),
            });
        }

        // Words: which entries hold each, and in how good a field.
        let mut vocab: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<HashMap<u32, f32>> = Vec::new();
        for f in &fields {
            for w in &f.words {
                let id = *vocab.entry(w.clone()).or_insert_with(|| {
                    postings.push(HashMap::new());
                    (postings.len() - 1) as u32
                });
                let p = postings[id as usize].entry(f.entry).or_insert(0.0);
                *p = p.max(f.kind.weight());
            }
        }
        let n = entries.len();
        let mut words: Vec<Word> = vec![];
        let mut ordered: Vec<(&String, &u32)> = vocab.iter().collect();
        ordered.sort_by_key(|(_, id)| **id);
        for (w, id) in ordered {
            let mut p: Vec<(u32, f32)> = postings[*id as usize]
                .iter()
                .map(|(e, wt)| (*e, *wt))
                .collect();
            p.sort_by_key(|(e, _)| *e);
            let chars: Vec<char> = w.chars().collect();
            words.push(Word {
                mask: fuzzy::char_mask(&chars),
                chars,
                idf: idf(n, p.len()),
                postings: p,
            });
        }
        for f in fields.iter_mut() {
            let mut ids: Vec<u32> = f
                .words
                .iter()
                .filter(|w| !lang.stop.contains(*w))
                .filter_map(|w| vocab.get(w).copied())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            f.word_mass = ids.iter().map(|id| words[*id as usize].idf).sum();
            f.ids = ids;
        }
        let mut by_len: Vec<Vec<u32>> = Vec::new();
        for (id, w) in words.iter().enumerate() {
            if by_len.len() <= w.chars.len() {
                by_len.resize(w.chars.len() + 1, Vec::new());
            }
            by_len[w.chars.len()].push(id as u32);
        }
        let mut idfs: Vec<f32> = words.iter().map(|w| w.idf).collect();
        idfs.sort_by(f32::total_cmp);
        let unknown_word_idf = idfs.get(idfs.len() / 2).copied().unwrap_or(1.0);

        // Trigrams: which fields hold each.
        let mut grams: HashMap<u64, Gram> = HashMap::new();
        let mut buf = Vec::new();
        for (fi, f) in fields.iter().enumerate() {
            buf.clear();
            grams_of(&f.words, &mut buf);
            buf.sort_unstable();
            buf.dedup();
            for g in &buf {
                grams
                    .entry(*g)
                    .or_insert_with(|| Gram {
                        idf: 0.0,
                        fields: Vec::new(),
                    })
                    .fields
                    .push(fi as u32);
            }
        }
        let nf = fields.len();
        for g in grams.values_mut() {
            g.idf = idf(nf, g.fields.len());
        }
        for f in fields.iter_mut() {
            buf.clear();
            grams_of(&f.words, &mut buf);
            buf.sort_unstable();
            buf.dedup();
            f.mass = buf.iter().filter_map(|g| grams.get(g)).map(|g| g.idf).sum();
        }
        let unknown_gram_idf = idf(nf.max(1), 1);

        let systems: Vec<(String, Vec<Vec<String>>)> = kb
            .systems
            .iter()
            .map(|s| {
                let aliases = s
                    .aliases
                    .iter()
                    .map(|a| lang.words(a))
                    .filter(|a| !a.is_empty())
                    .collect();
                (s.id.clone(), aliases)
            })
            .collect();

        // What a Finglish word may turn into: a Persian word the lookup knows.
        let readable: HashSet<String> = if lang.translit.is_empty() {
            HashSet::new()
        } else {
            vocab
                .keys()
                .cloned()
                .chain(lang.stop.iter().cloned())
                .chain(lang.spellings.keys().cloned())
                .chain(lang.spellings.values().flatten().cloned())
                .chain(lang.synonyms.keys().cloned())
                .filter(|w| text::has_arabic(w))
                .collect()
        };
        let readable_prefixes = super::translit::prefixes(readable.iter().map(String::as_str));
        let alias_words = systems
            .iter()
            .flat_map(|(_, a)| a.iter().flatten().cloned())
            .collect();

        Index {
            entries,
            fields,
            vocab,
            words,
            by_len,
            grams,
            unknown_word_idf,
            unknown_gram_idf,
            min_matched_idf: idf(n, ((n as f32 * COMMON_SHARE).round() as usize).max(1)) - 1e-4,
            systems,
            lang,
            readable,
            readable_prefixes,
            alias_words,
        }
    }

    /// A Latin word the index does not know, read as Finglish: its Persian word (spelled as
    /// `spellings` says), or `None` when it is English, a system's name, or reads as nothing known.
    fn finglish(&self, w: &str) -> Option<Vec<String>> {
        let latin = !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase());
        if !latin
            || self.known(w)
            || self.lang.stop.contains(w)
            || self.lang.synonyms.contains_key(w)
            || self.alias_words.contains(w)
        {
            return None;
        }
        let read = self.lang.translit.read(
            w,
            &|p| self.readable_prefixes.contains(p),
            &|p| self.readable.contains(p),
            &|l| self.known(l),
        )?;
        Some(self.lang.spell(&read))
    }

    /// How many symptoms the index holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The best `limit` symptoms for `query`, best first; empty when nothing is relevant.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.search_with(
            query,
            &Options {
                limit,
                ..Options::default()
            },
        )
    }

    /// Like [`Index::search`], with a system hint.
    pub fn search_with(&self, query: &str, opts: &Options) -> Vec<Hit> {
        // Text copied out of a terminal may be in visual order: read it both ways and keep the
        // reading whose words the knowledge base knows better.
        let mut readings = vec![self.analyze(query)];
        if text::has_arabic(query) {
            let reversed = self.analyze(&text::visual_to_logical(query));
            if reversed.known > readings[0].known {
                readings = vec![reversed];
            } else if reversed.known == readings[0].known && reversed.terms != readings[0].terms {
                readings.push(reversed);
            }
        }
        let mut best: Vec<Hit> = Vec::new();
        for q in &readings {
            let hits = self.rank(q, opts);
            let top = |h: &[Hit]| h.first().map_or(f64::MIN, |h| h.score);
            if best.is_empty() || top(&hits) > top(&best) {
                best = hits;
            }
        }
        best
    }

    fn is_code(&self, n: &str) -> bool {
        let bare = n.trim_start_matches('0');
        self.entries
            .iter()
            .flat_map(|e| &e.codes)
            .any(|c| c == n || (!bare.is_empty() && c.trim_start_matches('0') == bare))
    }

    fn known(&self, w: &str) -> bool {
        self.vocab.contains_key(w)
    }

    fn analyze(&self, raw: &str) -> Query {
        let mut toks: Vec<Tok> = self
            .lang
            .words(raw)
            .into_iter()
            .flat_map(|w| self.finglish(&w).unwrap_or_else(|| vec![w]))
            .map(|w| Tok {
                stop: self.lang.stop.contains(&w),
                alias: false,
                text: w,
            })
            .collect();

        for phrase in &self.lang.stop_phrases {
            let n = phrase.len();
            let mut i = 0;
            while i + n <= toks.len() {
                if toks[i..i + n].iter().zip(phrase).all(|(t, p)| t.text == *p) {
                    toks[i..i + n].iter_mut().for_each(|t| t.stop = true);
                    i += n;
                } else {
                    i += 1;
                }
            }
        }

        // How many of the query's Persian words the KB or the stop list knows: tells a reversed
        // (visual-order) reading from the right one.
        let known = toks
            .iter()
            .filter(|t| text::has_arabic(&t.text) && t.text.chars().count() > 1)
            .filter(|t| t.stop || self.known(&t.text))
            .count();

        // Two words that are one word in the KB ("اعتبار سنجی" for "اعتبارسنجی").
        let mut joined: Vec<Tok> = Vec::with_capacity(toks.len());
        let mut i = 0;
        while i < toks.len() {
            if i + 1 < toks.len() {
                let (a, b) = (&toks[i], &toks[i + 1]);
                let both = format!("{}{}", a.text, b.text);
                let both_known = self.known(&a.text) && self.known(&b.text);
                let numbers = is_number(&a.text) || is_number(&b.text);
                if !numbers && !both_known && self.known(&both) {
                    joined.push(Tok {
                        text: both,
                        stop: false,
                        alias: false,
                    });
                    i += 2;
                    continue;
                }
            }
            joined.push(toks[i].clone());
            i += 1;
        }
        // One word that is two in the KB ("درامضا" for "در امضا").
        let mut toks: Vec<Tok> = Vec::with_capacity(joined.len());
        for t in joined {
            if t.stop || is_number(&t.text) || self.known(&t.text) {
                toks.push(t);
                continue;
            }
            match self.split(&t.text) {
                Some((a, b)) => {
                    for w in [a, b] {
                        toks.push(Tok {
                            stop: self.lang.stop.contains(&w),
                            alias: false,
                            text: w,
                        });
                    }
                }
                None => toks.push(t),
            }
        }

        let mut named = Vec::new();
        for (sys, aliases) in &self.systems {
            for a in aliases {
                let n = a.len();
                let mut i = 0;
                while i + n <= toks.len() {
                    if toks[i..i + n].iter().zip(a).all(|(t, p)| t.text == *p) {
                        toks[i..i + n].iter_mut().for_each(|t| t.alias = true);
                        if !named.contains(sys) {
                            named.push(sys.clone());
                        }
                        i += n;
                    } else {
                        i += 1;
                    }
                }
            }
        }

        // A system's name is not part of the error unless the KB's texts use the word.
        let content = |t: &Tok| !t.stop && (!t.alias || self.known(&t.text));
        let mut terms: Vec<String> = Vec::new();
        let mut grams = Vec::new();
        let mut run: Vec<String> = Vec::new();
        let mut numbers = Vec::new();
        let texts: Vec<String> = toks.iter().map(|t| t.text.clone()).collect();
        for (i, t) in toks.iter().enumerate() {
            // A number right after a product's name («ویندوز 11», «java 8») is its version: neither
            // an error code nor a word of the problem.
            let version = is_number(&t.text) && self.lang.names_a_version(&texts[..i]);
            if is_number(&t.text) && !version {
                numbers.push(t.text.clone());
            }
            if version {
                if !run.is_empty() {
                    grams_of(&run, &mut grams);
                    run.clear();
                }
                continue;
            }
            if content(t) {
                // A number is a word when the KB's texts have it, and a code when its codes do;
                // any other number is an unknown code, which counts against every symptom.
                let code =
                    is_number(&t.text) && !version && !self.known(&t.text) && self.is_code(&t.text);
                if !code && !terms.contains(&t.text) {
                    terms.push(t.text.clone());
                }
                run.push(t.text.clone());
            } else if !run.is_empty() {
                grams_of(&run, &mut grams);
                run.clear();
            }
        }
        grams_of(&run, &mut grams);
        // A query that only names a system asks for that system's walk, not for one of its
        // cases.
        let named_only = toks
            .iter()
            .filter(|t| content(t))
            .all(|t| t.alias && !self.lang.stop.contains(&t.text));
        if named_only {
            terms.clear();
            grams.clear();
        }
        grams.sort_unstable();
        grams.dedup();
        Query {
            terms,
            grams,
            numbers,
            named,
            known,
        }
    }

    /// Splits an unknown word into two: two words the KB knows (of three letters or more), or a
    /// known word with one of the short words users run into their neighbours. The most even
    /// split wins.
    fn split(&self, w: &str) -> Option<(String, String)> {
        let chars: Vec<char> = w.chars().collect();
        (1..chars.len())
            .filter_map(|i| {
                let a: String = chars[..i].iter().collect();
                let b: String = chars[i..].iter().collect();
                let long = i >= 3 && chars.len() - i >= 3;
                let ok = (long && self.known(&a) && self.known(&b))
                    || (self.lang.joins_next.contains(&a) && self.known(&b))
                    || (self.known(&a) && self.lang.joins_previous.contains(&b));
                ok.then_some((i.min(chars.len() - i), a, b))
            })
            .max_by_key(|(even, _, _)| *even)
            .map(|(_, a, b)| (a, b))
    }

    /// The known words a query word stands for, each with how sure the match is.
    fn matches(&self, term: &str) -> Vec<(u32, f32)> {
        let mut out = Vec::new();
        if let Some(&id) = self.vocab.get(term) {
            out.push((id, 1.0));
        }
        for s in self.lang.synonyms.get(term).into_iter().flatten() {
            if let Some(&id) = self.vocab.get(s) {
                out.push((id, SYNONYM_SIMILARITY));
            }
        }
        if out.is_empty() && !is_number(term) {
            let chars: Vec<char> = term.chars().collect();
            let k = fuzzy::allowed_edits(chars.len());
            if k > 0 {
                let mask = fuzzy::char_mask(&chars);
                let lo = chars.len().saturating_sub(k);
                let hi = (chars.len() + k).min(self.by_len.len().saturating_sub(1));
                for len in lo..=hi {
                    for &id in &self.by_len[len] {
                        let w = &self.words[id as usize];
                        if fuzzy::maybe_within(&chars, mask, &w.chars, w.mask, k)
                            && let Some(d) = fuzzy::distance(&chars, &w.chars, k)
                        {
                            out.push((id, TYPO_SIMILARITY[d.min(2)]));
                        }
                    }
                }
            }
        }
        out
    }

    /// How a query was read, for people tuning the KB's lookup data: the reading used, its
    /// content words with what each matched, its numbers and the systems it names.
    pub fn explain(&self, query: &str) -> String {
        let mut out = String::new();
        let mut readings = vec![("as typed", self.analyze(query))];
        if text::has_arabic(query) {
            readings.push((
                "in reverse (visual order)",
                self.analyze(&text::visual_to_logical(query)),
            ));
        }
        for (name, q) in readings {
            out.push_str(&format!("{name}: {} known Persian word(s)\n", q.known));
            for t in &q.terms {
                let m: Vec<String> = self
                    .matches(t)
                    .iter()
                    .map(|(id, sim)| {
                        let w = &self.words[*id as usize];
                        format!(
                            "{}~{sim:.2} idf {:.2}",
                            w.chars.iter().collect::<String>(),
                            w.idf
                        )
                    })
                    .collect();
                out.push_str(&format!("  {t}: {}\n", m.join(", ")));
            }
            out.push_str(&format!(
                "  numbers {:?}, systems {:?}, {} trigrams\n",
                q.numbers,
                q.named,
                q.grams.len()
            ));
        }
        out
    }

    /// The largest share (by weight) of one of the entry's texts' words that the query holds.
    fn covered(&self, e: &Entry, sims: &HashMap<u32, f32>) -> f32 {
        self.fields[e.fields.clone()]
            .iter()
            .filter(|f| f.ids.len() >= 2)
            .map(|f| {
                let held: Vec<f32> = f
                    .ids
                    .iter()
                    .filter_map(|id| sims.get(id).map(|s| s * self.words[*id as usize].idf))
                    .collect();
                // One word of a text is not «most of» it, however rare («چند» of «چند گواهی»).
                if held.len() < 2 {
                    return 0.0;
                }
                held.iter().sum::<f32>() / f.word_mass.max(f32::EPSILON)
            })
            .fold(0.0, f32::max)
    }

    fn rank(&self, q: &Query, opts: &Options) -> Vec<Hit> {
        let n = self.entries.len();

        // Word overlap, weighted by rarity.
        let mut matched = vec![0f32; n];
        let mut total = 0f32;
        let mut best = vec![0f32; n];
        let mut count = vec![0usize; n];
        let mut sims: HashMap<u32, f32> = HashMap::new();
        for term in &q.terms {
            let m = self.matches(term);
            if m.is_empty() {
                total += self.unknown_word_idf;
                continue;
            }
            total += m
                .iter()
                .map(|(id, _)| self.words[*id as usize].idf)
                .fold(0.0, f32::max);
            best.iter_mut().for_each(|b| *b = 0.0);
            for (id, sim) in m {
                let s = sims.entry(id).or_insert(0.0);
                *s = s.max(sim);
                let w = &self.words[id as usize];
                for &(e, fw) in &w.postings {
                    let s = sim * w.idf * fw;
                    let b = &mut best[e as usize];
                    *b = b.max(s);
                }
            }
            for ((m, c), b) in matched.iter_mut().zip(count.iter_mut()).zip(&best) {
                *m += b;
                *c += usize::from(*b > 0.0);
            }
        }

        // Phrase overlap: the share of the query's trigrams a field holds (precision) and of the
        // field's the query holds (recall), as F0.5 so that the query being inside a message
        // counts more than a message being inside a long query.
        let mut acc: HashMap<u32, f32> = HashMap::new();
        let mut q_mass = 0f32;
        for g in &q.grams {
            match self.grams.get(g) {
                Some(gram) => {
                    q_mass += gram.idf;
                    for &f in &gram.fields {
                        *acc.entry(f).or_insert(0.0) += gram.idf;
                    }
                }
                None => q_mass += self.unknown_gram_idf,
            }
        }
        let mut phrase = vec![0f32; n];
        let mut phrase_field: Vec<Option<u32>> = vec![None; n];
        for (&f, &a) in &acc {
            let field = &self.fields[f as usize];
            let p = a / q_mass;
            let r = a / field.mass.max(f32::EPSILON);
            let f05 = 1.25 * p * r / (0.25 * p + r);
            let e = field.entry as usize;
            if f05 > phrase[e] {
                phrase[e] = f05;
                phrase_field[e] = Some(f);
            }
        }

        let mut named: HashSet<&str> = q
            .named
            .iter()
            .map(String::as_str)
            .filter(|s| *s != GENERAL)
            .collect();
        if let Some(s) = &opts.system {
            named.insert(s);
        }

        let mut hits: Vec<Hit> = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            let code = e
                .codes
                .iter()
                .map(|c| {
                    let bare = c.trim_start_matches('0');
                    q.numbers
                        .iter()
                        .map(|n| {
                            if n == c {
                                1.0
                            } else if !bare.is_empty() && n.trim_start_matches('0') == bare {
                                0.9
                            } else {
                                0.0
                            }
                        })
                        .fold(0.0, f32::max)
                })
                .fold(0.0, f32::max);
            let words = if total > 0.0 { matched[i] / total } else { 0.0 };
            // Relevant: a code, or words of weight that cover half the query's words, or the
            // query holding most of one of its texts, or most of the words of one of its texts.
            let relevant = code > 0.0
                || (matched[i] >= self.min_matched_idf
                    && ((words >= MIN_OVERLAP && 2 * count[i] >= q.terms.len())
                        || phrase[i] >= STRONG_PHRASE
                        || self.covered(e, &sims) >= STRONG_COVER));
            if !relevant {
                continue;
            }
            let bonus = if named.is_empty() {
                if e.system == GENERAL {
                    GENERAL_BONUS
                } else {
                    0.0
                }
            } else if named.contains(e.system.as_str()) {
                NAMED_SYSTEM_BONUS
            } else if e.system == GENERAL {
                GENERAL_BONUS
            } else {
                -OTHER_SYSTEM_PENALTY
            };
            let score = CODE_WEIGHT * code + words + phrase[i] + bonus;
            // For a code, the message that shows it and shares the most with the query.
            let shown = if code > 0.0 {
                e.fields
                    .clone()
                    .filter(|&f| {
                        let f = &self.fields[f];
                        f.kind == FieldKind::Message
                            && f.words.iter().any(|w| q.numbers.contains(w))
                    })
                    .max_by(|a, b| {
                        let share = |f: &usize| acc.get(&(*f as u32)).copied().unwrap_or(0.0);
                        share(a).total_cmp(&share(b)).then(b.cmp(a))
                    })
                    .map(|f| &self.fields[f])
                    .or(phrase_field[i].map(|f| &self.fields[f as usize]))
            } else {
                phrase_field[i].map(|f| &self.fields[f as usize])
            };
            hits.push(Hit {
                case: e.case.clone(),
                node: e.node.clone(),
                system: e.system.clone(),
                score: (f64::from(score) * 1000.0).round() / 1000.0,
                title: e.title.clone(),
                matched: shown.map(|f| f.text.clone()),
                code: code > 0.0,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.node.cmp(&b.node))
        });
        // One hit per case: several symptoms of one case are one answer.
        let mut seen = HashSet::new();
        hits.retain(|h| seen.insert(h.case.clone().unwrap_or_else(|| h.node.clone())));
        hits.truncate(opts.limit);
        hits
    }
}

#[derive(Debug, Clone)]
struct Tok {
    text: String,
    stop: bool,
    alias: bool,
}

/// A query, read.
#[derive(Debug)]
struct Query {
    /// Distinct content words.
    terms: Vec<String>,
    /// Distinct trigrams of the content words, in runs.
    grams: Vec<u64>,
    /// Every number, for codes.
    numbers: Vec<String>,
    /// Systems the query names.
    named: Vec<String>,
    /// How many Persian words of the query the index or the stop list knows.
    known: usize,
}
