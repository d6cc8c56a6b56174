//! The calendar against an oracle: a table PyPI's persiantools wrote (tests/data/jalali_golden.py).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code may panic

use chrono::NaiveDate;
use tokenyar_engine::calendar::{Jalali, from_jalali, is_jalali_leap, to_jalali};

const GOLDEN: &str = include_str!("data/jalali_golden.csv");

#[test]
fn every_golden_date_converts_both_ways() {
    let mut dates = 0;
    let mut leaps = 0;
    for line in GOLDEN.lines().filter(|l| !l.starts_with('#')) {
        let parts: Vec<&str> = line.split(',').collect();
        if parts[0] == "leap" {
            let year: i32 = parts[1].parse().unwrap();
            assert_eq!(is_jalali_leap(year), parts[2] == "1", "leap year {year}");
            leaps += 1;
            continue;
        }
        let g = NaiveDate::parse_from_str(parts[0], "%Y-%m-%d").unwrap();
        let j: Vec<i32> = parts[1].split('-').map(|x| x.parse().unwrap()).collect();
        let want = Jalali {
            year: j[0],
            month: j[1] as u8,
            day: j[2] as u8,
        };
        assert_eq!(to_jalali(g), Some(want), "{g}");
        assert_eq!(
            from_jalali(want.year, want.month, want.day),
            Some(g),
            "{want}"
        );
        dates += 1;
    }
    // The table is not empty or cut short: a broken file must not pass as "no mismatches".
    assert!(dates > 18_000, "{dates} dates");
    assert_eq!(leaps, 401);
}
