//! Matching rounds: an organizer creates a round (every waiting newcomer against every mentor with room, or every
//! open task), reviews it, and sends it. Mentors answer what was sent in `services::mentorships`.
//!
//! Creating a round loads the pool, plans it with `domain::matching::plan` (exact over every acceptable pair) and
//! stores it with one proposal per newcomer, each with its reasons or the reason it could not be placed.

mod create;
mod offers;
mod review;
mod review_page;
mod send;

pub use crate::domain::matching::plan::{RoundStats, ScoreSummary, Timings};
pub use create::{PlannedRound, RoundCreated, create_round, plan_from_db};
pub use review::{
    MentorshipLink, ProposalView, ReasonCount, RoundInfo, RoundReview, UnplacedView, list_rounds,
    review_round,
};
pub use review_page::{RoundPage, RoundSearch, Section, review_page};
pub use send::{SendReport, SkipReason, Skipped, send_round};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
};

use crate::db::round_proposals;

/// Rows per multi-row INSERT: SQLite binds at most 32,766 parameters per statement, and 500 rows of a dozen
/// columns stay well inside that while keeping the statement count low.
const INSERT_CHUNK: usize = 500;

/// One column of round `round_id`'s proposals (its newcomers, mentors or tasks), as a subquery.
fn in_round(round_id: i32, col: round_proposals::Column) -> SelectStatement {
    round_proposals::Entity::find()
        .select_only()
        .column(col)
        .filter(round_proposals::Column::RoundId.eq(round_id))
        .into_query()
}

/// The audit log, as every service writes it (see `services::audit`).
async fn audit(
    db: &impl ConnectionTrait,
    actor: i32,
    action: &str,
    subject: String,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::services::audit::record(db, Some(actor), action, subject, details, now).await
}
