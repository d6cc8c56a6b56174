//! The lookup's performance budget (issue 6): median lookup under 1 ms on the shipped knowledge
//! base and under 10 ms on one ten times its size; building the index under 20 ms.
//!
//! `cargo bench -p tokenyar-engine --bench lookup`. `TOKENYAR_LOOKUP_KB=DIR` measures a working
//! copy instead of the embedded knowledge base. The larger one is made here: every symptom of
//! the base is copied nine times with most of its words swapped for made-up ones and new codes,
//! so the vocabulary, the trigram lists and the typo scan all grow as they would.

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark code may panic

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tokenyar_engine::kb::{Body, Kb, Kind, Lang, Source};
use tokenyar_engine::lookup::Index;

/// What users type, one of each kind: exact, colloquial, glued with Persian digits, Arabic
/// letters, typos, English, a code with a system, a long pasted fragment, visual order, Finglish
/// (read through the transliteration), a version number after a product, and one that matches
/// nothing.
const QUERIES: &[(&str, &str)] = &[
    ("exact", "گواهی امضا یافت نشد"),
    ("colloquial", "سلام توکنم شناسایی نمیشه چکار کنم"),
    ("glued-digits", "خطا ۲۹درامضا چیست"),
    ("arabic", "توكن و يا گواهي داخل آن موجود نمي باشد"),
    ("typos", "unable to lunch appliction"),
    ("english", "token expired"),
    ("code-system", "خطای ۳۱ هلو"),
    (
        "fragment",
        "گواهی امضایی که صورتحساب با آن امضاء شده دسترسی صدور و امضای صورتحساب ندارد",
    ),
    ("visual", "دشن تفای اضما یهاوگ"),
    ("finglish", "ramze tokenam ghofl shode chikar konam"),
    ("version", "ویندوز 11 نصب کردم توکن شناسایی نمیشه"),
    ("nothing", "قیمت دلار امروز چنده"),
];

fn base_source() -> Source {
    match std::env::var_os("TOKENYAR_LOOKUP_KB") {
        Some(dir) => Source::from_dir(&PathBuf::from(dir)).unwrap(),
        None => Source::embedded(),
    }
}

/// A small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 16) as usize
    }
}

fn made_up_word(rng: &mut Rng) -> String {
    const LETTERS: &[char] = &[
        'ا', 'ب', 'پ', 'ت', 'ج', 'چ', 'د', 'ر', 'ز', 'س', 'ش', 'ف', 'ق', 'ک', 'گ', 'ل', 'م', 'ن',
        'و', 'ه', 'ی', 'a', 'e', 'n', 'r', 's', 't', 'o',
    ];
    let len = 3 + rng.next() % 7;
    let latin = rng.next() % 4 == 0;
    (0..len)
        .map(|_| {
            let pick = if latin {
                21 + rng.next() % 7
            } else {
                rng.next() % 21
            };
            LETTERS[pick]
        })
        .collect()
}

/// Swaps about two thirds of the words of `text` for made-up ones.
fn mutate(text: &str, rng: &mut Rng) -> String {
    text.split_whitespace()
        .map(|w| {
            if rng.next() % 3 == 0 {
                w.to_string()
            } else {
                made_up_word(rng)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The base knowledge base plus nine mutated copies of each of its symptoms.
fn ten_times(base: &Source, kb: &Kb) -> Source {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut source = base.clone();
    for copy in 1..10 {
        let mut files: std::collections::BTreeMap<String, Vec<serde_json::Value>> =
            Default::default();
        for n in kb.nodes.iter().filter(|n| n.kind == Kind::Symptom) {
            let Body::Symptom {
                messages, keywords, ..
            } = &n.body
            else {
                continue;
            };
            let slug = n.id.replace('/', "-");
            let node = serde_json::json!({
                "id": format!("{}/synth-{copy}-{slug}", n.system),
                "kind": "symptom",
                "title": {"fa": mutate(n.title.get(Lang::Fa), &mut rng), "en": mutate(n.title.get(Lang::En), &mut rng)},
                "messages": messages.iter().map(|m| mutate(m, &mut rng)).collect::<Vec<_>>(),
                "keywords": keywords.iter().map(|k| mutate(k, &mut rng)).collect::<Vec<_>>(),
                "codes": [format!("{}", 100 + rng.next() % 90_000)],
            });
            files
                .entry(format!("kb/{}/synth-{copy}.yaml", n.system))
                .or_default()
                .push(node);
        }
        for (path, nodes) in files {
            // JSON is YAML.
            source
                .files
                .push((path, serde_json::to_string(&nodes).unwrap()));
        }
    }
    source.files.sort();
    source
}

fn symptoms(kb: &Kb) -> usize {
    kb.nodes.iter().filter(|n| n.kind == Kind::Symptom).count()
}

fn bench(c: &mut Criterion) {
    let base = base_source();
    let (kb, _) = Kb::load(&base);
    let (big, _) = Kb::load(&ten_times(&base, &kb));
    println!(
        "knowledge bases: shipped {} symptoms, synthetic {} symptoms",
        symptoms(&kb),
        symptoms(&big)
    );

    let mut g = c.benchmark_group("build");
    g.bench_function("shipped", |b| b.iter(|| Index::build(black_box(&kb))));
    g.bench_function("ten-times", |b| b.iter(|| Index::build(black_box(&big))));
    g.finish();

    for (name, kb) in [("shipped", &kb), ("ten-times", &big)] {
        let index = Index::build(kb);
        let mut g = c.benchmark_group(format!("search-{name}"));
        for (label, q) in QUERIES {
            g.bench_function(*label, |b| b.iter(|| index.search(black_box(q), 5)));
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = bench
}
criterion_main!(benches);
