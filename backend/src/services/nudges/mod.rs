//! The scheduled nudges: an hourly pass on the job queue looks at the whole programme, works out which
//! reminders are due (each rule in `rules`, the digests in `digest`), and queues them on the outbox. A nudge's
//! dedup key names its episode and its place in the back-off series (`domain::nudges`), so a pass that runs
//! twice, or on two instances, queues nothing twice. The same plan, rendered instead of queued, is the
//! organizers' preview and `onramp nudge --dry-run`.

mod digest;
mod rules;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::db::user_roles::{self, Role};
use crate::db::users;
use crate::domain::email::EmailKind;
use crate::domain::nudges::NudgePolicy;
use crate::domain::progress::ProgressPolicy;
use crate::mail::{self, Decision, Enqueued, NewEmail};
use crate::services::ServiceResult;
use crate::services::progress::{Scope, progress_of};
use crate::services::queue;

/// The job kind of the hourly pass.
pub const NUDGES_JOB: &str = "nudges.pass";

/// The thresholds a pass works with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policies {
    pub nudges: NudgePolicy,
    pub progress: ProgressPolicy,
}

/// Queue the pass for the hour after `now` (once per hour, however many instances ask).
pub async fn schedule_next_pass(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    queue::enqueue_next_hour(db, NUDGES_JOB, now).await
}

/// Every nudge due at `now`, before anyone's settings or the outbox are asked.
pub async fn plan(
    db: &impl ConnectionTrait,
    policies: &Policies,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<NewEmail>> {
    let organizers = with_role(db, Role::Organizer).await?;
    // Everyone's standing, read once for the quiet rule and the digests.
    let everyone = progress_of(db, &Scope::AllNewcomers, &policies.progress, now).await?;
    let mut emails = rules::profile_unfinished(db, &policies.nudges, now).await?;
    emails.extend(rules::quiet(db, &policies.nudges, &everyone, &organizers, now).await?);
    emails.extend(rules::waiting_for_mentor(db, &policies.nudges, now).await?);
    emails.extend(rules::check_ins_unanswered(db, &policies.nudges, now).await?);
    emails.extend(rules::reports(db, &policies.nudges, &organizers, now).await?);
    emails.extend(digest::digests(db, &everyone, &organizers, now).await?);
    Ok(emails)
}

/// Run the pass: queue every nudge due at `now`.
pub async fn run_pass(
    db: &impl ConnectionTrait,
    policies: &Policies,
    now: DateTime<Utc>,
) -> ServiceResult<Enqueued> {
    let emails = plan(db, policies, now).await?;
    Ok(mail::enqueue(db, emails, now).await?)
}

/// A nudge the next pass would queue, or why it would not.
#[derive(Debug, Clone, Serialize)]
pub struct Planned {
    pub email: NewEmail,
    pub decision: Decision,
}

/// What a pass at `now` would do, email by email, without queueing anything.
pub async fn preview(
    db: &impl ConnectionTrait,
    policies: &Policies,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<Planned>> {
    let emails = plan(db, policies, now).await?;
    let decisions = mail::outbox::decide(db, &emails, now).await?;
    Ok(emails
        .into_iter()
        .zip(decisions)
        .map(|(email, decision)| Planned { email, decision })
        .collect())
}

/// The ids of everyone holding `role`.
async fn with_role(db: &impl ConnectionTrait, role: Role) -> Result<Vec<i32>, DbErr> {
    user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.eq(role))
        .into_tuple()
        .all(db)
        .await
}

/// People who take part as newcomers only: everyone starts with the newcomer role, and mentors and organizers
/// keep it, but are not nudged as newcomers.
async fn only_newcomers(db: &impl ConnectionTrait) -> Result<HashSet<i32>, DbErr> {
    let others: HashSet<i32> = user_roles::Entity::find()
        .select_only()
        .column(user_roles::Column::UserId)
        .filter(user_roles::Column::Role.is_in([Role::Mentor, Role::Organizer]))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(with_role(db, Role::Newcomer)
        .await?
        .into_iter()
        .filter(|id| !others.contains(id))
        .collect())
}

/// How emails name people: their name, else their GitHub login.
/// (The ids come as a Vec: an iterator borrowing rows would be held across the await.)
async fn names(db: &impl ConnectionTrait, ids: Vec<i32>) -> Result<HashMap<i32, String>, DbErr> {
    let ids: Vec<i32> = ids
        .into_iter()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(mail::preferences::CHUNK) {
        let rows: Vec<(i32, Option<String>, String)> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::Name)
            .column(users::Column::GithubLogin)
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        out.extend(
            rows.into_iter()
                .map(|(id, name, login)| (id, name.unwrap_or(login))),
        );
    }
    Ok(out)
}

/// The kinds a person of these roles can receive, for their settings page.
pub fn kinds_for(roles: &[Role]) -> Vec<EmailKind> {
    let has = |r| roles.contains(&r);
    let newcomer = has(Role::Newcomer) && !has(Role::Mentor) && !has(Role::Organizer);
    EmailKind::ALL
        .iter()
        .copied()
        .filter(|k| match k {
            EmailKind::Welcome => true,
            EmailKind::ProfileUnfinished | EmailKind::Stalled => newcomer,
            EmailKind::ClaimExpiring | EmailKind::TaskConfirmed => has(Role::Newcomer),
            EmailKind::Matched | EmailKind::ClaimEnded => true,
            EmailKind::MenteeStalled
            | EmailKind::WaitingForMentor
            | EmailKind::CheckInUnanswered
            | EmailKind::ReportDue
            | EmailKind::ReportOverdue
            | EmailKind::TaskCompleted => has(Role::Mentor),
            EmailKind::NewcomerStalled | EmailKind::ReportsToReview => has(Role::Organizer),
            EmailKind::Digest => has(Role::Mentor) || has(Role::Organizer),
        })
        .collect()
}
