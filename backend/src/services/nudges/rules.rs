//! Each rule finds the people a nudge is due for, in a few grouped queries over the whole programme, and names
//! the nudge by its episode and step so that the outbox's dedup key keeps it from being queued twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::{names, only_newcomers};
use crate::db::mentorships::{self, MentorshipState};
use crate::db::progress_reports::{self, ReportState};
use crate::db::{check_ins, email_outbox, newcomer_profiles, user_areas, user_languages, users};
use crate::domain::email::EmailKind;
use crate::domain::nudges::{NudgePolicy, due_step};
use crate::domain::progress::{ProgressState, days_phrase};
use crate::mail::NewEmail;
use crate::services::ServiceResult;
use crate::services::progress::{NewcomerProgress, answered_by_someone_else};

/// Newcomers who signed up a while ago and still lack part of their profile (the profile itself, an interest,
/// a language or a time zone): matching cannot place them until it is done.
pub(super) async fn profile_unfinished(
    db: &impl ConnectionTrait,
    policy: &NudgePolicy,
    now: DateTime<Utc>,
) -> Result<Vec<NewEmail>, DbErr> {
    let newcomers = only_newcomers(db).await?;
    let signed_up_before = now - policy.profile_unfinished;
    let candidates: Vec<(i32, DateTime<Utc>, Option<String>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::CreatedAt)
        .column(users::Column::Timezone)
        .filter(users::Column::CreatedAt.lte(signed_up_before))
        .into_tuple()
        .all(db)
        .await?;
    let profiles =
        user_ids::<newcomer_profiles::Entity>(db, newcomer_profiles::Column::UserId).await?;
    let areas = user_ids::<user_areas::Entity>(db, user_areas::Column::UserId).await?;
    let languages = user_ids::<user_languages::Entity>(db, user_languages::Column::UserId).await?;
    Ok(candidates
        .into_iter()
        .filter(|(id, _, _)| newcomers.contains(id))
        .filter_map(|(id, joined, tz)| {
            let missing: Vec<&str> = [
                (!profiles.contains(&id)).then_some("your experience and goals"),
                (!areas.contains(&id)).then_some("the areas that interest you"),
                (!languages.contains(&id)).then_some("the languages you speak"),
                tz.as_deref()
                    .is_none_or(|t| t.trim().is_empty())
                    .then_some("your time zone"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if missing.is_empty() {
                return None;
            }
            let step = due_step(joined, policy.profile_unfinished, now)?;
            Some(NewEmail::new(
                EmailKind::ProfileUnfinished,
                id,
                format!("step:{}", step.index),
                json!({ "missing": missing, "step": step.index }),
            ))
        })
        .collect())
}

/// Everyone with a row in the table of `column` (a user id column).
async fn user_ids<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
) -> Result<HashSet<i32>, DbErr> {
    Ok(E::find()
        .select_only()
        .column(column)
        .distinct()
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// Newcomers gone quiet (no action of their own) while they have a mentor and nothing waits on the mentor:
/// first they are nudged, later their mentor is told, later still the organizers (in one email each for all
/// the newcomers who crossed that line since the last one).
pub(super) async fn quiet(
    db: &impl ConnectionTrait,
    policy: &NudgePolicy,
    everyone: &HashMap<i32, NewcomerProgress>,
    organizers: &[i32],
    now: DateTime<Utc>,
) -> ServiceResult<Vec<NewEmail>> {
    let newcomers = only_newcomers(db).await?;
    let quiet: Vec<_> = everyone
        .values()
        .filter(|p| newcomers.contains(&p.id))
        .filter(|p| {
            matches!(
                p.standing.state,
                ProgressState::OnTrack | ProgressState::Stalled | ProgressState::Blocked
            )
        })
        .filter(|p| now - p.last_activity >= policy.quiet)
        .collect();
    let ids: Vec<i32> = quiet
        .iter()
        .flat_map(|p| [Some(p.id), p.mentor_id])
        .flatten()
        .collect();
    let who = names(db, ids).await?;
    let name = |id: i32| who.get(&id).cloned().unwrap_or_default();
    let mut emails = Vec::new();
    let mut for_organizers = Vec::new();
    for p in &quiet {
        let episode = p.last_activity.timestamp();
        let context = json!({
            "newcomer_name": name(p.id),
            "newcomer_id": p.id,
            "quiet_for": days_phrase(now - p.last_activity),
            "progress_path": format!("/people/{}/progress", p.id),
        });
        if let Some(step) = due_step(p.last_activity, policy.quiet, now) {
            emails.push(NewEmail::new(
                EmailKind::Stalled,
                p.id,
                format!("quiet:{episode}:step:{}", step.index),
                context.clone(),
            ));
        }
        if let (Some(mentor), Some(step)) = (
            p.mentor_id,
            due_step(p.last_activity, policy.quiet_mentor, now),
        ) {
            let mut ctx = context.clone();
            ctx["mentor_name"] = name(mentor).into();
            emails.push(NewEmail::new(
                EmailKind::MenteeStalled,
                mentor,
                format!("{}:quiet:{episode}:step:{}", p.id, step.index),
                ctx,
            ));
        }
        if let Some(step) = due_step(p.last_activity, policy.quiet_organizers, now) {
            for_organizers.push((step.due_at, context));
        }
    }
    if for_organizers.is_empty() || organizers.is_empty() {
        return Ok(emails);
    }
    // Each organizer hears of the newcomers whose nudge fell due since their last email of this kind, at most
    // once a day.
    let last: HashMap<i32, DateTime<Utc>> = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::RecipientId)
        .column_as(email_outbox::Column::CreatedAt.max(), "last")
        .filter(email_outbox::Column::Kind.eq(EmailKind::NewcomerStalled))
        .group_by(email_outbox::Column::RecipientId)
        .into_tuple::<(Option<i32>, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, at)| Some((id?, at?)))
        .collect();
    for_organizers.sort_by_key(|(due, _)| *due);
    for &organizer in organizers {
        let since = last.get(&organizer).copied();
        let newcomers: Vec<_> = for_organizers
            .iter()
            .filter(|(due, _)| since.is_none_or(|s| *due > s))
            .map(|(_, ctx)| ctx.clone())
            .collect();
        if newcomers.is_empty() {
            continue;
        }
        emails.push(NewEmail::new(
            EmailKind::NewcomerStalled,
            organizer,
            format!("day:{}", now.format("%Y-%m-%d")),
            json!({ "newcomers": newcomers, "count": newcomers.len() }),
        ));
    }
    Ok(emails)
}

/// Proposals from a round and newcomers' requests that wait for the mentor's answer.
pub(super) async fn waiting_for_mentor(
    db: &impl ConnectionTrait,
    policy: &NudgePolicy,
    now: DateTime<Utc>,
) -> Result<Vec<NewEmail>, DbErr> {
    let waiting = mentorships::Entity::find()
        .filter(mentorships::Column::State.eq(MentorshipState::Proposed))
        .filter(mentorships::Column::ProposedAt.lte(now - policy.waiting_for_mentor))
        .all(db)
        .await?;
    let ids = waiting
        .iter()
        .flat_map(|m| [m.newcomer_id, m.mentor_id])
        .collect();
    let who = names(db, ids).await?;
    Ok(waiting
        .into_iter()
        .filter_map(|m| {
            let step = due_step(m.proposed_at, policy.waiting_for_mentor, now)?;
            Some(NewEmail::new(
                EmailKind::WaitingForMentor,
                m.mentor_id,
                format!("mentorship:{}:step:{}", m.id, step.index),
                json!({
                    "newcomer_name": who.get(&m.newcomer_id),
                    "mentor_name": who.get(&m.mentor_id),
                    "origin": m.origin,
                    "waiting_for": days_phrase(now - m.proposed_at),
                    "message": m.request_message,
                }),
            ))
        })
        .collect())
}

/// Each mentee's oldest check-in that nobody but the mentee has replied to, for their mentor.
pub(super) async fn check_ins_unanswered(
    db: &impl ConnectionTrait,
    policy: &NudgePolicy,
    now: DateTime<Utc>,
) -> Result<Vec<NewEmail>, DbErr> {
    let answered = answered_by_someone_else();
    let oldest: Vec<(i32, Option<i32>, Option<DateTime<Utc>>)> = check_ins::Entity::find()
        .select_only()
        .column(check_ins::Column::NewcomerId)
        .column_as(check_ins::Column::Id.min(), "id")
        .column_as(check_ins::Column::CreatedAt.min(), "at")
        .filter(check_ins::Column::CreatedAt.lte(now - policy.check_in_unanswered))
        .filter(Condition::all().add(Expr::exists(answered).not()))
        .group_by(check_ins::Column::NewcomerId)
        .into_tuple()
        .all(db)
        .await?;
    let mentors: HashMap<i32, i32> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .column(mentorships::Column::MentorId)
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let who = names(db, oldest.iter().map(|(n, _, _)| *n).collect()).await?;
    Ok(oldest
        .into_iter()
        .filter_map(|(newcomer, id, at)| {
            let (id, at, mentor) = (id?, at?, *mentors.get(&newcomer)?);
            let step = due_step(at, policy.check_in_unanswered, now)?;
            Some(NewEmail::new(
                EmailKind::CheckInUnanswered,
                mentor,
                format!("check_in:{id}:step:{}", step.index),
                json!({
                    "newcomer_name": who.get(&newcomer),
                    "waiting_for": days_phrase(now - at),
                    "progress_path": format!("/people/{newcomer}/progress"),
                }),
            ))
        })
        .collect())
}

/// Reports: due soon and past due, for their mentor; submitted and waiting for review, for the organizers (one
/// email each, backing off while the oldest one waits).
pub(super) async fn reports(
    db: &impl ConnectionTrait,
    policy: &NudgePolicy,
    organizers: &[i32],
    now: DateTime<Utc>,
) -> Result<Vec<NewEmail>, DbErr> {
    let drafts = progress_reports::Entity::find()
        .filter(progress_reports::Column::State.eq(ReportState::Draft))
        .filter(progress_reports::Column::DueAt.lte(now + policy.report_due))
        .all(db)
        .await?;
    let who = names(db, drafts.iter().map(|r| r.newcomer_id).collect()).await?;
    let mut emails: Vec<NewEmail> = drafts
        .iter()
        .filter_map(|r| {
            let context = json!({
                "newcomer_name": who.get(&r.newcomer_id),
                "report_path": format!("/reports/{}", r.id),
                "due_at": r.due_at,
                "due_in": days_phrase(r.due_at - now),
                "late_by": days_phrase(now - r.due_at),
            });
            if now < r.due_at {
                Some(NewEmail::new(
                    EmailKind::ReportDue,
                    r.mentor_id,
                    format!("report:{}", r.id),
                    context,
                ))
            } else {
                let step = due_step(r.due_at, chrono::Duration::zero(), now)?;
                Some(NewEmail::new(
                    EmailKind::ReportOverdue,
                    r.mentor_id,
                    format!("report:{}:step:{}", r.id, step.index),
                    context,
                ))
            }
        })
        .collect();
    let waiting: Vec<(i32, Option<DateTime<Utc>>)> = progress_reports::Entity::find()
        .select_only()
        .column(progress_reports::Column::Id)
        .column(progress_reports::Column::SubmittedAt)
        .filter(progress_reports::Column::State.eq(ReportState::Submitted))
        .into_tuple()
        .all(db)
        .await?;
    let oldest = waiting
        .iter()
        .filter_map(|(id, at)| Some((at.as_ref()?.to_owned(), *id)))
        .min();
    if let Some((since, report)) = oldest
        && let Some(step) = due_step(since, policy.report_review, now)
    {
        for &organizer in organizers {
            emails.push(NewEmail::new(
                EmailKind::ReportsToReview,
                organizer,
                format!("report:{report}:step:{}", step.index),
                json!({ "count": waiting.len(), "waiting_for": days_phrase(now - since) }),
            ));
        }
    }
    Ok(emails)
}
