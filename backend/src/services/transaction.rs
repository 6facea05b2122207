//! Transactions for use cases that read, decide and write (the mail outbox, below the services, takes them too,
//! so the function lives with the connection in `crate::database`).

pub use crate::database::begin_write;
