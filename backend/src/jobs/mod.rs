//! Background work: a worker takes due jobs from the queue (`services::queue`) and runs each with the handler
//! its kind names. Several workers, in one process or in several instances sharing the database, never run the
//! same job at once. Handlers call services, as handlers of requests do.

mod kinds;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, DbErr};

pub use kinds::standard;

use crate::services::queue::{self, Outcome, TakenJob};
use crate::shutdown::Stopping;

/// What a handler is given.
#[derive(Clone)]
pub struct JobContext {
    pub db: DatabaseConnection,
    pub payload: serde_json::Value,
    /// The worker's clock for this run (tests pass a time in the future to see expiry happen).
    pub now: DateTime<Utc>,
}

type BoxedHandler =
    Arc<dyn Fn(JobContext) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

/// The handlers, by job kind.
#[derive(Default, Clone)]
pub struct Registry {
    handlers: HashMap<&'static str, BoxedHandler>,
}

impl Registry {
    pub fn on<F, Fut>(mut self, kind: &'static str, handler: F) -> Self
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        self.handlers
            .insert(kind, Arc::new(move |ctx| Box::pin(handler(ctx))));
        self
    }
}

/// How long a worker holds a job it took: long past any handler's run, so a job is taken again only when its
/// worker has died.
pub const LEASE: Duration = Duration::minutes(10);

/// One worker. `name` tells whose lease a job is under (host and process, plus a number).
#[derive(Clone)]
pub struct Worker {
    db: DatabaseConnection,
    registry: Arc<Registry>,
    name: String,
}

impl Worker {
    pub fn new(db: DatabaseConnection, registry: Registry, name: impl Into<String>) -> Self {
        Worker {
            db,
            registry: Arc::new(registry),
            name: name.into(),
        }
    }

    /// Take and run one due job; None when none is due.
    pub async fn run_one(&self, now: DateTime<Utc>) -> Result<Option<(TakenJob, Outcome)>, DbErr> {
        let Some(job) = queue::take(&self.db, &self.name, now, LEASE).await? else {
            return Ok(None);
        };
        let outcome = match self.registry.handlers.get(job.kind.as_str()) {
            Some(handler) => {
                handler(JobContext {
                    db: self.db.clone(),
                    payload: job.payload.clone(),
                    now,
                })
                .await
            }
            None => Outcome::Failed(format!("no handler for job kind {:?}", job.kind)),
        };
        if let Outcome::Failed(err) = &outcome {
            tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempt, %err, "job failed");
        }
        if !queue::finish(&self.db, &job, &self.name, &outcome, Utc::now().max(now)).await? {
            tracing::warn!(
                job = job.id,
                "job's lease was taken over before it finished"
            );
        }
        Ok(Some((job, outcome)))
    }

    /// Run every job due at `now`; returns how many runs there were. A job rescheduled to a time that is still
    /// due is not run again in the same call.
    pub async fn run_due(&self, now: DateTime<Utc>) -> Result<usize, DbErr> {
        self.run_due_unless(now, &Stopping::never()).await
    }

    /// As `run_due`, but when the process is stopping, take no job after the one in hand.
    async fn run_due_unless(
        &self,
        now: DateTime<Utc>,
        stopping: &Stopping,
    ) -> Result<usize, DbErr> {
        let mut runs = 0;
        let mut seen = std::collections::HashSet::new();
        while !stopping.is_set()
            && let Some((job, outcome)) = self.run_one(now).await?
        {
            runs += 1;
            let again = !matches!(outcome, Outcome::Done);
            if again && !seen.insert(job.id) {
                break;
            }
        }
        Ok(runs)
    }

    /// Poll for due jobs until the process stops; a job in hand is finished first.
    pub async fn run_until(self, poll: std::time::Duration, mut stopping: Stopping) {
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.wait() => break,
            }
            if let Err(err) = self.run_due_unless(Utc::now(), &stopping).await {
                tracing::error!(%err, worker = %self.name, "job queue unavailable");
            }
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }
}
