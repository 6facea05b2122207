//! The newcomers export: who they are, where they stand (the state `services::progress` derives, with its
//! reason), their mentor, what waits, and the state of their record on each milestone of the ladder.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::{Page, Record, Sheet, logins, rfc3339, time};
use crate::db::claims::ClaimState;
use crate::db::progress_events::MilestoneState;
use crate::db::{claims, milestones, newcomer_profiles, progress_events, tasks, users};
use crate::domain::calendar::Cohort;
use crate::domain::progress::{ProgressPolicy, ProgressState};
use crate::domain::roles::NewcomerStatus;
use crate::services::ServiceResult;
use crate::services::programme::ProgrammeFilter;
use crate::services::progress::{NewcomerProgress, Scope, progress_of};

/// The columns before the milestones.
const LEADING: [&str; 14] = [
    "id",
    "github_login",
    "name",
    "email",
    "signed_up",
    "cohort",
    "status",
    "state",
    "state_reason",
    "last_activity",
    "mentor_login",
    "unanswered_check_ins",
    "milestones_to_review",
    "milestones_verified",
];

pub struct NewcomerSheet {
    filter: ProgrammeFilter,
    /// Where everyone the filter keeps stands, derived once for all of them: a fixed handful of grouped queries
    /// and a few megabytes at 10,000 newcomers, several times faster on PostgreSQL than the same per page.
    progress: HashMap<i32, NewcomerProgress>,
    /// The milestones' slugs in ladder order, and each milestone's place in it by id.
    ladder: Arc<[String]>,
    place: HashMap<i32, usize>,
}

impl NewcomerSheet {
    pub async fn new(
        db: &DatabaseConnection,
        filter: ProgrammeFilter,
        policy: ProgressPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<NewcomerSheet> {
        let steps: Vec<(i32, String)> = milestones::Entity::find()
            .select_only()
            .column(milestones::Column::Id)
            .column(milestones::Column::Slug)
            .order_by_asc(milestones::Column::Position)
            .into_tuple()
            .all(db)
            .await?;
        let place = steps
            .iter()
            .enumerate()
            .map(|(n, (id, _))| (*id, n))
            .collect();
        let progress = progress_of(db, &Scope::Programme(filter.clone()), &policy, now).await?;
        Ok(NewcomerSheet {
            filter,
            progress,
            ladder: steps.into_iter().map(|(_, slug)| slug).collect(),
            place,
        })
    }
}

#[derive(Debug, Serialize)]
pub struct NewcomerRow {
    pub id: i32,
    pub github_login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub signed_up: DateTime<Utc>,
    pub cohort: Cohort,
    /// The profile's status; None for a newcomer who has not written a profile.
    pub status: Option<NewcomerStatus>,
    pub state: ProgressState,
    pub state_reason: String,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub last_activity: DateTime<Utc>,
    pub mentor_login: Option<String>,
    pub unanswered_check_ins: i64,
    pub milestones_to_review: i64,
    pub milestones_verified: i64,
    pub milestones: Ladder,
    /// The slug of the task of their active claim.
    pub current_task: Option<String>,
}

/// A newcomer's record on each milestone, in ladder order; a JSON object from slug to state (`null`: none).
#[derive(Debug)]
pub struct Ladder {
    slugs: Arc<[String]>,
    states: Vec<Option<MilestoneState>>,
}

impl Serialize for Ladder {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.slugs.len()))?;
        for (slug, state) in self.slugs.iter().zip(&self.states) {
            map.serialize_entry(slug, state)?;
        }
        map.end()
    }
}

impl Record for NewcomerRow {
    fn cells(&self) -> Vec<String> {
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut cells = vec![
            self.id.to_string(),
            self.github_login.clone(),
            text(&self.name),
            text(&self.email),
            time(self.signed_up),
            self.cohort.to_string(),
            self.status.map(|s| s.as_str()).unwrap_or_default().into(),
            self.state.as_str().into(),
            self.state_reason.clone(),
            time(self.last_activity),
            text(&self.mentor_login),
            self.unanswered_check_ins.to_string(),
            self.milestones_to_review.to_string(),
            self.milestones_verified.to_string(),
        ];
        cells.extend(
            self.milestones
                .states
                .iter()
                .map(|s| s.map(|s| s.as_str()).unwrap_or_default().to_string()),
        );
        cells.push(text(&self.current_task));
        cells
    }
}

