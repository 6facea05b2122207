//! A cohort: the people who signed up in one calendar month (UTC), written `2026-11` in filters and exports.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cohort {
    year: i32,
    month: u32,
}

impl Cohort {
    pub fn of(at: DateTime<Utc>) -> Cohort {
        Cohort {
            year: at.year(),
            month: at.month(),
        }
    }

    /// The first instant of the month.
    pub fn start(self) -> DateTime<Utc> {
        let day = NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid month");
        Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    /// The first instant of the next month.
    pub fn end(self) -> DateTime<Utc> {
        let (year, month) = if self.month == 12 {
            (self.year + 1, 1)
        } else {
            (self.year, self.month + 1)
        };
        Cohort { year, month }.start()
    }
}

impl fmt::Display for Cohort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Cohort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("{s:?} is not a month: write it as YYYY-MM, e.g. 2026-11");
        let (year, month) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        if year.to_string().len() != 4 || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Cohort { year, month })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cohort_is_a_calendar_month() {
        let c: Cohort = "2026-12".parse().unwrap();
        assert_eq!(c.to_string(), "2026-12");
        assert_eq!(c.start().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(c.end().to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert_eq!(Cohort::of(c.end()), "2027-01".parse().unwrap());
        for bad in ["2026-13", "2026", "26-01", "2026-00", "soon", ""] {
            assert!(bad.parse::<Cohort>().is_err(), "{bad}");
        }
        assert!(
            "2026-1".parse::<Cohort>().is_ok(),
            "a one-digit month is still clear"
        );
    }
}
