//! What people do with a report: its mentor completes it, its newcomer adds their view, an organizer reviews it
//! or pauses the newcomer from it. Each step is a conditional update on the report's state, so a second click or
//! a second person sees what happened instead of overwriting it.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde_json::json;

use super::{access, find};
use crate::db::newcomer_profiles::{self, NewcomerStatus};
use crate::db::progress_reports::{self, Assessment, ReportState};
use crate::domain::enums::Choice;
use crate::domain::events::EventKind;
use crate::domain::profile::FieldErrors;
use crate::services::claims::mentor_of;
use crate::services::events::{NewEvent, log_change};
use crate::services::progress::{Access, Looker};
use crate::services::text::{self, MAX_MESSAGE, MAX_REASON};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, audit};

/// The report's mentor completes it with an assessment and a comment.
pub async fn submit_report(
    db: &DatabaseConnection,
    looker: Looker,
    id: i32,
    assessment: &Choice<Assessment>,
    comment: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let report = find(db, id).await?;
    if access(&report, looker)? != Access::Mentor {
        return Err(ServiceError::NotFound);
    }
    let mut errors = FieldErrors::default();
    let assessment = match assessment.known() {
        Some(a) => Some(a),
        None => {
            errors.add(
                "assessment",
                "Choose how the period went: on track, needs help or at risk.",
            );
            None
        }
    };
    let comment = text::required(comment, MAX_MESSAGE, "a comment on the period")
        .map_err(|e| errors.add("comment", e.to_string()))
        .ok();
    let (Some(assessment), Some(comment), true) = (assessment, comment, errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let txn = begin_write(db).await?;
    let updated = progress_reports::Entity::update_many()
        .col_expr(
            progress_reports::Column::State,
            Expr::val(ReportState::Submitted.as_str()),
        )
        .col_expr(
            progress_reports::Column::Assessment,
            Expr::val(assessment.as_str()),
        )
        .col_expr(
            progress_reports::Column::MentorComment,
            Expr::val(comment.as_str()),
        )
        .col_expr(progress_reports::Column::SubmittedAt, Expr::val(now))
        .filter(progress_reports::Column::Id.eq(report.id))
        .filter(progress_reports::Column::State.eq(ReportState::Draft))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This report has already been submitted.".into(),
        ));
    }
    audit::record(
        &txn,
        Some(looker.id),
        "report.submit",
        format!("report:{}", report.id),
        json!({ "assessment": assessment, "newcomer_id": report.newcomer_id }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// The newcomer adds (or changes) their own view, until the report is reviewed.
pub async fn add_newcomer_view(
    db: &DatabaseConnection,
    newcomer: i32,
    id: i32,
    view: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let report = find(db, id).await?;
    if report.newcomer_id != newcomer {
        return Err(ServiceError::NotFound);
    }
    let view = match text::required_field(view, MAX_MESSAGE, "your view of the period", "view") {
        Ok(text) => text,
        Err(errors) => return Ok(Err(errors)),
    };
    let txn = begin_write(db).await?;
    let updated = progress_reports::Entity::update_many()
        .col_expr(
            progress_reports::Column::NewcomerView,
            Expr::val(view.as_str()),
        )
        .col_expr(progress_reports::Column::NewcomerViewAt, Expr::val(now))
        .filter(progress_reports::Column::Id.eq(report.id))
        .filter(progress_reports::Column::State.ne(ReportState::Reviewed))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This report has been reviewed; say what you think in a check-in instead.".into(),
        ));
    }
    audit::record(
        &txn,
        Some(newcomer),
        "report.view",
        format!("report:{}", report.id),
        json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// An organizer marks a submitted report reviewed, with a note.
pub async fn review_report(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    note: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let report = find(db, id).await?;
    let note = match text::required_field(note, MAX_MESSAGE, "a note on your review", "note") {
        Ok(text) => text,
        Err(errors) => return Ok(Err(errors)),
    };
    let txn = begin_write(db).await?;
    let updated = progress_reports::Entity::update_many()
        .col_expr(
            progress_reports::Column::State,
            Expr::val(ReportState::Reviewed.as_str()),
        )
        .col_expr(progress_reports::Column::ReviewedBy, Expr::val(organizer))
        .col_expr(progress_reports::Column::ReviewedAt, Expr::val(now))
        .col_expr(
            progress_reports::Column::ReviewNote,
            Expr::val(note.as_str()),
        )
        .filter(progress_reports::Column::Id.eq(report.id))
        .filter(progress_reports::Column::State.eq(ReportState::Submitted))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(match report.state {
            ReportState::Draft => "The mentor has not submitted this report yet.".into(),
            _ => "This report has already been reviewed.".into(),
        }));
    }
    audit::record(
        &txn,
        Some(organizer),
        "report.review",
        format!("report:{}", report.id),
        json!({ "note": note, "newcomer_id": report.newcomer_id }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(()))
}

