//! Organizers' catalog pages: the task form (new or edit) and retiring or reopening a task.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::domain::profile::FieldErrors;
use crate::domain::task::{Difficulty, TaskKind};
use crate::domain::task_form::TaskForm;
use crate::services::users::UserWithRoles;
use crate::services::{catalog, catalog_edit};
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::render;

async fn form_page(
    state: &AppState,
    user: UserWithRoles,
    editing: Option<&str>,
    form: &TaskForm,
    errors: &FieldErrors,
) -> AppResult<Html<String>> {
    let areas = catalog::areas(&state.db).await?;
    render(
        state,
        &Viewer(Some(user)),
        "organizer/task_form.html",
        context! {
            editing,
            form => Serde(form),
            errors => Serde(errors),
            areas => Serde(&areas),
            kinds => Serde(TaskKind::SPELLINGS),
            difficulties => Serde(Difficulty::SPELLINGS),
        },
    )
}

pub async fn new_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
    form_page(
        &state,
        user,
        None,
        &TaskForm::default(),
        &FieldErrors::default(),
    )
    .await
}

pub async fn edit_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(slug): Path<String>,
) -> AppResult<Html<String>> {
    let form = catalog_edit::form_for(&state.db, &slug).await?;
    form_page(&state, user, Some(&slug), &form, &FieldErrors::default()).await
}

async fn save(
    state: &AppState,
    user: UserWithRoles,
    editing: Option<&str>,
    form: TaskForm,
) -> AppResult<Response> {
    match catalog_edit::save_task(&state.db, user.id, editing, &form, Utc::now()).await? {
        Ok(slug) => Ok(Redirect::to(&format!("/tasks/{slug}?saved=1")).into_response()),
        Err(errors) => {
            let page = form_page(state, user, editing, &form, &errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

pub async fn create_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Form(form): Form<TaskForm>,
) -> AppResult<Response> {
    save(&state, user, None, form).await
}

pub async fn update_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(slug): Path<String>,
    Form(form): Form<TaskForm>,
) -> AppResult<Response> {
    save(&state, user, Some(&slug), form).await
}

pub async fn retire_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(slug): Path<String>,
) -> AppResult<Redirect> {
    catalog_edit::set_retired(&state.db, user.id, &slug, true, Utc::now()).await?;
    Ok(Redirect::to(&format!("/tasks/{slug}?saved=retired")))
}

pub async fn reopen_task(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(slug): Path<String>,
) -> AppResult<Redirect> {
    catalog_edit::set_retired(&state.db, user.id, &slug, false, Utc::now()).await?;
    Ok(Redirect::to(&format!("/tasks/{slug}?saved=reopened")))
}
