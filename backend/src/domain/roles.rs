//! The parts a person plays, and where they stand in each: a newcomer's own status, a mentor's application.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum Role ("role") {
        Newcomer = "newcomer",
        Mentor = "mentor",
        Organizer = "organizer",
    }
}

domain_enum! {
    pub enum NewcomerStatus ("newcomer status") {
        Active = "active",
        Paused = "paused",
        Graduated = "graduated",
        Withdrawn = "withdrawn",
    }
}

domain_enum! {
    /// A mentor application, as an organizer decided it.
    pub enum MentorStatus ("mentor status") {
        Applied = "applied",
        Approved = "approved",
        Declined = "declined",
    }
}

domain_enum! {
    /// An organizer's answer to a mentor application.
    pub enum MentorDecision ("decision") {
        Approve = "approve",
        Decline = "decline",
    }
}

domain_enum! {
    /// What an organizer does with a role.
    pub enum RoleAction ("role action") {
        Grant = "grant",
        Revoke = "revoke",
    }
}

domain_enum! {
    /// Where a person stands, as the organizers' list of people filters by it: a newcomer's own status, or a
    /// mentor application waiting for a decision. States derived from progress (on track, stalled, ...) are to
    /// join these; each needs its condition in `services::people`.
    pub enum PersonState ("state") {
        Active = "active",
        Paused = "paused",
        Graduated = "graduated",
        Withdrawn = "withdrawn",
        Applied = "applied",
        /// The derived progress states (see `domain::progress`), of active newcomers.
        OnTrack = "on_track",
        Waiting = "waiting",
        Stalled = "stalled",
        Blocked = "blocked",
    }
}

impl PersonState {
    /// The newcomer status this state is, if it is one.
    pub fn newcomer_status(self) -> Option<NewcomerStatus> {
        match self {
            PersonState::Active => Some(NewcomerStatus::Active),
            PersonState::Paused => Some(NewcomerStatus::Paused),
            PersonState::Graduated => Some(NewcomerStatus::Graduated),
            PersonState::Withdrawn => Some(NewcomerStatus::Withdrawn),
            PersonState::Applied
            | PersonState::OnTrack
            | PersonState::Waiting
            | PersonState::Stalled
            | PersonState::Blocked => None,
        }
    }

    /// The derived progress state this state is, if it is one.
    pub fn progress_state(self) -> Option<crate::domain::progress::ProgressState> {
        use crate::domain::progress::ProgressState;
        match self {
            PersonState::OnTrack => Some(ProgressState::OnTrack),
            PersonState::Waiting => Some(ProgressState::WaitingForMentor),
            PersonState::Stalled => Some(ProgressState::Stalled),
            PersonState::Blocked => Some(ProgressState::Blocked),
            PersonState::Active
            | PersonState::Paused
            | PersonState::Graduated
            | PersonState::Withdrawn
            | PersonState::Applied => None,
        }
    }

    /// How the filter's choices read.
    pub fn label(self) -> &'static str {
        match self {
            PersonState::Active => "active newcomer",
            PersonState::Paused => "paused newcomer",
            PersonState::Graduated => "graduated newcomer",
            PersonState::Withdrawn => "withdrawn newcomer",
            PersonState::Applied => "applied to mentor",
            PersonState::OnTrack => "on track",
            PersonState::Waiting => "waiting for the mentor",
            PersonState::Stalled => "stalled",
            PersonState::Blocked => "blocked",
        }
    }
}
