//! A mentor's mentees: each with their state and its reason, their last activity, what waits for the mentor, and
//! the task they hold; the one waiting longest first.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::state::{NewcomerProgress, Scope, progress_of};
use crate::db::claims::ClaimState;
use crate::db::{claims, tasks, users};
use crate::domain::progress::ProgressPolicy;
use crate::services::ServiceResult;

#[derive(Debug, Clone, Serialize)]
pub struct MenteeRow {
    pub id: i32,
    pub login: String,
    pub name: Option<String>,
    pub progress: NewcomerProgress,
    pub task_slug: Option<String>,
    pub task_title: Option<String>,
}

pub async fn mentees_of(
    db: &impl ConnectionTrait,
    mentor: i32,
    policy: &ProgressPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<MenteeRow>> {
    let mut progress = progress_of(db, &Scope::MenteesOf(mentor), policy, now).await?;
    let ids: Vec<i32> = progress.keys().copied().collect();
    let people = users::Entity::find()
        .filter(users::Column::Id.is_in(ids.clone()))
        .all(db)
        .await?;
    let held: std::collections::HashMap<i32, tasks::Model> = claims::Entity::find()
        .filter(claims::Column::NewcomerId.is_in(ids))
        .filter(claims::Column::State.eq(ClaimState::Active))
        .find_also_related(tasks::Entity)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(c, t)| Some((c.newcomer_id, t?)))
        .collect();
    let mut rows: Vec<MenteeRow> = people
        .into_iter()
        .filter_map(|u| {
            let task = held.get(&u.id);
            Some(MenteeRow {
                progress: progress.remove(&u.id)?,
                task_slug: task.map(|t| t.slug.clone()),
                task_title: task.map(|t| t.title.clone()),
                id: u.id,
                login: u.github_login,
                name: u.name,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r.progress.oldest(), r.id));
    Ok(rows)
}
