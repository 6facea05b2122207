//! Sending a task round: each placed newcomer is offered their task, to accept (which claims it) or decline.
//! A newcomer who is no longer active, already holds a task, or whose task was taken meanwhile is skipped.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};

use super::send::{SkipReason, Skipped, still_active};
use crate::db::claims::ClaimState;
use crate::db::task_offers::{self, OfferState};
use crate::db::tasks::TaskState;
use crate::db::{claims, events, round_proposals, tasks, users};
use crate::domain::events::EventKind;
use crate::services::ServiceResult;
use crate::services::pool::{PersonRef, people_where};

/// Make the offers of task round `round_id`; returns how many were made and who was skipped, and why.
pub(super) async fn make_offers(
    txn: &DatabaseTransaction,
    round_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<(usize, Vec<Skipped>)> {
    let placed = round_proposals::Entity::find()
        .filter(round_proposals::Column::RoundId.eq(round_id))
        .filter(round_proposals::Column::TaskId.is_not_null())
        .order_by_asc(round_proposals::Column::Id)
        .all(txn)
        .await?;
    let in_round = || super::in_round(round_id, round_proposals::Column::NewcomerId);
    let active = still_active(txn, in_round()).await?;
    let holding: HashSet<i32> = claims::Entity::find()
        .select_only()
        .column(claims::Column::NewcomerId)
        .filter(claims::Column::State.eq(ClaimState::Active))
        .filter(claims::Column::NewcomerId.in_subquery(in_round()))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let open: HashSet<i32> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .filter(tasks::Column::State.eq(TaskState::Open))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let people = people_where(
        txn,
        Condition::all().add(users::Column::Id.in_subquery(in_round())),
    )
    .await?;
    let mut offers = Vec::new();
    let mut made = Vec::new();
    let mut skipped = Vec::new();
    for p in &placed {
        let Some(task_id) = p.task_id else { continue };
        let reason = if !active.contains(&p.newcomer_id) {
            Some(SkipReason::NoLongerActive)
        } else if holding.contains(&p.newcomer_id) {
            Some(SkipReason::AlreadyHasTask)
        } else if !open.contains(&task_id) {
            Some(SkipReason::TaskTaken)
        } else {
            None
        };
        if let Some(reason) = reason {
            skipped.push(Skipped {
                newcomer: people
                    .get(&p.newcomer_id)
                    .cloned()
                    .unwrap_or_else(|| PersonRef::unknown(p.newcomer_id)),
                reason,
                text: reason.sentence().to_string(),
            });
            continue;
        }
        offers.push(task_offers::ActiveModel {
            round_id: Set(round_id),
            task_id: Set(task_id),
            newcomer_id: Set(p.newcomer_id),
            state: Set(OfferState::Open),
            score: Set(p.score),
            explanation: Set(p.explanation.clone()),
            created_at: Set(now),
            ..Default::default()
        });
        made.push((p.newcomer_id, task_id));
    }
    for chunk in offers.chunks(super::INSERT_CHUNK) {
        task_offers::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    let offered: Vec<events::ActiveModel> = made
        .iter()
        .map(|&(newcomer, task)| events::ActiveModel {
            kind: Set(EventKind::OfferMade),
            actor_id: Set(None),
            person_id: Set(newcomer),
            task_id: Set(Some(task)),
            details: Set(serde_json::json!({ "round_id": round_id }).to_string()),
            at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in offered.chunks(super::INSERT_CHUNK) {
        events::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok((made.len(), skipped))
}
