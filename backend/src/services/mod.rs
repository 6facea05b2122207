//! Use cases: each function takes a connection or transaction and returns domain values. Handlers call these;
//! these call `domain` (pure logic) and `db` (entities), never the web layer.

pub mod audit;
pub mod catalog;
pub mod catalog_edit;
pub mod catalog_graph;
pub mod catalog_import;
pub mod claims;
pub mod demo_people;
pub mod error;
pub mod events;
pub mod exports;
pub mod mentorships;
pub mod notification_settings;
pub mod notifications;
pub mod nudges;
pub mod outbox;
pub mod people;
pub mod pool;
pub mod profiles;
pub mod programme;
pub mod programme_choices;
pub mod programme_dashboard;
pub mod progress;
pub mod queue;
pub mod reports;
pub mod roles;
pub mod rounds;
pub mod search;
pub mod signin;
pub mod stats;
pub mod suggestions;
pub mod synthetic;
pub mod text;
pub mod transaction;
pub mod users;

pub use error::{ServiceError, ServiceResult};
