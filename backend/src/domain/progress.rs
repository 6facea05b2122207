//! Where a newcomer stands, derived from what happened (never stored, so it cannot go stale): on track, waiting
//! for their mentor, stalled, blocked, paused or graduated, each with the reason people read beside it. Also the
//! life of one milestone record: waiting for the mentor, verified, or questioned until the newcomer answers.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::enums::domain_enum;
use crate::domain::roles::NewcomerStatus;

domain_enum! {
    /// A milestone record, between the newcomer and their mentor.
    pub enum MilestoneState ("milestone state") {
        /// Recorded (or answered), waiting for the mentor to verify or question it.
        Pending = "pending",
        Verified = "verified",
        /// The mentor asked something; the newcomer answers and it waits again.
        Questioned = "questioned",
    }
}

domain_enum! {
    /// A newcomer's state, derived by [`derive`].
    pub enum ProgressState ("progress state") {
        OnTrack = "on_track",
        /// Something of theirs waits for the mentor: a check-in without a reply, a milestone to verify; or they
        /// have no mentor yet.
        WaitingForMentor = "waiting",
        /// No activity of their own for the configured number of days.
        Stalled = "stalled",
        /// Their latest check-in says what blocks them.
        Blocked = "blocked",
        /// Paused or withdrawn from the programme.
        Paused = "paused",
        /// Their merged patch is verified, or an organizer marked them graduated.
        Graduated = "graduated",
    }
}

impl ProgressState {
    pub fn label(self) -> &'static str {
        match self {
            ProgressState::OnTrack => "On track",
            ProgressState::WaitingForMentor => "Waiting for the mentor",
            ProgressState::Stalled => "Stalled",
            ProgressState::Blocked => "Blocked",
            ProgressState::Paused => "Paused",
            ProgressState::Graduated => "Graduated",
        }
    }
}

/// The configured limits of progress (`ONRAMP_STALLED_DAYS`, `ONRAMP_CHECK_IN_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressPolicy {
    /// Days without activity of their own before a newcomer counts as stalled.
    pub stalled_days: u32,
    /// How often a newcomer is asked to check in.
    pub check_in_days: u32,
}

impl Default for ProgressPolicy {
    fn default() -> Self {
        ProgressPolicy {
            stalled_days: 14,
            check_in_days: 7,
        }
    }
}

/// What the state is derived from; the services read it in a few grouped queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFacts {
    pub status: NewcomerStatus,
    /// Their merged-patch milestone is verified.
    pub merged: bool,
    pub has_mentor: bool,
    /// Their latest action of their own, or when they signed up.
    pub last_activity: DateTime<Utc>,
    /// The oldest thing of theirs waiting for the mentor (a check-in without reply, a pending milestone).
    pub waiting_since: Option<DateTime<Utc>>,
    /// What their latest check-in says blocks them, and when they said it.
    pub blocked_on: Option<(String, DateTime<Utc>)>,
}

/// A state with its reason and since when it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standing {
    pub state: ProgressState,
    pub label: &'static str,
    pub reason: String,
    pub since: DateTime<Utc>,
}

/// The state, in order of what most needs someone's attention: graduated and paused people need none; a blocked
/// newcomer needs help whatever else holds; a newcomer waiting on the mentor is not the one who stalled.
pub fn derive(facts: &StateFacts, policy: &ProgressPolicy, now: DateTime<Utc>) -> Standing {
    let standing = |state: ProgressState, reason: String, since| Standing {
        state,
        label: state.label(),
        reason,
        since,
    };
    if facts.merged || facts.status == NewcomerStatus::Graduated {
        return standing(
            ProgressState::Graduated,
            if facts.merged {
                "Their patch is merged.".into()
            } else {
                "Marked graduated.".into()
            },
            facts.last_activity,
        );
    }
    match facts.status {
        NewcomerStatus::Paused => {
            return standing(ProgressState::Paused, "Paused.".into(), facts.last_activity);
        }
        NewcomerStatus::Withdrawn => {
            return standing(
                ProgressState::Paused,
                "Withdrew from the programme.".into(),
                facts.last_activity,
            );
        }
        _ => {}
    }
    if let Some((on, at)) = &facts.blocked_on {
        return standing(ProgressState::Blocked, format!("Blocked on: {on}"), *at);
    }
    if let Some(since) = facts.waiting_since {
        return standing(
            ProgressState::WaitingForMentor,
            format!(
                "Waiting {} for the mentor's answer.",
                days_phrase(now - since)
            ),
            since,
        );
    }
    if !facts.has_mentor {
        return standing(
            ProgressState::WaitingForMentor,
            "Has no mentor yet.".into(),
            facts.last_activity,
        );
    }
    let idle = now - facts.last_activity;
    if idle >= Duration::days(i64::from(policy.stalled_days)) {
        return standing(
            ProgressState::Stalled,
            format!("No activity for {}.", days_phrase(idle)),
            facts.last_activity,
        );
    }
    standing(
        ProgressState::OnTrack,
        format!("Last active {} ago.", days_phrase(idle)),
        facts.last_activity,
    )
}

