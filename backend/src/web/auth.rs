//! Signing in and out. In demo mode (no GitHub app configured) the sign-in page lists the demo people.

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::USER_ID_KEY;
use crate::services::users as user_service;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::Viewer;
use crate::web::form::Form;
use crate::web::page::{render, safe_next};

#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

pub async fn signin_page(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<NextParam>,
) -> AppResult<Html<String>> {
    let next = safe_next(q.next.as_deref(), "/dashboard").to_string();
    let people = if state.config.demo_mode() {
        user_service::demo_people(&state.db).await?
    } else {
        Vec::new()
    };
    render(
        &state,
        &viewer,
        "signin.html",
        context! { people => Serde(&people), next },
    )
}

#[derive(Debug, Deserialize)]
pub struct DemoSignIn {
    login: String,
    next: Option<String>,
}

pub async fn demo_signin(
    State(state): State<AppState>,
    session: Session,
    Form(form): Form<DemoSignIn>,
) -> AppResult<Response> {
    if !state.config.demo_mode() {
        return Err(AppError::NotFound);
    }
    let user_id = user_service::demo_sign_in(&state.db, &form.login, Utc::now()).await?;
    start_session(&session, user_id).await?;
    Ok(Redirect::to(safe_next(form.next.as_deref(), "/dashboard")).into_response())
}

/// Begin a signed-in session under a fresh id, so an id planted before sign-in is worthless afterwards.
pub async fn start_session(session: &Session, user_id: i32) -> AppResult<()> {
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(AppError::internal)?;
    Ok(())
}

pub async fn signout(session: Session) -> AppResult<Redirect> {
    session.flush().await.map_err(AppError::internal)?;
    Ok(Redirect::to("/"))
}
