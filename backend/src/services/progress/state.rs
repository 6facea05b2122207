//! Where newcomers stand, for one newcomer or thousands: the facts `domain::progress::derive` needs, read in a
//! fixed handful of grouped queries whatever the number of people, then derived in memory.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;

use crate::db::mentorships::MentorshipState;
use crate::db::progress_events::MilestoneState;
use crate::db::user_roles::Role;
use crate::db::{
    check_in_replies, check_ins, events, mentorships, milestones, newcomer_profiles,
    progress_events, user_roles, users,
};
use crate::domain::progress::{ProgressPolicy, Standing, StateFacts, derive};
use crate::domain::roles::NewcomerStatus;
use crate::services::ServiceResult;
use crate::services::programme::ProgrammeFilter;

/// Whose progress to read.
#[derive(Debug, Clone)]
pub enum Scope {
    /// These people.
    Only(Vec<i32>),
    /// The active mentees of this mentor.
    MenteesOf(i32),
    /// Everyone with the newcomer role.
    AllNewcomers,
    /// The newcomers a programme filter keeps (cohort, area, mentor).
    Programme(ProgrammeFilter),
}

impl Scope {
    fn ids(&self) -> SelectStatement {
        match self {
            Scope::Only(ids) => Query::select()
                .column(users::Column::Id)
                .from(users::Entity)
                .and_where(users::Column::Id.is_in(ids.iter().copied()))
                .to_owned(),
            Scope::MenteesOf(mentor) => Query::select()
                .column(mentorships::Column::NewcomerId)
                .from(mentorships::Entity)
                .and_where(mentorships::Column::MentorId.eq(*mentor))
                .and_where(mentorships::Column::State.eq(MentorshipState::Active))
                .to_owned(),
            Scope::AllNewcomers => Query::select()
                .column(user_roles::Column::UserId)
                .from(user_roles::Entity)
                .and_where(user_roles::Column::Role.eq(Role::Newcomer))
                .to_owned(),
            Scope::Programme(filter) => filter.newcomer_ids(),
        }
    }
}

/// One newcomer's standing with the counts pages show beside it.
#[derive(Debug, Clone, Serialize)]
pub struct NewcomerProgress {
    pub id: i32,
    pub standing: Standing,
    pub last_activity: DateTime<Utc>,
    /// Check-ins nobody but the newcomer has replied to.
    pub unanswered_check_ins: i64,
    /// Milestones waiting for the mentor to verify or question.
    pub milestones_to_review: i64,
    /// The oldest thing waiting for the mentor.
    pub waiting_since: Option<DateTime<Utc>>,
    pub mentor_id: Option<i32>,
}

impl NewcomerProgress {
    /// What a list that puts the longest-waiting first sorts by.
    pub fn oldest(&self) -> DateTime<Utc> {
        self.waiting_since.unwrap_or(self.last_activity)
    }
}

/// `EXISTS` of this is true for a check-in (in the outer query) that someone other than its newcomer replied to.
pub fn answered_by_someone_else() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(check_in_replies::Entity)
        .and_where(
            Expr::col((
                check_in_replies::Entity,
                check_in_replies::Column::CheckInId,
            ))
            .equals((check_ins::Entity, check_ins::Column::Id)),
        )
        .and_where(
            Expr::col((check_in_replies::Entity, check_in_replies::Column::AuthorId)).ne(
                Expr::col((check_ins::Entity, check_ins::Column::NewcomerId)),
            ),
        )
        .to_owned()
}

