//! Task claims: a newcomer claims an open task whose prerequisites are done (`take`), may release it, and marks
//! it done with evidence for their mentor or an organizer to confirm (`work`); a claim without progress is marked
//! as expiring and then expires, by jobs on the queue, unless the mentor extends it once (`expiry`). Organizers
//! see who holds what and may end a claim with a reason. The read models are in `views`.
//!
//! Every change writes its event (for timelines) and its audit row in the change's transaction. Races are settled
//! by the database: a conditional update of the task's state (and the partial unique index behind it) lets one
//! of many simultaneous claims through, and the newcomer's profile row, locked, serialises their own claims.

mod expiry;
mod offers;
mod take;
mod views;
mod work;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};

pub use expiry::{ExpiryStep, expiry_step};
pub use offers::{OfferCard, answer_offer, offers_of_newcomer};
pub use take::{ClaimReceipt, claim_task};
pub use views::{
    ClaimCard, ClaimPage, TaskClaimView, active_claims, claim_page, claims_of_mentees,
    claims_of_newcomer, task_claim_view,
};
pub use work::{confirm_done, extend, force_release, mark_done, release};

use crate::db::mentorships::MentorshipState;
use crate::db::tasks::TaskState;
use crate::db::{claims, mentorships, tasks};
use crate::domain::claims::ClaimPolicy;
use crate::services::events::log_change;
use crate::services::queue::{self, NewJob};
use crate::services::{ServiceError, ServiceResult};

/// The job that marks a claim as expiring when its warning time comes.
pub const CLAIM_WARN_JOB: &str = "claim.warn";
/// The job that expires a claim when its time comes (and waits again when the expiry moved).
pub const CLAIM_EXPIRE_JOB: &str = "claim.expire";

/// Said to everyone but the winner of a race for a task.
pub const TASK_TAKEN: &str = "Someone else claimed this task a moment ago. Pick another one from the catalog or your suggestions.";

/// The mentor of `newcomer`'s active mentorship, if they have one.
pub async fn mentor_of(db: &impl ConnectionTrait, newcomer: i32) -> Result<Option<i32>, DbErr> {
    mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::MentorId)
        .filter(mentorships::Column::NewcomerId.eq(newcomer))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .into_tuple::<i32>()
        .one(db)
        .await
}

/// A claim, by id; NotFound when there is none.
async fn find(db: &impl ConnectionTrait, claim_id: i32) -> ServiceResult<claims::Model> {
    claims::Entity::find_by_id(claim_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Queue the claim's warning and expiry for its current expiry time. The warning job carries the expiry it was
/// made for, so a warning made stale by an extension or by progress does nothing; the expiry job is one per
/// claim and waits again when the expiry moved.
async fn schedule_expiry(
    db: &impl ConnectionTrait,
    claim: &claims::Model,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = serde_json::json!({
        "claim_id": claim.id,
        "expires_at": claim.expires_at,
    });
    let warn = NewJob::new(CLAIM_WARN_JOB, &payload, policy.warn_at(claim.expires_at)).once_for(
        format!("claim:{}:warn:{}", claim.id, claim.expires_at.timestamp()),
    );
    queue::enqueue(db, warn, now).await?;
    let expire = NewJob::new(CLAIM_EXPIRE_JOB, &payload, claim.expires_at)
        .once_for(format!("claim:{}:expire", claim.id));
    queue::enqueue(db, expire, now).await?;
    Ok(())
}

/// The task of an ended claim is open again (unless something else already moved it on).
async fn reopen_task(
    db: &impl ConnectionTrait,
    task_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    tasks::Entity::update_many()
        .col_expr(tasks::Column::State, Expr::val(TaskState::Open.as_str()))
        .col_expr(tasks::Column::UpdatedAt, Expr::val(now))
        .filter(tasks::Column::Id.eq(task_id))
        .filter(tasks::Column::State.eq(TaskState::Claimed))
        .exec(db)
        .await?;
    Ok(())
}

/// Progress of `newcomer`'s (a milestone, a check-in) counts for their active claim that still waits for work:
/// its expiry starts again from `now` and a warning is lifted. Returns that claim's id, if there is one.
pub async fn note_progress(
    db: &impl ConnectionTrait,
    newcomer: i32,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> Result<Option<i32>, DbErr> {
    let Some(claim) = claims::Entity::find()
        .filter(claims::Column::NewcomerId.eq(newcomer))
        .filter(claims::Column::State.eq(claims::ClaimState::Active))
        .filter(claims::Column::DoneAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let expires_at = claim.expires_at.max(policy.expires_after(now));
    claims::Entity::update_many()
        .col_expr(claims::Column::ExpiresAt, Expr::val(expires_at))
        .col_expr(
            claims::Column::WarnedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .filter(claims::Column::Id.eq(claim.id))
        .exec(db)
        .await?;
    let moved = claims::Model {
        expires_at,
        ..claim
    };
    schedule_expiry(db, &moved, policy, now).await?;
    Ok(Some(moved.id))
}

/// Whether the error is the database refusing a second row where only one may be (a lost race).
pub(crate) fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
