//! Dates in the two calendars Iranian users read: the Solar Hijri (Jalali) calendar with Persian
//! digits, and the Gregorian one that certificates and logs use. Conversion is ICU4X's
//! (`icu_calendar`); this module only formats.
//!
//! A time is shown in the user's own offset from UTC when the facts say it (the `clock` fact's
//! `utc_offset_minutes`), else in UTC, and the offset is always written out.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset as _, Timelike, Utc};
use icu_calendar::Date;
use icu_calendar::cal::Persian;

use crate::model::Lang;

/// A date of the Solar Hijri calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Jalali {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl std::fmt::Display for Jalali {
    /// `1404/08/30`, Latin digits (see [`persian_digits`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

/// The Jalali date of a Gregorian one; `None` outside the range ICU4X accepts.
pub fn to_jalali(date: NaiveDate) -> Option<Jalali> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let iso = Date::try_new_iso(date.year(), month, day).ok()?;
    let p = iso.to_calendar(Persian);
    Some(Jalali {
        year: p.era_year().year,
        month: p.month().ordinal,
        day: p.day_of_month().0,
    })
}

/// The Gregorian date of a Jalali one; `None` for a date that does not exist (the 30th of
/// Esfand in a common year, month 13).
pub fn from_jalali(year: i32, month: u8, day: u8) -> Option<NaiveDate> {
    let p = Date::try_new_persian(year, month, day).ok()?;
    let iso = p.to_calendar(icu_calendar::Iso);
    let y = iso.era_year().year;
    NaiveDate::from_ymd_opt(
        y,
        u32::from(iso.month().ordinal),
        u32::from(iso.day_of_month().0),
    )
}

/// Whether a Jalali year has a 30th of Esfand.
pub fn is_jalali_leap(year: i32) -> bool {
    from_jalali(year, 12, 30).is_some()
}

pub use crate::text::persian_digits;

/// One moment in both calendars, as plain strings (Latin digits) for a renderer to lay out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stamp {
    /// `2025-11-21T09:30:00+03:30`.
    pub iso: String,
    /// `2025-11-21 09:30`.
    pub gregorian: String,
    /// `1404/08/30 09:30`.
    pub jalali: String,
    /// `+03:30`, `UTC`.
    pub offset: String,
}

impl Stamp {
    /// `t` seen at `offset_minutes` east of UTC.
    pub fn new(t: DateTime<Utc>, offset_minutes: i32) -> Stamp {
        let off =
            FixedOffset::east_opt(offset_minutes.saturating_mul(60)).unwrap_or_else(|| Utc.fix());
        let local = t.with_timezone(&off);
        let hm = format!("{:02}:{:02}", local.hour(), local.minute());
        let jalali = to_jalali(local.date_naive())
            .map(|j| format!("{j} {hm}"))
            .unwrap_or_default();
        Stamp {
            iso: local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            gregorian: format!("{} {hm}", local.format("%Y-%m-%d")),
            jalali,
            offset: offset_label(offset_minutes),
        }
    }

    /// One line in one language: Persian leads with the Jalali date in Persian digits, English
    /// with the Gregorian one; the other calendar follows in parentheses. In Persian the
    /// Gregorian run is set between left-to-right marks, so a bidi-aware viewer keeps `+03:30`
    /// and the parentheses in place.
    pub fn text(&self, lang: Lang) -> String {
        if lang.jalali_first() {
            let mark = if lang.rtl() { "\u{200E}" } else { "" };
            format!(
                "{} ({mark}{} {}{mark})",
                lang.digits(&self.jalali),
                self.gregorian,
                self.offset
            )
        } else {
            format!(
                "{} {} ({})",
                lang.digits(&self.gregorian),
                self.offset,
                self.jalali
            )
        }
    }
}

/// A date (no time) in both calendars, in one language: `۱۴۰۴/۰۸/۳۰ (2025-11-21)` or
/// `2025-11-21 (1404/08/30)`.
pub(crate) fn date_text(date: NaiveDate, lang: Lang) -> String {
    let g = date.format("%Y-%m-%d").to_string();
    let Some(j) = to_jalali(date) else { return g };
    if lang.jalali_first() {
        format!("{} ({g})", lang.digits(&j.to_string()))
    } else {
        format!("{} ({j})", lang.digits(&g))
    }
}

fn offset_label(minutes: i32) -> String {
    if minutes == 0 {
        return "UTC".into();
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_dates_both_ways() {
        assert_eq!(
            to_jalali(d(2025, 11, 21)),
            Some(Jalali {
                year: 1404,
                month: 8,
                day: 30
            })
        );
        assert_eq!(from_jalali(1404, 8, 30), Some(d(2025, 11, 21)));
        // Nowruz 1404 fell on 21 March 2025; 1403 was a leap year, 1404 is not.
        assert_eq!(from_jalali(1404, 1, 1), Some(d(2025, 3, 21)));
        assert_eq!(from_jalali(1403, 12, 30), Some(d(2025, 3, 20)));
        assert_eq!(from_jalali(1404, 12, 30), None);
        assert_eq!(from_jalali(1404, 13, 1), None);
        assert!(is_jalali_leap(1403) && !is_jalali_leap(1404));
    }

    #[test]
    fn stamps_use_the_given_offset_and_both_calendars() {
        // 20:45 UTC on the 20th is already the 21st in Tehran (+03:30).
        let t = DateTime::parse_from_rfc3339("2025-11-20T20:45:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let s = Stamp::new(t, 210);
        assert_eq!(s.gregorian, "2025-11-21 00:15");
        assert_eq!(s.jalali, "1404/08/30 00:15");
        assert_eq!(s.offset, "+03:30");
        assert_eq!(
            s.text(Lang::Fa),
            "۱۴۰۴/۰۸/۳۰ ۰۰:۱۵ (\u{200E}2025-11-21 00:15 +03:30\u{200E})"
        );
        assert_eq!(
            s.text(Lang::En),
            "2025-11-21 00:15 +03:30 (1404/08/30 00:15)"
        );
        let u = Stamp::new(t, 0);
        assert_eq!(u.jalali, "1404/08/29 20:45");
        assert_eq!(u.offset, "UTC");
        assert_eq!(Stamp::new(t, -90).offset, "-01:30");
        assert_eq!(
            date_text(d(2025, 11, 21), Lang::Fa),
            "۱۴۰۴/۰۸/۳۰ (2025-11-21)"
        );
    }
}
