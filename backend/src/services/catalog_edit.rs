//! Organizers keep the catalog in the site: add and edit tasks with their prerequisites (a cycle is refused with
//! the cycle shown), retire and reopen them. Every change marks the task as edited in the site, so a later
//! import reports a conflict instead of overwriting it, and writes its audit row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set,
};
use serde_json::json;

use crate::db::task_offers::{self, OfferState};
use crate::db::tasks::{self, TaskState};
use crate::db::{areas, task_prerequisites};
use crate::domain::catalog::cycle_through;
use crate::domain::enums::Choice;
use crate::domain::profile::FieldErrors;
use crate::domain::task_form::{TaskEdit, TaskForm};
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, audit, catalog};

/// The form of task `slug` as it stands, for editing.
pub async fn form_for(db: &impl ConnectionTrait, slug: &str) -> ServiceResult<TaskForm> {
    let task = find(db, slug).await?;
    let area = areas::Entity::find_by_id(task.area_id)
        .one(db)
        .await?
        .map(|a| a.slug)
        .unwrap_or_default();
    let prerequisites: Vec<String> = catalog::prerequisites_of(db, task.id)
        .await?
        .into_iter()
        .map(|t| t.slug)
        .collect();
    Ok(TaskForm {
        skills: task.skills().collect::<Vec<_>>().join(", "),
        external_prerequisites: task.external_prerequisites().collect::<Vec<_>>().join("\n"),
        slug: task.slug,
        title: task.title,
        kind: Choice::Known(task.kind),
        area,
        difficulty: Choice::Known(task.difficulty),
        description: task.description,
        source_url: task.source_url,
        upstream_issue: task.upstream_issue.then(|| "on".to_owned()),
        prerequisites: prerequisites.join(", "),
    })
}

