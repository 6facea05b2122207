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
