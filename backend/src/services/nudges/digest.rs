//! The digest: once a week (or a day, as each person chooses) a mentor hears how each mentee stands and what
//! waits for them, and an organizer how the programme stands. Its dedup key is the period, so each person gets
//! one per period.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::{names, with_role};
use crate::db::email_outbox::{self, OutboxState};
use crate::db::mentorships::{self, MentorshipState};
use crate::db::notification_preferences::{self, DigestFrequency};
use crate::db::progress_reports::{self, ReportState};
use crate::db::user_roles::Role;
use crate::db::users;
use crate::domain::email::EmailKind;
use crate::domain::progress::ProgressState;
use crate::mail::NewEmail;
use crate::services::ServiceResult;
use crate::services::progress::NewcomerProgress;

/// The period a digest of this frequency covers at `now`, as its key, and how far back it looks.
fn period(freq: DigestFrequency, now: DateTime<Utc>) -> Option<(String, Duration)> {
    match freq {
        DigestFrequency::Daily => Some((now.format("%Y-%m-%d").to_string(), Duration::days(1))),
        DigestFrequency::Weekly => Some((now.format("%G-W%V").to_string(), Duration::days(7))),
        DigestFrequency::Never => None,
    }
}

pub(super) async fn digests(
    db: &impl ConnectionTrait,
    progress: &HashMap<i32, NewcomerProgress>,
    organizers: &[i32],
    now: DateTime<Utc>,
) -> ServiceResult<Vec<NewEmail>> {
    let frequency: HashMap<i32, DigestFrequency> = notification_preferences::Entity::find()
        .select_only()
        .column(notification_preferences::Column::UserId)
        .column(notification_preferences::Column::Digest)
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let period_of = |id: i32| {
        period(
            frequency
                .get(&id)
                .copied()
                .unwrap_or(DigestFrequency::Weekly),
            now,
        )
    };
    let mut emails = Vec::new();

    // Mentors: their active mentees' standing, the proposals and the reports that wait for them.
    let mentors = with_role(db, Role::Mentor).await?;
    let mentorships = mentorships::Entity::find()
        .filter(
            mentorships::Column::State.is_in([MentorshipState::Active, MentorshipState::Proposed]),
        )
        .all(db)
        .await?;
    let reports_due: Vec<i32> = progress_reports::Entity::find()
        .select_only()
        .column(progress_reports::Column::MentorId)
        .filter(progress_reports::Column::State.eq(ReportState::Draft))
        .into_tuple()
        .all(db)
        .await?;
    let who = names(db, mentorships.iter().map(|m| m.newcomer_id).collect()).await?;
    for mentor in mentors {
        let Some((key, _)) = period_of(mentor) else {
            continue;
        };
        let mine: Vec<_> = mentorships
            .iter()
            .filter(|m| m.mentor_id == mentor)
            .collect();
        let mentees: Vec<_> = mine
            .iter()
            .filter(|m| m.state == MentorshipState::Active)
            .filter_map(|m| {
                let p = progress.get(&m.newcomer_id)?;
                Some(json!({
                    "name": who.get(&m.newcomer_id),
                    "state": p.standing.label,
                    "reason": p.standing.reason,
                    "needs_you": matches!(p.standing.state, ProgressState::WaitingForMentor | ProgressState::Blocked | ProgressState::Stalled),
                    "progress_path": format!("/people/{}/progress", m.newcomer_id),
                }))
            })
            .collect();
        let proposals = mine
            .iter()
            .filter(|m| m.state == MentorshipState::Proposed)
            .count();
        let reports = reports_due.iter().filter(|&&m| m == mentor).count();
        if mentees.is_empty() && proposals == 0 && reports == 0 {
            continue;
        }
        emails.push(NewEmail::new(
            EmailKind::Digest,
            mentor,
            format!("mentor:{key}"),
            json!({
                "audience": "mentor",
                "period": key,
                "mentees": mentees,
                "proposals": proposals,
                "reports": reports,
            }),
        ));
    }

    // Organizers: the programme by state, what waits for review, mail that failed, and who joined.
    if organizers.is_empty() {
        return Ok(emails);
    }
    let mut by_state: HashMap<&str, usize> = HashMap::new();
    for p in progress.values() {
        *by_state.entry(p.standing.label).or_default() += 1;
    }
    let states: Vec<_> = ProgressState::ALL
        .iter()
        .map(|s| json!({ "label": s.label(), "count": by_state.get(s.label()).copied().unwrap_or(0) }))
        .collect();
    let to_review = progress_reports::Entity::find()
        .filter(progress_reports::Column::State.eq(ReportState::Submitted))
        .count(db)
        .await?;
    let failed = email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(OutboxState::Failed))
        .count(db)
        .await?;
    for &organizer in organizers {
        let Some((key, back)) = period_of(organizer) else {
            continue;
        };
        let joined = users::Entity::find()
            .filter(users::Column::CreatedAt.gt(now - back))
            .count(db)
            .await?;
        emails.push(NewEmail::new(
            EmailKind::Digest,
            organizer,
            format!("organizer:{key}"),
            json!({
                "audience": "organizer",
                "period": key,
                "states": states,
                "to_review": to_review,
                "failed_email": failed,
                "joined": joined,
            }),
        ));
    }
    Ok(emails)
}
