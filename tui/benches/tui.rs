//! The TUI's performance budgets (issue 7): the first frame under 200 ms after start, a key
//! press redrawn under 16 ms. Measured with the shipped (embedded) knowledge base.
//! Run: `cargo bench -p tokenyar --bench tui`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/screen.rs"]
mod common;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use tokenyar::app::action::Action;
use tokenyar::app::state::Model;
use tokenyar::app::{draw, settle, update};
use tokenyar_engine::facts::{Bundle, Snapshot};
use tokenyar_engine::kb::{Lang, Source};

const AREA: Rect = Rect {
    x: 0,
    y: 0,
    width: 120,
    height: 40,
};

fn press(m: &mut Model, a: Action, buf: &mut Buffer) {
    let fx = update::update(m, a);
    settle(m, fx);
    buf.reset();
    draw::draw_buf(m, AREA, buf);
}

fn first_frame(c: &mut Criterion) {
    let bundle = Bundle::parse(&common::expired().to_string(), "b.json").unwrap();
    c.bench_function(
        "first_frame: load embedded KB, build model and index, draw home",
        |b| {
            b.iter(|| {
                let (kb, _) = tokenyar_engine::authoring::load_checked(&Source::embedded());
                let m = Model::new(
                    Arc::new(kb),
                    Arc::new(Snapshot::from_bundle(&bundle)),
                    tokenyar::app::state::Settings::default(),
                    tokenyar::bidi::TerminalInfo::default(),
                );
                let mut buf = Buffer::empty(AREA);
                draw::draw_buf(&m, AREA, &mut buf);
                buf
            })
        },
    );
}

fn key_presses(c: &mut Criterion) {
    let mut g = c.benchmark_group("key_press: update + draw 120x40");
    for lang in [Lang::Fa, Lang::En] {
        let mut buf = Buffer::empty(AREA);
        let mut m = common::model(lang, &common::expired());
        g.bench_function(
            format!("home: type a letter and search ({})", lang.code()),
            |b| {
                b.iter(|| {
                    press(&mut m, Action::Input('گ'), &mut buf);
                    press(&mut m, Action::DeleteBack, &mut buf);
                })
            },
        );
        let mut m = common::model(lang, &common::expired());
        press(&mut m, Action::Select, &mut buf);
        g.bench_function(
            format!("walk: move in the choices ({})", lang.code()),
            |b| b.iter(|| press(&mut m, Action::Down, &mut buf)),
        );
        g.bench_function(format!("walk: switch language ({})", lang.code()), |b| {
            b.iter(|| press(&mut m, Action::ToggleLang, &mut buf))
        });
        let mut m = common::model(lang, &common::expired());
        press(&mut m, Action::Diagnose, &mut buf);
        g.bench_function(
            format!("diagnose: open and close a check ({})", lang.code()),
            |b| b.iter(|| press(&mut m, Action::Select, &mut buf)),
        );
        let mut m = common::model(lang, &common::expired());
        press(&mut m, Action::Help, &mut buf);
        g.bench_function(format!("help: scroll ({})", lang.code()), |b| {
            b.iter(|| press(&mut m, Action::Down, &mut buf))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(2));
    targets = first_frame, key_presses
}
criterion_main!(benches);
