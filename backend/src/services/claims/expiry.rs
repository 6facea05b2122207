//! A claim without progress is first marked as expiring, then expires and its task is open again. Both steps run
//! as jobs (see `schedule_expiry`); each checks the claim as it is now, so an extension, progress or the work
//! being marked done in the meantime is never overruled.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::{log_change, mentor_of, reopen_task};
use crate::db::claims::{self, ClaimState};
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::services::ServiceResult;
use crate::services::events::NewEvent;
use crate::services::transaction::begin_write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryStep {
    /// Mark the claim as expiring.
    Warn,
    /// Expire it.
    Expire,
}

/// Take `step` for `claim_id` if it is due at `now`. Returns when to look again if it is not due yet (the
/// expiry moved later), or None when nothing is left to do for this step.
pub async fn expiry_step(
    db: &DatabaseConnection,
    claim_id: i32,
    step: ExpiryStep,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Option<DateTime<Utc>>> {
    let txn = begin_write(db).await?;
    let Some(claim) = claims::Entity::find_by_id(claim_id).one(&txn).await? else {
        return Ok(None);
    };
    if !claim.facts().can_expire() {
        return Ok(None);
    }
    let due = match step {
        ExpiryStep::Warn => policy.warn_at(claim.expires_at),
        ExpiryStep::Expire => claim.expires_at,
    };
    if now < due {
        // A warning belongs to the expiry it was scheduled for; a later expiry has its own warning job.
        return Ok((step == ExpiryStep::Expire).then_some(due));
    }
    let update = claims::Entity::update_many()
        .filter(claims::Column::Id.eq(claim.id))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .filter(claims::Column::DoneAt.is_null())
        .filter(claims::Column::ExpiresAt.eq(claim.expires_at));
    let (update, kind) = match step {
        ExpiryStep::Warn => (
            update
                .col_expr(claims::Column::WarnedAt, Expr::val(now))
                .filter(claims::Column::WarnedAt.is_null()),
            EventKind::Expiring,
        ),
        ExpiryStep::Expire => (
            update
                .col_expr(
                    claims::Column::State,
                    Expr::val(ClaimState::Expired.as_str()),
                )
                .col_expr(claims::Column::EndedAt, Expr::val(now)),
            EventKind::Expired,
        ),
    };
    if update.exec(&txn).await?.rows_affected == 1 {
        if step == ExpiryStep::Expire {
            reopen_task(&txn, claim.task_id, now).await?;
        }
        let mentor = mentor_of(&txn, claim.newcomer_id).await?;
        let event = NewEvent::new(kind, None, claim.newcomer_id)
            .other(mentor)
            .task(claim.task_id)
            .claim(claim.id)
            .details(json!({ "expires_at": claim.expires_at }));
        log_change(&txn, event, "", now).await?;
    }
    txn.commit().await?;
    Ok(None)
}
