//! Calendar dates as written in front matter (`YYYY-MM-DD`), backed by jiff's civil
//! dates. A build never reads the clock, so its output is reproducible; only scaffolding
//! and `knead check`'s review ages ask for [`Date::today`], the user's local date.

use std::fmt;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid Gregorian calendar date (years 1000 to 9999 when parsed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// The months' English names, January first.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const EPOCH: jiff::civil::Date = jiff::civil::date(1970, 1, 1);

impl Date {
    /// Parses `YYYY-MM-DD`; anything else (including `2024-02-30`) is an error.
    pub fn parse(s: &str) -> Result<Date, String> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| -> Option<u16> {
            b.get(r.clone())
                .filter(|d| d.iter().all(u8::is_ascii_digit))
                .and_then(|_| s.get(r)?.parse().ok())
        };
        let shape_ok = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
        let (Some(year), Some(month), Some(day), true) = (digits(0..4), digits(5..7), digits(8..10), shape_ok) else {
            return Err(format!("`{s}` is not a date in the form YYYY-MM-DD"));
        };
        // Four digits each way, so the casts are exact.
        let (year, month, day) = (year as i16, month as i8, day as i8);
        let first = (year >= 1000)
            .then(|| jiff::civil::Date::new(year, month, 1).ok())
            .flatten()
            .ok_or_else(|| format!("`{s}` is not a valid date (month must be 01 to 12)"))?;
        first.with().day(day).build().map(Date).map_err(|_| {
            format!(
                "`{s}` is not a valid date: {} {year} has {} days",
                MONTHS[month as usize - 1],
                first.days_in_month()
            )
        })
    }

    /// `2024-03-01`.
    pub fn iso(&self) -> String {
        self.to_string()
    }

    /// `1 March 2024`.
    pub fn human(&self) -> String {
        let d = self.0;
        format!("{} {} {}", d.day(), MONTHS[d.month() as usize - 1], d.year())
    }

    /// `2024-03-01T00:00:00Z`, for feeds.
    pub fn rfc3339(&self) -> String {
        format!("{self}T00:00:00Z")
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(&self) -> i64 {
        self.0.duration_since(EPOCH).as_secs() / 86_400
    }

    /// The date `days` days later (earlier when negative), kept within the calendar
    /// jiff knows (years -9999 to 9999).
    pub fn plus_days(&self, days: i64) -> Date {
        let span = jiff::Span::new().days(days.clamp(-7_304_484, 7_304_484));
        Date(self.0.saturating_add(span))
    }

    /// Today's date where the user is: the system's time zone (`TZ` when set). Only for
    /// scaffolding new files and judging review ages, never for build output.
    pub fn today() -> Date {
        Date::local(Timestamp::now(), &TimeZone::system())
    }

    /// The date in `zone` at the instant `at`.
    pub fn local(at: Timestamp, zone: &TimeZone) -> Date {
        Date(zone.to_datetime(at).date())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

/// Reads a date from a string, and says what it expects (not "a string") of any other
/// value.
struct DateVisitor;

impl serde::de::Visitor<'_> for DateVisitor {
    type Value = Date;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date in the form YYYY-MM-DD")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Date, E> {
        Date::parse(s.trim()).map_err(E::custom)
    }
}

/// Templates see a date as `{ iso, human }`. Every page context holds a few dates, so
/// both texts are written on the stack rather than formatted into new strings.
impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Date", 2)?;
        match self.texts() {
            Some((iso, human, len)) => {
                st.serialize_field("iso", std::str::from_utf8(&iso).unwrap_or_default())?;
                st.serialize_field("human", std::str::from_utf8(&human[..len]).unwrap_or_default())?;
            }
            None => {
                st.serialize_field("iso", &self.iso())?;
                st.serialize_field("human", &self.human())?;
            }
        }
        st.end()
    }
}

