//! The matching pool as the database holds it: newcomers, mentors and tasks loaded into the plain structs scoring
//! reads, and people and tasks as lists show them. Matching rounds, suggestions and the mentor's desk share it.
//!
//! Loading costs a fixed number of queries whatever the size: one per table (people with their profiles, their
//! areas, their languages, mentor load, declined pairs, tasks, areas, unfinished prerequisites), each filtered by a
//! subquery rather than by a list of ids, so 10,000 newcomers cost what 10 do.

use std::collections::HashMap;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{IntoCondition, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};
use serde::Serialize;

use crate::db::claims::ClaimState;
use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::MentorshipState;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::tasks::{Difficulty, TaskKind, TaskState};
use crate::db::{
    areas, claims, mentor_profiles, mentorships, newcomer_profiles, task_prerequisites, tasks,
    user_areas, user_languages, users,
};
use crate::domain::matching::score::{AreaNames, Experience, Mentor, Newcomer, Task};
use crate::services::{ServiceResult, catalog};

/// A person as lists show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonRef {
    pub id: i32,
    pub login: String,
    /// The name, or the login when no name is given.
    pub name: String,
    /// IANA time zone, when given.
    pub timezone: Option<String>,
}

/// A task as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRef {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub kind: TaskKind,
    pub difficulty: Difficulty,
    /// The area's display name.
    pub area: String,
}

/// The mentors a newcomer can be matched with, with what lists show of them (`people[i]` is `mentors[i]`).
#[derive(Debug, Clone, Default)]
pub struct MentorPool {
    pub mentors: Vec<Mentor>,
    pub people: Vec<PersonRef>,
}

/// The open catalog tasks (blocked ones included, with what they wait for); `refs[i]` is `tasks[i]`.
#[derive(Debug, Clone, Default)]
pub struct TaskPool {
    pub tasks: Vec<Task>,
    pub refs: Vec<TaskRef>,
    /// Title of each unfinished prerequisite by slug (what blocked tasks wait for), open or not.
    pub prerequisite_titles: HashMap<String, String>,
}

/// Which newcomers to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// One newcomer, whatever their status.
    One(i32),
    /// Active newcomers with no proposed or active mentorship: a mentor round's newcomers.
    WithoutMentor,
    /// Active newcomers with no active claim: a task round's newcomers.
    WithoutTask,
}

pub async fn load_area_names(db: &impl ConnectionTrait) -> ServiceResult<AreaNames> {
    let rows: Vec<(i32, String)> = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .column(areas::Column::Name)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Time-zone offsets at `now`, looked up once per distinct zone name.
#[derive(Default)]
struct Offsets(HashMap<String, Option<i32>>);

impl Offsets {
    /// Minutes east of UTC at `now`, daylight saving included; None for a missing or unknown zone.
    fn minutes(&mut self, zone: Option<&str>, now: DateTime<Utc>) -> Option<i32> {
        let zone = zone?;
        if let Some(m) = self.0.get(zone) {
            return *m;
        }
        let m = zone.parse::<Tz>().ok().map(|tz| {
            tz.offset_from_utc_datetime(&now.naive_utc())
                .fix()
                .local_minus_utc()
                / 60
        });
        self.0.insert(zone.to_string(), m);
        m
    }
}

impl PersonRef {
    /// Someone whose user row is gone: still listed, by id.
    pub fn unknown(id: i32) -> PersonRef {
        PersonRef {
            id,
            login: format!("user-{id}"),
            name: format!("user {id}"),
            timezone: None,
        }
    }
}

fn person(id: i32, login: String, name: Option<String>, timezone: Option<String>) -> PersonRef {
    let name = name
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| login.clone());
    PersonRef {
        id,
        login,
        name,
        timezone,
    }
}

/// Interest or expertise area ids of the users `who` selects: `user_id -> ids`, each list sorted.
pub async fn areas_of(
    db: &impl ConnectionTrait,
    who: SelectStatement,
) -> ServiceResult<HashMap<i32, Vec<i32>>> {
    let rows: Vec<(i32, i32)> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::UserId)
        .column(user_areas::Column::AreaId)
        .filter(user_areas::Column::UserId.in_subquery(who))
        .order_by_asc(user_areas::Column::UserId)
        .order_by_asc(user_areas::Column::AreaId)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for (user, area) in rows {
        map.entry(user).or_default().push(area);
    }
    Ok(map)
}

