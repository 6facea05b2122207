//! Mentorship beyond rounds: a mentor's queue (claim or pass), a newcomer asking a mentor from their suggestions,
//! and either side (or an organizer) ending a mentorship with a reason.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::enums::{Choice, domain_enum};
use crate::domain::roles::Role;
use crate::services::mentorships;
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Mentor, Newcomer, Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::{render, safe_next};

domain_enum! {
    /// What the mentor just did in their queue.
    pub enum QueueNotice ("notice") {
        Claimed = "claimed",
        Passed = "passed",
    }
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    did: Choice<QueueNotice>,
}

pub async fn queue_page(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Query(q): Query<QueueQuery>,
) -> AppResult<Html<String>> {
    let cfg = state.config.matching();
    let queue = mentorships::mentor_queue(&state.db, user.id, &cfg, Utc::now()).await?;
    let notice = q.did.known().map(|d| match d {
        QueueNotice::Claimed => "You are their mentor now: they are among your mentees.",
        QueueNotice::Passed => "Passed: they will not be shown to you again for a while.",
    });
    render(
        &state,
        &Viewer(Some(user)),
        "mentor/queue.html",
        context! {
            queue => Serde(&queue),
            notice,
            pass_days => state.config.queue_pass_days,
        },
    )
}

pub async fn claim_newcomer(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Path(newcomer): Path<i32>,
) -> AppResult<Redirect> {
    mentorships::claim_newcomer(&state.db, user.id, newcomer, Utc::now()).await?;
    Ok(Redirect::to("/mentor/queue?did=claimed"))
}

pub async fn pass_newcomer(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Path(newcomer): Path<i32>,
) -> AppResult<Redirect> {
    let days = state.config.queue_pass_days;
    mentorships::pass_newcomer(&state.db, user.id, newcomer, days, Utc::now()).await?;
    Ok(Redirect::to("/mentor/queue?did=passed"))
}

#[derive(Debug, Deserialize)]
pub struct Message {
    #[serde(default)]
    message: String,
}

/// A newcomer asks a mentor from their suggestions.
pub async fn request_mentor(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(mentor): Path<i32>,
    Form(form): Form<Message>,
) -> AppResult<Redirect> {
    mentorships::request_mentor(&state.db, user.id, mentor, &form.message, Utc::now()).await?;
    Ok(Redirect::to("/dashboard?did=requested"))
}

#[derive(Debug, Deserialize)]
pub struct Ending {
    #[serde(default)]
    reason: String,
    /// The page to return to.
    next: Option<String>,
}

/// The newcomer, the mentor or an organizer ends a mentorship (the service checks which the person is).
pub async fn end_mentorship(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Ending>,
) -> AppResult<Redirect> {
    let as_organizer = user.has(Role::Organizer);
    mentorships::end_mentorship(
        &state.db,
        id,
        user.id,
        as_organizer,
        &form.reason,
        Utc::now(),
    )
    .await?;
    let back = safe_next(form.next.as_deref(), "/dashboard");
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}did=ended")))
}

#[derive(Debug, Deserialize)]
pub struct Done {
    did: Option<String>,
}

/// Every open mentorship, for organizers, each with a form to end it.
pub async fn mentorships_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(q): Query<Done>,
) -> AppResult<Html<String>> {
    let rows = mentorships::open_mentorships(&state.db).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/mentorships.html",
        context! { rows => Serde(&rows), ended => q.did.as_deref() == Some("ended") },
    )
}
