//! The organizers' pages: people and their roles, mentor applications, the audit log.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::roles::{MentorDecision, Role, RoleAction};
use crate::services::{audit, roles};
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::render;

pub async fn people(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
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
    decision: MentorDecision,
}

pub async fn decide_mentor(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Decision>,
) -> AppResult<Redirect> {
    let approve = form.decision == MentorDecision::Approve;
    roles::decide_mentor(&state.db, user.id, id, approve, Utc::now()).await?;
    Ok(Redirect::to("/organizer/people"))
}

#[derive(Debug, Deserialize)]
pub struct RoleChange {
    role: Role,
    action: RoleAction,
}

pub async fn change_role(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<RoleChange>,
) -> AppResult<Redirect> {
    let role = form.role;
    match form.action {
        RoleAction::Grant => roles::grant(&state.db, user.id, id, role, Utc::now()).await?,
        RoleAction::Revoke => roles::revoke(&state.db, user.id, id, role, Utc::now()).await?,
    }
    Ok(Redirect::to("/organizer/people"))
}

pub async fn audit_log(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
    let entries = audit::recent(&state.db, 500).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/audit.html",
        context! { entries => Serde(&entries) },
    )
}