/// The progress of everyone in `scope`, by user id.
pub async fn progress_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    policy: &ProgressPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<HashMap<i32, NewcomerProgress>> {
    let who = scope.ids();
    let joined: Vec<(i32, DateTime<Utc>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::CreatedAt)
        .filter(users::Column::Id.in_subquery(who.clone()))
        .into_tuple()
        .all(db)
        .await?;
    let status: HashMap<i32, NewcomerStatus> = newcomer_profiles::Entity::find()
        .select_only()
        .column(newcomer_profiles::Column::UserId)
        .column(newcomer_profiles::Column::Status)
        .filter(newcomer_profiles::Column::UserId.in_subquery(who.clone()))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    // Their own actions only: a mentor's reply or a job expiring a claim is not the newcomer being active.
    let active: HashMap<i32, DateTime<Utc>> = events::Entity::find()
        .select_only()
        .column(events::Column::PersonId)
        .column_as(events::Column::At.max(), "last")
        .filter(events::Column::PersonId.in_subquery(who.clone()))
        .filter(Expr::col(events::Column::ActorId).equals(events::Column::PersonId))
        .group_by(events::Column::PersonId)
        .into_tuple::<(i32, Option<DateTime<Utc>>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, at)| Some((id, at?)))
        .collect();
    let to_review = waiting(
        progress_events::Entity::find()
            .select_only()
            .column(progress_events::Column::NewcomerId)
            .column_as(progress_events::Column::UpdatedAt.min(), "since")
            .column_as(progress_events::Column::Id.count(), "n")
            .filter(progress_events::Column::NewcomerId.in_subquery(who.clone()))
            .filter(progress_events::Column::State.eq(MilestoneState::Pending))
            .group_by(progress_events::Column::NewcomerId)
            .into_tuple()
            .all(db)
            .await?,
    );
    let answered = answered_by_someone_else();
    let unanswered = waiting(
        check_ins::Entity::find()
            .select_only()
            .column(check_ins::Column::NewcomerId)
            .column_as(check_ins::Column::CreatedAt.min(), "since")
            .column_as(check_ins::Column::Id.count(), "n")
            .filter(check_ins::Column::NewcomerId.in_subquery(who.clone()))
            .filter(Expr::exists(answered).not())
            .group_by(check_ins::Column::NewcomerId)
            .into_tuple()
            .all(db)
            .await?,
    );
    let latest_check_ins = check_ins::Entity::find()
        .select_only()
        .column_as(check_ins::Column::Id.max(), "id")
        .filter(check_ins::Column::NewcomerId.in_subquery(who.clone()))
        .group_by(check_ins::Column::NewcomerId)
        .into_query();
    let blocked: HashMap<i32, (String, DateTime<Utc>)> = check_ins::Entity::find()
        .select_only()
        .column(check_ins::Column::NewcomerId)
        .column(check_ins::Column::Blockers)
        .column(check_ins::Column::CreatedAt)
        .filter(check_ins::Column::Id.in_subquery(latest_check_ins))
        .filter(check_ins::Column::Blockers.is_not_null())
        .into_tuple::<(i32, Option<String>, DateTime<Utc>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, on, at)| Some((id, (on.filter(|s| !s.trim().is_empty())?, at))))
        .collect();
    let merged_milestone = milestones::Entity::find()
        .select_only()
        .column(milestones::Column::Id)
        .filter(milestones::Column::Slug.eq(crate::domain::catalog::MERGED_MILESTONE))
        .into_query();
    let merged: HashSet<i32> = progress_events::Entity::find()
        .select_only()
        .column(progress_events::Column::NewcomerId)
        .filter(progress_events::Column::NewcomerId.in_subquery(who.clone()))
        .filter(progress_events::Column::State.eq(MilestoneState::Verified))
        .filter(progress_events::Column::MilestoneId.in_subquery(merged_milestone))
        .into_tuple::<i32>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mentors: HashMap<i32, i32> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .column(mentorships::Column::MentorId)
        .filter(mentorships::Column::NewcomerId.in_subquery(who))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();

    Ok(joined
        .into_iter()
        .map(|(id, joined_at)| {
            let last_activity = Ord::max(active.get(&id).copied().unwrap_or(joined_at), joined_at);
            let review = to_review.get(&id).copied();
            let reply = unanswered.get(&id).copied();
            let waiting_since = [review, reply]
                .into_iter()
                .flatten()
                .map(|(at, _)| at)
                .min();
            let facts = StateFacts {
                status: status.get(&id).copied().unwrap_or(NewcomerStatus::Active),
                merged: merged.contains(&id),
                has_mentor: mentors.contains_key(&id),
                last_activity,
                waiting_since,
                blocked_on: blocked.get(&id).cloned(),
            };
            let progress = NewcomerProgress {
                id,
                standing: derive(&facts, policy, now),
                last_activity,
                unanswered_check_ins: reply.map_or(0, |(_, n)| n),
                milestones_to_review: review.map_or(0, |(_, n)| n),
                waiting_since,
                mentor_id: mentors.get(&id).copied(),
            };
            (id, progress)
        })
        .collect())
}

/// Per newcomer: since when something waits, and how many things.
fn waiting(rows: Vec<(i32, Option<DateTime<Utc>>, i64)>) -> HashMap<i32, (DateTime<Utc>, i64)> {
    rows.into_iter()
        .filter_map(|(id, since, n)| Some((id, (since?, n))))
        .collect()
}
