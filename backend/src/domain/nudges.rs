//! When a nudge goes out. A condition that lasts (a profile left unfinished, a newcomer gone quiet) is an
//! *episode*: its first nudge comes a threshold after the episode began, and while nothing changes the next ones
//! back off, 1, 3, 7 and 14 days apart, and then stop. The episode ends when the condition does (the newcomer
//! acts), so a reaction resets the series. And whatever the time of the pass, a nudge is delivered in the
//! recipient's daytime, in their time zone.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// How long each condition lasts before its first nudge (`ONRAMP_NUDGE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NudgePolicy {
    /// A newcomer's profile unfinished since they signed up.
    pub profile_unfinished: Duration,
    /// A newcomer quiet: they are nudged first ...
    pub quiet: Duration,
    /// ... then their mentor is told ...
    pub quiet_mentor: Duration,
    /// ... then the organizers.
    pub quiet_organizers: Duration,
    /// A round's proposal or a newcomer's request waiting for the mentor.
    pub waiting_for_mentor: Duration,
    /// A check-in waiting for the mentor's reply.
    pub check_in_unanswered: Duration,
    /// How long before a report's due date the mentor is reminded.
    pub report_due: Duration,
    /// A submitted report waiting for an organizer's review.
    pub report_review: Duration,
}

impl Default for NudgePolicy {
    fn default() -> Self {
        NudgePolicy {
            profile_unfinished: Duration::days(2),
            quiet: Duration::days(7),
            quiet_mentor: Duration::days(14),
            quiet_organizers: Duration::days(21),
            waiting_for_mentor: Duration::days(3),
            check_in_unanswered: Duration::days(5),
            report_due: Duration::days(3),
            report_review: Duration::days(1),
        }
    }
}

/// Days between one nudge of an episode and the next; after the last, the episode gets no more.
pub const BACKOFF_DAYS: [i64; 4] = [1, 3, 7, 14];

/// One nudge of an episode: its number (from 0) and when it became due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    pub due_at: DateTime<Utc>,
}

/// The latest nudge of an episode that began at `began` and whose first nudge waits `after`, due by `now`.
/// None before the first one is due. Nudges missed while the service was down are not sent late in a burst:
/// only the latest due one is.
pub fn due_step(began: DateTime<Utc>, after: Duration, now: DateTime<Utc>) -> Option<Step> {
    let mut due_at = began + after;
    if now < due_at {
        return None;
    }
    let mut index = 0;
    for gap in BACKOFF_DAYS {
        let next = due_at + Duration::days(gap);
        if now < next {
            break;
        }
        due_at = next;
        index += 1;
    }
    Some(Step { index, due_at })
}

/// The hours of a day, in the recipient's own time, when nudges are delivered: from `start` (inclusive) to
/// `end` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Daytime {
    pub start: u32,
    pub end: u32,
}

impl Default for Daytime {
    fn default() -> Self {
        Daytime { start: 9, end: 18 }
    }
}

impl Daytime {
    /// `now` if it is daytime where the recipient is, else the start of their next daytime. An unknown time zone
    /// is taken as UTC.
    pub fn next(&self, now: DateTime<Utc>, timezone: Option<&str>) -> DateTime<Utc> {
        let tz: Tz = timezone.and_then(|t| t.parse().ok()).unwrap_or(Tz::UTC);
        let local = now.with_timezone(&tz);
        let hour = local
            .time()
            .format("%H")
            .to_string()
            .parse::<u32>()
            .unwrap_or(0);
        if (self.start..self.end).contains(&hour) {
            return now;
        }
        let day = if hour < self.start {
            local.date_naive()
        } else {
            local.date_naive() + Duration::days(1)
        };
        let start = NaiveTime::from_hms_opt(self.start, 0, 0).unwrap_or(NaiveTime::MIN);
        // A start hour skipped by a daylight-saving jump falls back to an hour later.
        tz.from_local_datetime(&day.and_time(start))
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(day.and_time(start) + Duration::hours(1)))
                    .earliest()
            })
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_episode_backs_off_then_stops() {
        let began = at("2026-12-01T00:00:00Z");
        let after = Duration::days(2);
        assert_eq!(due_step(began, after, at("2026-12-02T23:00:00Z")), None);
        let step = |now| due_step(began, after, at(now)).map(|s| s.index);
        assert_eq!(step("2026-12-03T00:00:00Z"), Some(0));
        assert_eq!(step("2026-12-03T23:59:00Z"), Some(0));
        // 1, 3, 7 and 14 days apart: days 3, 4, 7, 14, 28.
        assert_eq!(step("2026-12-04T00:00:00Z"), Some(1));
        assert_eq!(step("2026-12-06T23:00:00Z"), Some(1));
        assert_eq!(step("2026-12-07T00:00:00Z"), Some(2));
        assert_eq!(step("2026-12-14T00:00:00Z"), Some(3));
        assert_eq!(step("2026-12-28T00:00:00Z"), Some(4));
        assert_eq!(step("2027-06-01T00:00:00Z"), Some(4));
        assert_eq!(
            due_step(began, after, at("2026-12-10T00:00:00Z"))
                .unwrap()
                .due_at,
            at("2026-12-07T00:00:00Z")
        );
    }

    #[test]
    fn nudges_wait_for_the_recipients_daytime() {
        let day = Daytime::default();
        // 08:00 UTC is 09:00 in Berlin in winter: daytime there, at once.
        let now = at("2026-12-02T08:00:00Z");
        assert_eq!(day.next(now, Some("Europe/Berlin")), now);
        // ... but 03:00 in New York: wait for 09:00 there, 14:00 UTC.
        assert_eq!(
            day.next(now, Some("America/New_York")),
            at("2026-12-02T14:00:00Z")
        );
        // 20:00 in Tokyo: the next morning.
        assert_eq!(
            day.next(at("2026-12-02T11:00:00Z"), Some("Asia/Tokyo")),
            at("2026-12-03T00:00:00Z")
        );
        // No time zone, or a wrong one: UTC.
        assert_eq!(
            day.next(at("2026-12-02T20:00:00Z"), None),
            at("2026-12-03T09:00:00Z")
        );
        assert_eq!(
            day.next(at("2026-12-02T10:00:00Z"), Some("Mars/Olympus")),
            at("2026-12-02T10:00:00Z")
        );
    }
}
