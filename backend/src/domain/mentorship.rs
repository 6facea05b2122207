//! Where a pairing of a newcomer with a mentor stands.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum MentorshipState ("mentorship state") {
        Proposed = "proposed",
        Active = "active",
        Ended = "ended",
    }
}

domain_enum! {
    /// A mentor's answer to a proposed mentorship.
    pub enum ProposalAnswer ("answer") {
        Accept = "accept",
        Decline = "decline",
    }
}

domain_enum! {
    /// How a mentorship began.
    pub enum MentorshipOrigin ("mentorship origin") {
        /// An organizer's matching round proposed it; the mentor answers.
        Round = "round",
        /// The newcomer asked for this mentor from their suggestions; the mentor answers.
        Request = "request",
        /// The mentor claimed the newcomer from their queue; it starts at once.
        Queue = "queue",
        /// An organizer assigned the mentor (reassigning from a progress report); it starts at once.
        Organizer = "organizer",
    }
}
