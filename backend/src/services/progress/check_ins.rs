//! Weekly check-ins: the newcomer says what they did, what blocks them and what comes next; their mentor (or an
//! organizer) replies, and so may the newcomer, to keep the conversation in one place. A check-in counts as
//! answered once someone other than the newcomer replied.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, Set};
use serde::Deserialize;
use serde_json::json;

use super::{Looker, access};
use crate::db::{check_in_replies, check_ins};
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::domain::profile::FieldErrors;
use crate::services::claims::{mentor_of, note_progress};
use crate::services::events::{NewEvent, log_change};
use crate::services::text::{self, MAX_MESSAGE};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

/// A check-in as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct CheckInForm {
    /// What they did since the last one.
    #[serde(default)]
    pub body: String,
    /// What blocks them, if anything.
    #[serde(default)]
    pub blockers: String,
    /// What they will do next.
    #[serde(default)]
    pub next_steps: String,
}

/// The newcomer checks in. Returns the check-in's id.
pub async fn check_in(
    db: &DatabaseConnection,
    newcomer: i32,
    form: &CheckInForm,
    claims: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Result<i32, FieldErrors>> {
    let mut errors = FieldErrors::default();
    let mut field = |name: &'static str, value: &str, what: &str, required: bool| {
        let checked = if required {
            text::required(value, MAX_MESSAGE, what).map(Some)
        } else {
            text::optional(value, MAX_MESSAGE, what)
        };
        checked
            .map_err(|e| errors.add(name, e.to_string()))
            .ok()
            .flatten()
    };
    let body = field(
        "body",
        &form.body,
        "what you did since your last check-in",
        true,
    );
    let blockers = field("blockers", &form.blockers, "what blocks you", false);
    let next_steps = field("next_steps", &form.next_steps, "what comes next", false);
    let Some(body) = body.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };

    let txn = begin_write(db).await?;
    let row = check_ins::ActiveModel {
        newcomer_id: Set(newcomer),
        body: Set(body.clone()),
        blockers: Set(blockers.clone()),
        next_steps: Set(next_steps),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let claim = note_progress(&txn, newcomer, claims, now).await?;
    let mentor = mentor_of(&txn, newcomer).await?;
    let mut event = NewEvent::new(EventKind::CheckedIn, Some(newcomer), newcomer)
        .other(mentor)
        .details(json!({ "message": body, "blockers": blockers, "check_in_id": row.id }));
    if let Some(claim) = claim {
        event = event.claim(claim);
    }
    log_change(&txn, event, "check_in.create", now).await?;
    txn.commit().await?;
    Ok(Ok(row.id))
}

/// Someone who may see the newcomer replies to one of their check-ins. Returns the newcomer's id (known to the
/// caller once they may see them) with the outcome.
pub async fn reply_to_check_in(
    db: &DatabaseConnection,
    looker: Looker,
    check_in_id: i32,
    body: &str,
    now: DateTime<Utc>,
) -> ServiceResult<(i32, Result<(), FieldErrors>)> {
    let check_in = check_ins::Entity::find_by_id(check_in_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    access(db, looker, check_in.newcomer_id).await?;
    let body = match text::required_field(body, MAX_MESSAGE, "your reply", "reply") {
        Ok(text) => text,
        Err(errors) => return Ok((check_in.newcomer_id, Err(errors))),
    };
    let txn = begin_write(db).await?;
    check_in_replies::ActiveModel {
        check_in_id: Set(check_in.id),
        author_id: Set(looker.id),
        body: Set(body.clone()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mentor = mentor_of(&txn, check_in.newcomer_id).await?;
    let event = NewEvent::new(
        EventKind::CheckInReplied,
        Some(looker.id),
        check_in.newcomer_id,
    )
    .other(mentor)
    .details(json!({ "message": body, "check_in_id": check_in.id }));
    log_change(&txn, event, "check_in.reply", now).await?;
    txn.commit().await?;
    Ok((check_in.newcomer_id, Ok(())))
}
