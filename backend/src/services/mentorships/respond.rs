//! A mentor's answer to a proposed mentorship: accept (within capacity) or decline.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;

use crate::db::mentorships::MentorshipState;
use crate::db::{mentor_profiles, mentorships};
use crate::services::pool::DECLINED;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

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
/// (active mentorships < capacity, else a Conflict that says so); declining ends the proposal with reason
/// "declined", which puts the newcomer back in the pool for the next round, never again with this mentor.
pub async fn respond_to_proposal(
    db: &DatabaseConnection,
    mentorship_id: i32,
    mentor_id: i32,
    accept: bool,
    now: DateTime<Utc>,
) -> ServiceResult<ProposalResponse> {
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
    // Locking the mentor's profile row makes concurrent accepts for the same mentor take turns on PostgreSQL,
    // so the count below cannot be stale; on SQLite the immediate transaction already does.
    let profile = mentor_profiles::Entity::find_by_id(mentor_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let capacity = profile.map_or(0, |p| p.capacity.max(0) as u32);
    let active = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .count(&txn)
        .await? as u32;
    let state = if accept {
        if active >= capacity {
            return Err(ServiceError::Conflict(format!(
                "You already mentor {active} newcomer{}, as many as your capacity of {capacity}. \
                 End a mentorship or raise your capacity before accepting another.",
                if active == 1 { "" } else { "s" }
            )));
        }
        MentorshipState::Active
    } else {
        MentorshipState::Ended
    };
    let mut update = mentorships::Entity::update_many()
        .col_expr(mentorships::Column::State, Expr::val(state.as_str()))
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
    crate::services::audit::record(
        &txn,
        Some(mentor_id),
        if accept {
            "mentorship.accept"
        } else {
            "mentorship.decline"
        },
        format!("mentorship:{mentorship_id}"),
        serde_json::json!({ "newcomer_id": m.newcomer_id, "round_id": m.round_id }),
        now,
    )
    .await?;
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
