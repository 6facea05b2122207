//! The job queue's table: putting work on it (in the caller's transaction, so a job exists exactly when the
//! change that wants it was committed), taking the next due job, and recording how it went. The worker that runs
//! jobs is `crate::jobs`.
//!
//! Taking a job is safe when several instances share the database: on PostgreSQL the due row is selected
//! `FOR UPDATE SKIP LOCKED`, so two workers never take the same row and neither waits for the other; on SQLite
//! the whole take is one immediate transaction, which holds the write lock from its first statement.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::db::jobs::{self, JobState};
use crate::domain::jobs::backoff;
use crate::services::transaction::begin_write;

/// How many times a job is tried before it is marked failed, unless its kind says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 8;

/// A job to put on the queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    /// A job for one thing (claim 7's expiry) is queued once: a second one with the same key is not added.
    pub dedup_key: Option<String>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: impl Serialize, run_at: DateTime<Utc>) -> Self {
        NewJob {
            kind,
            payload: serde_json::to_value(payload).unwrap_or_default(),
            run_at,
            dedup_key: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }

    pub fn once_for(mut self, key: String) -> Self {
        self.dedup_key = Some(key);
        self
    }

    pub fn max_attempts(mut self, n: i32) -> Self {
        self.max_attempts = n.max(1);
        self
    }
}

/// Queue `job`, in the caller's transaction. Returns false when a job with its dedup key already exists.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    job: NewJob,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let row = jobs::ActiveModel {
        kind: Set(job.kind.to_owned()),
        payload: Set(job.payload.to_string()),
        dedup_key: Set(job.dedup_key),
        state: Set(JobState::Pending),
        run_at: Set(job.run_at),
        attempts: Set(0),
        max_attempts: Set(job.max_attempts),
        created_at: Set(now),
        ..Default::default()
    };
    let inserted = jobs::Entity::insert(row)
        .on_conflict_do_nothing_on([jobs::Column::DedupKey])
        .exec(db)
        .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

/// Queue the recurring job `kind` for the start of the hour after `now`, once per hour however many instances
/// (or passes) ask: the hour is its dedup key.
pub async fn enqueue_next_hour(
    db: &impl ConnectionTrait,
    kind: &'static str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use chrono::DurationRound;
    let hour = now.duration_trunc(Duration::hours(1)).unwrap_or(now) + Duration::hours(1);
    let job = NewJob::new(kind, serde_json::json!({}), hour)
        .once_for(format!("{kind}:{}", hour.timestamp()));
    enqueue(db, job, now).await?;
    Ok(())
}

/// A job taken by a worker: it holds the lease until `locked_until`.
#[derive(Debug, Clone)]
pub struct TakenJob {
    pub id: i32,
    pub kind: String,
    pub payload: serde_json::Value,
    /// This try's number, from 1.
    pub attempt: i32,
    pub max_attempts: i32,
}

/// Take the earliest due job for `worker`, leasing it for `lease`. A job whose lease ran out (its worker died)
/// is due again.
pub async fn take(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
) -> Result<Option<TakenJob>, DbErr> {
    let txn = begin_write(db).await?;
    let due = jobs::Entity::find()
        .filter(jobs::Column::State.eq(JobState::Pending))
        .filter(jobs::Column::RunAt.lte(now))
        .filter(
            Condition::any()
                .add(jobs::Column::LockedUntil.is_null())
                .add(jobs::Column::LockedUntil.lte(now)),
        )
        .order_by_asc(jobs::Column::RunAt)
        .order_by_asc(jobs::Column::Id)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .one(&txn)
        .await?;
    let Some(job) = due else {
        txn.commit().await?;
        return Ok(None);
    };
    let attempt = job.attempts + 1;
    jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedBy, Expr::val(worker))
        .col_expr(jobs::Column::LockedUntil, Expr::val(now + lease))
        .col_expr(jobs::Column::Attempts, Expr::val(attempt))
        .filter(jobs::Column::Id.eq(job.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(Some(TakenJob {
        id: job.id,
        kind: job.kind,
        payload: serde_json::from_str(&job.payload).unwrap_or_default(),
        attempt,
        max_attempts: job.max_attempts,
    }))
}

/// How a job's run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Nothing to do yet (the claim's expiry moved): run again at this time, without counting a failure.
    RunAgainAt(DateTime<Utc>),
    Failed(String),
}

/// Record how `worker`'s run of `job` ended. Only the lease holder may: a worker whose lease ran out and was
/// taken over changes nothing (returns false).
pub async fn finish(
    db: &impl ConnectionTrait,
    job: &TakenJob,
    worker: &str,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut update = jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedBy, Expr::val(Option::<String>::None))
        .col_expr(
            jobs::Column::LockedUntil,
            Expr::val(Option::<DateTime<Utc>>::None),
        );
    update = match outcome {
        Outcome::Done => update
            .col_expr(jobs::Column::State, Expr::val(JobState::Done.as_str()))
            .col_expr(jobs::Column::FinishedAt, Expr::val(now)),
        Outcome::RunAgainAt(at) => update
            .col_expr(jobs::Column::RunAt, Expr::val(*at))
            // Waiting is not failing: the try is given back.
            .col_expr(jobs::Column::Attempts, Expr::val(job.attempt - 1)),
        Outcome::Failed(err) if job.attempt >= job.max_attempts => update
            .col_expr(jobs::Column::State, Expr::val(JobState::Failed.as_str()))
            .col_expr(jobs::Column::LastError, Expr::val(err.as_str()))
            .col_expr(jobs::Column::FinishedAt, Expr::val(now)),
        Outcome::Failed(err) => update
            .col_expr(jobs::Column::LastError, Expr::val(err.as_str()))
            .col_expr(
                jobs::Column::RunAt,
                Expr::val(now + backoff(job.attempt.max(1) as u32)),
            ),
    };
    let res = update
        .filter(jobs::Column::Id.eq(job.id))
        .filter(jobs::Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Counts of the queue's jobs by state, for the organizers' overview and for tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueCounts {
    pub pending: u64,
    pub done: u64,
    pub failed: u64,
}

pub async fn counts(db: &impl ConnectionTrait) -> Result<QueueCounts, DbErr> {
    let rows: Vec<(JobState, i64)> = jobs::Entity::find()
        .select_only()
        .column(jobs::Column::State)
        .column_as(jobs::Column::Id.count(), "n")
        .group_by(jobs::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut c = QueueCounts::default();
    for (state, n) in rows {
        let n = n.max(0) as u64;
        match state {
            JobState::Pending => c.pending = n,
            JobState::Done => c.done = n,
            JobState::Failed => c.failed = n,
        }
    }
    Ok(c)
}
