//! Reports as pages show them: one report beside its newcomer's timeline, a newcomer's history of reports, what
//! waits for a mentor, and the organizers' review queue (submitted reports, oldest first, and overdue ones).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use super::draft::Draft;
use super::{access, find};
use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::MentorshipState;
use crate::db::progress_reports::{self, Assessment, ReportState};
use crate::db::{mentor_profiles, mentorships, users};
use crate::domain::progress::{ProgressPolicy, Standing};
use crate::domain::reports::is_overdue;
use crate::services::claims::{self, ClaimCard};
use crate::services::events::{TimelineEntry, timeline};
use crate::services::programme::ProgrammeFilter;
use crate::services::progress::{Access, Looker, Scope, progress_of};
use crate::services::{ServiceError, ServiceResult};

/// A report in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCard {
    pub id: i32,
    pub newcomer_id: i32,
    pub newcomer: String,
    pub mentor: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub state: ReportState,
    pub assessment: Option<Assessment>,
    pub assessment_label: Option<&'static str>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

/// How many reports each list of the review queue shows.
const QUEUE_LENGTH: u64 = 100;

async fn cards(
    db: &impl ConnectionTrait,
    rows: Vec<progress_reports::Model>,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<ReportCard>> {
    let ids: Vec<i32> = rows
        .iter()
        .flat_map(|r| [r.newcomer_id, r.mentor_id])
        .collect();
    let logins: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let login = |id: i32| logins.get(&id).cloned().unwrap_or_default();
    Ok(rows
        .into_iter()
        .map(|r| ReportCard {
            id: r.id,
            newcomer_id: r.newcomer_id,
            newcomer: login(r.newcomer_id),
            mentor: login(r.mentor_id),
            period_start: r.period_start,
            period_end: r.period_end,
            due_at: r.due_at,
            overdue: is_overdue(r.state, r.due_at, now),
            state: r.state,
            assessment: r.assessment,
            assessment_label: r.assessment.map(Assessment::label),
            submitted_at: r.submitted_at,
        })
        .collect())
}

/// A newcomer's reports, newest first.
pub async fn reports_of_newcomer(
    db: &impl ConnectionTrait,
    newcomer: i32,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<ReportCard>> {
    let rows = progress_reports::Entity::find()
        .filter(progress_reports::Column::NewcomerId.eq(newcomer))
        .order_by_desc(progress_reports::Column::PeriodStart)
        .all(db)
        .await?;
    cards(db, rows, now).await
}

/// The reports a mentor has still to complete, the one due first on top.
pub async fn reports_due_for_mentor(
    db: &impl ConnectionTrait,
    mentor: i32,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<ReportCard>> {
    let rows = progress_reports::Entity::find()
        .filter(progress_reports::Column::MentorId.eq(mentor))
        .filter(progress_reports::Column::State.eq(ReportState::Draft))
        .order_by_asc(progress_reports::Column::DueAt)
        .all(db)
        .await?;
    cards(db, rows, now).await
}

#[derive(Debug, Clone, Serialize)]
pub struct ReviewQueue {
    /// Submitted and waiting for review, the oldest submission first.
    pub waiting: Vec<ReportCard>,
    pub waiting_total: u64,
    /// Not submitted by their due date, the longest overdue first.
    pub overdue: Vec<ReportCard>,
    pub overdue_total: u64,
}

/// The organizers' queue, for the newcomers `filter` keeps.
pub async fn review_queue(
    db: &impl ConnectionTrait,
    filter: &ProgrammeFilter,
    now: DateTime<Utc>,
) -> ServiceResult<ReviewQueue> {
    let kept = Condition::all()
        .add(progress_reports::Column::NewcomerId.in_subquery(filter.newcomer_ids()));
    let waiting = progress_reports::Entity::find()
        .filter(kept.clone())
        .filter(progress_reports::Column::State.eq(ReportState::Submitted))
        .order_by_asc(progress_reports::Column::SubmittedAt)
        .order_by_asc(progress_reports::Column::Id);
    let overdue = progress_reports::Entity::find()
        .filter(kept)
        .filter(progress_reports::Column::State.eq(ReportState::Draft))
        .filter(progress_reports::Column::DueAt.lt(now))
        .order_by_asc(progress_reports::Column::DueAt)
        .order_by_asc(progress_reports::Column::Id);
    Ok(ReviewQueue {
        waiting_total: waiting.clone().count(db).await?,
        waiting: cards(db, waiting.limit(QUEUE_LENGTH).all(db).await?, now).await?,
        overdue_total: overdue.clone().count(db).await?,
        overdue: cards(db, overdue.limit(QUEUE_LENGTH).all(db).await?, now).await?,
    })
}

/// A mentor an organizer may assign: approved, accepting, with a free place.
#[derive(Debug, Clone, Serialize)]
pub struct MentorChoice {
    pub login: String,
    pub free: i64,
}

/// How many mentors with room the reassignment field suggests.
const MENTORS_SUGGESTED: usize = 50;

#[derive(Debug, Clone, Serialize)]
pub struct ReportPage {
    pub report: ReportCard,
    pub access: Access,
    pub draft: Draft,
    pub mentor_comment: Option<String>,
    pub newcomer_view: Option<String>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub review_note: Option<String>,
    pub standing: Option<Standing>,
    /// The newcomer's active claim, for organizers to act on.
    pub claim: Option<ClaimCard>,
    /// The mentor the newcomer has now (it may differ from the report's).
    pub current_mentor: Option<i32>,
    pub mentors: Vec<MentorChoice>,
    pub history: Vec<TimelineEntry>,
}

pub async fn report_page(
    db: &impl ConnectionTrait,
    looker: Looker,
    id: i32,
    policy: &ProgressPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<ReportPage> {
    let row = find(db, id).await?;
    let access = access(&row, looker)?;
    let draft: Draft = serde_json::from_str(&row.draft).map_err(ServiceError::internal)?;
    let reviewed_by = match row.reviewed_by {
        Some(id) => users::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|u| u.github_login),
        None => None,
    };
    let progress = progress_of(db, &Scope::Only(vec![row.newcomer_id]), policy, now)
        .await?
        .remove(&row.newcomer_id);
    let claim = claims::claims_of_newcomer(db, row.newcomer_id)
        .await?
        .into_iter()
        .find(|c| c.ended_at.is_none());
    let mentors = if access == Access::Organizer || looker.organizer {
        mentors_with_room(db).await?
    } else {
        Vec::new()
    };
    let (mentor_comment, newcomer_view, review_note, reviewed_at, newcomer) = (
        row.mentor_comment.clone(),
        row.newcomer_view.clone(),
        row.review_note.clone(),
        row.reviewed_at,
        row.newcomer_id,
    );
    Ok(ReportPage {
        report: cards(db, vec![row], now).await?.remove(0),
        access,
        draft,
        mentor_comment,
        newcomer_view,
        reviewed_by,
        reviewed_at,
        review_note,
        current_mentor: progress.as_ref().and_then(|p| p.mentor_id),
        standing: progress.map(|p| p.standing),
        claim,
        mentors,
        history: timeline(db, newcomer, 200).await?,
    })
}

/// Approved, accepting mentors with a free place, the most room first.
async fn mentors_with_room(db: &impl ConnectionTrait) -> ServiceResult<Vec<MentorChoice>> {
    let profiles: Vec<(i32, i16)> = mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .column(mentor_profiles::Column::Capacity)
        .filter(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
        .filter(mentor_profiles::Column::Accepting.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    let load: HashMap<i32, i64> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::MentorId)
        .column_as(mentorships::Column::Id.count(), "n")
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .group_by(mentorships::Column::MentorId)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut free: Vec<(i32, i64)> = profiles
        .into_iter()
        .map(|(id, cap)| (id, i64::from(cap) - load.get(&id).copied().unwrap_or(0)))
        .filter(|(_, free)| *free > 0)
        .collect();
    free.sort_by_key(|(id, free)| (-free, *id));
    free.truncate(MENTORS_SUGGESTED);
    let logins: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(free.iter().map(|(id, _)| *id)))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(free
        .into_iter()
        .filter_map(|(id, free)| {
            Some(MentorChoice {
                login: logins.get(&id)?.clone(),
                free,
            })
        })
        .collect())
}