/// "less than a day", "1 day", "12 days".
pub fn days_phrase(d: Duration) -> String {
    match d.num_days() {
        0 => "less than a day".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap()
    }

    fn active(last: u32) -> StateFacts {
        StateFacts {
            status: NewcomerStatus::Active,
            merged: false,
            has_mentor: true,
            last_activity: day(last),
            waiting_since: None,
            blocked_on: None,
        }
    }

    fn state(facts: &StateFacts, now: u32) -> (ProgressState, String) {
        let s = derive(facts, &ProgressPolicy::default(), day(now));
        (s.state, s.reason)
    }

    #[test]
    fn activity_within_the_limit_is_on_track_and_beyond_it_stalled() {
        assert_eq!(
            state(&active(10), 13),
            (ProgressState::OnTrack, "Last active 3 days ago.".into())
        );
        assert_eq!(state(&active(10), 23).0, ProgressState::OnTrack);
        assert_eq!(
            state(&active(10), 24),
            (ProgressState::Stalled, "No activity for 14 days.".into())
        );
    }

    #[test]
    fn waiting_for_the_mentor_is_not_stalling() {
        let facts = StateFacts {
            waiting_since: Some(day(2)),
            ..active(2)
        };
        assert_eq!(
            state(&facts, 28),
            (
                ProgressState::WaitingForMentor,
                "Waiting 26 days for the mentor's answer.".into()
            )
        );
        let alone = StateFacts {
            has_mentor: false,
            ..active(2)
        };
        assert_eq!(
            state(&alone, 28),
            (ProgressState::WaitingForMentor, "Has no mentor yet.".into())
        );
    }

    #[test]
    fn blocked_comes_before_waiting_and_graduated_before_everything() {
        let blocked = StateFacts {
            waiting_since: Some(day(2)),
            blocked_on: Some(("QEMU does not boot".into(), day(3))),
            ..active(3)
        };
        let s = derive(&blocked, &ProgressPolicy::default(), day(4));
        assert_eq!(s.state, ProgressState::Blocked);
        assert_eq!(s.reason, "Blocked on: QEMU does not boot");
        assert_eq!(s.since, day(3));
        let merged = StateFacts {
            merged: true,
            ..blocked.clone()
        };
        assert_eq!(state(&merged, 4).0, ProgressState::Graduated);
        let marked = StateFacts {
            status: NewcomerStatus::Graduated,
            ..active(1)
        };
        assert_eq!(
            state(&marked, 28),
            (ProgressState::Graduated, "Marked graduated.".into())
        );
        let paused = StateFacts {
            status: NewcomerStatus::Paused,
            ..blocked
        };
        assert_eq!(state(&paused, 4).0, ProgressState::Paused);
        let withdrawn = StateFacts {
            status: NewcomerStatus::Withdrawn,
            ..active(1)
        };
        assert_eq!(
            state(&withdrawn, 4),
            (ProgressState::Paused, "Withdrew from the programme.".into())
        );
    }

    #[test]
    fn the_stall_limit_is_configurable() {
        let policy = ProgressPolicy {
            stalled_days: 3,
            check_in_days: 7,
        };
        assert_eq!(
            derive(&active(10), &policy, day(13)).state,
            ProgressState::Stalled
        );
        assert_eq!(days_phrase(Duration::hours(5)), "less than a day");
        assert_eq!(days_phrase(Duration::hours(30)), "1 day");
    }
}
