//! The email a change sends at once: every event that someone should hear about queues its email in the event's
//! own transaction (`NewEvent::record` calls [`for_event`]), and a new account queues its welcome. The dedup key
//! names the event, so an event is mailed once to each person it concerns.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::db::{tasks, users};
use crate::domain::email::EmailKind;
use crate::domain::events::EventKind;
use crate::mail::{self, NewEmail};
use crate::services::events::NewEvent;

/// Who hears about this event, and in which kind of email.
fn audience(event: &NewEvent) -> Vec<(Recipient, EmailKind)> {
    use Recipient::{Mentor, Newcomer};
    let by_newcomer = event.actor == Some(event.person);
    let by_mentor = event.actor.is_some() && event.actor == event.other;
    match event.kind {
        EventKind::Expiring => vec![(Newcomer, EmailKind::ClaimExpiring)],
        EventKind::Expired | EventKind::ForceReleased => {
            vec![
                (Newcomer, EmailKind::ClaimEnded),
                (Mentor, EmailKind::ClaimEnded),
            ]
        }
        EventKind::Released => vec![(Mentor, EmailKind::ClaimEnded)],
        EventKind::Completed => vec![(Mentor, EmailKind::TaskCompleted)],
        EventKind::Confirmed if !by_newcomer => vec![(Newcomer, EmailKind::TaskConfirmed)],
        EventKind::MentorshipStarted if by_mentor => vec![(Newcomer, EmailKind::Matched)],
        // An organizer paired them: the mentor did not choose this and hears of it too.
        EventKind::MentorshipStarted => {
            vec![(Newcomer, EmailKind::Matched), (Mentor, EmailKind::Matched)]
        }
        EventKind::OfferMade => vec![(Newcomer, EmailKind::Matched)],
        _ => Vec::new(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Recipient {
    Newcomer,
    Mentor,
}

/// Queue the email `event` (just written as `event_id`) sends, in the caller's transaction.
pub async fn for_event(
    db: &impl ConnectionTrait,
    event: &NewEvent,
    event_id: i32,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let audience = audience(event);
    if audience.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = [Some(event.person), event.other, event.actor]
        .into_iter()
        .flatten()
        .collect();
    let names: HashMap<i32, String> = users::Entity::find()
        .filter(users::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name.unwrap_or(u.github_login)))
        .collect();
    let task = match event.task {
        Some(id) => tasks::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let name = |id: Option<i32>| id.and_then(|i| names.get(&i).cloned());
    let context = json!({
        "event": event.kind,
        "newcomer_name": name(Some(event.person)),
        "newcomer_id": event.person,
        "mentor_name": name(event.other),
        "actor_name": name(event.actor),
        "by_newcomer": event.actor == Some(event.person),
        "task_title": task.as_ref().map(|t| t.title.clone()),
        "task_path": task.as_ref().map(|t| format!("/tasks/{}", t.slug)),
        "claim_path": event.claim.map(|c| format!("/claims/{c}")),
        "details": event.details,
    });
    let emails = audience
        .into_iter()
        .filter_map(|(to, kind)| {
            let recipient = match to {
                Recipient::Newcomer => Some(event.person),
                Recipient::Mentor => event.other,
            }?;
            let mut ctx = context.clone();
            if let Value::Object(map) = &mut ctx {
                map.insert("to_mentor".into(), (to == Recipient::Mentor).into());
            }
            Some(NewEmail::new(
                kind,
                recipient,
                format!("event:{event_id}"),
                ctx,
            ))
        })
        .collect();
    mail::enqueue(db, emails, now).await?;
    Ok(())
}

/// Queue the welcome of a new account, in the transaction that made it.
pub async fn welcome(
    db: &impl ConnectionTrait,
    user_id: i32,
    login: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let email = NewEmail::new(
        EmailKind::Welcome,
        user_id,
        "account",
        json!({ "login": login }),
    );
    mail::enqueue(db, vec![email], now).await?;
    Ok(())
}
