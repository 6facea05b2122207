//! Matching pages: organizers create, review and send rounds; mentors answer the proposals sent to them.
//! Newcomers' suggestions live on the dashboard (`dashboard.rs`).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::user_roles::Role;
use crate::error::{AppError, AppResult};
use crate::services::{mentorships, rounds};
use crate::web::extract::{CurrentUser, Viewer, require};
use crate::web::page::render;

/// How many rounds the list shows.
const ROUNDS_LISTED: u64 = 100;

pub async fn rounds_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    require(&user, Role::Organizer)?;
    let list = rounds::list_rounds(&state.db, ROUNDS_LISTED).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/rounds.html",
        context! { rounds => Serde(&list) },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewRound {
    kind: Option<String>,
}

pub async fn create_round(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Form(form): Form<NewRound>,
) -> AppResult<Redirect> {
    require(&user, Role::Organizer)?;
    let kind = match form.kind.as_deref() {
        Some("mentors") => RoundKind::Mentors,
        Some("tasks") => RoundKind::Tasks,
        other => {
            return Err(AppError::BadRequest(format!(
                "A round matches newcomers with mentors or with tasks, not {:?}.",
                other.unwrap_or("")
            )));
        }
    };
    let cfg = state.config.matching();
    let created = rounds::create_round(&state.db, user.id, kind, &cfg, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/organizer/rounds/{}",
        created.round_id
    )))
}

#[derive(Debug, Deserialize)]
pub struct RoundQuery {
    /// Set after sending: how many were proposed.
    sent: Option<usize>,
}

pub async fn round_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Html<String>> {
    require(&user, Role::Organizer)?;
    let review = rounds::review_round(&state.db, id).await?;
    let is_draft = review.round.state == RoundState::Draft;
    let is_mentors = review.round.kind == RoundKind::Mentors;
    // After sending, a placed proposal without a mentorship was skipped (mentor rounds only).
    let skipped: Vec<&rounds::ProposalView> = if is_mentors && !is_draft {
        review
            .placed
            .iter()
            .filter(|p| p.mentorship.is_none())
            .collect()
    } else {
        Vec::new()
    };
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/round.html",
        context! {
            review => Serde(&review),
            is_draft,
            is_mentors,
            skipped => Serde(&skipped),
            just_sent => q.sent,
        },
    )
}

pub async fn send_round(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
) -> AppResult<Redirect> {
    require(&user, Role::Organizer)?;
    let report = rounds::send_round(&state.db, id, user.id, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/organizer/rounds/{id}?sent={}",
        report.proposed
    )))
}

#[derive(Debug, Deserialize)]
pub struct Answered {
    answered: Option<String>,
}

pub async fn proposals_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<Answered>,
) -> AppResult<Html<String>> {
    require(&user, Role::Mentor)?;
    let desk = mentorships::mentor_desk(&state.db, user.id).await?;
    let answered = match q.answered.as_deref() {
        Some("accept") => Some("accepted"),
        Some("decline") => Some("declined"),
        _ => None,
    };
    render(
        &state,
        &Viewer(Some(user)),
        "mentor/proposals.html",
        context! { desk => Serde(&desk), answered },
    )
}

#[derive(Debug, Deserialize)]
pub struct Response {
    response: Option<String>,
}

pub async fn respond(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Response>,
) -> AppResult<Redirect> {
    require(&user, Role::Mentor)?;
    let accept = match form.response.as_deref() {
        Some("accept") => true,
        Some("decline") => false,
        other => {
            return Err(AppError::BadRequest(format!(
                "An answer is accept or decline, not {:?}.",
                other.unwrap_or("")
            )));
        }
    };
    // The service checks that the proposal is this mentor's (403 otherwise).
    mentorships::respond_to_proposal(&state.db, id, user.id, accept, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/mentor/proposals?answered={}",
        if accept { "accept" } else { "decline" }
    )))
}