impl Date {
    /// [`Date::iso`] and [`Date::human`] (its bytes and length) without allocating, for
    /// four-digit years (every date of a front matter); `None` for others.
    fn texts(&self) -> Option<([u8; 10], [u8; 20], usize)> {
        let d = self.0;
        let year = u16::try_from(d.year()).ok().filter(|y| (1000..=9999).contains(y))?;
        let digit = |n: u16, div: u16| b'0' + ((n / div) % 10) as u8;
        let (month, day) = (d.month() as u16, d.day() as u16);
        let year = [digit(year, 1000), digit(year, 100), digit(year, 10), digit(year, 1)];
        let mut iso = [b'-'; 10];
        iso[..4].copy_from_slice(&year);
        iso[5..7].copy_from_slice(&[digit(month, 10), digit(month, 1)]);
        iso[8..].copy_from_slice(&[digit(day, 10), digit(day, 1)]);
        let mut human = [b' '; 20];
        let mut len = 0;
        if day >= 10 {
            human[0] = digit(day, 10);
            len = 1;
        }
        human[len] = digit(day, 1);
        len += 2;
        let name = MONTHS[month as usize - 1].as_bytes();
        human[len..len + name.len()].copy_from_slice(name);
        len += name.len() + 1;
        human[len..len + 4].copy_from_slice(&year);
        Some((iso, human, len + 4))
    }
}

/// One language's way of writing dates: its month names (`month_1` to `month_12`) and
/// its `date_format` (`{day} {month} {year}`) from the theme's words, cut at the fields.
#[derive(Debug, Clone, Default)]
pub struct DateWords {
    months: Vec<String>,
    /// Literal text, then a field (0 day, 1 month, 2 year), and so on; the last text.
    pieces: Vec<(String, u8)>,
    end: String,
}

impl DateWords {
    /// The way of the language whose theme words are `words`.
    pub fn of(words: &std::collections::BTreeMap<String, String>) -> Self {
        let months = (1..=12)
            .map(|m| words.get(&format!("month_{m}")).cloned().unwrap_or_default())
            .collect();
        let mut rest = words.get("date_format").map_or("{day} {month} {year}", String::as_str);
        let mut pieces = Vec::new();
        while let Some((at, field, len)) = ["{day}", "{month}", "{year}"]
            .iter()
            .enumerate()
            .filter_map(|(i, f)| rest.find(f).map(|at| (at, i as u8, f.len())))
            .min()
        {
            pieces.push((rest[..at].to_owned(), field));
            rest = &rest[at + len..];
        }
        DateWords {
            months,
            pieces,
            end: rest.to_owned(),
        }
    }

    /// `iso` (`2026-11-24`) the language's way (`24 de noviembre de 2026`); `None` when
    /// it is no date or the language has no name for its month.
    pub fn format(&self, iso: &str) -> Option<String> {
        let mut parts = iso.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        self.write(y, m.parse().ok()?, d.parse().ok()?)
    }

    /// Day `day` of month `month` (from 1) of the year written `year`, the language's way.
    fn write(&self, year: &str, month: usize, day: u32) -> Option<String> {
        let name = self.months.get(month.checked_sub(1)?).filter(|n| !n.is_empty())?;
        let mut out = String::with_capacity(32);
        for (text, field) in &self.pieces {
            out.push_str(text);
            match field {
                0 => {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{day}");
                }
                1 => out.push_str(name),
                _ => out.push_str(year),
            }
        }
        out.push_str(&self.end);
        Some(out)
    }
}

/// A date as a page in a language shows it: `{ iso, human, local }`, `local` written the
/// language's way (its `human`, in English, when the language has no month names).
/// Written once into the page's context, so templates need no filter call per date.
#[derive(Debug, Clone, Copy)]
pub struct Dated<'a>(pub Date, pub &'a DateWords);

