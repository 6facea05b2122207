//! Instant suggestions for one newcomer (best mentors, best tasks, blocked tasks they would like), and the loading
//! of the matching pool that matching rounds share.
//!
//! Loading costs a fixed number of queries whatever the size: one per table (people with their profiles, their
//! areas, their languages, mentor load, declined pairs, tasks, areas, unfinished prerequisites), each filtered by a
//! subquery rather than by a list of ids, so 10,000 newcomers cost what 10 do.

use std::collections::HashMap;

use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait,
};
use serde::Serialize;

use crate::db::claims::ClaimState;
use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::MentorshipState;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::tasks::{Difficulty, TaskKind, TaskState};
use crate::db::{
    areas, claims, mentor_profiles, mentorships, newcomer_profiles, tasks, user_areas,
    user_languages, users,
};
use crate::domain::matching::score::{
    AreaNames, Experience, MatchingConfig, Mentor, Newcomer, Reason, Task, Unplaced,
};
use crate::domain::matching::suggest;
use crate::services::catalog;

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
}

/// Everything suggestions are drawn from, loaded once; see [`load_pool`].
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub mentors: MentorPool,
    pub tasks: TaskPool,
    pub areas: AreaNames,
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

/// Suggestions for one newcomer, ready for a page.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestions {
    pub newcomer_id: i32,
    /// Best first.
    pub mentors: Vec<MentorSuggestion>,
    /// Best first; never a blocked task.
    pub tasks: Vec<TaskSuggestion>,
    /// Blocked tasks in the newcomer's interest areas that would otherwise fit, with what they wait for.
    pub blocked: Vec<BlockedTask>,
    /// Why there is no mentor to suggest, when `mentors` is empty.
    pub no_mentor: Option<Why>,
    /// Why there is no task to suggest, when `tasks` is empty.
    pub no_task: Option<Why>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentorSuggestion {
    pub mentor: PersonRef,
    pub score: i64,
    pub reasons: Vec<Reason>,
    /// The reasons as short sentences, in the same order.
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskSuggestion {
    pub task: TaskRef,
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockedTask {
    pub task: TaskRef,
    /// Slugs of the prerequisites that are not done.
    pub waits_for: Vec<String>,
    /// "waits for spi-binding, gpio-binding".
    pub waiting: String,
    /// The score it would have once unblocked.
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub explanation: Vec<String>,
}

/// A structured reason with its sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Why {
    pub reason: Unplaced,
    pub text: String,
}

impl From<Unplaced> for Why {
    fn from(reason: Unplaced) -> Self {
        Why {
            text: reason.sentence(),
            reason,
        }
    }
}

/// Suggestions for the newcomer `newcomer_id`; None when they have no newcomer profile.
pub async fn suggestions_for(
    db: &impl ConnectionTrait,
    newcomer_id: i32,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> Result<Option<Suggestions>, DbErr> {
    let Some((newcomer, _)) = load_newcomers(db, Which::One(newcomer_id), now)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let pool = load_pool(db, now).await?;
    Ok(Some(suggest_from_pool(&pool, &newcomer, cfg)))
}

/// Suggestions from a pool already loaded: no I/O, for pages that load the pool once and for benchmarks.
pub fn suggest_from_pool(pool: &Pool, newcomer: &Newcomer, cfg: &MatchingConfig) -> Suggestions {
    let picks = suggest::suggest(
        newcomer,
        &pool.mentors.mentors,
        &pool.tasks.tasks,
        &pool.areas,
        cfg,
    );
    let sentences = |r: &[Reason]| r.iter().map(Reason::sentence).collect::<Vec<_>>();
    Suggestions {
        newcomer_id: newcomer.id,
        mentors: picks
            .mentors
            .into_iter()
            .map(|p| MentorSuggestion {
                mentor: pool.mentors.people[p.index].clone(),
                score: p.score,
                explanation: sentences(&p.reasons),
                reasons: p.reasons,
            })
            .collect(),
        tasks: picks
            .tasks
            .into_iter()
            .map(|p| TaskSuggestion {
                task: pool.tasks.refs[p.index].clone(),
                score: p.score,
                explanation: sentences(&p.reasons),
                reasons: p.reasons,
            })
            .collect(),
        blocked: picks
            .blocked
            .into_iter()
            .map(|p| BlockedTask {
                task: pool.tasks.refs[p.index].clone(),
                waiting: format!("waits for {}", p.waits_for.join(", ")),
                waits_for: p.waits_for,
                score: p.score,
                explanation: sentences(&p.reasons),
                reasons: p.reasons,
            })
            .collect(),
        no_mentor: picks.no_mentor.map(Why::from),
        no_task: picks.no_task.map(Why::from),
    }
}

/// Approved mentors, open tasks and area names (seven queries).
pub async fn load_pool(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Pool, DbErr> {
    Ok(Pool {
        mentors: load_mentors(db, now).await?,
        tasks: load_tasks(db).await?,
        areas: load_area_names(db).await?,
    })
}

pub async fn load_area_names(db: &impl ConnectionTrait) -> Result<AreaNames, DbErr> {
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

/// `user_id -> values`, each list sorted.
async fn areas_of(
    db: &impl ConnectionTrait,
    who: SelectStatement,
) -> Result<HashMap<i32, Vec<i32>>, DbErr> {
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

async fn languages_of(
    db: &impl ConnectionTrait,
    who: SelectStatement,
) -> Result<HashMap<i32, Vec<String>>, DbErr> {
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
) -> Result<MentorPool, DbErr> {
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

/// Open tasks with their area and the prerequisites they wait for (two queries).
pub async fn load_tasks(db: &impl ConnectionTrait) -> Result<TaskPool, DbErr> {
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
    let mut pool = TaskPool {
        tasks: Vec::with_capacity(rows.len()),
        refs: Vec::with_capacity(rows.len()),
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
) -> Result<Vec<(Newcomer, PersonRef)>, DbErr> {
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

// ---------------------------------------------------------------------------------------------------------------
// The pool kept between requests. Loading it is seven queries over every approved mentor and open task; the
// dashboard needs it on every view. It only changes when the catalog, a mentor profile or a mentorship changes
// (each of those writes moves a timestamp), or when the hour turns (time-zone offsets), so one small statement
// tells whether the kept copy is still right, across every instance sharing the database.

/// Counts and newest timestamps of everything the pool is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStamp {
    values: Vec<Option<String>>,
    hour: i64,
}

pub async fn pool_stamp(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<PoolStamp, DbErr> {
    use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr, SubQueryStatement};
    let aggregate = |table: &str, f: SimpleExpr| -> SimpleExpr {
        SimpleExpr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(
                Query::select().expr(f).from(Alias::new(table)).to_owned(),
            )),
        )
    };
    let max = |column: &str| SimpleExpr::from(Func::max(Expr::col(Alias::new(column))));
    let count = || SimpleExpr::from(Func::count(Expr::col(sea_orm::sea_query::Asterisk)));
    let parts = [
        aggregate("tasks", count()),
        aggregate("tasks", max("updated_at")),
        aggregate("areas", count()),
        aggregate("mentor_profiles", count()),
        aggregate("mentor_profiles", max("updated_at")),
        aggregate("mentorships", count()),
        aggregate("mentorships", max("proposed_at")),
        aggregate("mentorships", max("accepted_at")),
        aggregate("mentorships", max("ended_at")),
    ];
    let mut stmt = Query::select();
    for (i, p) in parts.into_iter().enumerate() {
        // Compared as text: the same on both databases, and only equality matters.
        stmt.expr_as(
            Func::cast_as(p, Alias::new("TEXT")),
            Alias::new(format!("v{i}")),
        );
    }
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("pool stamp".into()))?;
    let values = (0..9)
        .map(|i| row.try_get::<Option<String>>("", &format!("v{i}")))
        .collect::<Result<_, _>>()?;
    Ok(PoolStamp {
        values,
        hour: now.timestamp().div_euclid(3600),
    })
}

/// The kept pool; see the note above.
#[derive(Default)]
pub struct PoolCache {
    current: std::sync::RwLock<Option<(PoolStamp, std::sync::Arc<Pool>)>>,
}

impl PoolCache {
    /// The pool for a stamp the caller has just read.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        stamp: PoolStamp,
        now: DateTime<Utc>,
    ) -> Result<std::sync::Arc<Pool>, DbErr> {
        if let Some((s, pool)) = self.current.read().expect("pool cache lock").as_ref()
            && *s == stamp
        {
            return Ok(pool.clone());
        }
        let pool = std::sync::Arc::new(load_pool(db, now).await?);
        *self.current.write().expect("pool cache lock") = Some((stamp, pool.clone()));
        Ok(pool)
    }
}

/// Each newcomer's suggestions, kept while neither the pool (its stamp) nor their own profile (its version, the
/// profile's `updated_at`, moved by every save) has changed: the dashboard shows them on every view.
#[derive(Default)]
pub struct SuggestionCache {
    kept: std::sync::Mutex<std::collections::HashMap<i32, KeptSuggestions>>,
}

/// The pool stamp and profile version the suggestions were computed for, and the suggestions.
type KeptSuggestions = (PoolStamp, String, std::sync::Arc<Suggestions>);

/// Bounds the kept suggestions; past it the map starts afresh (they are cheap to recompute).
const KEPT_SUGGESTIONS: usize = 20_000;

/// Suggestions for a newcomer whose profile version the caller has just read: one query (the pool stamp) when
/// nothing changed since they were last computed.
pub async fn suggestions_kept(
    db: &impl ConnectionTrait,
    pool: &PoolCache,
    kept: &SuggestionCache,
    newcomer_id: i32,
    profile_version: &str,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> Result<Option<std::sync::Arc<Suggestions>>, DbErr> {
    let stamp = pool_stamp(db, now).await?;
    if let Some((s, v, found)) = kept
        .kept
        .lock()
        .expect("suggestion cache lock")
        .get(&newcomer_id)
        && *s == stamp
        && v == profile_version
    {
        return Ok(Some(found.clone()));
    }
    let Some((newcomer, _)) = load_newcomers(db, Which::One(newcomer_id), now)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let pool = pool.get(db, stamp.clone(), now).await?;
    let found = std::sync::Arc::new(suggest_from_pool(&pool, &newcomer, cfg));
    let mut map = kept.kept.lock().expect("suggestion cache lock");
    if map.len() >= KEPT_SUGGESTIONS {
        map.clear();
    }
    map.insert(
        newcomer_id,
        (stamp, profile_version.to_string(), found.clone()),
    );
    Ok(Some(found))
}
