//! Sending a draft round: a mentor round's proposals become `proposed` mentorships; the database's partial unique
//! index settles any race with a mentor assigned meanwhile.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use super::{INSERT_CHUNK, audit};
use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::mentorships::MentorshipState;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::{
    matching_rounds, mentor_profiles, mentorships, newcomer_profiles, round_proposals, users,
};
use crate::domain::roles::MentorStatus;
use crate::services::pool::{PersonRef, people_where};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

/// What sending a round did.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    pub round_id: i32,
    pub kind: RoundKind,
    /// Mentorships proposed (mentor rounds), or tasks offered (task rounds).
    pub proposed: usize,
    /// Placed newcomers who did not get their proposal, and why.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub newcomer: PersonRef,
    pub reason: SkipReason,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// They got a mentor between the round's creation and its sending.
    AlreadyHasMentor,
    /// They paused, graduated or withdrew meanwhile.
    NoLongerActive,
    /// Their mentor was revoked (or declined) after the round was made.
    MentorUnavailable,
    /// They claimed a task after the round was made (task rounds).
    AlreadyHasTask,
    /// Their task was claimed, done or retired after the round was made (task rounds).
    TaskTaken,
}

impl SkipReason {
    pub fn sentence(&self) -> &'static str {
        match self {
            SkipReason::AlreadyHasMentor => "got a mentor after the round was made",
            SkipReason::NoLongerActive => "is no longer active",
            SkipReason::MentorUnavailable => "their mentor is no longer an approved mentor",
            SkipReason::AlreadyHasTask => "claimed a task after the round was made",
            SkipReason::TaskTaken => "their task was taken or closed after the round was made",
        }
    }
}

