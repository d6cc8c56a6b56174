//! Performance budgets of the engine (issue 9): KB load + check (shipped and synthetic, to show
//! linear growth), a 50-step guided walk, and `diagnose` on recorded facts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // bench code may panic

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
#[path = "../tests/support/synthetic.rs"]
mod synthetic;
use tokenyar_engine::facts::{Facts, Snapshot};
use tokenyar_engine::infer::{Runner, Session, diagnose};
use tokenyar_engine::kb::Source;

fn load_check(c: &mut Criterion) {
    let shipped = Source::embedded();
    c.bench_function("load+check shipped KB", |b| {
        b.iter(|| black_box(tokenyar_engine::authoring::load_checked(&shipped)))
    });
    let mut g = c.benchmark_group("load+check synthetic KB");
    g.sample_size(10);
    for n in [5_000usize, 10_000, 20_000, 40_000] {
        let (src, _) = synthetic::generate(n, synthetic::Mistakes::None);
        g.bench_with_input(BenchmarkId::from_parameter(n), &src, |b, src| {
            b.iter(|| black_box(tokenyar_engine::authoring::load_checked(src)))
        });
    }
    g.finish();
}

fn walk(c: &mut Criterion) {
    // 50 steps: answer a synthetic root, then go "did not help" through five remedies, back
    // to the root, and again, until 50 steps were taken.
    let (src, _) = synthetic::generate(2_000, synthetic::Mistakes::None);
    let kb = Arc::new(tokenyar_engine::authoring::load_checked(&src).0);
    let facts: Arc<dyn Facts> = Arc::new(Snapshot::default());
    c.bench_function("guided walk of 50 steps", |b| {
        b.iter(|| {
            let runner = Runner::new(Arc::clone(&kb), Arc::clone(&facts), None);
            let mut s = Session::start(Arc::clone(&kb), "s0/root", None).unwrap();
            let mut steps = 0;
            let mut choice = 0;
            while steps < 50 {
                match s.run_until_input(&runner) {
                    tokenyar_engine::infer::Need::Answer { node } if node == "s0/root" => {
                        s.answer(choice % 50).unwrap();
                        choice += 1;
                    }
                    tokenyar_engine::infer::Need::Answer { .. } => s.answer(1).unwrap(),
                    tokenyar_engine::infer::Need::Remedy { .. } => s.remedy_not_helped().unwrap(),
                    _ => {
                        s.back_to(0);
                    }
                }
                steps += 1;
            }
            black_box(s.steps().len())
        })
    });
}

fn diagnose_snapshot(c: &mut Criterion) {
    let kb = Arc::new(tokenyar_engine::authoring::load_checked(&Source::embedded()).0);
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/benches/bundle.json"))
        .unwrap();
    let bundle = tokenyar_engine::facts::Bundle::parse(&text, "bundle.json").unwrap();
    let facts: Arc<dyn Facts> = Arc::new(Snapshot::from_bundle(&bundle));
    c.bench_function("diagnose --snapshot (all systems)", |b| {
        b.iter(|| black_box(diagnose(&kb, Arc::clone(&facts), None)))
    });
}

criterion_group!(benches, load_check, walk, diagnose_snapshot);
criterion_main!(benches);
