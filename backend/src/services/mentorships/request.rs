//! A newcomer asks a mentor from their suggestions to mentor them; the mentor answers as they answer a round's
//! proposal (`respond`). Either side, or an organizer, may end a mentorship with a reason (`end_mentorship`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;

use super::queue::insert_open;
use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::{mentor_profiles, newcomer_profiles};
use crate::domain::events::EventKind;
use crate::services::events::NewEvent;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, audit, text};

fn message_of(typed: &str) -> ServiceResult<Option<String>> {
    text::optional(typed, text::MAX_MESSAGE, "the message")
}

/// The newcomer asks `mentor_id` to mentor them, with an optional message. They may have one mentor, or one
/// request (or round proposal) waiting, at a time.
pub async fn request_mentor(
    db: &DatabaseConnection,
    newcomer_id: i32,
    mentor_id: i32,
    message: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let message = message_of(message)?;
    let txn = begin_write(db).await?;
    newcomer_profiles::Entity::find_by_id(newcomer_id)
        .one(&txn)
        .await?
        .filter(|p| p.status == NewcomerStatus::Active)
        .ok_or_else(|| {
            ServiceError::Invalid(
                "Complete your newcomer profile before asking for a mentor.".into(),
            )
        })?;
    mentor_profiles::Entity::find_by_id(mentor_id)
        .one(&txn)
        .await?
        .filter(|p| p.status == MentorStatus::Approved && p.accepting && mentor_id != newcomer_id)
        .ok_or(ServiceError::NotFound)?;
    let row = mentorships::ActiveModel {
        newcomer_id: Set(newcomer_id),
        mentor_id: Set(mentor_id),
        state: Set(MentorshipState::Proposed),
        score: Set(0),
        explanation: Set("[]".into()),
        proposed_at: Set(now),
        origin: Set(MentorshipOrigin::Request),
        request_message: Set(message.clone()),
        ..Default::default()
    };
    let m = insert_open(&txn, row, || {
        ServiceError::Conflict(
            "You already have a mentor, or a request or proposal waiting for an answer.".into(),
        )
    })
    .await?;
    NewEvent::new(
        EventKind::MentorshipRequested,
        Some(newcomer_id),
        newcomer_id,
    )
    .other(Some(mentor_id))
    .mentorship(m.id)
    .details(json!({ "message": message }))
    .record(&txn, now)
    .await?;
    audit::record(
        &txn,
        Some(newcomer_id),
        "mentorship.request",
        format!("mentorship:{}", m.id),
        json!({ "mentor_id": mentor_id }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(m.id)
}

/// End an active mentorship (or withdraw a waiting request) with a reason, as its newcomer, its mentor, or an
/// organizer (`as_organizer`, checked by the caller). The newcomer returns to the pool; the mentor's place is free.
pub async fn end_mentorship(
    db: &DatabaseConnection,
    mentorship_id: i32,
    actor: i32,
    as_organizer: bool,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let reason = message_of(reason)?
        .ok_or_else(|| ServiceError::Invalid("Give a reason for ending the mentorship.".into()))?;
    let txn = begin_write(db).await?;
    let m = mentorships::Entity::find_by_id(mentorship_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !(as_organizer || actor == m.newcomer_id || actor == m.mentor_id) {
        return Err(ServiceError::NotFound);
    }
    end_in(&txn, &m, actor, &reason, now).await?;
    txn.commit().await?;
    Ok(())
}

/// End `m` in the caller's transaction, with its event and audit row; Conflict when it has already ended.
pub(super) async fn end_in(
    txn: &impl ConnectionTrait,
    m: &mentorships::Model,
    actor: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let ended = mentorships::Entity::update_many()
        .col_expr(
            mentorships::Column::State,
            Expr::val(MentorshipState::Ended.as_str()),
        )
        .col_expr(mentorships::Column::EndedAt, Expr::val(now))
        .col_expr(mentorships::Column::EndedReason, Expr::val(reason))
        .filter(mentorships::Column::Id.eq(m.id))
        .filter(
            mentorships::Column::State.is_in([MentorshipState::Active, MentorshipState::Proposed]),
        )
        .exec(txn)
        .await?;
    if ended.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This mentorship has already ended.".into(),
        ));
    }
    NewEvent::new(EventKind::MentorshipEnded, Some(actor), m.newcomer_id)
        .other(Some(m.mentor_id))
        .mentorship(m.id)
        .details(json!({ "reason": reason }))
        .record(txn, now)
        .await?;
    audit::record(
        txn,
        Some(actor),
        "mentorship.end",
        format!("mentorship:{}", m.id),
        json!({ "reason": reason, "newcomer_id": m.newcomer_id, "mentor_id": m.mentor_id }),
        now,
    )
    .await?;
    Ok(())
}
