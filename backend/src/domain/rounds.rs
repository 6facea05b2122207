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

domain_enum! {
    /// Which of a round's lists its page shows: all of them, each cut to a page with a link to the rest, or one
    /// list with its pager.
    pub enum RoundList ("list of a round") {
        All = "all",
        Proposals = "proposals",
        Unplaced = "unplaced",
        Skipped = "skipped",
    }
}
