//! The organizers' pages: people and their roles, mentor applications, the audit log.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::db::user_roles::Role;
use crate::error::{AppError, AppResult};
use crate::services::{audit, roles};
use crate::web::extract::{CurrentUser, Viewer, require};
use crate::web::page::render;

pub async fn people(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    require(&user, Role::Organizer)?;
    let people = roles::people(&state.db).await?;
    let me = user.id;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/people.html",
        context! { people => Serde(&people), me },
    )
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    decision: String,
}

pub async fn decide_mentor(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Decision>,
) -> AppResult<Redirect> {
    require(&user, Role::Organizer)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "A decision is approve or decline, not {other:?}."
            )));
        }
    };
    roles::decide_mentor(&state.db, user.id, id, approve, Utc::now()).await?;
    Ok(Redirect::to("/organizer/people"))
}

#[derive(Debug, Deserialize)]
pub struct RoleChange {
    role: String,
    action: String,
}

pub async fn change_role(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<RoleChange>,
) -> AppResult<Redirect> {
    require(&user, Role::Organizer)?;
    let role: Role = form
        .role
        .parse()
        .map_err(|_| AppError::BadRequest(format!("There is no role called {:?}.", form.role)))?;
    match form.action.as_str() {
        "grant" => roles::grant(&state.db, user.id, id, role, Utc::now()).await?,
        "revoke" => roles::revoke(&state.db, user.id, id, role, Utc::now()).await?,
        other => {
            return Err(AppError::BadRequest(format!(
                "An action is grant or revoke, not {other:?}."
            )));
        }
    }
    Ok(Redirect::to("/organizer/people"))
}

pub async fn audit_log(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    require(&user, Role::Organizer)?;
    let entries = audit::recent(&state.db, 500).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/audit.html",
        context! { entries => Serde(&entries) },
    )
}
