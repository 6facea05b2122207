//! Where a newcomer's claim on a task stands; a claim that sees no progress expires.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum ClaimState ("claim state") {
        Active = "active",
        Completed = "completed",
        Released = "released",
        Expired = "expired",
    }
}
