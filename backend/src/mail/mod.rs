//! Mail: the outbox (every email is a row, written with the change that caused it), what recipients chose,
//! writing a message from its templates, the signed unsubscribe links, the transports and the delivery
//! worker. Services queue email here; nothing here calls a service.

pub mod compose;
pub mod delivery;
pub mod outbox;
pub mod preferences;
pub mod transport;
pub mod unsubscribe;

pub use compose::Composer;
pub use delivery::{Delivered, DeliverySettings, Mailer};
pub use outbox::{Decision, Enqueued, NewEmail, enqueue};
pub use preferences::Withheld;
pub use transport::Transport;
pub use unsubscribe::Signer;
