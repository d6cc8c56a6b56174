//! Jalali conversion checked against a golden table generated with PyPI's `persiantools`
//! (`tests/data/gen_jalali.py`; the table is committed, Python is not needed to run this).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use tokenyar::dates::{Jalali, from_jalali, to_jalali};

#[test]
fn matches_persiantools_both_ways() {
    let table = include_str!("data/jalali_golden.tsv");
    let mut rows = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')) {
        let (g, j) = line.split_once('\t').unwrap();
        let g = NaiveDate::parse_from_str(g, "%Y-%m-%d").unwrap();
        let mut p = j.split('-').map(|x| x.parse::<i32>().unwrap());
        let want = Jalali {
            year: p.next().unwrap(),
            month: p.next().unwrap() as u8,
            day: p.next().unwrap() as u8,
        };
        assert_eq!(to_jalali(g), Some(want), "{g}");
        assert_eq!(from_jalali(want), Some(g), "{j}");
        rows += 1;
    }
    assert!(rows > 10_000, "{rows}");
}

#[test]
fn evidence_dates_show_both_calendars() {
    let d = NaiveDate::from_ymd_opt(2025, 11, 21).unwrap();
    let fa =
        tokenyar::bidi::strip_controls(&tokenyar::dates::both(tokenyar_engine::kb::Lang::Fa, d));
    assert_eq!(fa, "۱۴۰۴/۰۸/۳۰ (2025-11-21)");
    let en = tokenyar::dates::both(tokenyar_engine::kb::Lang::En, d);
    assert_eq!(en, "2025-11-21 (1404/08/30)");
}
