//! A newcomer claims a task.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;

use super::{TASK_TAKEN, is_unique_violation, log_change, mentor_of, schedule_expiry};
use crate::db::claims::{self, ClaimState};
use crate::db::newcomer_profiles;
use crate::db::task_offers::{self, OfferState};
use crate::db::tasks::{self, TaskState};
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::services::events::NewEvent;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, catalog};

/// What a successful claim says.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimReceipt {
    pub claim_id: i32,
    pub task_slug: String,
    pub task_title: String,
    pub expires_at: DateTime<Utc>,
}

/// Claim the task `slug` for `newcomer`. It must be open, every catalog task it requires done, and the newcomer
/// under the policy's limit of active claims. Of many newcomers claiming one task at once exactly one succeeds;
/// the others get a Conflict that says the task was taken.
pub async fn claim_task(
    db: &DatabaseConnection,
    newcomer: i32,
    slug: &str,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<ClaimReceipt> {
    let txn = begin_write(db).await?;
    let task = tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let receipt = claim_in(&txn, newcomer, task, policy, now).await?;
    txn.commit().await?;
    Ok(receipt)
}

/// Claim `task` for `newcomer` inside the caller's write transaction (the task page's claim, or an accepted
/// offer). On an error nothing was written.
pub(crate) async fn claim_in(
    txn: &DatabaseTransaction,
    newcomer: i32,
    task: tasks::Model,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<ClaimReceipt> {
    refuse_unless_claimable(&task)?;
    let waiting: Vec<String> = catalog::prerequisites_of(txn, task.id)
        .await?
        .into_iter()
        .filter(|t| t.state != TaskState::Done)
        .map(|t| t.title)
        .collect();
    if !waiting.is_empty() {
        return Err(ServiceError::Conflict(format!(
            "This task waits for {} to be done first.",
            waiting.join(", ")
        )));
    }
    // The newcomer's own claims take turns here (two tabs claiming two tasks cannot both pass the limit).
    let profile = newcomer_profiles::Entity::find_by_id(newcomer)
        .lock_exclusive()
        .one(txn)
        .await?;
    if profile.is_none() {
        return Err(ServiceError::Invalid(
            "Fill in your newcomer profile before claiming a task.".into(),
        ));
    }
    let held = claims::Entity::find()
        .filter(claims::Column::NewcomerId.eq(newcomer))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .count(txn)
        .await?;
    if held >= u64::from(policy.limit) {
        return Err(ServiceError::Conflict(format!(
            "You already hold {held} active claim{s}, as many as a newcomer may hold at once. \
             Finish or release {it} before claiming another task.",
            s = if held == 1 { "" } else { "s" },
            it = if held == 1 { "it" } else { "one" },
        )));
    }
    // The race for the task is settled here: one conditional update wins, the others see no open task (on
    // PostgreSQL they wait for the winner's row lock, then find the state changed).
    let moved = tasks::Entity::update_many()
        .col_expr(tasks::Column::State, Expr::val(TaskState::Claimed.as_str()))
        .col_expr(tasks::Column::UpdatedAt, Expr::val(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::State.eq(TaskState::Open))
        .exec(txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(ServiceError::Taken(TASK_TAKEN.into()));
    }
    let claim = claims::ActiveModel {
        task_id: Set(task.id),
        newcomer_id: Set(newcomer),
        state: Set(ClaimState::Active),
        claimed_at: Set(now),
        expires_at: Set(policy.expires_after(now)),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|err| {
        if is_unique_violation(&err) {
            ServiceError::Taken(TASK_TAKEN.into())
        } else {
            err.into()
        }
    })?;
    // Offers of this task to anyone else cannot be taken any more.
    task_offers::Entity::update_many()
        .col_expr(
            task_offers::Column::State,
            Expr::val(OfferState::Withdrawn.as_str()),
        )
        .col_expr(task_offers::Column::AnsweredAt, Expr::val(now))
        .filter(task_offers::Column::TaskId.eq(task.id))
        .filter(task_offers::Column::NewcomerId.ne(newcomer))
        .filter(task_offers::Column::State.eq(OfferState::Open))
        .exec(txn)
        .await?;
    let mentor = mentor_of(txn, newcomer).await?;
    let event = NewEvent::new(EventKind::Claimed, Some(newcomer), newcomer)
        .other(mentor)
        .task(task.id)
        .claim(claim.id)
        .details(json!({ "expires_at": claim.expires_at }));
    log_change(txn, event, "claim.create", now).await?;
    schedule_expiry(txn, &claim, policy, now).await?;
    Ok(ClaimReceipt {
        claim_id: claim.id,
        task_slug: task.slug,
        task_title: task.title,
        expires_at: claim.expires_at,
    })
}

/// A task that is not open says why.
pub(super) fn refuse_unless_claimable(task: &tasks::Model) -> ServiceResult<()> {
    match task.state {
        TaskState::Open => Ok(()),
        TaskState::Claimed => Err(ServiceError::Taken(TASK_TAKEN.into())),
        TaskState::Done => Err(ServiceError::Conflict(
            "This task is done already; its work has been merged or confirmed.".into(),
        )),
        TaskState::Retired => Err(ServiceError::Conflict(
            "This task is retired: the organizers took it out of the catalog.".into(),
        )),
    }
}
