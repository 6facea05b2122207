//! Instant suggestions for one newcomer: best mentors, best tasks, and blocked tasks they would like, worded for
//! the newcomer who reads them. The pool they are drawn from is loaded by `services::pool` and kept between
//! requests by [`cache`].

mod cache;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

pub use super::pool::{
    DECLINED, MentorPool, PersonRef, TaskPool, TaskRef, Which, load_area_names, load_mentors,
    load_newcomers, load_tasks,
};
use crate::domain::matching::score::{
    AreaNames, Audience, MatchingConfig, Newcomer, Reason, Unplaced,
};
use crate::domain::matching::suggest;
use crate::services::ServiceResult;
pub use cache::{PoolCache, PoolStamp, SuggestionCache, pool_stamp, suggestions_kept};

/// Everything suggestions are drawn from, loaded once; see [`load_pool`].
#[derive(Debug, Clone, Default)]
pub struct Pool {
    pub mentors: MentorPool,
    pub tasks: TaskPool,
    pub areas: AreaNames,
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
    /// The prerequisites that are not done.
    pub waits_for: Vec<Prerequisite>,
    /// "waits for SPI binding, GPIO binding".
    pub waiting: String,
    /// The score it would have once unblocked.
    pub score: i64,
    pub reasons: Vec<Reason>,
    pub explanation: Vec<String>,
}

/// A task another waits for: its title for people, its slug for the link (`/tasks/{slug}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Prerequisite {
    pub slug: String,
    pub title: String,
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
) -> ServiceResult<Option<Suggestions>> {
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
    // The newcomer reads these about themself.
    let sentences = |r: &[Reason]| {
        r.iter()
            .map(|r| r.sentence_for(Audience::Newcomer))
            .collect::<Vec<_>>()
    };
    let prerequisite = |slug: String| Prerequisite {
        title: pool
            .tasks
            .prerequisite_titles
            .get(&slug)
            .cloned()
            .unwrap_or_else(|| slug.clone()),
        slug,
    };
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
            .map(|p| {
                let waits_for: Vec<Prerequisite> =
                    p.waits_for.into_iter().map(prerequisite).collect();
                let titles: Vec<&str> = waits_for.iter().map(|w| w.title.as_str()).collect();
                BlockedTask {
                    task: pool.tasks.refs[p.index].clone(),
                    waiting: format!("waits for {}", titles.join(", ")),
                    waits_for,
                    score: p.score,
                    explanation: sentences(&p.reasons),
                    reasons: p.reasons,
                }
            })
            .collect(),
        no_mentor: picks.no_mentor.map(Why::from),
        no_task: picks.no_task.map(Why::from),
    }
}

/// Approved mentors, open tasks and area names (seven queries).
pub async fn load_pool(db: &impl ConnectionTrait, now: DateTime<Utc>) -> ServiceResult<Pool> {
    Ok(Pool {
        mentors: load_mentors(db, now).await?,
        tasks: load_tasks(db).await?,
        areas: load_area_names(db).await?,
    })
}
