//! Matching pages: organizers create, review and send rounds; mentors answer the proposals sent to them.
//! Newcomers' suggestions live on the dashboard (`dashboard.rs`).

use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::enums::Choice;
use crate::domain::mentorship::ProposalAnswer;
use crate::domain::rounds::{RoundKind, RoundState};
use crate::services::{claims, mentorships, rounds};
use crate::web::error::AppResult;
use crate::web::extract::{Mentor, Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::render;

/// How many rounds the list shows.
const ROUNDS_LISTED: u64 = 100;

pub async fn rounds_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
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
    kind: RoundKind,
}

pub async fn create_round(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Form(form): Form<NewRound>,
) -> AppResult<Redirect> {
    let cfg = state.config.matching();
    let created = rounds::create_round(&state.db, user.id, form.kind, &cfg, Utc::now()).await?;
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
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Query(q): Query<RoundQuery>,
) -> AppResult<Html<String>> {
    let review = rounds::review_round(&state.db, id).await?;
    let is_draft = review.round.state == RoundState::Draft;
    let is_mentors = review.round.kind == RoundKind::Mentors;
    // After sending, a placed proposal without a mentorship (mentor rounds) or an offer (task rounds) was skipped.
    let skipped: Vec<&rounds::ProposalView> = if is_draft {
        Vec::new()
    } else {
        review
            .placed
            .iter()
            .filter(|p| match is_mentors {
                true => p.mentorship.is_none(),
                false => p.offer.is_none(),
            })
            .collect()
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
    Organizer(user): Organizer,
    Path(id): Path<i32>,
) -> AppResult<Redirect> {
    let report = rounds::send_round(&state.db, id, user.id, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/organizer/rounds/{id}?sent={}",
        report.proposed
    )))
}

#[derive(Debug, Deserialize)]
pub struct Answered {
    /// Set after answering; anything else is ignored.
    #[serde(default)]
    answered: Choice<ProposalAnswer>,
    /// Set after ending a mentorship.
    did: Option<String>,
}

pub async fn proposals_page(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Query(q): Query<Answered>,
) -> AppResult<Html<String>> {
    let desk = mentorships::mentor_desk(&state.db, user.id).await?;
    let mentee_claims = claims::claims_of_mentees(&state.db, user.id).await?;
    let answered = q.answered.known().map(|a| match a {
        ProposalAnswer::Accept => "accepted",
        ProposalAnswer::Decline => "declined",
    });
    render(
        &state,
        &Viewer(Some(user)),
        "mentor/proposals.html",
        context! {
            desk => Serde(&desk),
            answered,
            ended => q.did.as_deref() == Some("ended"),
            claims => Serde(&mentee_claims),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct Response {
    response: ProposalAnswer,
    /// An optional word for the newcomer.
    #[serde(default)]
    message: String,
}

pub async fn respond(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Path(id): Path<i32>,
    Form(form): Form<Response>,
) -> AppResult<Redirect> {
    let accept = form.response == ProposalAnswer::Accept;
    // The service checks that the proposal is this mentor's (403 otherwise).
    let message = Some(form.message.as_str());
    mentorships::respond_to_proposal(&state.db, id, user.id, accept, message, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/mentor/proposals?answered={}",
        form.response
    )))
}
