//! The delivery worker: each instance takes due rows from the outbox a batch at a time, writes each email,
//! sends the batch over a few pooled connections at once, and records every outcome. A failed send is tried
//! again after an exponential back-off (30 s doubling, at most six hours) until its tries run out; a refusal
//! for good fails it at once. Rows whose recipient turned the kind off or snoozed email meanwhile are cancelled.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use sea_orm::{DatabaseConnection, DbErr};
use serde::Serialize;

use super::compose::{Composer, Draft};
use super::outbox::{self, Outcome};
use super::preferences::Choices;
use super::transport::Transport;
use crate::db::email_outbox;
use crate::domain::jobs::backoff;
use crate::shutdown::Stopping;

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct DeliverySettings {
    /// Rows taken at once; also the most that can be sent twice if the instance dies mid-batch.
    pub batch: u64,
    /// Sends in flight at once (and SMTP connections in the pool).
    pub concurrency: usize,
    /// Tries before a row is marked failed.
    pub max_attempts: i32,
    /// How long a taken batch is held: far longer than a batch takes, so a row is taken over only when its
    /// sender died.
    pub lease: Duration,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        DeliverySettings {
            batch: 100,
            concurrency: 8,
            max_attempts: 8,
            lease: Duration::minutes(5),
        }
    }
}

/// Everything the service needs to send mail.
pub struct Mailer {
    pub composer: Composer,
    pub transport: Transport,
    pub settings: DeliverySettings,
}

/// What a run of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Delivered {
    pub sent: u64,
    pub retried: u64,
    pub failed: u64,
    pub cancelled: u64,
}

impl Delivered {
    pub fn total(&self) -> u64 {
        self.sent + self.retried + self.failed + self.cancelled
    }
}

impl Mailer {
    /// Send one batch of what is due at `now`; None when nothing is due.
    pub async fn deliver_batch(
        &self,
        db: &DatabaseConnection,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Delivered>, DbErr> {
        let rows =
            outbox::take_due(db, worker, now, self.settings.lease, self.settings.batch).await?;
        if rows.is_empty() {
            return Ok(None);
        }
        let recipients: Vec<i32> = rows.iter().filter_map(|r| r.recipient_id).collect();
        let choices = Choices::load(db, &recipients, now).await?;
        let outcomes: Vec<(i32, Outcome)> = futures_util::stream::iter(rows)
            .map(|row| {
                let withheld = row
                    .recipient_id
                    .and_then(|user| choices.withholds(user, row.kind));
                async move {
                    let outcome = match withheld {
                        Some(why) => Outcome::Cancelled {
                            reason: why.describe(),
                        },
                        None => self.send(&row, now).await,
                    };
                    (row.id, outcome)
                }
            })
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect()
            .await;
        let mut done = Delivered::default();
        for (_, outcome) in &outcomes {
            match outcome {
                Outcome::Sent { .. } => done.sent += 1,
                Outcome::Retry { .. } => done.retried += 1,
                Outcome::Failed { .. } => done.failed += 1,
                Outcome::Cancelled { .. } => done.cancelled += 1,
            }
        }
        outbox::record(db, worker, outcomes, Utc::now().max(now)).await?;
        Ok(Some(done))
    }

    async fn send(&self, row: &email_outbox::Model, now: DateTime<Utc>) -> Outcome {
        let draft = Draft {
            id: row.id,
            recipient_id: row.recipient_id,
            kind: row.kind,
            dedup_key: &row.dedup_key,
            context: &row.context,
        };
        // A template or an address that cannot be written will not be better on the next try.
        let rendered = match self.composer.render(&draft) {
            Ok(r) => r,
            Err(error) => return Outcome::Failed { error },
        };
        let message = match self.composer.message(&row.recipient_email, &rendered) {
            Ok(m) => m,
            Err(error) => return Outcome::Failed { error },
        };
        match self.transport.send(message).await {
            Ok(()) => Outcome::Sent {
                subject: rendered.subject,
                text: rendered.text,
                html: rendered.html,
                message_id: rendered.message_id,
            },
            Err(e) if e.permanent || row.attempts >= self.settings.max_attempts => {
                Outcome::Failed {
                    error: format!("after {} tries: {}", row.attempts, e.message),
                }
            }
            Err(e) => Outcome::Retry {
                error: e.message,
                at: now + backoff(row.attempts.max(1) as u32),
            },
        }
    }

    /// Send everything due at `now`, batch after batch. Rows put back for a later try are not due again in the
    /// same call (their back-off is at least 30 s).
    pub async fn deliver_due(
        &self,
        db: &DatabaseConnection,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<Delivered, DbErr> {
        self.deliver_due_unless(db, worker, now, &Stopping::never())
            .await
    }

    /// As `deliver_due`, but when the process is stopping, take no batch after the one in hand.
    async fn deliver_due_unless(
        &self,
        db: &DatabaseConnection,
        worker: &str,
        now: DateTime<Utc>,
        stopping: &Stopping,
    ) -> Result<Delivered, DbErr> {
        let mut total = Delivered::default();
        // Each batch's lease starts from the clock as it is then: with the time the call began, a long run of
        // batches would take leases already run out, and another instance would send the same rows. (A test's
        // `now` in the future stays as given.)
        while !stopping.is_set()
            && let Some(done) = self.deliver_batch(db, worker, now.max(Utc::now())).await?
        {
            total.sent += done.sent;
            total.retried += done.retried;
            total.failed += done.failed;
            total.cancelled += done.cancelled;
        }
        Ok(total)
    }

    /// Deliver what is due, every `poll`, until the process stops; a batch in hand is finished first.
    pub async fn run_until(
        self: Arc<Self>,
        db: DatabaseConnection,
        worker: String,
        poll: std::time::Duration,
        mut stopping: Stopping,
    ) {
        let mut tick = tokio::time::interval(poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stopping.wait() => break,
            }
            match self
                .deliver_due_unless(&db, &worker, Utc::now(), &stopping)
                .await
            {
                Ok(done) if done.total() > 0 => tracing::info!(
                    sent = done.sent,
                    retried = done.retried,
                    failed = done.failed,
                    cancelled = done.cancelled,
                    "mail delivered"
                ),
                Ok(_) => {}
                Err(err) => tracing::error!(%err, %worker, "the outbox is unavailable"),
            }
        }
        tracing::info!(%worker, "mail worker stopped");
    }
}