type Person = (i32, String, Option<String>, Option<String>, DateTime<Utc>);

impl Sheet for NewcomerSheet {
    type Row = NewcomerRow;

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = LEADING.iter().map(|c| c.to_string()).collect();
        header.extend(self.ladder.iter().cloned());
        header.push("current_task".into());
        header
    }

    async fn page(
        &self,
        db: &DatabaseConnection,
        after: i32,
        limit: u64,
    ) -> ServiceResult<Page<NewcomerRow>> {
        let people: Vec<Person> = users::Entity::find()
            .select_only()
            .columns([
                users::Column::Id,
                users::Column::GithubLogin,
                users::Column::Name,
                users::Column::Email,
                users::Column::CreatedAt,
            ])
            .filter(users::Column::Id.in_subquery(self.filter.newcomer_ids()))
            .filter(users::Column::Id.gt(after))
            .order_by_asc(users::Column::Id)
            .limit(limit)
            .into_tuple()
            .all(db)
            .await?;
        let read = people.len() as u64;
        let last = people.last().map(|p| p.0);
        if people.is_empty() {
            return Ok(Page::of(Vec::new()));
        }
        let ids: Vec<i32> = people.iter().map(|p| p.0).collect();
        let status: HashMap<i32, NewcomerStatus> = newcomer_profiles::Entity::find()
            .select_only()
            .column(newcomer_profiles::Column::UserId)
            .column(newcomer_profiles::Column::Status)
            .filter(newcomer_profiles::Column::UserId.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let records: Vec<(i32, i32, MilestoneState)> = progress_events::Entity::find()
            .select_only()
            .column(progress_events::Column::NewcomerId)
            .column(progress_events::Column::MilestoneId)
            .column(progress_events::Column::State)
            .filter(progress_events::Column::NewcomerId.is_in(ids.clone()))
            .into_tuple()
            .all(db)
            .await?;
        let mut ladders: HashMap<i32, Vec<Option<MilestoneState>>> = HashMap::new();
        for (newcomer, milestone, state) in records {
            if let Some(&n) = self.place.get(&milestone) {
                ladders
                    .entry(newcomer)
                    .or_insert_with(|| vec![None; self.ladder.len()])[n] = Some(state);
            }
        }
        let tasks: HashMap<i32, String> = claims::Entity::find()
            .select_only()
            .column(claims::Column::NewcomerId)
            .column(tasks::Column::Slug)
            .inner_join(tasks::Entity)
            .filter(claims::Column::NewcomerId.is_in(ids.clone()))
            .filter(claims::Column::State.eq(ClaimState::Active))
            .into_tuple()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mentors = logins(
            db,
            ids.iter().filter_map(|id| self.progress.get(id)?.mentor_id),
        )
        .await?;

        let rows = people
            .into_iter()
            .filter_map(|(id, github_login, name, email, signed_up)| {
                // Someone who joined the filter after the export began has no state: left out, not shown half.
                let p = self.progress.get(&id)?.clone();
                let states = ladders
                    .remove(&id)
                    .unwrap_or_else(|| vec![None; self.ladder.len()]);
                let verified = states
                    .iter()
                    .filter(|s| **s == Some(MilestoneState::Verified))
                    .count() as i64;
                let row = NewcomerRow {
                    id,
                    github_login,
                    name,
                    email,
                    signed_up,
                    cohort: Cohort::of(signed_up),
                    status: status.get(&id).copied(),
                    state: p.standing.state,
                    state_reason: p.standing.reason,
                    last_activity: p.last_activity,
                    mentor_login: p.mentor_id.and_then(|m| mentors.get(&m).cloned()),
                    unanswered_check_ins: p.unanswered_check_ins,
                    milestones_to_review: p.milestones_to_review,
                    milestones_verified: verified,
                    milestones: Ladder {
                        slugs: self.ladder.clone(),
                        states,
                    },
                    current_task: tasks.get(&id).cloned(),
                };
                Some(row)
            })
            .collect();
        Ok(Page { rows, read, last })
    }
}
