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