/// An organizer pauses the report's newcomer, with a reason: they leave matching and their state shows paused.
pub async fn pause_newcomer(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let report = find(db, id).await?;
    let reason = text::required(
        reason,
        MAX_REASON,
        "a reason for pausing, for the newcomer to read",
    )?;
    let txn = begin_write(db).await?;
    let updated = newcomer_profiles::Entity::update_many()
        .col_expr(
            newcomer_profiles::Column::Status,
            Expr::val(NewcomerStatus::Paused.as_str()),
        )
        .col_expr(newcomer_profiles::Column::UpdatedAt, Expr::val(now))
        .filter(newcomer_profiles::Column::UserId.eq(report.newcomer_id))
        .filter(newcomer_profiles::Column::Status.eq(NewcomerStatus::Active))
        .exec(&txn)
        .await?;
    if updated.rows_affected == 0 {
        return Err(ServiceError::Conflict(
            "This newcomer is not active, so there is nothing to pause.".into(),
        ));
    }
    let mentor = mentor_of(&txn, report.newcomer_id).await?;
    let event = NewEvent::new(EventKind::Paused, Some(organizer), report.newcomer_id)
        .other(mentor)
        .details(json!({ "reason": reason, "report_id": report.id }));
    log_change(&txn, event, "report.pause", now).await?;
    txn.commit().await?;
    Ok(())
}

/// Note in the audit log that an organizer acted from a report (the action's own service logged the change).
pub async fn record_action(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    action: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    audit::record(
        db,
        Some(organizer),
        "report.action",
        format!("report:{id}"),
        json!({ "action": action }),
        now,
    )
    .await?;
    Ok(())
}

/// An organizer gives the report's newcomer the mentor with GitHub login `login`, ending the current mentorship
/// with `reason` (see `mentorships::assign_mentor`). A mentor who cannot take them comes back as the field's
/// message.
pub async fn reassign_mentor(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    login: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Result<(), FieldErrors>> {
    let report = find(db, id).await?;
    let mut errors = FieldErrors::default();
    if let Err(e) = text::required(
        reason,
        MAX_REASON,
        "a reason, for both mentors and the newcomer",
    ) {
        errors.add("reason", e.to_string());
    }
    let login = login.trim().trim_start_matches('@');
    let mentor = crate::db::users::Entity::find()
        .filter(crate::db::users::Column::GithubLogin.eq(login))
        .one(db)
        .await?;
    let Some(mentor) = mentor else {
        errors.add(
            "mentor",
            if login.is_empty() {
                "Give the new mentor's GitHub login.".to_owned()
            } else {
                format!("Nobody signed up as {login:?}; pick a mentor from the list.")
            },
        );
        return Ok(Err(errors));
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    match crate::services::mentorships::assign_mentor(
        db,
        organizer,
        report.newcomer_id,
        mentor.id,
        reason,
        now,
    )
    .await
    {
        Ok(_) => {}
        Err(ServiceError::Invalid(msg) | ServiceError::Taken(msg)) => {
            errors.add("mentor", msg);
            return Ok(Err(errors));
        }
        Err(err) => return Err(err),
    }
    record_action(db, organizer, id, "reassign", now).await?;
    Ok(Ok(()))
}

/// The report's newcomer's active claim; Conflict when they hold none.
async fn active_claim(db: &DatabaseConnection, newcomer: i32) -> ServiceResult<i32> {
    crate::services::claims::claims_of_newcomer(db, newcomer)
        .await?
        .into_iter()
        .find(|c| c.ended_at.is_none())
        .map(|c| c.id)
        .ok_or_else(|| ServiceError::Conflict("This newcomer holds no task at the moment.".into()))
}

/// An organizer gives the newcomer's claim more time from the report (the claim's one extension).
pub async fn extend_claim(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    reason: &str,
    policy: &crate::domain::claims::ClaimPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let report = find(db, id).await?;
    let claim = active_claim(db, report.newcomer_id).await?;
    crate::services::claims::extend(db, claim, organizer, true, reason, policy, now).await?;
    record_action(db, organizer, id, "extend_claim", now).await
}

/// An organizer ends the newcomer's claim from the report, with a reason the newcomer reads.
pub async fn release_claim(
    db: &DatabaseConnection,
    organizer: i32,
    id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let report = find(db, id).await?;
    let claim = active_claim(db, report.newcomer_id).await?;
    crate::services::claims::force_release(db, claim, organizer, reason, now).await?;
    record_action(db, organizer, id, "release_claim", now).await
}
