//! Task claims: a newcomer claims from the task page or takes a task round's offer; the claim's own page shows it
//! with its history and the forms its holder, their mentor and organizers may use; organizers list every held task.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::enums::{Choice, domain_enum};
use crate::domain::mentorship::ProposalAnswer;
use crate::domain::roles::Role;
use crate::services::users::UserWithRoles;
use crate::services::{ServiceError, ServiceResult, claims};
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Mentor, Newcomer, Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::render;

domain_enum! {
    /// What just happened to the claim, for the notice at the top of its page.
    pub enum ClaimNotice ("notice") {
        Claimed = "claimed",
        Released = "released",
        Done = "done",
        Extended = "extended",
        Confirmed = "confirmed",
        Ended = "ended",
    }
}

impl ClaimNotice {
    fn text(self) -> &'static str {
        match self {
            ClaimNotice::Claimed => {
                "The task is yours. Tell your mentor, then show progress before the claim expires."
            }
            ClaimNotice::Released => "Claim released: the task is open for someone else.",
            ClaimNotice::Done => "Marked done. Your mentor or an organizer will confirm it.",
            ClaimNotice::Extended => "Claim extended.",
            ClaimNotice::Confirmed => {
                "Work confirmed: the task is done, and every task that waited for it is unblocked."
            }
            ClaimNotice::Ended => "Claim ended; the newcomer sees your reason.",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Did {
    #[serde(default)]
    did: Choice<ClaimNotice>,
}

/// Render the claim page, with a notice, or with a form's message beside its field and the typed value kept.
async fn claim_view(
    state: &AppState,
    user: UserWithRoles,
    claim_id: i32,
    notice: Option<ClaimNotice>,
    errors: serde_json::Value,
    typed: serde_json::Value,
) -> AppResult<Html<String>> {
    let page = claims::claim_page(&state.db, claim_id, user.id, user.has(Role::Organizer)).await?;
    render(
        state,
        &Viewer(Some(user)),
        "claim.html",
        context! {
            page => Serde(&page),
            notice => notice.map(ClaimNotice::text),
            errors => Serde(&errors),
            typed => Serde(&typed),
        },
    )
}

pub async fn claim_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Query(q): Query<Did>,
) -> AppResult<Html<String>> {
    let empty = serde_json::json!({});
    claim_view(&state, user, id, q.did.known(), empty.clone(), empty).await
}

/// After a form on the claim page: back to it with a notice, or the page again with the field's message.
async fn after(
    state: &AppState,
    user: UserWithRoles,
    claim_id: i32,
    result: ServiceResult<()>,
    field: &str,
    typed: &str,
    notice: ClaimNotice,
) -> AppResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/claims/{claim_id}?did={notice}")).into_response()),
        Err(ServiceError::Invalid(msg)) => {
            let page = claim_view(
                state,
                user,
                claim_id,
                None,
                serde_json::json!({ field: msg }),
                serde_json::json!({ field: typed }),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

pub async fn claim_task(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(slug): Path<String>,
) -> AppResult<Redirect> {
    let policy = state.config.claims();
    let receipt = claims::claim_task(&state.db, user.id, &slug, &policy, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/claims/{}?did={}",
        receipt.claim_id,
        ClaimNotice::Claimed
    )))
}

pub async fn release(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let result = claims::release(&state.db, id, user.id, Utc::now()).await;
    after(&state, user, id, result, "", "", ClaimNotice::Released).await
}

#[derive(Debug, Deserialize)]
pub struct Evidence {
    #[serde(default)]
    evidence_url: String,
}

pub async fn mark_done(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(id): Path<i32>,
    Form(form): Form<Evidence>,
) -> AppResult<Response> {
    let result = claims::mark_done(&state.db, id, user.id, &form.evidence_url, Utc::now()).await;
    after(
        &state,
        user,
        id,
        result,
        "evidence_url",
        &form.evidence_url,
        ClaimNotice::Done,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct Reason {
    #[serde(default)]
    reason: String,
}

pub async fn extend(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> AppResult<Response> {
    let policy = state.config.claims();
    let result = claims::extend(
        &state.db,
        id,
        user.id,
        false,
        &form.reason,
        &policy,
        Utc::now(),
    )
    .await
    .map(|_| ());
    after(
        &state,
        user,
        id,
        result,
        "extend_reason",
        &form.reason,
        ClaimNotice::Extended,
    )
    .await
}

/// The holder's mentor or an organizer confirms the work (the service checks which the person is).
pub async fn confirm(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let as_organizer = user.has(Role::Organizer);
    let result = claims::confirm_done(&state.db, id, user.id, as_organizer, Utc::now()).await;
    after(&state, user, id, result, "", "", ClaimNotice::Confirmed).await
}

pub async fn force_release(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> AppResult<Response> {
    let result = claims::force_release(&state.db, id, user.id, &form.reason, Utc::now()).await;
    after(
        &state,
        user,
        id,
        result,
        "end_reason",
        &form.reason,
        ClaimNotice::Ended,
    )
    .await
}

/// Every active claim: who holds which task, and since when.
pub async fn held_tasks(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
    let held = claims::active_claims(&state.db).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/claims.html",
        context! { claims => Serde(&held) },
    )
}

#[derive(Debug, Deserialize)]
pub struct OfferAnswer {
    answer: ProposalAnswer,
}

/// The newcomer answers a task round's offer: accepting claims the task and opens the claim's page.
pub async fn answer_offer(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(id): Path<i32>,
    Form(form): Form<OfferAnswer>,
) -> AppResult<Redirect> {
    let accept = form.answer == ProposalAnswer::Accept;
    let policy = state.config.claims();
    let claim = claims::answer_offer(&state.db, id, user.id, accept, &policy, Utc::now()).await?;
    Ok(Redirect::to(&match claim {
        Some(c) => format!("/claims/{}?did={}", c.claim_id, ClaimNotice::Claimed),
        None => "/dashboard?did=declined".to_owned(),
    }))
}
