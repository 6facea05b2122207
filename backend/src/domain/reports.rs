//! Progress reports: every mentorship has one per period (`ONRAMP_REPORT_PERIOD_DAYS`, four weeks by default),
//! counted from the day it began. When a period ends its report is drafted from what happened; the mentor
//! completes it with an assessment by its due date (`ONRAMP_REPORT_DUE_DAYS` later), the newcomer may add their
//! own view, and an organizer reviews it.

use chrono::{DateTime, Duration, Utc};

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum ReportState ("report state") {
        /// Drafted, waiting for the mentor's assessment.
        Draft = "draft",
        /// The mentor completed it; waiting for an organizer's review.
        Submitted = "submitted",
        Reviewed = "reviewed",
    }
}

domain_enum! {
    /// The mentor's view of how the period went.
    pub enum Assessment ("assessment") {
        OnTrack = "on_track",
        NeedsHelp = "needs_help",
        AtRisk = "at_risk",
    }
}

impl Assessment {
    pub fn label(self) -> &'static str {
        match self {
            Assessment::OnTrack => "On track",
            Assessment::NeedsHelp => "Needs help",
            Assessment::AtRisk => "At risk",
        }
    }
}

/// The configured rhythm of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportPolicy {
    pub period_days: u32,
    /// Days after a period's end by which its report is due.
    pub due_days: u32,
}

impl Default for ReportPolicy {
    fn default() -> Self {
        ReportPolicy {
            period_days: 28,
            due_days: 7,
        }
    }
}

/// One period of a mentorship.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

/// How many missed periods one pass drafts at most for a mentorship (after a long outage, the latest ones).
pub const MAX_PERIODS_AT_ONCE: usize = 3;

impl ReportPolicy {
    /// The periods of a mentorship that began at `began` which have ended by `now` and start at or after
    /// `from` (the end of the last period that has a report, or `began`), oldest first, the latest
    /// `MAX_PERIODS_AT_ONCE` of them.
    pub fn ended_periods(
        &self,
        began: DateTime<Utc>,
        from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<Period> {
        let length = Duration::days(i64::from(self.period_days.max(1)));
        let due = Duration::days(i64::from(self.due_days));
        let first = if from <= began {
            0
        } else {
            // The first period starting at or after `from`.
            let gone = (from - began).num_seconds();
            let len = length.num_seconds();
            (gone + len - 1) / len
        };
        let mut periods = Vec::new();
        let mut k = first;
        loop {
            let start = began + length * k as i32;
            let end = start + length;
            if end > now {
                break;
            }
            periods.push(Period {
                start,
                end,
                due: end + due,
            });
            k += 1;
        }
        let skip = periods.len().saturating_sub(MAX_PERIODS_AT_ONCE);
        periods.split_off(skip)
    }
}

/// A report still waiting for its mentor after its due date.
pub fn is_overdue(state: ReportState, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    state == ReportState::Draft && now > due
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + Duration::days(d)
    }

    #[test]
    fn a_period_is_reported_once_it_has_ended() {
        let policy = ReportPolicy::default();
        assert!(policy.ended_periods(day(0), day(0), day(27)).is_empty());
        let first = policy.ended_periods(day(0), day(0), day(28));
        assert_eq!(
            first,
            [Period {
                start: day(0),
                end: day(28),
                due: day(35)
            }]
        );
        // Once the first has its report, the next pass looks from its end.
        assert!(policy.ended_periods(day(0), day(28), day(40)).is_empty());
        assert_eq!(
            policy.ended_periods(day(0), day(28), day(56))[0].start,
            day(28)
        );
        // A long outage drafts the latest few, not every period since.
        let caught_up = policy.ended_periods(day(0), day(0), day(28 * 10 + 1));
        assert_eq!(caught_up.len(), MAX_PERIODS_AT_ONCE);
        assert_eq!(caught_up.last().unwrap().end, day(280));
    }

    #[test]
    fn the_rhythm_is_configurable_and_a_late_draft_is_overdue() {
        let weekly = ReportPolicy {
            period_days: 7,
            due_days: 2,
        };
        let periods = weekly.ended_periods(day(0), day(0), day(15));
        assert_eq!(periods.len(), 2);
        assert_eq!(periods[1].due, day(16));
        assert!(!is_overdue(ReportState::Draft, day(16), day(16)));
        assert!(is_overdue(ReportState::Draft, day(16), day(17)));
        assert!(!is_overdue(ReportState::Submitted, day(16), day(17)));
    }
}