async fn find(db: &impl ConnectionTrait, slug: &str) -> ServiceResult<tasks::Model> {
    tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Save the form as a new task (`existing` None) or as the task `existing`. Returns the task's slug, or the
/// form's problems by field (nothing is written then).
pub async fn save_task(
    db: &DatabaseConnection,
    organizer: i32,
    existing: Option<&str>,
    form: &TaskForm,
    now: DateTime<Utc>,
) -> ServiceResult<Result<String, FieldErrors>> {
    let txn = begin_write(db).await?;
    let current = match existing {
        Some(slug) => Some(find(&txn, slug).await?),
        None => None,
    };
    let area_ids: HashMap<String, i32> = areas::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|a| (a.slug, a.id))
        .collect();
    let all: Vec<(i32, String, String)> = tasks::Entity::find()
        .select_only()
        .columns([tasks::Column::Id, tasks::Column::Slug, tasks::Column::Title])
        .into_tuple()
        .all(&txn)
        .await?;
    let slugs: Vec<String> = all.iter().map(|(_, s, _)| s.clone()).collect();
    let area_slugs: Vec<String> = area_ids.keys().cloned().collect();
    let mut form = form.clone();
    if let Some(t) = &current {
        form.slug = t.slug.clone();
    }
    let edit = match form.validate(&area_slugs, &slugs) {
        Ok(edit) => edit,
        Err(errors) => return Ok(Err(errors)),
    };
    if current.is_none() && slugs.contains(&edit.slug) {
        let mut errors = FieldErrors::default();
        errors.add(
            "slug",
            "A task with this slug exists already; choose another.",
        );
        return Ok(Err(errors));
    }
    if let Some(cycle) = closes_cycle(&txn, &all, &edit).await? {
        let mut errors = FieldErrors::default();
        errors.add(
            "prerequisites",
            format!("These prerequisites would make a cycle: {cycle}. A task cannot wait for itself, even through others."),
        );
        return Ok(Err(errors));
    }
    let row = tasks::ActiveModel {
        slug: Set(edit.slug.clone()),
        kind: Set(edit.kind),
        area_id: Set(area_ids[&edit.area]),
        title: Set(edit.title.clone()),
        description: Set(edit.description.clone()),
        difficulty: Set(edit.difficulty),
        skills: Set(edit.skills.join(", ")),
        external_prerequisites: Set(edit.external_prerequisites.join("\n")),
        source_url: Set(edit.source_url.clone()),
        upstream_issue: Set(edit.upstream_issue),
        updated_at: Set(now),
        site_edited_at: Set(Some(now)),
        ..Default::default()
    };
    let (id, action) = match &current {
        Some(t) => {
            let mut row = row;
            row.id = Set(t.id);
            row.update(&txn).await?;
            (t.id, "task.edit")
        }
        None => {
            let mut row = row;
            row.state = Set(TaskState::Open);
            row.created_at = Set(now);
            (row.insert(&txn).await?.id, "task.create")
        }
    };
    let ids: HashMap<&str, i32> = all.iter().map(|(i, s, _)| (s.as_str(), *i)).collect();
    task_prerequisites::Entity::delete_many()
        .filter(task_prerequisites::Column::TaskId.eq(id))
        .exec(&txn)
        .await?;
    if !edit.prerequisites.is_empty() {
        task_prerequisites::Entity::insert_many(edit.prerequisites.iter().map(|p| {
            task_prerequisites::ActiveModel {
                task_id: Set(id),
                requires_id: Set(ids[p.as_str()]),
            }
        }))
        .exec(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Some(organizer),
        action,
        format!("task:{}", edit.slug),
        json!({ "title": edit.title, "prerequisites": edit.prerequisites }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(edit.slug))
}

/// The cycle the edit's prerequisites would close, as titles ("A → B → A").
async fn closes_cycle(
    db: &impl ConnectionTrait,
    all: &[(i32, String, String)],
    edit: &TaskEdit,
) -> ServiceResult<Option<String>> {
    let slug_of: HashMap<i32, &str> = all.iter().map(|(i, s, _)| (*i, s.as_str())).collect();
    let title_of: HashMap<&str, &str> = all
        .iter()
        .map(|(_, s, t)| (s.as_str(), t.as_str()))
        .collect();
    let mut requires: HashMap<String, Vec<String>> = HashMap::new();
    for e in task_prerequisites::Entity::find().all(db).await? {
        if let (Some(t), Some(r)) = (slug_of.get(&e.task_id), slug_of.get(&e.requires_id)) {
            requires
                .entry(t.to_string())
                .or_default()
                .push(r.to_string());
        }
    }
    requires.insert(edit.slug.clone(), edit.prerequisites.clone());
    Ok(cycle_through(&edit.slug, &requires).map(|cycle| {
        cycle
            .iter()
            .map(|s| {
                title_of
                    .get(s.as_str())
                    .copied()
                    .unwrap_or(edit.title.as_str())
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }))
}

/// Retire a task (it leaves the catalog's open work; its history stays) or reopen a retired or done one.
pub async fn set_retired(
    db: &DatabaseConnection,
    organizer: i32,
    slug: &str,
    retire: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    let task = find(&txn, slug).await?;
    let (from, to, action): (&[TaskState], TaskState, &str) = if retire {
        (
            &[TaskState::Open, TaskState::Done],
            TaskState::Retired,
            "task.retire",
        )
    } else {
        (
            &[TaskState::Retired, TaskState::Done],
            TaskState::Open,
            "task.reopen",
        )
    };
    let moved = tasks::Entity::update_many()
        .col_expr(tasks::Column::State, Expr::val(to.as_str()))
        .col_expr(tasks::Column::UpdatedAt, Expr::val(now))
        .col_expr(tasks::Column::SiteEditedAt, Expr::val(now))
        .filter(tasks::Column::Id.eq(task.id))
        .filter(tasks::Column::State.is_in(from.iter().copied()))
        .exec(&txn)
        .await?;
    if moved.rows_affected == 0 {
        return Err(ServiceError::Conflict(match (retire, task.state) {
            (true, TaskState::Claimed) => {
                "Someone holds this task: end their claim first, with a reason, then retire it."
                    .into()
            }
            (true, _) => "This task is retired already.".into(),
            (false, _) => "Only a retired or done task can be reopened.".into(),
        }));
    }
    if retire {
        // Offers of a retired task cannot be taken any more.
        task_offers::Entity::update_many()
            .col_expr(
                task_offers::Column::State,
                Expr::val(OfferState::Withdrawn.as_str()),
            )
            .col_expr(task_offers::Column::AnsweredAt, Expr::val(now))
            .filter(task_offers::Column::TaskId.eq(task.id))
            .filter(task_offers::Column::State.eq(OfferState::Open))
            .exec(&txn)
            .await?;
    }
    audit::record(
        &txn,
        Some(organizer),
        action,
        format!("task:{slug}"),
        json!({ "from": task.state }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
