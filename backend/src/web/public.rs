//! Pages anyone may see: the landing page with live numbers, the catalog with its filters, and a task.

use axum::extract::{Path, Query, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::domain::task::{Difficulty, TaskKind, TaskState};
use crate::services::{catalog, catalog_graph, claims, stats};
use crate::web::error::{AppError, AppResult};
use crate::web::extract::Viewer;
use crate::web::page::render;

pub async fn landing(State(state): State<AppState>, viewer: Viewer) -> AppResult<Html<String>> {
    let stats = stats::public(&state.db).await?;
    render(
        &state,
        &viewer,
        "landing.html",
        context! { stats => Serde(&stats) },
    )
}

pub async fn catalog_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(filter): Query<catalog::CatalogFilter>,
) -> AppResult<Html<String>> {
    let rendered = state.catalog.get(&state.db, &state.templates).await?;
    let (cards, filter_error): (Vec<minijinja::Value>, _) = match filter.matcher() {
        Ok(m) => (
            rendered
                .entries
                .iter()
                .zip(&rendered.cards)
                .filter(|(l, _)| m.matches(l))
                .map(|(_, c)| c.clone())
                .collect(),
            None,
        ),
        Err(catalog::UnknownFilter(msg)) => (Vec::new(), Some(msg)),
    };
    render(
        &state,
        &viewer,
        "catalog.html",
        context! {
            cards,
            areas => Serde(&rendered.areas),
            filter => Serde(&filter),
            filter_error,
            filtered => !filter.is_empty(),
            kinds => Serde(TaskKind::SPELLINGS),
            difficulties => Serde(Difficulty::SPELLINGS),
            states => Serde(TaskState::SPELLINGS),
        },
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct TaskQuery {
    /// Set after an organizer's change: "1" (saved), "retired" or "reopened".
    saved: Option<String>,
}

pub async fn task_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(slug): Path<String>,
    Query(q): Query<TaskQuery>,
) -> AppResult<Html<String>> {
    let detail = catalog::detail(&state.db, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let policy = state.config.claims();
    let claim = claims::task_claim_view(&state.db, &detail, viewer.0.as_ref(), &policy).await?;
    render(
        &state,
        &viewer,
        "task.html",
        context! {
            graph => Serde(&catalog_graph::around_task(&detail)),
            t => Serde(&detail),
            claim => Serde(&claim),
            saved => q.saved.as_deref().map(|s| match s {
                "retired" => "Task retired: it no longer counts as open work.",
                "reopened" => "Task reopened.",
                _ => "Task saved.",
            }),
        },
    )
}

/// The whole prerequisite graph, one drawing per area.
pub async fn catalog_graph_page(
    State(state): State<AppState>,
    viewer: Viewer,
) -> AppResult<Html<String>> {
    let areas = catalog_graph::by_area(&state.db).await?;
    render(
        &state,
        &viewer,
        "catalog_graph.html",
        context! { areas => Serde(&areas) },
    )
}
