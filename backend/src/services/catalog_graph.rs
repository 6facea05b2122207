//! The prerequisite graph as pages draw it: around one task (what it waits for, what it unblocks), and the whole
//! catalog by area, each area with the tasks of other areas its own tasks wait for.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use serde::Serialize;

use crate::db::{areas, task_prerequisites, tasks};
use crate::domain::graph_layout::{GraphNode, Layout, layered};
use crate::domain::task::TaskState;
use crate::services::ServiceResult;
use crate::services::catalog::TaskDetail;

/// The task in the middle, its prerequisites before it, and the tasks that wait for it after.
pub fn around_task(detail: &TaskDetail) -> Layout {
    let node = |slug: &str, title: &str, state: TaskState| GraphNode {
        slug: slug.to_owned(),
        title: title.to_owned(),
        state,
        foreign: false,
    };
    let mut nodes: Vec<GraphNode> = detail
        .prerequisites
        .iter()
        .map(|p| node(&p.slug, &p.title, p.state))
        .collect();
    let me = nodes.len();
    nodes.push(node(
        &detail.task.slug,
        &detail.task.title,
        detail.task.state,
    ));
    let mut edges: Vec<(usize, usize)> = (0..me).map(|i| (i, me)).collect();
    for u in &detail.unblocks {
        edges.push((me, nodes.len()));
        nodes.push(node(&u.slug, &u.title, u.state));
    }
    layered(&nodes, &edges, Some(me))
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaGraph {
    pub slug: String,
    pub name: String,
    pub tasks: usize,
    pub layout: Layout,
}

/// Every area with tasks, by name, each with its graph (three queries). Retired tasks are left out.
pub async fn by_area(db: &impl ConnectionTrait) -> ServiceResult<Vec<AreaGraph>> {
    let areas = areas::Entity::find()
        .order_by_asc(areas::Column::Name)
        .all(db)
        .await?;
    let all: Vec<tasks::Model> = tasks::Entity::find()
        .order_by_asc(tasks::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .filter(|t| t.state != TaskState::Retired)
        .collect();
    let by_id: HashMap<i32, &tasks::Model> = all.iter().map(|t| (t.id, t)).collect();
    let edges = task_prerequisites::Entity::find().all(db).await?;
    let mut out = Vec::new();
    for area in areas {
        let own: Vec<&tasks::Model> = all.iter().filter(|t| t.area_id == area.id).collect();
        if own.is_empty() {
            continue;
        }
        let mut index: HashMap<i32, usize> = HashMap::new();
        let mut nodes: Vec<GraphNode> = Vec::new();
        let mut add = |t: &tasks::Model, foreign: bool, nodes: &mut Vec<GraphNode>| {
            *index.entry(t.id).or_insert_with(|| {
                nodes.push(GraphNode {
                    slug: t.slug.clone(),
                    title: t.title.clone(),
                    state: t.state,
                    foreign,
                });
                nodes.len() - 1
            })
        };
        for t in &own {
            add(t, false, &mut nodes);
        }
        let mut pairs = Vec::new();
        for e in &edges {
            let (Some(task), Some(req)) = (by_id.get(&e.task_id), by_id.get(&e.requires_id)) else {
                continue;
            };
            if task.area_id != area.id {
                continue;
            }
            let t = add(task, false, &mut nodes);
            let r = add(req, req.area_id != area.id, &mut nodes);
            pairs.push((r, t));
        }
        out.push(AreaGraph {
            slug: area.slug,
            name: area.name,
            tasks: own.len(),
            layout: layered(&nodes, &pairs, None),
        });
    }
    Ok(out)
}
