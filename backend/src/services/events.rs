//! Events: every state change of a claim, an offer or a mentorship writes one, in the change's transaction.
//! A person's timeline reads the events on it, newest first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::db::{events, tasks, users};
use crate::domain::events::EventKind;
use crate::services::{ServiceResult, audit};

/// An event about to be written. `person` is the newcomer whose timeline it is on; `other` the mentor, if any.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub kind: EventKind,
    pub actor: Option<i32>,
    pub person: i32,
    pub other: Option<i32>,
    pub task: Option<i32>,
    pub claim: Option<i32>,
    pub mentorship: Option<i32>,
    pub details: serde_json::Value,
}

impl NewEvent {
    pub fn new(kind: EventKind, actor: Option<i32>, person: i32) -> Self {
        NewEvent {
            kind,
            actor,
            person,
            other: None,
            task: None,
            claim: None,
            mentorship: None,
            details: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn other(mut self, other: Option<i32>) -> Self {
        self.other = other;
        self
    }

    pub fn task(mut self, task: i32) -> Self {
        self.task = Some(task);
        self
    }

    pub fn claim(mut self, claim: i32) -> Self {
        self.claim = Some(claim);
        self
    }

    pub fn mentorship(mut self, mentorship: i32) -> Self {
        self.mentorship = Some(mentorship);
        self
    }

    pub fn details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// Write it, in the caller's transaction, with the email it sends (see `services::notifications`).
    pub async fn record(self, db: &impl ConnectionTrait, at: DateTime<Utc>) -> Result<(), DbErr> {
        let row = events::ActiveModel {
            kind: Set(self.kind),
            actor_id: Set(self.actor),
            person_id: Set(self.person),
            other_id: Set(self.other),
            task_id: Set(self.task),
            claim_id: Set(self.claim),
            mentorship_id: Set(self.mentorship),
            details: Set(self.details.to_string()),
            at: Set(at),
            ..Default::default()
        }
        .insert(db)
        .await?;
        crate::services::notifications::for_event(db, &self, row.id, at).await
    }
}

/// Write the change's event and, when a person made it, its audit row.
pub async fn log_change(
    db: &impl ConnectionTrait,
    event: NewEvent,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if let Some(actor) = event.actor {
        let subject = match event.claim {
            Some(id) => format!("claim:{id}"),
            None => format!("user:{}", event.person),
        };
        let mut details = event.details.clone();
        if let (Some(map), Some(task)) = (details.as_object_mut(), event.task) {
            map.insert("task_id".into(), task.into());
        }
        audit::record(db, Some(actor), action, subject, details, now).await?;
    }
    event.record(db, now).await
}

/// An event as a timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    /// The actor's login; None when the service acted by itself.
    pub actor: Option<String>,
    pub sentence: &'static str,
    pub task_slug: Option<String>,
    pub task_title: Option<String>,
    /// The reason, evidence link or message the change carried, when it carried one.
    pub reason: Option<String>,
    pub evidence_url: Option<String>,
    /// The milestone's title, for milestone events.
    pub milestone: Option<String>,
    /// What a check-in said blocked the newcomer.
    pub blockers: Option<String>,
}

/// The events on `person`'s timeline (as the newcomer or as the other party), newest first.
pub async fn timeline(
    db: &impl ConnectionTrait,
    person: i32,
    limit: u64,
) -> ServiceResult<Vec<TimelineEntry>> {
    let theirs = Condition::any()
        .add(events::Column::PersonId.eq(person))
        .add(events::Column::OtherId.eq(person));
    entries_where(db, theirs, limit).await
}

/// The events on `person`'s own timeline (as the newcomer) from `start` up to `end`, oldest first: what a
/// progress report's period held.
pub async fn timeline_between(
    db: &impl ConnectionTrait,
    person: i32,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> ServiceResult<Vec<TimelineEntry>> {
    let within = Condition::all()
        .add(events::Column::PersonId.eq(person))
        .add(events::Column::At.gte(start))
        .add(events::Column::At.lt(end));
    let mut entries = entries_where(db, within, 2000).await?;
    entries.reverse();
    Ok(entries)
}

/// The history of one claim, newest first.
pub async fn claim_history(
    db: &impl ConnectionTrait,
    claim: i32,
) -> ServiceResult<Vec<TimelineEntry>> {
    let of_claim = Condition::all().add(events::Column::ClaimId.eq(claim));
    entries_where(db, of_claim, 200).await
}

async fn entries_where(
    db: &impl ConnectionTrait,
    condition: Condition,
    limit: u64,
) -> ServiceResult<Vec<TimelineEntry>> {
    let rows = events::Entity::find()
        .filter(condition)
        .find_also_related(tasks::Entity)
        .order_by_desc(events::Column::At)
        .order_by_desc(events::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    let actor_ids: Vec<i32> = rows.iter().filter_map(|(e, _)| e.actor_id).collect();
    let logins: std::collections::HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(actor_ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(rows
        .into_iter()
        .map(|(e, task)| {
            let details: serde_json::Value = serde_json::from_str(&e.details).unwrap_or_default();
            let text = |key: &str| details.get(key).and_then(|v| v.as_str()).map(str::to_owned);
            TimelineEntry {
                at: e.at,
                kind: e.kind,
                actor: e.actor_id.and_then(|id| logins.get(&id).cloned()),
                sentence: e.kind.sentence(),
                task_slug: task.as_ref().map(|t| t.slug.clone()),
                task_title: task.map(|t| t.title),
                reason: text("reason").or_else(|| text("message")),
                evidence_url: text("evidence_url"),
                milestone: text("milestone"),
                blockers: text("blockers"),
            }
        })
        .collect())
}
