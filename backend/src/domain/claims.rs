//! Where a newcomer's claim on a task stands, and the rules of the claim's life: a claim that sees no progress
//! for a while is first marked as expiring, then expires; a mentor may extend it once; a newcomer marks the
//! work done with evidence, and the mentor or an organizer confirms it.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum ClaimState ("claim state") {
        Active = "active",
        Completed = "completed",
        Released = "released",
        Expired = "expired",
    }
}

domain_enum! {
    /// A task round's offer of a task to a newcomer.
    pub enum OfferState ("offer state") {
        /// Waiting for the newcomer's answer.
        Open = "open",
        /// The newcomer took it: a claim was made.
        Accepted = "accepted",
        Declined = "declined",
        /// The task was taken or closed before the newcomer answered.
        Withdrawn = "withdrawn",
    }
}

/// The configured limits of claims (`ONRAMP_CLAIM_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimPolicy {
    /// Active claims a newcomer may hold at once.
    pub limit: u32,
    /// Days without progress before a claim expires.
    pub days: u32,
    /// Days before expiry that a claim is marked as expiring.
    pub warning_days: u32,
    /// Days a mentor's extension adds.
    pub extension_days: u32,
}

impl Default for ClaimPolicy {
    fn default() -> Self {
        ClaimPolicy {
            limit: 1,
            days: 21,
            warning_days: 5,
            extension_days: 14,
        }
    }
}

impl ClaimPolicy {
    /// When a claim expires if nothing happens after progress at `at`.
    pub fn expires_after(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::days(i64::from(self.days))
    }

    /// When a claim that expires at `expires_at` is marked as expiring (never before it was made).
    pub fn warn_at(&self, expires_at: DateTime<Utc>) -> DateTime<Utc> {
        expires_at - Duration::days(i64::from(self.warning_days.min(self.days)))
    }

    /// The new expiry after an extension at `now`: the extension counts from the later of now and the old expiry.
    pub fn extended(&self, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        expires_at.max(now) + Duration::days(i64::from(self.extension_days))
    }
}

/// Where a claim stands, as its holder, their mentor and organizers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Active,
    /// Active, but marked as expiring: progress or an extension is needed.
    Expiring,
    /// The newcomer marked it done; the mentor or an organizer is to confirm.
    AwaitingConfirmation,
    Completed,
    Released,
    Expired,
}

/// The facts of a claim that its rules read.
#[derive(Debug, Clone, Copy)]
pub struct ClaimFacts {
    pub state: ClaimState,
    pub warned: bool,
    pub extended: bool,
    pub done: bool,
}

impl ClaimFacts {
    pub fn status(&self) -> ClaimStatus {
        match self.state {
            ClaimState::Active if self.done => ClaimStatus::AwaitingConfirmation,
            ClaimState::Active if self.warned => ClaimStatus::Expiring,
            ClaimState::Active => ClaimStatus::Active,
            ClaimState::Completed => ClaimStatus::Completed,
            ClaimState::Released => ClaimStatus::Released,
            ClaimState::Expired => ClaimStatus::Expired,
        }
    }

    /// Why the mentor cannot extend this claim now, if they cannot.
    pub fn cannot_extend(&self) -> Option<&'static str> {
        if self.state != ClaimState::Active {
            Some("This claim has ended; only an active claim can be extended.")
        } else if self.done {
            Some("The work is marked done and waits for confirmation; it no longer expires.")
        } else if self.extended {
            Some("This claim has already been extended once.")
        } else {
            None
        }
    }

    /// Only a claim still waiting for progress expires: work marked done waits for its confirmation instead.
    pub fn can_expire(&self) -> bool {
        self.state == ClaimState::Active && !self.done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(state: ClaimState, warned: bool, extended: bool, done: bool) -> ClaimFacts {
        ClaimFacts {
            state,
            warned,
            extended,
            done,
        }
    }

    #[test]
    fn status_reads_the_facts_in_order() {
        use ClaimState::*;
        assert_eq!(
            facts(Active, false, false, false).status(),
            ClaimStatus::Active
        );
        assert_eq!(
            facts(Active, true, false, false).status(),
            ClaimStatus::Expiring
        );
        assert_eq!(
            facts(Active, true, false, true).status(),
            ClaimStatus::AwaitingConfirmation
        );
        assert_eq!(
            facts(Expired, true, false, false).status(),
            ClaimStatus::Expired
        );
        assert_eq!(
            facts(Completed, false, false, true).status(),
            ClaimStatus::Completed
        );
    }

    #[test]
    fn a_claim_is_extended_once_while_it_waits_for_progress() {
        use ClaimState::*;
        assert_eq!(facts(Active, true, false, false).cannot_extend(), None);
        assert_eq!(facts(Active, false, false, false).cannot_extend(), None);
        assert!(facts(Active, true, true, false).cannot_extend().is_some());
        assert!(facts(Active, false, false, true).cannot_extend().is_some());
        assert!(
            facts(Released, false, false, false)
                .cannot_extend()
                .is_some()
        );
    }

    #[test]
    fn expiry_warning_and_extension_times() {
        let p = ClaimPolicy::default();
        let t0 = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let exp = p.expires_after(t0);
        assert_eq!(exp - t0, Duration::days(21));
        assert_eq!(exp - p.warn_at(exp), Duration::days(5));
        // Extending before expiry adds to the expiry; after it (the job not run yet), counts from now.
        assert_eq!(p.extended(exp, t0), exp + Duration::days(14));
        let late = exp + Duration::days(2);
        assert_eq!(p.extended(exp, late), late + Duration::days(14));
        // A warning period longer than the claim never warns before the claim was made.
        let odd = ClaimPolicy {
            days: 3,
            warning_days: 10,
            ..p
        };
        assert_eq!(odd.warn_at(odd.expires_after(t0)), t0);
    }

    #[test]
    fn work_marked_done_does_not_expire() {
        assert!(facts(ClaimState::Active, true, false, false).can_expire());
        assert!(!facts(ClaimState::Active, true, false, true).can_expire());
        assert!(!facts(ClaimState::Released, false, false, false).can_expire());
    }
}
