//! Importing the curated catalog from `seed-data/`: read, validate everything (see `domain::catalog`), then write
//! in one transaction. Import is idempotent and updates by slug; a task that left the catalog is deleted unless
//! someone has claimed it, in which case it is retired so its history stays.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

use crate::db::{areas, claims, milestones, task_prerequisites, tasks};
use crate::domain::catalog::{self, Catalog, CatalogState, Source, TaskDef};
use crate::domain::task::TaskState;

/// What an import did, by slug.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct ImportReport {
    pub areas_added: Vec<String>,
    pub areas_changed: Vec<String>,
    pub milestones_added: Vec<String>,
    pub milestones_changed: Vec<String>,
    pub added: Vec<String>,
    pub changed: Vec<String>,
    /// Left the catalog but has claims: kept, marked retired.
    pub retired: Vec<String>,
    /// Left the catalog and nobody ever claimed it: deleted.
    pub removed: Vec<String>,
    /// Edited by an organizer in the site, and different in the file: the site's version was kept, and each
    /// entry says so ("slug: ...").
    pub conflicts: Vec<String>,
    pub unchanged: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &Vec<String>| {
            if v.is_empty() {
                String::new()
            } else {
                format!(": {}", v.join(", "))
            }
        };
        writeln!(
            f,
            "areas: {} added, {} changed",
            self.areas_added.len(),
            self.areas_changed.len()
        )?;
        writeln!(
            f,
            "milestones: {} added, {} changed",
            self.milestones_added.len(),
            self.milestones_changed.len()
        )?;
        writeln!(f, "tasks added {}{}", self.added.len(), list(&self.added))?;
        writeln!(
            f,
            "tasks changed {}{}",
            self.changed.len(),
            list(&self.changed)
        )?;
        writeln!(
            f,
            "tasks retired {}{}",
            self.retired.len(),
            list(&self.retired)
        )?;
        writeln!(
            f,
            "tasks removed {}{}",
            self.removed.len(),
            list(&self.removed)
        )?;
        if !self.conflicts.is_empty() {
            writeln!(
                f,
                "conflicts {} (edited in the site, kept as edited):",
                self.conflicts.len()
            )?;
            for c in &self.conflicts {
                writeln!(f, "  {c}")?;
            }
        }
        write!(f, "tasks unchanged {}", self.unchanged)
    }
}

