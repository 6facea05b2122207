//! Matching rounds as organizers see them: what a round pairs newcomers with, and where it stands. (The
//! matching itself lives in `domain::matching`.)

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum RoundKind ("round kind") {
        /// Newcomers matched to mentors.
        Mentors = "mentors",
        /// Newcomers matched to tasks.
        Tasks = "tasks",
    }
}

domain_enum! {
    pub enum RoundState ("round state") {
        Draft = "draft",
        Sent = "sent",
        Cancelled = "cancelled",
    }
}
