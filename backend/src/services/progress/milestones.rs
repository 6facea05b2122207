//! Milestones between a newcomer and their mentor: the newcomer records one with an evidence link and a note; the
//! mentor (or an organizer) verifies it, or questions it with a comment; the newcomer answers, and it waits for
//! the mentor again. Each step is a conditional update on the record's state, so two people acting at once
//! cannot both win: the second is told what happened.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::Deserialize;
use serde_json::json;

use super::{Looker, access};
use crate::db::progress_events::{self, MilestoneState};
use crate::db::{milestones, progress_comments};
use crate::domain::claims::ClaimPolicy;
use crate::domain::events::EventKind;
use crate::domain::evidence::EvidenceRule;
use crate::domain::profile::FieldErrors;
use crate::services::claims::{is_unique_violation, mentor_of, note_progress};
use crate::services::events::{NewEvent, log_change};
use crate::services::text::{self, MAX_MESSAGE};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

/// The newcomer's form for one milestone, as typed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
pub struct RecordForm {
    #[serde(default)]
    pub evidence_url: String,
    #[serde(default)]
    pub note: String,
}

const CHANGED: &str = "This milestone was changed a moment ago; reload the page to see it.";

/// The newcomer records `slug` (or, while it waits for the mentor, corrects what they recorded). A record that
/// does not fit comes back as the fields' messages, and nothing is written.
pub async fn record_milestone(
    db: &DatabaseConnection,
    newcomer: i32,
    slug: &str,
    form: &RecordForm,
    claims: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let milestone = milestones::Entity::find()
        .filter(milestones::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let rule = EvidenceRule::from_stored(&milestone.evidence_kinds, milestone.evidence_required);
    let mut errors = FieldErrors::default();
    let evidence = rule
        .check(&form.evidence_url)
        .map_err(|msg| errors.add("evidence_url", msg))
        .ok()
        .flatten();
    let note = text::optional(&form.note, MAX_MESSAGE, "the note")
        .map_err(|e| errors.add("note", e.to_string()))
        .ok()
        .flatten();
    if errors.is_empty() && evidence.is_none() && note.is_none() {
        errors.add(
            "note",
            "Say in a note what you did, or give a link to it, so your mentor can verify it.",
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let evidence_url = evidence.map(|(url, _)| url);

    let txn = begin_write(db).await?;
    let existing = progress_events::Entity::find()
        .filter(progress_events::Column::NewcomerId.eq(newcomer))
        .filter(progress_events::Column::MilestoneId.eq(milestone.id))
        .one(&txn)
        .await?;
    let claim = note_progress(&txn, newcomer, claims, now).await?;
    let (record_id, kind) = match existing {
        None => {
            let inserted = progress_events::ActiveModel {
                newcomer_id: Set(newcomer),
                claim_id: Set(claim),
                milestone_id: Set(milestone.id),
                evidence_url: Set(evidence_url.clone()),
                note: Set(note.clone().unwrap_or_default()),
                created_at: Set(now),
                state: Set(MilestoneState::Pending),
                updated_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await;
            match inserted {
                Ok(row) => (row.id, EventKind::MilestoneRecorded),
                Err(err) if is_unique_violation(&err) => {
                    return Err(ServiceError::Conflict(CHANGED.into()));
                }
                Err(err) => return Err(err.into()),
            }
        }
        Some(record) if record.state == MilestoneState::Pending => {
            let updated = progress_events::Entity::update_many()
                .col_expr(
                    progress_events::Column::EvidenceUrl,
                    Expr::val(evidence_url.clone()),
                )
                .col_expr(
                    progress_events::Column::Note,
                    Expr::val(note.clone().unwrap_or_default()),
                )
                .col_expr(progress_events::Column::UpdatedAt, Expr::val(now))
                .filter(progress_events::Column::Id.eq(record.id))
                .filter(progress_events::Column::State.eq(MilestoneState::Pending))
                .exec(&txn)
                .await?;
            if updated.rows_affected == 0 {
                return Err(ServiceError::Conflict(CHANGED.into()));
            }
            (record.id, EventKind::MilestoneRecorded)
        }
        Some(record) if record.state == MilestoneState::Questioned => {
            return Err(ServiceError::Conflict(
                "Your mentor asked about this milestone: answer the question below it.".into(),
            ));
        }
        Some(_) => {
            return Err(ServiceError::Conflict(
                "This milestone is already verified.".into(),
            ));
        }
    };
    let event = milestone_event(&txn, kind, newcomer, newcomer, claim)
        .await?
        .details(json!({
            "milestone": milestone.title,
            "evidence_url": evidence_url,
            "message": note,
            "record_id": record_id,
        }));
    log_change(&txn, event, "milestone.record", now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The newcomer answers their mentor's question on a record, perhaps with a better link; it waits again.
pub async fn answer_question(
    db: &DatabaseConnection,
    newcomer: i32,
    record_id: i32,
    answer: &str,
    evidence_url: &str,
    claims: &ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let record = find(db, record_id).await?;
    if record.newcomer_id != newcomer {
        return Err(ServiceError::NotFound);
    }
    let milestone = milestone_of(db, &record).await?;
    let rule = EvidenceRule::from_stored(&milestone.evidence_kinds, milestone.evidence_required);
    let mut errors = FieldErrors::default();
    let answer = text::required(answer, MAX_MESSAGE, "your answer")
        .map_err(|e| errors.add("answer", e.to_string()))
        .ok();
    // An empty link keeps the one already recorded.
    let new_link = if evidence_url.trim().is_empty() {
        None
    } else {
        rule.check(evidence_url)
            .map_err(|msg| errors.add("evidence_url", msg))
            .ok()
            .flatten()
            .map(|(url, _)| url)
    };
    let (Some(answer), true) = (answer, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let evidence_url = new_link.or(record.evidence_url.clone());

    let txn = begin_write(db).await?;
    let updated = progress_events::Entity::update_many()
        .col_expr(
            progress_events::Column::State,
            Expr::val(MilestoneState::Pending.as_str()),
        )
        .col_expr(
            progress_events::Column::EvidenceUrl,
            Expr::val(evidence_url.clone()),
        )
        .col_expr(progress_events::Column::UpdatedAt, Expr::val(now))
        .filter(progress_events::Column::Id.eq(record.id))
        .filter(progress_events::Column::State.eq(MilestoneState::Questioned))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "There is no open question on this milestone any more; reload the page to see it."
                .into(),
        ));
    }
    comment(&txn, record.id, newcomer, &answer, now).await?;
    let claim = note_progress(&txn, newcomer, claims, now).await?;
    let event = milestone_event(
        &txn,
        EventKind::MilestoneAnswered,
        newcomer,
        newcomer,
        claim,
    )
    .await?
    .details(json!({
        "milestone": milestone.title,
        "evidence_url": evidence_url,
        "message": answer,
        "record_id": record.id,
    }));
    log_change(&txn, event, "milestone.answer", now).await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The newcomer's mentor, or an organizer, verifies a record (waiting, or questioned and settled elsewhere).
/// Returns the newcomer's id.
pub async fn verify_milestone(
    db: &DatabaseConnection,
    looker: Looker,
    record_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let record = find(db, record_id).await?;
    if !access(db, looker, record.newcomer_id).await?.may_review() {
        return Err(ServiceError::NotFound);
    }
    let milestone = milestone_of(db, &record).await?;
    let txn = begin_write(db).await?;
    let updated = progress_events::Entity::update_many()
        .col_expr(
            progress_events::Column::State,
            Expr::val(MilestoneState::Verified.as_str()),
        )
        .col_expr(progress_events::Column::VerifiedBy, Expr::val(looker.id))
        .col_expr(progress_events::Column::VerifiedAt, Expr::val(now))
        .col_expr(progress_events::Column::UpdatedAt, Expr::val(now))
        .filter(progress_events::Column::Id.eq(record.id))
        .filter(progress_events::Column::State.ne(MilestoneState::Verified))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This milestone is already verified.".into(),
        ));
    }
    let event = milestone_event(
        &txn,
        EventKind::MilestoneVerified,
        looker.id,
        record.newcomer_id,
        record.claim_id,
    )
    .await?
    .details(json!({
        "milestone": milestone.title,
        "evidence_url": record.evidence_url,
        "record_id": record.id,
    }));
    log_change(&txn, event, "milestone.verify", now).await?;
    txn.commit().await?;
    Ok(record.newcomer_id)
}

/// The newcomer's mentor, or an organizer, questions a waiting record with a comment for the newcomer. Returns
/// the newcomer's id (known to the caller once they may review them) with the outcome.
pub async fn question_milestone(
    db: &DatabaseConnection,
    looker: Looker,
    record_id: i32,
    question: &str,
    now: DateTime<Utc>,
) -> ServiceResult<(i32, Result<(), FieldErrors>)> {
    let record = find(db, record_id).await?;
    if !access(db, looker, record.newcomer_id).await?.may_review() {
        return Err(ServiceError::NotFound);
    }
    let question = match text::required_field(
        question,
        MAX_MESSAGE,
        "your question for the newcomer",
        "question",
    ) {
        Ok(text) => text,
        Err(errors) => return Ok((record.newcomer_id, Err(errors))),
    };
    let milestone = milestone_of(db, &record).await?;
    let txn = begin_write(db).await?;
    let updated = progress_events::Entity::update_many()
        .col_expr(
            progress_events::Column::State,
            Expr::val(MilestoneState::Questioned.as_str()),
        )
        .col_expr(progress_events::Column::UpdatedAt, Expr::val(now))
        .filter(progress_events::Column::Id.eq(record.id))
        .filter(progress_events::Column::State.eq(MilestoneState::Pending))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This milestone no longer waits for you: it was verified or questioned a moment ago."
                .into(),
        ));
    }
    comment(&txn, record.id, looker.id, &question, now).await?;
    let event = milestone_event(
        &txn,
        EventKind::MilestoneQuestioned,
        looker.id,
        record.newcomer_id,
        record.claim_id,
    )
    .await?
    .details(json!({
        "milestone": milestone.title,
        "message": question,
        "record_id": record.id,
    }));
    log_change(&txn, event, "milestone.question", now).await?;
    txn.commit().await?;
    Ok((record.newcomer_id, Ok(())))
}

async fn find(db: &impl ConnectionTrait, id: i32) -> ServiceResult<progress_events::Model> {
    progress_events::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn milestone_of(
    db: &impl ConnectionTrait,
    record: &progress_events::Model,
) -> ServiceResult<milestones::Model> {
    milestones::Entity::find_by_id(record.milestone_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

async fn comment(
    db: &impl ConnectionTrait,
    record: i32,
    author: i32,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    progress_comments::ActiveModel {
        progress_event_id: Set(record),
        author_id: Set(author),
        body: Set(body.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A milestone event on the newcomer's timeline and their mentor's, about the claim it counted for.
async fn milestone_event(
    db: &impl ConnectionTrait,
    kind: EventKind,
    actor: i32,
    newcomer: i32,
    claim: Option<i32>,
) -> Result<NewEvent, sea_orm::DbErr> {
    let mentor = mentor_of(db, newcomer).await?;
    let event = NewEvent::new(kind, Some(actor), newcomer).other(mentor);
    Ok(match claim {
        Some(id) => event.claim(id),
        None => event,
    })
}
