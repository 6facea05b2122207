//! The outbox table: putting email on it (in the caller's transaction, so an email exists exactly when the change
//! that caused it was committed), taking due rows to send, and recording how each send went.
//!
//! A dedup key names the email's recipient, kind and what it is about ("claim 7's expiry", "the third reminder
//! of this quiet spell"); it is unique, so the same nudge is never queued twice, however many passes or
//! instances ask. Taking rows is safe when several instances share the database, as with the job queue: on
//! PostgreSQL the due rows are selected `FOR UPDATE SKIP LOCKED`, on SQLite in one immediate transaction, and
//! each taken row carries a lease naming its sender. Only the lease holder records the outcome.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::preferences::{CHUNK, Choices, Withheld};
use crate::database::begin_write;
use crate::db::email_outbox::{self, OutboxState};
use crate::db::users;
use crate::domain::email::EmailKind;
use crate::domain::nudges::Daytime;

/// An email about to be queued. What it says is rendered from `context` when it is sent.
#[derive(Debug, Clone, Serialize)]
pub struct NewEmail {
    pub recipient_id: i32,
    pub kind: EmailKind,
    pub dedup_key: String,
    pub context: serde_json::Value,
}

impl NewEmail {
    /// `about` names what the email is for, and for a repeated nudge which one of the series it is
    /// ("claim:7", "report:3:overdue:2"); with the kind and the recipient it makes the dedup key.
    pub fn new(
        kind: EmailKind,
        recipient_id: i32,
        about: impl std::fmt::Display,
        context: serde_json::Value,
    ) -> NewEmail {
        NewEmail {
            recipient_id,
            kind,
            dedup_key: format!("{kind}:{recipient_id}:{about}"),
            context,
        }
    }
}

/// What queueing an email would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Queue it, to be sent at `send_at` (the recipient's daytime for a nudge).
    Send {
        address: String,
        name: String,
        send_at: DateTime<Utc>,
    },
    /// The same email was queued before.
    AlreadyQueued,
    Withheld(Withheld),
}

/// Decide, for each email, whether it would be queued: three or four queries per 500 emails, however many.
pub async fn decide(
    db: &impl ConnectionTrait,
    emails: &[NewEmail],
    now: DateTime<Utc>,
) -> Result<Vec<Decision>, DbErr> {
    let mut decisions = Vec::with_capacity(emails.len());
    for chunk in emails.chunks(CHUNK) {
        let ids: Vec<i32> = chunk
            .iter()
            .map(|e| e.recipient_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let people: HashMap<i32, users::Model> = users::Entity::find()
            .filter(users::Column::Id.is_in(ids.iter().copied()))
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let choices = Choices::load(db, &ids, now).await?;
        let queued: HashSet<String> = email_outbox::Entity::find()
            .select_only()
            .column(email_outbox::Column::DedupKey)
            .filter(email_outbox::Column::DedupKey.is_in(chunk.iter().map(|e| e.dedup_key.clone())))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for email in chunk {
            let person = people.get(&email.recipient_id);
            let address = person
                .and_then(|p| p.email.as_deref())
                .map(str::trim)
                .filter(|a| !a.is_empty());
            decisions.push(if queued.contains(&email.dedup_key) {
                Decision::AlreadyQueued
            } else if let Some(why) = choices.withholds(email.recipient_id, email.kind) {
                Decision::Withheld(why)
            } else if let (Some(person), Some(address)) = (person, address) {
                let send_at = if email.kind.waits_for_daytime() {
                    Daytime::default().next(now, person.timezone.as_deref())
                } else {
                    now
                };
                Decision::Send {
                    address: address.to_string(),
                    name: person
                        .name
                        .clone()
                        .unwrap_or_else(|| person.github_login.clone()),
                    send_at,
                }
            } else {
                Decision::Withheld(Withheld::NoAddress)
            });
        }
    }
    Ok(decisions)
}

/// What a call to [`enqueue`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    pub queued: u64,
    pub already_queued: u64,
    pub withheld: u64,
}

impl std::ops::AddAssign for Enqueued {
    fn add_assign(&mut self, o: Enqueued) {
        self.queued += o.queued;
        self.already_queued += o.already_queued;
        self.withheld += o.withheld;
    }
}

