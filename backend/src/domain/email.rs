//! Where an email in the outbox stands on its way out.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum OutboxState ("outbox state") {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
        Cancelled = "cancelled",
    }
}
