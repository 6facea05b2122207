//! Calendar pieces that lists filter by, in UTC: a cohort (the people who signed up in one month, written
//! `YYYY-MM`) and a day (`YYYY-MM-DD`, as a date field sends it).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cohort {
    /// The month's first day.
    first_day: NaiveDate,
}

/// Text that is no `YYYY-MM` month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAMonth(pub String);

impl fmt::Display for NotAMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "There is no cohort called {:?}: a cohort is a sign-up month, written like 2026-11.",
            self.0
        )
    }
}

impl std::error::Error for NotAMonth {}

impl Cohort {
    pub fn new(year: i32, month: u32) -> Option<Cohort> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|first_day| Cohort { first_day })
    }

    /// The cohort of someone who signed up at `at`.
    pub fn of(at: DateTime<Utc>) -> Cohort {
        Cohort::new(at.year(), at.month()).expect("a date's own month exists")
    }

    /// The month's first instant (UTC).
    pub fn start(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.first_day.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    /// The next month's first instant: sign-ups in the cohort are at or after `start` and before this.
    pub fn end(&self) -> DateTime<Utc> {
        let next = self.first_day + Months::new(1);
        Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    /// The month as people read it: "November 2026".
    pub fn label(&self) -> String {
        self.first_day.format("%B %Y").to_string()
    }
}

impl fmt::Display for Cohort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

impl FromStr for Cohort {
    type Err = NotAMonth;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || NotAMonth(s.to_string());
        let (year, month) = s.trim().split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        Cohort::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Cohort {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cohort {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// One day, as a date field sends it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(NaiveDate);

/// Text that is no `YYYY-MM-DD` day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotADay(pub String);

impl fmt::Display for NotADay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "There is no day {:?}: write a date like 2026-11-30.",
            self.0
        )
    }
}

impl std::error::Error for NotADay {}

impl Day {
    /// The day's first instant (UTC).
    pub fn start(&self) -> DateTime<Utc> {
        Utc.from_utc_datetime(&self.0.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    /// The next day's first instant.
    pub fn end(&self) -> DateTime<Utc> {
        self.start() + chrono::Duration::days(1)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl FromStr for Day {
    type Err = NotADay;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map(Day)
            .map_err(|_| NotADay(s.to_string()))
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cohort_is_a_month_from_its_first_instant_to_the_next_months() {
        let c: Cohort = "2026-12".parse().unwrap();
        assert_eq!(c.to_string(), "2026-12");
        assert_eq!(c.label(), "December 2026");
        assert_eq!(c.start().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(c.end().to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert_eq!(Cohort::of(c.end()), "2027-01".parse().unwrap());
    }

    #[test]
    fn a_day_runs_from_its_midnight_to_the_next_and_text_is_refused() {
        let d: Day = " 2026-02-28 ".parse().unwrap();
        assert_eq!(d.to_string(), "2026-02-28");
        assert_eq!(d.end().to_rfc3339(), "2026-03-01T00:00:00+00:00");
        let err = "yesterday".parse::<Day>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "There is no day \"yesterday\": write a date like 2026-11-30."
        );
        assert!("2026-02-30".parse::<Day>().is_err());
    }

    #[test]
    fn anything_but_a_month_is_refused_with_an_example() {
        for bad in [
            "", "2026", "2026-13", "2026-1", "26-01", "abcd-ef", "2026-00",
        ] {
            let err = bad.parse::<Cohort>().unwrap_err();
            assert!(err.to_string().contains("written like 2026-11"), "{bad}");
        }
    }
}