/// Send a draft round. A mentor round becomes `proposed` mentorships (a newcomer who got a mentor meanwhile, or
/// is no longer active, is skipped and reported); a task round becomes offers (see `offers`). A round
/// is sent once: sending it again, or a cancelled one, is a Conflict.
pub async fn send_round(
    db: &DatabaseConnection,
    round_id: i32,
    organizer_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<SendReport> {
    let txn = begin_write(db).await?;
    let round = matching_rounds::Entity::find_by_id(round_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // The state changes only if it is still a draft: of two organizers sending at once, one wins.
    let claimed = matching_rounds::Entity::update_many()
        .col_expr(
            matching_rounds::Column::State,
            Expr::val(RoundState::Sent.as_str()),
        )
        .col_expr(matching_rounds::Column::SentAt, Expr::val(now))
        .filter(matching_rounds::Column::Id.eq(round_id))
        .filter(matching_rounds::Column::State.eq(RoundState::Draft))
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Err(ServiceError::Conflict(match round.state {
            RoundState::Cancelled => "This round was cancelled, so it cannot be sent.".into(),
            _ => "This round has already been sent.".into(),
        }));
    }

    let (proposed, skipped) = match round.kind {
        RoundKind::Tasks => super::offers::make_offers(&txn, round_id, now).await?,
        RoundKind::Mentors => propose_mentorships(&txn, round_id, now).await?,
    };
    audit(
        &txn,
        organizer_id,
        "round.send",
        format!("round:{round_id}"),
        serde_json::json!({
            "kind": round.kind,
            "proposed": proposed,
            "skipped": skipped.len(),
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(SendReport {
        round_id,
        kind: round.kind,
        proposed,
        skipped,
    })
}

/// Sending a mentor round: each placed newcomer's pair becomes a `proposed` mentorship, unless the newcomer is
/// no longer active, got a mentor meanwhile, or their mentor is no longer approved.
async fn propose_mentorships(
    txn: &DatabaseTransaction,
    round_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<(usize, Vec<Skipped>)> {
    let mut skipped = Vec::new();
    let placed = round_proposals::Entity::find()
        .filter(round_proposals::Column::RoundId.eq(round_id))
        .filter(round_proposals::Column::MentorId.is_not_null())
        .order_by_asc(round_proposals::Column::Id)
        .all(txn)
        .await?;
    let in_round = || super::in_round(round_id, round_proposals::Column::NewcomerId);
    let active = still_active(txn, in_round()).await?;
    // Mentors still approved. The shared row locks make a revocation running meanwhile wait for this
    // transaction on PostgreSQL, so its withdrawal of waiting proposals then sees the ones made here (on
    // SQLite the immediate transaction already serialises the two).
    let mentors_in_round = super::in_round(round_id, round_proposals::Column::MentorId);
    let approved: HashSet<i32> = mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .filter(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
        .filter(mentor_profiles::Column::UserId.in_subquery(mentors_in_round))
        .lock_shared()
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let mut batch = Vec::with_capacity(INSERT_CHUNK);
    for p in placed.iter().filter(|p| active.contains(&p.newcomer_id)) {
        let Some(mentor_id) = p.mentor_id.filter(|m| approved.contains(m)) else {
            continue;
        };
        batch.push(mentorships::ActiveModel {
            newcomer_id: Set(p.newcomer_id),
            mentor_id: Set(mentor_id),
            state: Set(MentorshipState::Proposed),
            score: Set(p.score),
            explanation: Set(p.explanation.clone()),
            round_id: Set(Some(round_id)),
            proposed_at: Set(now),
            accepted_at: Set(None),
            ended_at: Set(None),
            ended_reason: Set(None),
            ..Default::default()
        });
        if batch.len() == INSERT_CHUNK {
            insert_mentorships(txn, std::mem::take(&mut batch)).await?;
        }
    }
    insert_mentorships(txn, batch).await?;
    // Whoever already had an open mentorship was left out by the unique index; find out who.
    let made: HashSet<i32> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .filter(mentorships::Column::RoundId.eq(round_id))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect();
    let proposed = made.len();
    let people = people_where(
        txn,
        Condition::all().add(users::Column::Id.in_subquery(in_round())),
    )
    .await?;
    for p in placed.iter().filter(|p| !made.contains(&p.newcomer_id)) {
        let reason = if !active.contains(&p.newcomer_id) {
            SkipReason::NoLongerActive
        } else if !p.mentor_id.is_some_and(|m| approved.contains(&m)) {
            SkipReason::MentorUnavailable
        } else {
            SkipReason::AlreadyHasMentor
        };
        let newcomer = people
            .get(&p.newcomer_id)
            .cloned()
            .unwrap_or_else(|| PersonRef::unknown(p.newcomer_id));
        skipped.push(Skipped {
            newcomer,
            reason,
            text: reason.sentence().to_string(),
        });
    }
    Ok((proposed, skipped))
}

/// Which of the newcomers `who` selects are still active (not paused, graduated or withdrawn).
pub(super) async fn still_active(
    txn: &DatabaseTransaction,
    who: sea_orm::sea_query::SelectStatement,
) -> Result<HashSet<i32>, DbErr> {
    Ok(newcomer_profiles::Entity::find()
        .select_only()
        .column(newcomer_profiles::Column::UserId)
        .filter(newcomer_profiles::Column::Status.eq(NewcomerStatus::Active))
        .filter(newcomer_profiles::Column::UserId.in_subquery(who))
        .into_tuple::<i32>()
        .all(txn)
        .await?
        .into_iter()
        .collect())
}

/// Inserts proposals; a row that would give a newcomer a second open mentorship is dropped by the database
/// (`mentorships_one_open_per_newcomer`) instead of failing the batch. DO NOTHING rather than catching the
/// error, because on PostgreSQL a failed statement aborts the whole transaction.
async fn insert_mentorships(
    txn: &DatabaseTransaction,
    batch: Vec<mentorships::ActiveModel>,
) -> Result<(), DbErr> {
    if !batch.is_empty() {
        mentorships::Entity::insert_many(batch)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
