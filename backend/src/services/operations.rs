//! The figures an operator watches, read at each scrape of `/metrics`: how much work waits in the job queue and
//! the outbox, and how late the oldest of it is.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::db::email_outbox::{self, OutboxState};
use crate::db::jobs::{self, JobState};
use crate::services::ServiceResult;
use crate::services::outbox::OutboxCounts;
use crate::services::queue::{self, QueueCounts};

/// The work waiting, at one moment.
#[derive(Debug, Clone, Copy)]
pub struct Backlog {
    pub jobs: QueueCounts,
    /// Pending jobs whose time has come.
    pub jobs_due: u64,
    /// How long the oldest due job has waited past its time, in seconds (0 when none is due).
    pub job_lag_secs: f64,
    pub outbox: OutboxCounts,
    /// Pending emails whose time (the recipient's daytime, or the next try) has come.
    pub outbox_due: u64,
    pub outbox_lag_secs: f64,
}

pub async fn backlog(db: &impl ConnectionTrait, now: DateTime<Utc>) -> ServiceResult<Backlog> {
    let (jobs_due, oldest_job): (i64, Option<DateTime<Utc>>) = jobs::Entity::find()
        .select_only()
        .column_as(jobs::Column::Id.count(), "n")
        .column_as(jobs::Column::RunAt.min(), "oldest")
        .filter(jobs::Column::State.eq(JobState::Pending))
        .filter(jobs::Column::RunAt.lte(now))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    let (outbox_due, oldest_mail): (i64, Option<DateTime<Utc>>) = email_outbox::Entity::find()
        .select_only()
        .column_as(email_outbox::Column::Id.count(), "n")
        .column_as(email_outbox::Column::NextAttemptAt.min(), "oldest")
        .filter(email_outbox::Column::State.eq(OutboxState::Pending))
        .filter(email_outbox::Column::NextAttemptAt.lte(now))
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    let lag = |oldest: Option<DateTime<Utc>>| {
        oldest.map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0)
    };
    Ok(Backlog {
        jobs: queue::counts(db).await?,
        jobs_due: jobs_due.max(0) as u64,
        job_lag_secs: lag(oldest_job),
        outbox: crate::services::outbox::counts(db).await?,
        outbox_due: outbox_due.max(0) as u64,
        outbox_lag_secs: lag(oldest_mail),
    })
}
