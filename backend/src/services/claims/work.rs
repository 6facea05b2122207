//! What people do with a claim while it is active: its newcomer releases it or marks the work done, their mentor
//! extends it once or confirms the work, and an organizer confirms it or ends it with a reason.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::{find, log_change, mentor_of, reopen_task, schedule_expiry};
use crate::db::claims::{self, ClaimState};
use crate::db::tasks::{self, TaskState};
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::services::events::NewEvent;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, text};

const ENDED: &str = "This claim has already ended.";

fn required_text(text: &str, what: &str) -> ServiceResult<String> {
    text::required(text, text::MAX_REASON, what)
}

/// The newcomer lets their claim go; the task is open again.
pub async fn release(
    db: &DatabaseConnection,
    claim_id: i32,
    newcomer: i32,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    end_claim(db, claim_id, newcomer, None, now).await
}

/// An organizer ends someone's claim, with a reason the newcomer will see.
pub async fn force_release(
    db: &DatabaseConnection,
    claim_id: i32,
    organizer: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let reason = required_text(reason, "a reason, for the newcomer to read")?;
    end_claim(db, claim_id, organizer, Some(reason), now).await
}

/// Release `claim_id` as `actor`: its holder (no reason), or an organizer (with one; the caller checked the role).
async fn end_claim(
    db: &DatabaseConnection,
    claim_id: i32,
    actor: i32,
    reason: Option<String>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    let claim = find(&txn, claim_id).await?;
    if reason.is_none() && claim.newcomer_id != actor {
        return Err(ServiceError::NotFound);
    }
    let ended = claims::Entity::update_many()
        .col_expr(
            claims::Column::State,
            Expr::val(ClaimState::Released.as_str()),
        )
        .col_expr(claims::Column::EndedAt, Expr::val(now))
        .col_expr(claims::Column::EndedReason, Expr::val(reason.clone()))
        .filter(claims::Column::Id.eq(claim.id))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .exec(&txn)
        .await?;
    if ended.rows_affected == 0 {
        return Err(ServiceError::Conflict(ENDED.into()));
    }
    reopen_task(&txn, claim.task_id, now).await?;
    let (kind, action) = match reason {
        Some(_) => (EventKind::ForceReleased, "claim.force_release"),
        None => (EventKind::Released, "claim.release"),
    };
    let mentor = mentor_of(&txn, claim.newcomer_id).await?;
    let event = NewEvent::new(kind, Some(actor), claim.newcomer_id)
        .other(mentor)
        .task(claim.task_id)
        .claim(claim.id)
        .details(json!({ "reason": reason }));
    log_change(&txn, event, action, now).await?;
    txn.commit().await?;
    Ok(())
}

/// The newcomer's mentor, or an organizer (`as_organizer`, checked by the caller; acting from a progress report),
/// gives the claim more time, once, with a reason. Returns the new expiry.
pub async fn extend(
    db: &DatabaseConnection,
    claim_id: i32,
    mentor: i32,
    as_organizer: bool,
    reason: &str,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<DateTime<Utc>> {
    let reason = required_text(reason, "a reason for the extension")?;
    let txn = begin_write(db).await?;
    let claim = find(&txn, claim_id).await?;
    // Only the newcomer's current mentor (and organizers) see the claim at all.
    let their_mentor = mentor_of(&txn, claim.newcomer_id).await?;
    if !as_organizer && their_mentor != Some(mentor) {
        return Err(ServiceError::NotFound);
    }
    if let Some(why) = claim.facts().cannot_extend() {
        return Err(ServiceError::Conflict(why.into()));
    }
    let expires_at = policy.extended(claim.expires_at, now);
    let updated = claims::Entity::update_many()
        .col_expr(claims::Column::ExpiresAt, Expr::val(expires_at))
        .col_expr(claims::Column::ExtendedAt, Expr::val(now))
        .col_expr(claims::Column::ExtendReason, Expr::val(reason.as_str()))
        .col_expr(
            claims::Column::WarnedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .filter(claims::Column::Id.eq(claim.id))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .filter(claims::Column::ExtendedAt.is_null())
        .filter(claims::Column::DoneAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This claim was changed a moment ago; reload the page to see it.".into(),
        ));
    }
    let extended = claims::Model {
        expires_at,
        ..claim.clone()
    };
    schedule_expiry(&txn, &extended, policy, now).await?;
    let event = NewEvent::new(EventKind::Extended, Some(mentor), claim.newcomer_id)
        .other(their_mentor)
        .task(claim.task_id)
        .claim(claim.id)
        .details(json!({ "reason": reason, "expires_at": expires_at }));
    log_change(&txn, event, "claim.extend", now).await?;
    txn.commit().await?;
    Ok(expires_at)
}