/// Read `areas.toml`, `milestones.toml` and `tasks/*.toml` (in name order) from a catalog directory.
pub fn read_dir(dir: &Path) -> anyhow::Result<(Source, Source, Vec<Source>)> {
    let read = |path: &Path| -> anyhow::Result<Source> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Ok(Source {
            name: path.display().to_string(),
            text,
        })
    };
    let areas = read(&dir.join("areas.toml"))?;
    let milestones = read(&dir.join("milestones.toml"))?;
    let tasks_dir = dir.join("tasks");
    let mut paths: Vec<_> = std::fs::read_dir(&tasks_dir)
        .with_context(|| format!("reading the task directory {}", tasks_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let tasks = paths
        .iter()
        .map(|p| read(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((areas, milestones, tasks))
}

/// Read, validate and import a catalog directory.
pub async fn import_dir(
    db: &DatabaseConnection,
    dir: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<ImportReport> {
    let (areas, milestones, tasks) = read_dir(dir)?;
    let catalog = catalog::parse(&areas, &milestones, &tasks)?;
    Ok(import(db, &catalog, now).await?)
}

/// Write a validated catalog in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    catalog: &Catalog,
    now: DateTime<Utc>,
) -> Result<ImportReport, sea_orm::DbErr> {
    let txn = db.begin().await?;
    let mut report = ImportReport::default();
    let area_ids = import_areas(&txn, catalog, now, &mut report).await?;
    import_milestones(&txn, catalog, &mut report).await?;
    import_tasks(&txn, catalog, &area_ids, now, &mut report).await?;
    txn.commit().await?;
    Ok(report)
}

async fn import_areas(
    txn: &impl ConnectionTrait,
    catalog: &Catalog,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<HashMap<String, i32>, sea_orm::DbErr> {
    let existing: HashMap<String, areas::Model> = areas::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|a| (a.slug.clone(), a))
        .collect();
    let mut ids = HashMap::new();
    for def in &catalog.areas {
        match existing.get(&def.slug) {
            Some(a) => {
                if a.name != def.name || a.description != def.description {
                    let mut am: areas::ActiveModel = a.clone().into();
                    am.name = Set(def.name.clone());
                    am.description = Set(def.description.clone());
                    am.update(txn).await?;
                    report.areas_changed.push(def.slug.clone());
                    // Catalog cards show the area's name: its tasks changed too (see `catalog::stamp`).
                    touch_tasks(txn, tasks::Column::AreaId.eq(a.id), now).await?;
                }
                ids.insert(def.slug.clone(), a.id);
            }
            None => {
                let a = areas::ActiveModel {
                    slug: Set(def.slug.clone()),
                    name: Set(def.name.clone()),
                    description: Set(def.description.clone()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                report.areas_added.push(def.slug.clone());
                ids.insert(def.slug.clone(), a.id);
            }
        }
    }
    // Areas that left the file stay: people may have chosen them as interests.
    for (slug, a) in existing {
        ids.entry(slug).or_insert(a.id);
    }
    Ok(ids)
}

async fn import_milestones(
    txn: &impl ConnectionTrait,
    catalog: &Catalog,
    report: &mut ImportReport,
) -> Result<(), sea_orm::DbErr> {
    let existing: HashMap<String, milestones::Model> = milestones::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.slug.clone(), m))
        .collect();
    // Positions are unique; park every existing row out of the way first so the ladder can be reordered freely.
    for m in existing.values() {
        let mut am: milestones::ActiveModel = m.clone().into();
        am.position = Set(-1 - m.id);
        am.update(txn).await?;
    }
    for (index, def) in catalog.milestones.iter().enumerate() {
        let position = index as i32 + 1;
        match existing.get(&def.slug) {
            Some(m) => {
                let evidence = def.evidence.stored_kinds();
                if m.title != def.title
                    || m.description != def.description
                    || m.position != position
                    || m.evidence_kinds != evidence
                    || m.evidence_required != def.evidence.required
                {
                    report.milestones_changed.push(def.slug.clone());
                }
                let mut am: milestones::ActiveModel = m.clone().into();
                am.title = Set(def.title.clone());
                am.description = Set(def.description.clone());
                am.position = Set(position);
                am.evidence_kinds = Set(evidence);
                am.evidence_required = Set(def.evidence.required);
                am.update(txn).await?;
            }
            None => {
                milestones::ActiveModel {
                    slug: Set(def.slug.clone()),
                    position: Set(position),
                    title: Set(def.title.clone()),
                    description: Set(def.description.clone()),
                    evidence_kinds: Set(def.evidence.stored_kinds()),
                    evidence_required: Set(def.evidence.required),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                report.milestones_added.push(def.slug.clone());
            }
        }
    }
    // A milestone that left the ladder keeps its progress history, after the ladder's end.
    let kept: HashSet<&str> = catalog.milestones.iter().map(|m| m.slug.as_str()).collect();
    let base = catalog.milestones.len() as i32 + 1;
    for m in existing
        .values()
        .filter(|m| !kept.contains(m.slug.as_str()))
    {
        let mut am: milestones::ActiveModel = m.clone().into();
        am.position = Set(base + m.id);
        am.update(txn).await?;
    }
    Ok(())
}

/// The state a task should have after import: the service's own states (claimed, done) are never undone by a
/// catalog file; a file can only mark a task done, or bring back a retired one.
fn next_state(current: Option<TaskState>, wanted: CatalogState) -> TaskState {
    let wanted = match wanted {
        CatalogState::Open => TaskState::Open,
        CatalogState::Done => TaskState::Done,
    };
    match current {
        None | Some(TaskState::Open) | Some(TaskState::Retired) => wanted,
        Some(TaskState::Claimed) => TaskState::Claimed,
        Some(TaskState::Done) => TaskState::Done,
    }
}

async fn import_tasks(
    txn: &impl ConnectionTrait,
    catalog: &Catalog,
    area_ids: &HashMap<String, i32>,
    now: DateTime<Utc>,
    report: &mut ImportReport,
) -> Result<(), sea_orm::DbErr> {
    let existing: HashMap<String, tasks::Model> = tasks::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|t| (t.slug.clone(), t))
        .collect();
    let mut old_edges: HashMap<i32, BTreeSet<i32>> = HashMap::new();
    for e in task_prerequisites::Entity::find().all(txn).await? {
        old_edges
            .entry(e.task_id)
            .or_default()
            .insert(e.requires_id);
    }

    let mut ids: HashMap<&str, i32> = HashMap::new();
    let mut touched: HashSet<String> = HashSet::new();
    let mut edges_changed: Vec<i32> = Vec::new();
    // Tasks an organizer edited in the site: id -> (slug, whether the file's fields differ).
    let mut site_edited: HashMap<i32, (String, bool)> = HashMap::new();
    for def in &catalog.tasks {
        let area_id = area_ids[&def.area];
        let current = existing.get(&def.slug);
        let state = next_state(current.map(|t| t.state), def.state);
        let row = task_row(def, area_id, state);
        match current {
            Some(t) if t.site_edited_at.is_some() => {
                ids.insert(&def.slug, t.id);
                site_edited.insert(t.id, (def.slug.clone(), differs(t, &row)));
            }
            Some(t) => {
                ids.insert(&def.slug, t.id);
                if differs(t, &row) {
                    let mut am = row;
                    am.id = Set(t.id);
                    am.updated_at = Set(now);
                    am.update(txn).await?;
                    touched.insert(def.slug.clone());
                }
            }
            None => {
                let mut am = row;
                am.created_at = Set(now);
                am.updated_at = Set(now);
                let t = am.insert(txn).await?;
                ids.insert(&def.slug, t.id);
                report.added.push(def.slug.clone());
            }
        }
    }

    // Prerequisite edges: replace each catalog task's set when it differs.
    for def in &catalog.tasks {
        let id = ids[def.slug.as_str()];
        let wanted: BTreeSet<i32> = def.prerequisites.iter().map(|r| ids[r.as_str()]).collect();
        let old = old_edges.remove(&id).unwrap_or_default();
        if let Some((slug, fields_differ)) = site_edited.get(&id) {
            // The site's edit wins until the file says the same; then the task is the file's again.
            if *fields_differ || wanted != old {
                report.conflicts.push(format!(
                    "{slug}: edited in the site; the file's version was not applied"
                ));
            } else {
                tasks::Entity::update_many()
                    .col_expr(
                        tasks::Column::SiteEditedAt,
                        sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(tasks::Column::Id.eq(id))
                    .exec(txn)
                    .await?;
            }
            continue;
        }
        if wanted == old {
            continue;
        }
        task_prerequisites::Entity::delete_many()
            .filter(task_prerequisites::Column::TaskId.eq(id))
            .exec(txn)
            .await?;
        if !wanted.is_empty() {
            task_prerequisites::Entity::insert_many(wanted.iter().map(|&r| {
                task_prerequisites::ActiveModel {
                    task_id: Set(id),
                    requires_id: Set(r),
                }
            }))
            .exec(txn)
            .await?;
        }
        if !report.added.contains(&def.slug) {
            touched.insert(def.slug.clone());
            edges_changed.push(id);
        }
    }
    // Cards show prerequisites, so an edge change is a change of the task (see `catalog::stamp`).
    touch_tasks(txn, tasks::Column::Id.is_in(edges_changed), now).await?;
    report.changed = catalog
        .tasks
        .iter()
        .filter(|t| touched.contains(&t.slug))
        .map(|t| t.slug.clone())
        .collect();
    report.unchanged =
        catalog.tasks.len() - report.added.len() - report.changed.len() - report.conflicts.len();

    // Tasks that left the catalog.
    let in_catalog: HashSet<&str> = catalog.tasks.iter().map(|t| t.slug.as_str()).collect();
    let mut gone: Vec<&tasks::Model> = Vec::new();
    for t in existing
        .values()
        .filter(|t| !in_catalog.contains(t.slug.as_str()))
    {
        if t.site_edited_at.is_some() {
            // Made or edited in the site: the file not listing it does not remove it.
            report.conflicts.push(format!(
                "{}: edited in the site and not in the file; kept",
                t.slug
            ));
        } else {
            gone.push(t);
        }
    }
    report.conflicts.sort();
    if !gone.is_empty() {
        let claimed: HashSet<i32> = claims::Entity::find()
            .select_only()
            .column(claims::Column::TaskId)
            .filter(claims::Column::TaskId.is_in(gone.iter().map(|t| t.id)))
            .into_tuple::<i32>()
            .all(txn)
            .await?
            .into_iter()
            .collect();
        gone.sort_by(|a, b| a.slug.cmp(&b.slug));
        for t in gone {
            if claimed.contains(&t.id) {
                if t.state != TaskState::Retired {
                    let mut am: tasks::ActiveModel = t.clone().into();
                    am.state = Set(TaskState::Retired);
                    am.updated_at = Set(now);
                    am.update(txn).await?;
                    report.retired.push(t.slug.clone());
                }
            } else {
                tasks::Entity::delete_by_id(t.id).exec(txn).await?;
                report.removed.push(t.slug.clone());
            }
        }
    }
    Ok(())
}

async fn touch_tasks(
    txn: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    tasks::Entity::update_many()
        .col_expr(
            tasks::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(which)
        .exec(txn)
        .await?;
    Ok(())
}

fn task_row(def: &TaskDef, area_id: i32, state: TaskState) -> tasks::ActiveModel {
    tasks::ActiveModel {
        slug: Set(def.slug.clone()),
        kind: Set(def.kind),
        area_id: Set(area_id),
        title: Set(def.title.clone()),
        description: Set(def.description.clone()),
        difficulty: Set(def.difficulty),
        skills: Set(def.skills.join(", ")),
        external_prerequisites: Set(def.external_prerequisites.join("\n")),
        source_url: Set(def.source_url.clone()),
        upstream_issue: Set(def.upstream_issue),
        state: Set(state),
        ..Default::default()
    }
}

fn differs(t: &tasks::Model, row: &tasks::ActiveModel) -> bool {
    let same = |a: &sea_orm::ActiveValue<String>, b: &String| a.as_ref() == b;
    !(same(&row.title, &t.title)
        && same(&row.description, &t.description)
        && same(&row.skills, &t.skills)
        && same(&row.external_prerequisites, &t.external_prerequisites)
        && same(&row.source_url, &t.source_url)
        && row.kind.as_ref() == &t.kind
        && row.area_id.as_ref() == &t.area_id
        && row.difficulty.as_ref() == &t.difficulty
        && row.upstream_issue.as_ref() == &t.upstream_issue
        && row.state.as_ref() == &t.state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_never_undoes_the_services_states() {
        assert_eq!(next_state(None, CatalogState::Open), TaskState::Open);
        assert_eq!(
            next_state(Some(TaskState::Open), CatalogState::Done),
            TaskState::Done
        );
        assert_eq!(
            next_state(Some(TaskState::Claimed), CatalogState::Open),
            TaskState::Claimed
        );
        assert_eq!(
            next_state(Some(TaskState::Done), CatalogState::Open),
            TaskState::Done
        );
        assert_eq!(
            next_state(Some(TaskState::Retired), CatalogState::Open),
            TaskState::Open
        );
    }
}
