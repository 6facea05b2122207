//! Reading the catalog: the filtered list, one task with its place in the prerequisite graph, and the areas.
//! A listing costs two queries however many tasks it shows: the tasks with their areas, and every unfinished
//! prerequisite edge.

use std::collections::HashMap;

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, RelationDef,
};
use serde::{Deserialize, Serialize};

use crate::db::tasks::{Difficulty, TaskKind, TaskState};
use crate::db::{areas, task_prerequisites, tasks};

/// The catalog filters, as they arrive in the query string; empty strings mean "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct CatalogFilter {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub difficulty: String,
    #[serde(default)]
    pub state: String,
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
        fn opt<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, UnknownFilter> {
            let v = v.trim();
            if v.is_empty() {
                return Ok(None);
            }
            v.parse()
                .map(Some)
                .map_err(|_| UnknownFilter(format!("unknown {field} {v:?}")))
        }
        Ok(ParsedFilter {
            kind: opt("kind", &self.kind)?,
            difficulty: opt("difficulty", &self.difficulty)?,
            state: opt("state", &self.state)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        [
            &self.kind,
            &self.area,
            &self.difficulty,
            &self.state,
            &self.q,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
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

/// For every task that has an unfinished prerequisite: the slugs it waits for.
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

/// The catalog list. Retired tasks are shown only when asked for by state.
pub async fn list(
    db: &impl ConnectionTrait,
    filter: &CatalogFilter,
) -> Result<Result<Vec<TaskSummary>, UnknownFilter>, DbErr> {
    let parsed = match filter.parsed() {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let mut query = tasks::Entity::find().find_also_related(areas::Entity);
    query = match parsed.state {
        Some(state) => query.filter(tasks::Column::State.eq(state)),
        None => query.filter(tasks::Column::State.ne(TaskState::Retired)),
    };
    if let Some(kind) = parsed.kind {
        query = query.filter(tasks::Column::Kind.eq(kind));
    }
    if let Some(difficulty) = parsed.difficulty {
        query = query.filter(tasks::Column::Difficulty.eq(difficulty));
    }
    let area = filter.area.trim();
    if !area.is_empty() {
        query = query.filter(areas::Column::Slug.eq(area));
    }
    let q = filter.q.trim();
    if !q.is_empty() {
        // Lower-case both sides: LIKE ignores case on SQLite but not on PostgreSQL.
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        let like = |col: tasks::Column| {
            Expr::expr(Func::lower(Expr::col((tasks::Entity, col))))
                .like(LikeExpr::new(pattern.clone()).escape('\\'))
        };
        query = query.filter(
            like(tasks::Column::Title)
                .or(like(tasks::Column::Description))
                .or(like(tasks::Column::Skills))
                .or(like(tasks::Column::Slug)),
        );
    }
    let rows = query
        .order_by_asc(areas::Column::Name)
        .order_by_asc(tasks::Column::Title)
        .all(db)
        .await?;
    let mut waits = unfinished_prerequisites(db).await?;
    Ok(Ok(rows
        .into_iter()
        .filter_map(|(t, a)| {
            let a = a?;
            let w = waits.remove(&t.id).unwrap_or_default();
            Some(summary(t, &a, w))
        })
        .collect()))
}

fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// One task with its prerequisites and the tasks it unblocks.
pub async fn detail(db: &impl ConnectionTrait, slug: &str) -> Result<Option<TaskDetail>, DbErr> {
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
    let prerequisites: Vec<TaskRef> = tasks::Entity::find()
        .join(JoinType::InnerJoin, edge_to_required().rev())
        .filter(task_prerequisites::Column::TaskId.eq(task.id))
        .order_by_asc(tasks::Column::Title)
        .all(db)
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
        task: summary(task, &area, waits_for),
        description,
        source_url,
        external_prerequisites,
        prerequisites,
        unblocks,
    }))
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaOption {
    pub slug: String,
    pub name: String,
}

pub async fn areas(db: &impl ConnectionTrait) -> Result<Vec<AreaOption>, DbErr> {
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
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("100%_a\\b"), "100\\%\\_a\\\\b");
    }

    #[test]
    fn unknown_filter_values_are_named() {
        let f = CatalogFilter {
            kind: "wizard".into(),
            ..Default::default()
        };
        assert_eq!(
            f.parsed().err(),
            Some(UnknownFilter("unknown kind \"wizard\"".into()))
        );
        let f = CatalogFilter {
            kind: "driver".into(),
            difficulty: " starter ".into(),
            ..Default::default()
        };
        assert!(f.parsed().is_ok());
    }
}
