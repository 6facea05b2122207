//! The newcomer's side of mentorship: their mentor, or the request or proposal waiting, and the last one ended.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use crate::db::users;
use crate::services::ServiceResult;
use crate::services::pool::{PersonRef, people_where};

#[derive(Debug, Clone, Serialize)]
pub struct MyMentorship {
    pub id: i32,
    pub mentor: PersonRef,
    pub state: MentorshipState,
    pub origin: MentorshipOrigin,
    pub since: DateTime<Utc>,
    /// The mentor's answer to a request, when they wrote one.
    pub response_message: Option<String>,
    pub ended_reason: Option<String>,
}

/// The newcomer's open mentorship (active, or waiting for the mentor's answer), and the one that ended last.
pub async fn mentorship_of_newcomer(
    db: &impl ConnectionTrait,
    newcomer: i32,
) -> ServiceResult<(Option<MyMentorship>, Option<MyMentorship>)> {
    let rows = mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(newcomer))
        .order_by_desc(mentorships::Column::ProposedAt)
        .order_by_desc(mentorships::Column::Id)
        .all(db)
        .await?;
    let open = rows.iter().find(|m| m.state != MentorshipState::Ended);
    let ended = rows.iter().find(|m| m.state == MentorshipState::Ended);
    let ids: Vec<i32> = open
        .iter()
        .chain(ended.iter())
        .map(|m| m.mentor_id)
        .collect();
    let people = people_where(db, Condition::all().add(users::Column::Id.is_in(ids))).await?;
    let view = |m: &mentorships::Model| MyMentorship {
        id: m.id,
        mentor: people
            .get(&m.mentor_id)
            .cloned()
            .unwrap_or_else(|| PersonRef::unknown(m.mentor_id)),
        state: m.state,
        origin: m.origin,
        since: m.ended_at.or(m.accepted_at).unwrap_or(m.proposed_at),
        response_message: m.response_message.clone(),
        ended_reason: m.ended_reason.clone(),
    };
    Ok((open.map(view), ended.map(view)))
}

/// A mentorship as the organizers' list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MentorshipRow {
    pub id: i32,
    pub newcomer: PersonRef,
    pub mentor: PersonRef,
    pub state: MentorshipState,
    pub origin: MentorshipOrigin,
    pub since: DateTime<Utc>,
}

/// Every open mentorship (active, or waiting for the mentor's answer), longest-running first (two queries).
pub async fn open_mentorships(db: &impl ConnectionTrait) -> ServiceResult<Vec<MentorshipRow>> {
    let rows = mentorships::Entity::find()
        .filter(mentorships::Column::State.ne(MentorshipState::Ended))
        .order_by_asc(mentorships::Column::ProposedAt)
        .order_by_asc(mentorships::Column::Id)
        .all(db)
        .await?;
    let ids: Vec<i32> = rows
        .iter()
        .flat_map(|m| [m.newcomer_id, m.mentor_id])
        .collect();
    let people = people_where(db, Condition::all().add(users::Column::Id.is_in(ids))).await?;
    let person = |id: i32| {
        people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| PersonRef::unknown(id))
    };
    Ok(rows
        .iter()
        .map(|m| MentorshipRow {
            id: m.id,
            newcomer: person(m.newcomer_id),
            mentor: person(m.mentor_id),
            state: m.state,
            origin: m.origin,
            since: m.accepted_at.unwrap_or(m.proposed_at),
        })
        .collect())
}