/// The newcomer marks the work done, with a link to the evidence (the patch on lore, the merged commit). The
/// claim then waits for confirmation and no longer expires.
pub async fn mark_done(
    db: &DatabaseConnection,
    claim_id: i32,
    newcomer: i32,
    evidence_url: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let evidence = required_text(evidence_url, "a link to the evidence")?;
    match url::Url::parse(&evidence) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
        _ => {
            return Err(ServiceError::Invalid(
                "The evidence must be a web link starting with https:// (the patch on lore.kernel.org, \
                 the merged commit, the pull request)."
                    .into(),
            ));
        }
    }
    let txn = begin_write(db).await?;
    let claim = find(&txn, claim_id).await?;
    if claim.newcomer_id != newcomer {
        return Err(ServiceError::NotFound);
    }
    let updated = claims::Entity::update_many()
        .col_expr(claims::Column::DoneAt, Expr::val(now))
        .col_expr(claims::Column::EvidenceUrl, Expr::val(evidence.as_str()))
        .col_expr(
            claims::Column::WarnedAt,
            Expr::val(Option::<DateTime<Utc>>::None),
        )
        .filter(claims::Column::Id.eq(claim.id))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(ENDED.into()));
    }
    let mentor = mentor_of(&txn, newcomer).await?;
    let event = NewEvent::new(EventKind::Completed, Some(newcomer), newcomer)
        .other(mentor)
        .task(claim.task_id)
        .claim(claim.id)
        .details(json!({ "evidence_url": evidence }));
    log_change(&txn, event, "claim.done", now).await?;
    txn.commit().await?;
    Ok(())
}

/// The newcomer's mentor, or an organizer (`as_organizer`, checked by the caller), confirms work marked done:
/// the claim is completed and the task done, so every task that waited for it is unblocked.
pub async fn confirm_done(
    db: &DatabaseConnection,
    claim_id: i32,
    confirmer: i32,
    as_organizer: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    let claim = find(&txn, claim_id).await?;
    let mentor = mentor_of(&txn, claim.newcomer_id).await?;
    if !as_organizer && mentor != Some(confirmer) {
        return Err(ServiceError::NotFound);
    }
    if claim.done_at.is_none() && claim.state == ClaimState::Active {
        return Err(ServiceError::Conflict(
            "The newcomer has not marked this work done yet.".into(),
        ));
    }
    let updated = claims::Entity::update_many()
        .col_expr(
            claims::Column::State,
            Expr::val(ClaimState::Completed.as_str()),
        )
        .col_expr(claims::Column::EndedAt, Expr::val(now))
        .filter(claims::Column::Id.eq(claim.id))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .filter(claims::Column::DoneAt.is_not_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(ENDED.into()));
    }
    tasks::Entity::update_many()
        .col_expr(tasks::Column::State, Expr::val(TaskState::Done.as_str()))
        .col_expr(tasks::Column::UpdatedAt, Expr::val(now))
        .filter(tasks::Column::Id.eq(claim.task_id))
        .exec(&txn)
        .await?;
    let event = NewEvent::new(EventKind::Confirmed, Some(confirmer), claim.newcomer_id)
        .other(mentor)
        .task(claim.task_id)
        .claim(claim.id)
        .details(json!({ "evidence_url": claim.evidence_url }));
    log_change(&txn, event, "claim.confirm", now).await?;
    txn.commit().await?;
    Ok(())
}
