//! A mentor's queue: newcomers without a mentor who fit this mentor, best first, each with the reasons and the
//! profile a mentor wants to read. The mentor claims one (the mentorship starts at once) or passes, and a newcomer
//! passed on stays out of that mentor's queue for a while.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;

use super::MenteeDetails;
use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::{MentorshipOrigin, MentorshipState};
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::{mentor_passes, mentor_profiles, mentorships, newcomer_profiles};
use crate::domain::events::EventKind;
use crate::domain::matching::score::{Audience, MatchingConfig, Mentor, score_mentor};
use crate::services::events::NewEvent;
use crate::services::pool::{PersonRef, Which, load_area_names, load_mentors, load_newcomers};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, audit};

/// How many newcomers the queue lists at most.
pub const QUEUE_LENGTH: usize = 20;

/// A newcomer in a mentor's queue.
#[derive(Debug, Clone, Serialize)]
pub struct QueueCard {
    pub newcomer: PersonRef,
    pub score: i64,
    /// Why they fit, worded for the mentor.
    pub explanation: Vec<String>,
    pub details: MenteeDetails,
    pub rust: i16,
    pub c: i16,
    pub kernel: i16,
    pub hours_per_week: i16,
    pub goals: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentorQueue {
    pub cards: Vec<QueueCard>,
    pub active: u32,
    pub capacity: u32,
    /// The mentor has no free place: the queue is shown, but claiming waits.
    pub full: bool,
    /// The mentor's application is not approved (or was revoked): no queue at all.
    pub not_approved: bool,
}

/// The mentor's queue at `now`.
pub async fn mentor_queue(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> ServiceResult<MentorQueue> {
    let pool = load_mentors(db, now).await?;
    let active = active_mentees(db, mentor_id).await?;
    let Some(me) = pool.mentors.iter().find(|m| m.id == mentor_id) else {
        return Ok(MentorQueue {
            cards: Vec::new(),
            active,
            capacity: 0,
            full: true,
            not_approved: true,
        });
    };
    let full = active >= me.capacity;
    // The queue ranks as if the mentor had a place: being full says "not now", not "nobody fits".
    let ranking = Mentor {
        load: me.load.min(me.capacity.saturating_sub(1)),
        accepting: true,
        ..me.clone()
    };
    let passed: Vec<i32> = mentor_passes::Entity::find()
        .select_only()
        .column(mentor_passes::Column::NewcomerId)
        .filter(mentor_passes::Column::MentorId.eq(mentor_id))
        .filter(mentor_passes::Column::Until.gt(now))
        .into_tuple()
        .all(db)
        .await?;
    let areas = load_area_names(db).await?;
    let mut fits: Vec<_> = load_newcomers(db, Which::WithoutMentor, now)
        .await?
        .into_iter()
        .filter(|(n, _)| !passed.contains(&n.id))
        .filter_map(|(n, person)| {
            let fit = score_mentor(&n, &ranking, cfg).ok()?;
            let explanation = fit
                .reasons(&areas)
                .iter()
                .map(|r| r.sentence_for(Audience::Others))
                .collect();
            let details = MenteeDetails::from_ids(&n.areas, &n.languages, &areas);
            Some((fit.score(), person, explanation, details))
        })
        .collect();
    fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    fits.truncate(QUEUE_LENGTH);
    let ids: Vec<i32> = fits.iter().map(|f| f.1.id).collect();
    let profiles: HashMap<i32, newcomer_profiles::Model> = newcomer_profiles::Entity::find()
        .filter(newcomer_profiles::Column::UserId.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.user_id, p))
        .collect();
    let cards = fits
        .into_iter()
        .filter_map(|(score, newcomer, explanation, details)| {
            let p = profiles.get(&newcomer.id)?;
            Some(QueueCard {
                score,
                explanation,
                details,
                rust: p.rust_experience,
                c: p.c_experience,
                kernel: p.kernel_experience,
                hours_per_week: p.hours_per_week,
                goals: p.goals.clone(),
                newcomer,
            })
        })
        .collect();
    Ok(MentorQueue {
        cards,
        active,
        capacity: me.capacity,
        full,
        not_approved: false,
    })
}

async fn active_mentees(db: &impl ConnectionTrait, mentor_id: i32) -> ServiceResult<u32> {
    Ok(mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .count(db)
        .await? as u32)
}

/// Inside a write transaction: lock the mentor's profile (concurrent answers and claims for one mentor take turns
/// on PostgreSQL; SQLite's immediate transaction already does) and check that they may take one more mentee.
pub(super) async fn lock_room(
    db: &impl ConnectionTrait,
    mentor_id: i32,
) -> ServiceResult<(u32, u32)> {
    let profile = mentor_profiles::Entity::find_by_id(mentor_id)
        .lock_exclusive()
        .one(db)
        .await?;
    let Some(profile) = profile.filter(|p| p.status == MentorStatus::Approved) else {
        return Err(ServiceError::Conflict(
            "Your mentor application is not approved, so you cannot take mentees.".into(),
        ));
    };
    let capacity = profile.capacity.max(0) as u32;
    let active = active_mentees(db, mentor_id).await?;
    if active >= capacity {
        return Err(ServiceError::Taken(format!(
            "You already mentor {active} newcomer{}, as many as your capacity of {capacity}. \
             End a mentorship or raise your capacity before taking another.",
            if active == 1 { "" } else { "s" }
        )));
    }
    Ok((active, capacity))
}

/// The mentor claims a newcomer from their queue: the mentorship starts at once. Succeeds only while the mentor
/// has a free place and the newcomer has no mentor (or request) yet; of many mentors claiming one newcomer at
/// once, one succeeds and the others are told the newcomer was taken.
pub async fn claim_newcomer(
    db: &DatabaseConnection,
    mentor_id: i32,
    newcomer_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let txn = begin_write(db).await?;
    lock_room(&txn, mentor_id).await?;
    let newcomer = newcomer_profiles::Entity::find_by_id(newcomer_id)
        .one(&txn)
        .await?
        .filter(|p| p.status == NewcomerStatus::Active)
        .ok_or(ServiceError::NotFound)?;
    let row = mentorships::ActiveModel {
        newcomer_id: Set(newcomer.user_id),
        mentor_id: Set(mentor_id),
        state: Set(MentorshipState::Active),
        score: Set(0),
        explanation: Set("[]".into()),
        proposed_at: Set(now),
        accepted_at: Set(Some(now)),
        origin: Set(MentorshipOrigin::Queue),
        ..Default::default()
    };
    let mentorship = insert_open(&txn, row, || {
        ServiceError::Taken(
            "Another mentor took this newcomer a moment ago, or they asked for a mentor themselves. \
             The others in your queue are still waiting."
                .into(),
        )
    })
    .await?;
    started(&txn, &mentorship, mentor_id, "mentorship.claim", now).await?;
    txn.commit().await?;
    Ok(mentorship.id)
}

/// Insert a proposed or active mentorship; when the newcomer already has one open (the partial unique index
/// refuses the row), the error `taken` makes.
pub(super) async fn insert_open(
    db: &impl ConnectionTrait,
    row: mentorships::ActiveModel,
    taken: impl FnOnce() -> ServiceError,
) -> ServiceResult<mentorships::Model> {
    match row.insert(db).await {
        Ok(m) => Ok(m),
        Err(err)
            if matches!(
                err.sql_err(),
                Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
            ) =>
        {
            Err(taken())
        }
        Err(err) => Err(err.into()),
    }
}

/// The event and audit row of a mentorship that just started.
pub(super) async fn started(
    db: &impl ConnectionTrait,
    m: &mentorships::Model,
    actor: i32,
    action: &str,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    NewEvent::new(EventKind::MentorshipStarted, Some(actor), m.newcomer_id)
        .other(Some(m.mentor_id))
        .mentorship(m.id)
        .details(json!({ "origin": m.origin }))
        .record(db, now)
        .await?;
    audit::record(
        db,
        Some(actor),
        action,
        format!("mentorship:{}", m.id),
        json!({ "newcomer_id": m.newcomer_id, "mentor_id": m.mentor_id }),
        now,
    )
    .await
}

/// The mentor passes on a newcomer: they leave this mentor's queue for `days` days.
pub async fn pass_newcomer(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    newcomer_id: i32,
    days: u32,
    now: DateTime<Utc>,
) -> ServiceResult<DateTime<Utc>> {
    newcomer_profiles::Entity::find_by_id(newcomer_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let until = now + Duration::days(i64::from(days));
    mentor_passes::Entity::insert(mentor_passes::ActiveModel {
        mentor_id: Set(mentor_id),
        newcomer_id: Set(newcomer_id),
        until: Set(until),
    })
    .on_conflict(
        OnConflict::columns([
            mentor_passes::Column::MentorId,
            mentor_passes::Column::NewcomerId,
        ])
        .update_column(mentor_passes::Column::Until)
        .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(until)
}
