//! The recurring job that drafts reports: every hour it looks at each active mentorship, and for each period that
//! has ended without a report it drafts one. The unique index on (mentorship, period) keeps two workers, or a
//! second pass, from drafting one period twice.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};

use super::draft::draft;
use crate::db::mentorships::{self, MentorshipState};
use crate::db::progress_reports::{self, ReportState};
use crate::domain::reports::ReportPolicy;
use crate::services::ServiceResult;
use crate::services::claims::is_unique_violation;
use crate::services::queue;

/// The job kind of the hourly pass.
pub const REPORTS_JOB: &str = "reports.draft";

/// Queue the pass for the hour after `now` (once per hour, however many instances ask).
pub async fn schedule_next_pass(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queue::enqueue_next_hour(db, REPORTS_JOB, now).await
}

/// Draft every report due by `now`. Returns how many were drafted.
pub async fn draft_due_reports(
    db: &impl ConnectionTrait,
    policy: &ReportPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<usize> {
    let active = mentorships::Entity::find()
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .filter(mentorships::Column::AcceptedAt.is_not_null())
        .all(db)
        .await?;
    let reported: HashMap<i32, DateTime<Utc>> = progress_reports::Entity::find()
        .select_only()
        .column(progress_reports::Column::MentorshipId)
        .column_as(progress_reports::Column::PeriodEnd.max(), "last")
        .group_by(progress_reports::Column::MentorshipId)
        .into_tuple::<(i32, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, last)| Some((id, last?)))
        .collect();
    let mut drafted = 0;
    for m in active {
        let Some(began) = m.accepted_at else { continue };
        let from = reported.get(&m.id).copied().unwrap_or(began);
        for period in policy.ended_periods(began, from, now) {
            let content = draft(db, m.newcomer_id, period.start, period.end).await?;
            let row = progress_reports::ActiveModel {
                mentorship_id: Set(m.id),
                newcomer_id: Set(m.newcomer_id),
                mentor_id: Set(m.mentor_id),
                period_start: Set(period.start),
                period_end: Set(period.end),
                due_at: Set(period.due),
                draft: Set(serde_json::to_string(&content)
                    .map_err(crate::services::ServiceError::internal)?),
                state: Set(ReportState::Draft),
                created_at: Set(now),
                ..Default::default()
            };
            match row.insert(db).await {
                Ok(_) => drafted += 1,
                // Another pass drafted it a moment ago.
                Err(err) if is_unique_violation(&err) => {}
                Err(err) => return Err(err.into()),
            }
        }
    }
    Ok(drafted)
}
