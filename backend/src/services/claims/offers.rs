//! A task round's offers, as the newcomer sees and answers them: accepting claims the task (as the task page's
//! button would), declining lets it go. An offer whose task was taken meanwhile is withdrawn.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;
use serde_json::json;

use super::log_change;
use super::take::{ClaimReceipt, claim_in};
use crate::db::task_offers::{self, OfferState};
use crate::db::tasks;
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::domain::matching::score::{Audience, Explanation};
use crate::services::events::NewEvent;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

/// An open offer, as the newcomer's dashboard shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OfferCard {
    pub id: i32,
    pub task_slug: String,
    pub task_title: String,
    /// Why this task, worded for the newcomer.
    pub explanation: Vec<String>,
    pub offered_at: DateTime<Utc>,
}

/// The newcomer's open offers, newest first.
pub async fn offers_of_newcomer(
    db: &impl ConnectionTrait,
    newcomer: i32,
) -> ServiceResult<Vec<OfferCard>> {
    let rows = task_offers::Entity::find()
        .filter(task_offers::Column::NewcomerId.eq(newcomer))
        .filter(task_offers::Column::State.eq(OfferState::Open))
        .find_also_related(tasks::Entity)
        .order_by_desc(task_offers::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, t)| {
            let t = t?;
            let explanation = Explanation::parse(&o.explanation)
                .reasons
                .iter()
                .map(|r| r.sentence_for(Audience::Newcomer))
                .collect();
            Some(OfferCard {
                id: o.id,
                task_slug: t.slug,
                task_title: t.title,
                explanation,
                offered_at: o.created_at,
            })
        })
        .collect())
}

/// The newcomer accepts (claiming the task) or declines their offer. Accepting returns the claim.
pub async fn answer_offer(
    db: &DatabaseConnection,
    offer_id: i32,
    newcomer: i32,
    accept: bool,
    policy: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Option<ClaimReceipt>> {
    let txn = begin_write(db).await?;
    let (offer, task) = task_offers::Entity::find_by_id(offer_id)
        .find_also_related(tasks::Entity)
        .one(&txn)
        .await?
        .filter(|(o, _)| o.newcomer_id == newcomer)
        .and_then(|(o, t)| Some((o, t?)))
        .ok_or(ServiceError::NotFound)?;
    if offer.state != OfferState::Open {
        return Err(ServiceError::Conflict(
            "This offer has already been answered.".into(),
        ));
    }
    let task_id = task.id;
    let receipt = if accept {
        match claim_in(&txn, newcomer, task, policy, now).await {
            Ok(receipt) => Some(receipt),
            Err(ServiceError::Taken(msg)) => {
                // The task went to someone else: the offer cannot be kept either.
                drop(txn);
                withdraw(db, offer_id, now).await?;
                return Err(ServiceError::Taken(msg));
            }
            Err(err) => return Err(err),
        }
    } else {
        None
    };
    let state = if accept {
        OfferState::Accepted
    } else {
        OfferState::Declined
    };
    let answered = task_offers::Entity::update_many()
        .col_expr(task_offers::Column::State, Expr::val(state.as_str()))
        .col_expr(task_offers::Column::AnsweredAt, Expr::val(now))
        .filter(task_offers::Column::Id.eq(offer_id))
        .filter(task_offers::Column::State.eq(OfferState::Open))
        .exec(&txn)
        .await?;
    if answered.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This offer has already been answered.".into(),
        ));
    }
    let kind = if accept {
        EventKind::OfferAccepted
    } else {
        EventKind::OfferDeclined
    };
    let mut event = NewEvent::new(kind, Some(newcomer), newcomer)
        .task(task_id)
        .details(json!({ "offer_id": offer_id }));
    if let Some(r) = &receipt {
        event = event.claim(r.claim_id);
    }
    log_change(
        &txn,
        event,
        if accept {
            "offer.accept"
        } else {
            "offer.decline"
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(receipt)
}

async fn withdraw(db: &DatabaseConnection, offer_id: i32, now: DateTime<Utc>) -> ServiceResult<()> {
    task_offers::Entity::update_many()
        .col_expr(
            task_offers::Column::State,
            Expr::val(OfferState::Withdrawn.as_str()),
        )
        .col_expr(task_offers::Column::AnsweredAt, Expr::val(now))
        .filter(task_offers::Column::Id.eq(offer_id))
        .filter(task_offers::Column::State.eq(OfferState::Open))
        .exec(db)
        .await?;
    Ok(())
}
