//! Dates for people: the Jalali (Solar Hijri) calendar with Persian digits in Persian, the
//! Gregorian calendar in English. The conversion is the engine's (ICU4X); month names come
//! from the Fluent files like every other UI word.

use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use tokenyar_engine::kb::Lang;

// One Jalali conversion for the whole program: the engine's (reports use it too).
pub use tokenyar_engine::calendar::{Jalali, persian_digits, to_jalali};

/// Converts a Jalali date back to Gregorian (`None` for a day that does not exist, such as
/// 30 Esfand of a common year).
pub fn from_jalali(j: Jalali) -> Option<NaiveDate> {
    tokenyar_engine::calendar::from_jalali(j.year, j.month, j.day)
}

/// Digits as the language writes them.
pub fn digits(lang: Lang, s: &str) -> String {
    lang.digits(s)
}

/// A date in the language's calendar, numeric: `۱۴۰۴/۰۸/۳۰` or `2025-11-21`.
pub fn date(lang: Lang, d: NaiveDate) -> String {
    let first = if lang.jalali_first() { jalali(d) } else { None };
    lang.digits(&first.unwrap_or_else(|| gregorian(d)))
}

fn jalali(d: NaiveDate) -> Option<String> {
    to_jalali(d).map(|j| format!("{:04}/{:02}/{:02}", j.year, j.month, j.day))
}

fn gregorian(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A date in both calendars, the language's own first: `۱۴۰۴/۰۸/۳۰ (2025-11-21)` or
/// `2025-11-21 (1404/08/30)`.
pub fn both(lang: Lang, d: NaiveDate) -> String {
    // The other calendar, with ASCII digits.
    let second = if lang.jalali_first() {
        gregorian(d)
    } else {
        jalali(d).unwrap_or_default()
    };
    if lang.rtl() {
        // Isolated, so a right-to-left sentence around it cannot split the date apart.
        format!("{} (\u{2066}{second}\u{2069})", date(lang, d))
    } else {
        format!("{} ({second})", date(lang, d))
    }
}

/// A moment (with its offset) as a local date and time in the language's calendar.
pub fn date_time(lang: Lang, t: &DateTime<FixedOffset>) -> String {
    let hm = format!("{:02}:{:02}", t.hour(), t.minute());
    format!("{} {}", date(lang, t.date_naive()), digits(lang, &hm))
}

/// Reads an RFC 3339 timestamp (as probes write them) into its date, keeping its own offset.
pub fn parse_timestamp(s: &str) -> Option<DateTime<FixedOffset>> {
    if s.len() < 20 || s.as_bytes().get(4).is_none_or(|&b| b != b'-') {
        return None;
    }
    DateTime::parse_from_rfc3339(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn known_days() {
        assert_eq!(
            to_jalali(d(2025, 11, 21)),
            Some(Jalali {
                year: 1404,
                month: 8,
                day: 30
            })
        );
        assert_eq!(date(Lang::Fa, d(2025, 3, 21)), "۱۴۰۴/۰۱/۰۱");
        assert_eq!(date(Lang::En, d(2025, 3, 21)), "2025-03-21");
        assert_eq!(
            crate::bidi::strip_controls(&both(Lang::Fa, d(2025, 11, 21))),
            "۱۴۰۴/۰۸/۳۰ (2025-11-21)"
        );
        assert_eq!(both(Lang::En, d(2025, 11, 21)), "2025-11-21 (1404/08/30)");
    }

    #[test]
    fn the_30th_of_esfand_exists_only_in_leap_years() {
        // 1403 is a leap year, 1404 is not.
        assert!(
            from_jalali(Jalali {
                year: 1403,
                month: 12,
                day: 30
            })
            .is_some()
        );
        assert_eq!(
            from_jalali(Jalali {
                year: 1404,
                month: 12,
                day: 30
            }),
            None
        );
    }

    #[test]
    fn timestamps_keep_their_offset() {
        let t = parse_timestamp("2025-03-20T23:30:00-01:00");
        assert!(t.is_some());
        let t = t.unwrap_or_default();
        assert_eq!(date_time(Lang::Fa, &t), "۱۴۰۳/۱۲/۳۰ ۲۳:۳۰");
        assert!(parse_timestamp("ok").is_none());
        assert!(parse_timestamp("12345678901234567890").is_none());
    }
}