impl Serialize for Dated<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Date", 3)?;
        let texts = self.0.texts();
        let owned = texts.is_none().then(|| (self.0.iso(), self.0.human()));
        let (iso, human) = match (&texts, &owned) {
            (Some((iso, human, len)), _) => (
                std::str::from_utf8(iso).unwrap_or_default(),
                std::str::from_utf8(&human[..*len]).unwrap_or_default(),
            ),
            (None, Some((iso, human))) => (iso.as_str(), human.as_str()),
            (None, None) => ("", ""),
        };
        // The year as `iso` writes it; month and day from the date itself.
        let d = (self.0).0;
        let year = iso.get(..iso.len().saturating_sub(6)).unwrap_or_default();
        let local = self.1.write(year, d.month() as usize, d.day() as u32);
        st.serialize_field("iso", iso)?;
        st.serialize_field("local", local.as_deref().unwrap_or(human))?;
        st.serialize_field("human", human)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_added_across_months_and_leap_years() {
        let d = |s: &str| Date::parse(s).unwrap();
        assert_eq!(d("2024-03-01").plus_days(365), d("2025-03-01"));
        assert_eq!(d("2023-03-01").plus_days(365), d("2024-02-29"));
        assert_eq!(d("2025-03-01").plus_days(180), d("2025-08-28"));
        assert_eq!(d("2025-03-01").plus_days(-1), d("2025-02-28"));
        assert_eq!(d("9999-12-01").plus_days(i64::MAX).iso(), "9999-12-31");
    }

    /// The days of each month, written out independently of the code under test.
    fn month_days(year: u16, month: u8) -> u8 {
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month as usize - 1]
    }

    #[test]
    fn every_day_of_many_years_parses_formats_and_counts() {
        // 1896-1905 (1900 is not a leap year), 1995-2035 (2000 is), 2095-2105 (2100 is not).
        let names = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        for years in [1896..=1905, 1995..=2035, 2095..=2105, 9998..=9999] {
            let mut previous: Option<i64> = None;
            for year in years {
                for month in 1..=12u8 {
                    let last = month_days(year, month);
                    for day in 1..=last {
                        let iso = format!("{year:04}-{month:02}-{day:02}");
                        let d = Date::parse(&iso).unwrap();
                        assert_eq!(d.iso(), iso);
                        assert_eq!(d.to_string(), iso);
                        assert_eq!(d.human(), format!("{day} {} {year}", names[month as usize - 1]));
                        assert_eq!(d.rfc3339(), format!("{iso}T00:00:00Z"));
                        let json = serde_json::to_value(d).unwrap();
                        assert_eq!(json, serde_json::json!({ "iso": iso, "human": d.human() }));
                        let n = d.days_since_epoch();
                        if let Some(p) = previous {
                            assert_eq!(n, p + 1, "{iso}");
                        }
                        previous = Some(n);
                    }
                    let bad = format!("{year:04}-{month:02}-{:02}", last + 1);
                    assert_eq!(
                        Date::parse(&bad).unwrap_err(),
                        format!(
                            "`{bad}` is not a valid date: {} {year} has {last} days",
                            names[month as usize - 1]
                        )
                    );
                }
            }
        }
    }

    #[test]
    fn parse_errors_say_what_is_wrong() {
        let shape = |s: &str| format!("`{s}` is not a date in the form YYYY-MM-DD");
        let month = |s: &str| format!("`{s}` is not a valid date (month must be 01 to 12)");
        for s in [
            "",
            "yesterday",
            "2024-1-01",
            "2024-01-1",
            "24-01-01",
            "2024/01/01",
            "2024-01-01T00:00",
            "20240101",
            "+2024-01-01",
            "2024-01-0a",
            "２０２４-01-01",
            "2024-01-01 ",
            " 2024-01-01",
            "2024-0\u{e9}-1",
        ] {
            assert_eq!(Date::parse(s), Err(shape(s)), "{s:?}");
        }
        for s in ["2024-00-10", "2024-13-01", "0999-01-01", "0000-01-01"] {
            assert_eq!(Date::parse(s), Err(month(s)), "{s:?}");
        }
        assert_eq!(
            Date::parse("2024-02-00").unwrap_err(),
            "`2024-02-00` is not a valid date: February 2024 has 29 days"
        );
        assert_eq!(
            Date::parse("2023-04-31").unwrap_err(),
            "`2023-04-31` is not a valid date: April 2023 has 30 days"
        );
        // Front matter values are trimmed before parsing.
        let d: Date = serde_json::from_value(serde_json::json!(" 2024-05-06 ")).unwrap();
        assert_eq!(d.iso(), "2024-05-06");
        let e = serde_json::from_value::<Date>(serde_json::json!("2024-02-30")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "`2024-02-30` is not a valid date: February 2024 has 29 days"
        );
    }

    #[test]
    fn days_between_dates() {
        let days =
            |a: &str, b: &str| Date::parse(b).unwrap().days_since_epoch() - Date::parse(a).unwrap().days_since_epoch();
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(Date::parse("1969-12-31").unwrap().days_since_epoch(), -1);
        assert_eq!(Date::parse("2024-03-01").unwrap().days_since_epoch(), 19_783);
        assert_eq!(days("2025-06-02", "2026-09-01"), 456);
        assert_eq!(days("2024-02-28", "2024-03-01"), 2);
        assert_eq!(days("2023-02-28", "2023-03-01"), 1);
        assert_eq!(days("2000-01-01", "2100-01-01"), 36_525);
        assert_eq!(days("2026-01-01", "2025-12-31"), -1);
        assert!(Date::parse("2024-01-02").unwrap() > Date::parse("2023-12-31").unwrap());
    }

    /// The date `days` days after 1970-01-01.
    fn from_days(days: i64) -> Date {
        Date(EPOCH.checked_add(jiff::SignedDuration::from_hours(days * 24)).unwrap())
    }

    #[test]
    fn parses_valid_and_rejects_invalid() {
        assert_eq!(Date::parse("2024-02-29"), Ok(Date(jiff::civil::date(2024, 2, 29))));
        assert!(Date::parse("2023-02-29").unwrap_err().contains("28 days"));
        assert!(Date::parse("2024-13-01").is_err());
        assert!(Date::parse("2024-1-01").is_err());
        assert!(Date::parse("yesterday").is_err());
        assert!(Date::parse("２０２４-01-01").is_err());
    }

    #[test]
    fn formats() {
        let d = Date::parse("2024-03-01").unwrap();
        assert_eq!(d.human(), "1 March 2024");
        assert_eq!(d.rfc3339(), "2024-03-01T00:00:00Z");
    }

    #[test]
    fn templates_see_the_same_texts_as_iso_and_human() {
        // Every day of a few years, and dates whose year has fewer than 4 digits.
        let days = (-400_000..-399_000).chain(0..800).chain(2_900_000..2_901_000);
        for d in days.map(from_days) {
            let json = serde_json::to_value(d).unwrap();
            assert_eq!(json, serde_json::json!({ "iso": d.iso(), "human": d.human() }), "{d:?}");
        }
    }

    #[test]
    fn epoch_round_trip() {
        for days in [-1000, 0, 1, 19_000, 20_000, 30_000] {
            assert_eq!(from_days(days).days_since_epoch(), days);
        }
        assert_eq!(from_days(0).to_string(), "1970-01-01");
    }

    #[test]
    fn today_is_the_local_date_not_the_utc_one() {
        // 05:30 UTC on 7 December is still the evening of 6 December in Los Angeles, and
        // already the afternoon of 7 December in Auckland (summer time there).
        let at: Timestamp = "2026-12-07T05:30:00Z".parse().unwrap();
        let zone = |posix: &str| TimeZone::posix(posix).unwrap();
        assert_eq!(Date::local(at, &TimeZone::UTC).iso(), "2026-12-07");
        assert_eq!(Date::local(at, &zone("PST8PDT,M3.2.0,M11.1.0")).iso(), "2026-12-06");
        assert_eq!(
            Date::local(at, &zone("NZST-12NZDT,M9.5.0,M4.1.0/3")).iso(),
            "2026-12-07"
        );
        let late: Timestamp = "2026-12-06T23:30:00Z".parse().unwrap();
        assert_eq!(
            Date::local(late, &zone("NZST-12NZDT,M9.5.0,M4.1.0/3")).iso(),
            "2026-12-07"
        );
        assert_eq!(Date::local(late, &zone("PST8PDT,M3.2.0,M11.1.0")).iso(), "2026-12-06");
        // The same with the system's database, where it has the zone.
        if let Ok(la) = TimeZone::get("America/Los_Angeles") {
            assert_eq!(Date::local(at, &la).iso(), "2026-12-06");
        }
    }

    #[test]
    fn a_dated_date_carries_its_language_s_text() {
        let d = Date::parse("2026-11-24").unwrap();
        let es: std::collections::BTreeMap<String, String> =
            [("date_format", "{day} de {month} de {year}"), ("month_11", "noviembre")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
        let json = serde_json::to_value(Dated(d, &DateWords::of(&es))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "iso": "2026-11-24", "local": "24 de noviembre de 2026", "human": "24 November 2026" })
        );
        // Without month names (a model made without theme words): the English text.
        let json = serde_json::to_value(Dated(d, &DateWords::default())).unwrap();
        assert_eq!(json["local"], "24 November 2026");
    }
}