/// Queue `emails`, in the caller's transaction. An email whose dedup key is already on the outbox is not queued
/// again (also when another transaction queues it at the same moment: the insert skips the conflicting row).
pub async fn enqueue(
    db: &impl ConnectionTrait,
    emails: Vec<NewEmail>,
    now: DateTime<Utc>,
) -> Result<Enqueued, DbErr> {
    let decisions = decide(db, &emails, now).await?;
    let mut done = Enqueued::default();
    let mut rows = Vec::new();
    for (email, decision) in emails.into_iter().zip(decisions) {
        match decision {
            Decision::Send {
                address,
                name,
                send_at,
            } => {
                let mut context = email.context;
                if let Some(map) = context.as_object_mut() {
                    map.insert("recipient_name".into(), name.into());
                }
                rows.push(email_outbox::ActiveModel {
                    recipient_id: Set(Some(email.recipient_id)),
                    recipient_email: Set(address),
                    kind: Set(email.kind),
                    dedup_key: Set(email.dedup_key),
                    subject: Set(String::new()),
                    body_text: Set(String::new()),
                    body_html: Set(String::new()),
                    state: Set(OutboxState::Pending),
                    attempts: Set(0),
                    next_attempt_at: Set(send_at),
                    created_at: Set(now),
                    context: Set(context.to_string()),
                    ..Default::default()
                });
            }
            Decision::AlreadyQueued => done.already_queued += 1,
            Decision::Withheld(_) => done.withheld += 1,
        }
    }
    // Rows of one insert share the statement's bound values; 100 rows of 12 columns stays far under the limits.
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(100).collect();
        let n = batch.len() as u64;
        let inserted = email_outbox::Entity::insert_many(batch)
            .on_conflict(
                OnConflict::column(email_outbox::Column::DedupKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
        done.queued += inserted;
        done.already_queued += n - inserted;
    }
    Ok(done)
}

/// Take up to `limit` due rows for `worker`, leasing them for `lease`. A row whose lease ran out (its sender
/// died mid-batch) is due again: that is the at-least-once window, at most one batch per dead sender.
pub async fn take_due(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<email_outbox::Model>, DbErr> {
    let txn = begin_write(db).await?;
    let ids: Vec<i32> = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::Id)
        .filter(email_outbox::Column::State.eq(OutboxState::Pending))
        .filter(email_outbox::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(email_outbox::Column::LockedUntil.is_null())
                .add(email_outbox::Column::LockedUntil.lte(now)),
        )
        .order_by_asc(email_outbox::Column::NextAttemptAt)
        .order_by_asc(email_outbox::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_tuple()
        .all(&txn)
        .await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    email_outbox::Entity::update_many()
        .col_expr(email_outbox::Column::LockedBy, Expr::val(worker))
        .col_expr(email_outbox::Column::LockedUntil, Expr::val(now + lease))
        .col_expr(
            email_outbox::Column::Attempts,
            Expr::col(email_outbox::Column::Attempts).add(1),
        )
        .filter(email_outbox::Column::Id.is_in(ids.iter().copied()))
        .exec(&txn)
        .await?;
    let rows = email_outbox::Entity::find()
        .filter(email_outbox::Column::Id.is_in(ids))
        .order_by_asc(email_outbox::Column::Id)
        .all(&txn)
        .await?;
    txn.commit().await?;
    Ok(rows)
}

/// How one send went.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent {
        subject: String,
        text: String,
        html: String,
        message_id: String,
    },
    /// Failed for now: try again at `at`.
    Retry { error: String, at: DateTime<Utc> },
    /// Failed for good (tried too often, or refused for good by the server).
    Failed { error: String },
    /// Not sent, and will not be.
    Cancelled { reason: String },
}

/// Record the outcomes of `worker`'s batch, in one transaction. A row whose lease was taken over is left to its
/// new holder. Returns how many rows were recorded.
pub async fn record(
    db: &DatabaseConnection,
    worker: &str,
    outcomes: Vec<(i32, Outcome)>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = begin_write(db).await?;
    let mut recorded = 0;
    for (id, outcome) in outcomes {
        let update = email_outbox::Entity::update_many().col_expr(
            email_outbox::Column::LockedUntil,
            Expr::val(Option::<DateTime<Utc>>::None),
        );
        // A sent row keeps its sender's name (which instance sent it); any other is free for the next taker.
        let update = match &outcome {
            Outcome::Sent { .. } => update,
            _ => update.col_expr(
                email_outbox::Column::LockedBy,
                Expr::val(Option::<String>::None),
            ),
        };
        let update = match outcome {
            Outcome::Sent {
                subject,
                text,
                html,
                message_id,
            } => update
                .col_expr(
                    email_outbox::Column::State,
                    Expr::val(OutboxState::Sent.as_str()),
                )
                .col_expr(email_outbox::Column::SentAt, Expr::val(now))
                .col_expr(email_outbox::Column::Subject, Expr::val(subject))
                .col_expr(email_outbox::Column::BodyText, Expr::val(text))
                .col_expr(email_outbox::Column::BodyHtml, Expr::val(html))
                .col_expr(email_outbox::Column::MessageId, Expr::val(message_id))
                .col_expr(
                    email_outbox::Column::LastError,
                    Expr::val(Option::<String>::None),
                ),
            Outcome::Retry { error, at } => update
                .col_expr(email_outbox::Column::LastError, Expr::val(error))
                .col_expr(email_outbox::Column::NextAttemptAt, Expr::val(at)),
            Outcome::Failed { error } => update
                .col_expr(
                    email_outbox::Column::State,
                    Expr::val(OutboxState::Failed.as_str()),
                )
                .col_expr(email_outbox::Column::LastError, Expr::val(error)),
            Outcome::Cancelled { reason } => update
                .col_expr(
                    email_outbox::Column::State,
                    Expr::val(OutboxState::Cancelled.as_str()),
                )
                .col_expr(email_outbox::Column::LastError, Expr::val(reason)),
        };
        recorded += update
            .filter(email_outbox::Column::Id.eq(id))
            .filter(email_outbox::Column::LockedBy.eq(worker))
            .exec(&txn)
            .await?
            .rows_affected;
    }
    txn.commit().await?;
    Ok(recorded)
}

/// Put a failed email back on the outbox, due now, with its tries counted from zero. False if it was not
/// failed (already retried, or sent meanwhile).
pub async fn retry(db: &impl ConnectionTrait, id: i32, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let res = email_outbox::Entity::update_many()
        .col_expr(
            email_outbox::Column::State,
            Expr::val(OutboxState::Pending.as_str()),
        )
        .col_expr(email_outbox::Column::Attempts, Expr::val(0))
        .col_expr(email_outbox::Column::NextAttemptAt, Expr::val(now))
        .filter(email_outbox::Column::Id.eq(id))
        .filter(email_outbox::Column::State.eq(OutboxState::Failed))
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}