/// Spoken languages of the users `who` selects: `user_id -> codes` (trimmed, lower case), each list sorted.
pub async fn languages_of(
    db: &impl ConnectionTrait,
    who: SelectStatement,
) -> ServiceResult<HashMap<i32, Vec<String>>> {
    let rows: Vec<(i32, String)> = user_languages::Entity::find()
        .select_only()
        .column(user_languages::Column::UserId)
        .column(user_languages::Column::Language)
        .filter(user_languages::Column::UserId.in_subquery(who))
        .order_by_asc(user_languages::Column::UserId)
        .order_by_asc(user_languages::Column::Language)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<String>> = HashMap::new();
    for (user, language) in rows {
        map.entry(user)
            .or_default()
            .push(language.trim().to_ascii_lowercase());
    }
    Ok(map)
}

/// The ids of approved mentors, as a subquery.
fn approved_mentor_ids() -> SelectStatement {
    mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .filter(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
        .into_query()
}

/// Proposed and active mentorships hold a place; this is the filter for them.
fn open_mentorship() -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(mentorships::Column::State.is_in([MentorshipState::Proposed, MentorshipState::Active]))
}

/// Approved mentors, accepting or not and full or not (so that a round can say "every mentor who fits is full"),
/// with their areas, languages, time-zone offset at `now` and load (four queries).
pub async fn load_mentors(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> ServiceResult<MentorPool> {
    type Row = (i32, String, Option<String>, Option<String>, i16, bool);
    let rows: Vec<Row> = mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .column(users::Column::Timezone)
        .column(mentor_profiles::Column::Capacity)
        .column(mentor_profiles::Column::Accepting)
        .join(JoinType::InnerJoin, mentor_profiles::Relation::User.def())
        .filter(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
        .order_by_asc(mentor_profiles::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut areas = areas_of(db, approved_mentor_ids()).await?;
    let mut languages = languages_of(db, approved_mentor_ids()).await?;
    let load: HashMap<i32, i64> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::MentorId)
        .column_as(mentorships::Column::Id.count(), "n")
        .filter(open_mentorship())
        .filter(mentorships::Column::MentorId.in_subquery(approved_mentor_ids()))
        .group_by(mentorships::Column::MentorId)
        .into_tuple::<(i32, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut offsets = Offsets::default();
    let mut pool = MentorPool {
        mentors: Vec::with_capacity(rows.len()),
        people: Vec::with_capacity(rows.len()),
    };
    for (id, login, name, timezone, capacity, accepting) in rows {
        pool.mentors.push(Mentor {
            id,
            areas: areas.remove(&id).unwrap_or_default(),
            languages: languages.remove(&id).unwrap_or_default(),
            utc_offset_minutes: offsets.minutes(timezone.as_deref(), now),
            capacity: capacity.max(0) as u32,
            load: load
                .get(&id)
                .copied()
                .unwrap_or(0)
                .clamp(0, i64::from(u32::MAX)) as u32,
            approved: true,
            accepting,
        });
        pool.people.push(person(id, login, name, timezone));
    }
    Ok(pool)
}

/// Open tasks with their area and the prerequisites they wait for, with those prerequisites' titles (three
/// queries).
pub async fn load_tasks(db: &impl ConnectionTrait) -> ServiceResult<TaskPool> {
    type Row = (i32, String, String, TaskKind, Difficulty, i32, String);
    let rows: Vec<Row> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .column(tasks::Column::Slug)
        .column(tasks::Column::Title)
        .column(tasks::Column::Kind)
        .column(tasks::Column::Difficulty)
        .column(tasks::Column::AreaId)
        .column_as(areas::Column::Name, "area_name")
        .join(JoinType::InnerJoin, tasks::Relation::Areas.def())
        .filter(tasks::Column::State.eq(TaskState::Open))
        .order_by_asc(tasks::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut waits = catalog::unfinished_prerequisites(db).await?;
    let prerequisite_titles = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Slug)
        .column(tasks::Column::Title)
        .filter(tasks::Column::State.ne(TaskState::Done))
        .filter(
            tasks::Column::Id.in_subquery(
                task_prerequisites::Entity::find()
                    .select_only()
                    .column(task_prerequisites::Column::RequiresId)
                    .into_query(),
            ),
        )
        .into_tuple::<(String, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut pool = TaskPool {
        tasks: Vec::with_capacity(rows.len()),
        refs: Vec::with_capacity(rows.len()),
        prerequisite_titles,
    };
    for (id, slug, title, kind, difficulty, area_id, area) in rows {
        pool.tasks.push(Task {
            id,
            area_id,
            difficulty,
            state: TaskState::Open,
            waits_for: waits.remove(&id).unwrap_or_default(),
        });
        pool.refs.push(TaskRef {
            id,
            slug,
            title,
            kind,
            difficulty,
            area,
        });
    }
    Ok(pool)
}

/// The ids of the newcomers `which` names, as a subquery.
fn newcomer_ids(which: Which) -> SelectStatement {
    let query = newcomer_profiles::Entity::find()
        .select_only()
        .column(newcomer_profiles::Column::UserId);
    let query = match which {
        Which::One(id) => query.filter(newcomer_profiles::Column::UserId.eq(id)),
        Which::WithoutMentor => query
            .filter(newcomer_profiles::Column::Status.eq(NewcomerStatus::Active))
            .filter(
                newcomer_profiles::Column::UserId.not_in_subquery(
                    mentorships::Entity::find()
                        .select_only()
                        .column(mentorships::Column::NewcomerId)
                        .filter(open_mentorship())
                        .into_query(),
                ),
            ),
        Which::WithoutTask => query
            .filter(newcomer_profiles::Column::Status.eq(NewcomerStatus::Active))
            .filter(
                newcomer_profiles::Column::UserId.not_in_subquery(
                    claims::Entity::find()
                        .select_only()
                        .column(claims::Column::NewcomerId)
                        .filter(claims::Column::State.eq(ClaimState::Active))
                        .into_query(),
                ),
            ),
    };
    query.into_query()
}

/// Newcomers with their areas, languages, time-zone offset at `now`, experience and the mentors who declined
/// them before (four queries), in id order.
pub async fn load_newcomers(
    db: &impl ConnectionTrait,
    which: Which,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<(Newcomer, PersonRef)>> {
    type Row = (i32, String, Option<String>, Option<String>, i16, i16, i16);
    let rows: Vec<Row> = newcomer_profiles::Entity::find()
        .select_only()
        .column(newcomer_profiles::Column::UserId)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .column(users::Column::Timezone)
        .column(newcomer_profiles::Column::RustExperience)
        .column(newcomer_profiles::Column::CExperience)
        .column(newcomer_profiles::Column::KernelExperience)
        .join(JoinType::InnerJoin, newcomer_profiles::Relation::User.def())
        .filter(newcomer_profiles::Column::UserId.in_subquery(newcomer_ids(which)))
        .order_by_asc(newcomer_profiles::Column::UserId)
        .into_tuple()
        .all(db)
        .await?;
    let mut areas = areas_of(db, newcomer_ids(which)).await?;
    let mut languages = languages_of(db, newcomer_ids(which)).await?;
    let declined_rows: Vec<(i32, i32)> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .column(mentorships::Column::MentorId)
        .filter(mentorships::Column::EndedReason.eq(DECLINED))
        .filter(mentorships::Column::NewcomerId.in_subquery(newcomer_ids(which)))
        .order_by_asc(mentorships::Column::NewcomerId)
        .order_by_asc(mentorships::Column::MentorId)
        .into_tuple()
        .all(db)
        .await?;
    let mut declined: HashMap<i32, Vec<i32>> = HashMap::new();
    for (newcomer, mentor) in declined_rows {
        let list = declined.entry(newcomer).or_default();
        if list.last() != Some(&mentor) {
            list.push(mentor);
        }
    }
    let mut offsets = Offsets::default();
    let clamp = |v: i16| v.clamp(0, 3) as u8;
    Ok(rows
        .into_iter()
        .map(|(id, login, name, timezone, rust, c, kernel)| {
            let newcomer = Newcomer {
                id,
                areas: areas.remove(&id).unwrap_or_default(),
                languages: languages.remove(&id).unwrap_or_default(),
                utc_offset_minutes: offsets.minutes(timezone.as_deref(), now),
                experience: Experience {
                    rust: clamp(rust),
                    c: clamp(c),
                    kernel: clamp(kernel),
                },
                declined_by: declined.remove(&id).unwrap_or_default(),
            };
            (newcomer, person(id, login, name, timezone))
        })
        .collect())
}

/// `mentorships.ended_reason` of a proposal the mentor declined; such a pair is never proposed again.
pub const DECLINED: &str = "declined";

/// People by id, as lists show them, for the users `condition` selects (one query).
pub async fn people_where(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> ServiceResult<HashMap<i32, PersonRef>> {
    let rows: Vec<(i32, String, Option<String>, Option<String>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .column(users::Column::Timezone)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, login, name, timezone)| (id, person(id, login, name, timezone)))
        .collect())
}

/// Tasks by id, as lists show them, for the tasks `condition` selects (one query).
pub async fn task_refs_where(
    db: &impl ConnectionTrait,
    condition: impl IntoCondition,
) -> ServiceResult<HashMap<i32, TaskRef>> {
    type Row = (i32, String, String, TaskKind, Difficulty, String);
    let rows: Vec<Row> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .column(tasks::Column::Slug)
        .column(tasks::Column::Title)
        .column(tasks::Column::Kind)
        .column(tasks::Column::Difficulty)
        .column_as(areas::Column::Name, "area_name")
        .join(JoinType::InnerJoin, tasks::Relation::Areas.def())
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, kind, difficulty, area)| {
            let task = TaskRef {
                id,
                slug,
                title,
                kind,
                difficulty,
                area,
            };
            (id, task)
        })
        .collect())
}
