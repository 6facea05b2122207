//! The outbox as people see it: the organizers' searchable, paginated list with its states and errors, retrying
//! a failed email, the record of what was sent to one person, and one email shown whole.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Serialize;
use serde_json::json;

use crate::db::email_outbox::{self, OutboxState};
use crate::domain::email::EmailKind;
use crate::domain::paging::{PageQuery, Window};
use crate::mail;
use crate::services::search::contains_any;
use crate::services::{ServiceError, ServiceResult, audit};

/// Which emails to list; empty lists everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxFilter {
    /// Found in the address, the subject or the error, whatever the case.
    pub q: String,
    pub state: Option<OutboxState>,
    pub kind: Option<EmailKind>,
    pub recipient: Option<i32>,
}

/// One email in a list.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxRow {
    pub id: i32,
    pub recipient_id: Option<i32>,
    pub recipient_email: String,
    pub kind: EmailKind,
    pub kind_label: &'static str,
    /// Empty until it is sent (the subject is written then).
    pub subject: String,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<email_outbox::Model> for OutboxRow {
    fn from(m: email_outbox::Model) -> Self {
        OutboxRow {
            id: m.id,
            recipient_id: m.recipient_id,
            recipient_email: m.recipient_email,
            kind: m.kind,
            kind_label: m.kind.label(),
            subject: m.subject,
            state: m.state,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

/// How many emails stand in each state.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct OutboxCounts {
    pub pending: u64,
    pub sent: u64,
    pub failed: u64,
    pub cancelled: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxPage {
    pub emails: Vec<OutboxRow>,
    pub window: Window,
    pub counts: OutboxCounts,
}

fn matching(filter: &OutboxFilter) -> Select<email_outbox::Entity> {
    let mut q = email_outbox::Entity::find();
    if let Some(text) = contains_any(
        &filter.q,
        [
            (email_outbox::Entity, email_outbox::Column::RecipientEmail),
            (email_outbox::Entity, email_outbox::Column::Subject),
            (email_outbox::Entity, email_outbox::Column::LastError),
        ],
    ) {
        q = q.filter(text);
    }
    if let Some(state) = filter.state {
        q = q.filter(email_outbox::Column::State.eq(state));
    }
    if let Some(kind) = filter.kind {
        q = q.filter(email_outbox::Column::Kind.eq(kind));
    }
    if let Some(user) = filter.recipient {
        q = q.filter(email_outbox::Column::RecipientId.eq(user));
    }
    q
}

/// A page of the emails `filter` finds, newest first, with the counts by state of the whole outbox.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &OutboxFilter,
    paging: PageQuery,
) -> ServiceResult<OutboxPage> {
    let window = paging.within(matching(filter).count(db).await?);
    let emails = matching(filter)
        .order_by_desc(email_outbox::Column::CreatedAt)
        .order_by_desc(email_outbox::Column::Id)
        .offset(window.offset())
        .limit(window.limit())
        .all(db)
        .await?
        .into_iter()
        .map(OutboxRow::from)
        .collect();
    let counts = counts(db).await?;
    Ok(OutboxPage {
        emails,
        window,
        counts,
    })
}

/// How many emails stand in each state, over the whole outbox.
pub async fn counts(db: &impl ConnectionTrait) -> ServiceResult<OutboxCounts> {
    let by_state: Vec<(OutboxState, i64)> = email_outbox::Entity::find()
        .select_only()
        .column(email_outbox::Column::State)
        .column_as(email_outbox::Column::Id.count(), "n")
        .group_by(email_outbox::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = OutboxCounts::default();
    for (state, n) in by_state {
        let n = n.max(0) as u64;
        match state {
            OutboxState::Pending => counts.pending = n,
            OutboxState::Sent => counts.sent = n,
            OutboxState::Failed => counts.failed = n,
            OutboxState::Cancelled => counts.cancelled = n,
        }
    }
    Ok(counts)
}

/// Every email queued for `user`, newest first (at most `limit`).
pub async fn sent_to(
    db: &impl ConnectionTrait,
    user: i32,
    limit: u64,
) -> ServiceResult<Vec<OutboxRow>> {
    Ok(email_outbox::Entity::find()
        .filter(email_outbox::Column::RecipientId.eq(user))
        .order_by_desc(email_outbox::Column::CreatedAt)
        .order_by_desc(email_outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(OutboxRow::from)
        .collect())
}

/// One email, whole.
pub async fn email(db: &impl ConnectionTrait, id: i32) -> ServiceResult<email_outbox::Model> {
    email_outbox::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// An organizer puts a failed email back on the outbox.
pub async fn retry(
    db: &impl ConnectionTrait,
    organizer: i32,
    id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let row = email(db, id).await?;
    if !mail::outbox::retry(db, id, now).await? {
        return Err(ServiceError::Conflict(format!(
            "This email is {}, not failed: there is nothing to retry.",
            row.state
        )));
    }
    audit::record(
        db,
        Some(organizer),
        "email.retry",
        format!("email:{id}"),
        json!({ "kind": row.kind, "last_error": row.last_error }),
        now,
    )
    .await?;
    Ok(())
}
