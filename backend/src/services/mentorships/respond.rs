//! A mentor's answer to a proposed mentorship (a round's proposal or a newcomer's request): accept, within
//! capacity, or decline; either with an optional message for the newcomer.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use serde_json::json;

use super::queue::{lock_room, started};
use crate::db::mentorships;
use crate::db::mentorships::MentorshipState;
use crate::domain::events::EventKind;
use crate::services::events::NewEvent;
use crate::services::pool::DECLINED;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, audit, text};

/// A mentor's answer to a proposal.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalResponse {
    pub mentorship_id: i32,
    pub newcomer_id: i32,
    pub mentor_id: i32,
    /// `active` after accepting, `ended` (reason "declined") after declining.
    pub state: MentorshipState,
    /// The mentor's active mentorships after the answer.
    pub active_mentees: u32,
    pub capacity: u32,
}

/// Accept or decline a proposed mentorship as its mentor. Accepting re-checks capacity inside the transaction
/// (active mentorships < capacity, else `Taken`, which says so); declining ends the proposal with reason
/// "declined", which puts the newcomer back in the pool for the next round, never again with this mentor.
pub async fn respond_to_proposal(
    db: &DatabaseConnection,
    mentorship_id: i32,
    mentor_id: i32,
    accept: bool,
    message: Option<&str>,
    now: DateTime<Utc>,
) -> ServiceResult<ProposalResponse> {
    let message = text::optional(message.unwrap_or(""), text::MAX_MESSAGE, "the message")?;
    let txn = begin_write(db).await?;
    let m = mentorships::Entity::find_by_id(mentorship_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Another mentor's proposal is answered as if it did not exist: its id tells nothing.
    if m.mentor_id != mentor_id {
        return Err(ServiceError::NotFound);
    }
    if m.state != MentorshipState::Proposed {
        return Err(ServiceError::Conflict(
            "This proposal has already been answered.".into(),
        ));
    }
    let (active, capacity) = if accept {
        lock_room(&txn, mentor_id).await?
    } else {
        (0, 0)
    };
    let state = if accept {
        MentorshipState::Active
    } else {
        MentorshipState::Ended
    };
    let mut update = mentorships::Entity::update_many()
        .col_expr(mentorships::Column::State, Expr::val(state.as_str()))
        .col_expr(
            mentorships::Column::ResponseMessage,
            Expr::val(message.clone()),
        )
        .filter(mentorships::Column::Id.eq(mentorship_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Proposed));
    update = if accept {
        update.col_expr(mentorships::Column::AcceptedAt, Expr::val(now))
    } else {
        update
            .col_expr(mentorships::Column::EndedAt, Expr::val(now))
            .col_expr(mentorships::Column::EndedReason, Expr::val(DECLINED))
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This proposal has already been answered.".into(),
        ));
    }
    if accept {
        started(&txn, &m, mentor_id, "mentorship.accept", now).await?;
    } else {
        NewEvent::new(
            EventKind::MentorshipDeclined,
            Some(mentor_id),
            m.newcomer_id,
        )
        .other(Some(mentor_id))
        .mentorship(m.id)
        .details(json!({ "message": message, "origin": m.origin }))
        .record(&txn, now)
        .await?;
        audit::record(
            &txn,
            Some(mentor_id),
            "mentorship.decline",
            format!("mentorship:{mentorship_id}"),
            json!({ "newcomer_id": m.newcomer_id, "round_id": m.round_id }),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(ProposalResponse {
        mentorship_id,
        newcomer_id: m.newcomer_id,
        mentor_id,
        state,
        active_mentees: active + u32::from(accept),
        capacity,
    })
}
