//! Reading the catalog: every task with what it waits for, the filters, one task with its place in the
//! prerequisite graph, the areas, and a cheap stamp that tells whether any of it changed.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use serde::{Deserialize, Serialize};

use crate::db::{areas, task_prerequisites, tasks};
use crate::domain::enums::Choice;
use crate::domain::task::{Difficulty, TaskKind, TaskState};
use crate::services::ServiceResult;

/// The catalog filters, as they arrive in the query string; empty means "any". A kind, difficulty or state that
/// names nothing is kept as typed, so the page can show it back with its message.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CatalogFilter {
    #[serde(default)]
    pub kind: Choice<TaskKind>,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub difficulty: Choice<Difficulty>,
    #[serde(default)]
    pub state: Choice<TaskState>,
    #[serde(default)]
    pub q: String,
}

/// A filter value that names nothing is reported, not silently ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFilter(pub String);

struct ParsedFilter {
    kind: Option<TaskKind>,
    difficulty: Option<Difficulty>,
    state: Option<TaskState>,
}

impl CatalogFilter {
    fn parsed(&self) -> Result<ParsedFilter, UnknownFilter> {
        fn known<T: Copy>(field: &str, choice: &Choice<T>) -> Result<Option<T>, UnknownFilter> {
            match choice {
                Choice::Unknown(typed) => {
                    Err(UnknownFilter(format!("unknown {field} {:?}", typed.trim())))
                }
                _ => Ok(choice.known()),
            }
        }
        Ok(ParsedFilter {
            kind: known("kind", &self.kind)?,
            difficulty: known("difficulty", &self.difficulty)?,
            state: known("state", &self.state)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.kind == Choice::Empty
            && self.difficulty == Choice::Empty
            && self.state == Choice::Empty
            && self.area.trim().is_empty()
            && self.q.trim().is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskSummary {
    pub slug: String,
    pub title: String,
    pub kind: TaskKind,
    pub difficulty: Difficulty,
    pub state: TaskState,
    pub area_slug: String,
    pub area_name: String,
    pub skills: Vec<String>,
    pub upstream_issue: bool,
    /// Slugs of prerequisites that are not done yet: the task waits for them.
    pub waits_for: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskRef {
    pub slug: String,
    pub title: String,
    pub kind: TaskKind,
    pub state: TaskState,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaskDetail {
    pub id: i32,
    /// An organizer edited it in the site (imports leave it as edited).
    pub site_edited: bool,
    pub task: TaskSummary,
    pub description: String,
    pub source_url: String,
    pub external_prerequisites: Vec<String>,
    pub prerequisites: Vec<TaskRef>,
    /// Tasks that list this one as a prerequisite.
    pub unblocks: Vec<TaskRef>,
}

/// task_prerequisites.requires_id -> tasks.id: from an edge to the task it requires.
fn edge_to_required() -> RelationDef {
    task_prerequisites::Entity::belongs_to(tasks::Entity)
        .from(task_prerequisites::Column::RequiresId)
        .to(tasks::Column::Id)
        .into()
}

/// task_prerequisites.task_id -> tasks.id: from an edge to the task that waits.
fn edge_to_task() -> RelationDef {
    task_prerequisites::Entity::belongs_to(tasks::Entity)
        .from(task_prerequisites::Column::TaskId)
        .to(tasks::Column::Id)
        .into()
}

fn split_list(s: &str, sep: char) -> Vec<String> {
    s.split(sep)
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn summary(t: tasks::Model, area: &areas::Model, waits_for: Vec<String>) -> TaskSummary {
    TaskSummary {
        skills: split_list(&t.skills, ','),
        slug: t.slug,
        title: t.title,
        kind: t.kind,
        difficulty: t.difficulty,
        state: t.state,
        area_slug: area.slug.clone(),
        area_name: area.name.clone(),
        upstream_issue: t.upstream_issue,
        waits_for,
    }
}

/// For every task that has an unfinished prerequisite: the slugs it waits for. A query that other services'
/// loaders compose with their own (hence the plain `DbErr`).
pub async fn unfinished_prerequisites(
    db: &impl ConnectionTrait,
) -> Result<HashMap<i32, Vec<String>>, DbErr> {
    let rows: Vec<(i32, String)> = task_prerequisites::Entity::find()
        .select_only()
        .column(task_prerequisites::Column::TaskId)
        .column(tasks::Column::Slug)
        .join(JoinType::InnerJoin, edge_to_required())
        .filter(tasks::Column::State.ne(TaskState::Done))
        .order_by_asc(tasks::Column::Slug)
        .into_tuple()
        .all(db)
        .await?;
    let mut map: HashMap<i32, Vec<String>> = HashMap::new();
    for (task, slug) in rows {
        map.entry(task).or_default().push(slug);
    }
    Ok(map)
}

/// What the catalog looked like: the number of tasks and the newest change. Every write that changes what a
/// catalog entry shows (state, text, prerequisites, area) moves `updated_at`, so an unchanged stamp means an
/// unchanged catalog, across every instance sharing the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogStamp {
    pub tasks: i64,
    pub newest: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn stamp(db: &impl ConnectionTrait) -> ServiceResult<CatalogStamp> {
    let (tasks, newest): (i64, Option<chrono::DateTime<chrono::Utc>>) = tasks::Entity::find()
        .select_only()
        .column_as(tasks::Column::Id.count(), "tasks")
        .column_as(tasks::Column::UpdatedAt.max(), "newest")
        .into_tuple()
        .one(db)
        .await?
        .unwrap_or((0, None));
    Ok(CatalogStamp { tasks, newest })
}

/// A catalog entry with the text the free-text filter searches, lower-cased once.
#[derive(Debug, Clone)]
pub struct Listed {
    pub task: TaskSummary,
    search: String,
}

/// Every task, retired ones included, in display order (area, then title): two queries in all.
pub async fn all_tasks(db: &impl ConnectionTrait) -> ServiceResult<Vec<Listed>> {
    let rows = tasks::Entity::find()
        .find_also_related(areas::Entity)
        .order_by_asc(areas::Column::Name)
        .order_by_asc(tasks::Column::Title)
        .all(db)
        .await?;
    let mut waits = unfinished_prerequisites(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(t, a)| {
            let a = a?;
            let search = [&t.title, &t.description, &t.skills, &t.slug]
                .map(|s| s.to_lowercase())
                .join("\n");
            let w = waits.remove(&t.id).unwrap_or_default();
            Some(Listed {
                task: summary(t, &a, w),
                search,
            })
        })
        .collect())
}

/// A parsed filter, ready to test entries against.
pub struct Matcher {
    parsed: ParsedFilter,
    area: String,
    q: String,
}

impl CatalogFilter {
    pub fn matcher(&self) -> Result<Matcher, UnknownFilter> {
        Ok(Matcher {
            parsed: self.parsed()?,
            area: self.area.trim().to_string(),
            q: self.q.trim().to_lowercase(),
        })
    }
}

impl Matcher {
    /// Retired tasks match only when asked for by state.
    pub fn matches(&self, l: &Listed) -> bool {
        let t = &l.task;
        let p = &self.parsed;
        match p.state {
            Some(s) if t.state != s => return false,
            None if t.state == TaskState::Retired => return false,
            _ => {}
        }
        p.kind.is_none_or(|k| t.kind == k)
            && p.difficulty.is_none_or(|d| t.difficulty == d)
            && (self.area.is_empty() || t.area_slug == self.area)
            && (self.q.is_empty() || l.search.contains(&self.q))
    }
}

/// One task with its prerequisites and the tasks it unblocks.
pub async fn detail(db: &impl ConnectionTrait, slug: &str) -> ServiceResult<Option<TaskDetail>> {
    let Some((task, Some(area))) = tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .find_also_related(areas::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let to_ref = |t: tasks::Model| TaskRef {
        slug: t.slug,
        title: t.title,
        kind: t.kind,
        state: t.state,
    };
    let prerequisites: Vec<TaskRef> = prerequisites_of(db, task.id)
        .await?
        .into_iter()
        .map(to_ref)
        .collect();
    let unblocks: Vec<TaskRef> = tasks::Entity::find()
        .join(JoinType::InnerJoin, edge_to_task().rev())
        .filter(task_prerequisites::Column::RequiresId.eq(task.id))
        .order_by_asc(tasks::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(to_ref)
        .collect();
    let waits_for = prerequisites
        .iter()
        .filter(|p| p.state != TaskState::Done)
        .map(|p| p.slug.clone())
        .collect();
    let description = task.description.clone();
    let source_url = task.source_url.clone();
    let external_prerequisites = split_list(&task.external_prerequisites, '\n');
    Ok(Some(TaskDetail {
        id: task.id,
        site_edited: task.site_edited_at.is_some(),
        task: summary(task, &area, waits_for),
        description,
        source_url,
        external_prerequisites,
        prerequisites,
        unblocks,
    }))
}

/// The catalog tasks that `task_id` requires, by title.
pub async fn prerequisites_of(
    db: &impl ConnectionTrait,
    task_id: i32,
) -> Result<Vec<tasks::Model>, DbErr> {
    tasks::Entity::find()
        .join(JoinType::InnerJoin, edge_to_required().rev())
        .filter(task_prerequisites::Column::TaskId.eq(task_id))
        .order_by_asc(tasks::Column::Title)
        .all(db)
        .await
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaOption {
    pub slug: String,
    pub name: String,
}

pub async fn areas(db: &impl ConnectionTrait) -> ServiceResult<Vec<AreaOption>> {
    Ok(areas::Entity::find()
        .order_by_asc(areas::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|a| AreaOption {
            slug: a.slug,
            name: a.name,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_filter_values_are_named() {
        let f = CatalogFilter {
            kind: Choice::parse("wizard"),
            ..Default::default()
        };
        assert_eq!(
            f.parsed().err(),
            Some(UnknownFilter("unknown kind \"wizard\"".into()))
        );
        let f = CatalogFilter {
            kind: Choice::parse("driver"),
            difficulty: Choice::parse(" starter "),
            ..Default::default()
        };
        assert!(f.parsed().is_ok());
    }
}
