//! Progress reports: one report's page for its newcomer, its mentor and organizers, with the forms each may use
//! (the mentor completes it, the newcomer adds their view, organizers review and act), and the organizers'
//! review queue.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::progress_reports::Assessment;
use crate::domain::enums::{Choice, domain_enum};
use crate::domain::profile::FieldErrors;
use crate::services::programme::ProgrammeFilter;
use crate::services::progress::Looker;
use crate::services::users::UserWithRoles;
use crate::services::{ServiceError, ServiceResult, reports};
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Newcomer, Organizer, Viewer};
use crate::web::form::Form;
use crate::web::page::{FailedForm, after_form, render};

domain_enum! {
    /// What just happened to the report, for the notice at the top of its page.
    pub enum ReportNotice ("notice") {
        Submitted = "submitted",
        Viewed = "viewed",
        Reviewed = "reviewed",
        Paused = "paused",
        Extended = "extended",
        Released = "released",
        Reassigned = "reassigned",
    }
}

impl ReportNotice {
    fn text(self) -> &'static str {
        match self {
            ReportNotice::Submitted => "Report submitted. An organizer will review it.",
            ReportNotice::Viewed => "Your view is added to the report.",
            ReportNotice::Reviewed => "Report reviewed.",
            ReportNotice::Paused => {
                "The newcomer is paused; they see your reason on their timeline."
            }
            ReportNotice::Extended => "The claim has more time.",
            ReportNotice::Released => "The claim is ended; the task is open again.",
            ReportNotice::Reassigned => "The newcomer has a new mentor.",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Did {
    #[serde(default)]
    did: Choice<ReportNotice>,
}

async fn report_view(
    state: &AppState,
    user: UserWithRoles,
    id: i32,
    notice: Option<ReportNotice>,
    failed: Option<FailedForm>,
) -> AppResult<Html<String>> {
    let page = reports::report_page(
        &state.db,
        Looker::of(&user),
        id,
        &state.config.progress(),
        Utc::now(),
    )
    .await?;
    render(
        state,
        &Viewer(Some(user)),
        "report.html",
        context! {
            page => Serde(&page),
            notice => notice.map(ReportNotice::text),
            assessments => Assessment::ALL.iter().map(|a| (a.as_str(), a.label())).collect::<Vec<_>>(),
            ..FailedForm::context(failed.as_ref())
        },
    )
}

/// After a form on the report: back to it with a notice, or the page again with the form's messages. A service's
/// `Invalid` (a missing reason) is shown beside the form's `field`, like a form's own messages.
async fn after(
    state: &AppState,
    user: UserWithRoles,
    id: i32,
    outcome: ServiceResult<Result<(), FieldErrors>>,
    form: (&'static str, &'static str, impl Serialize),
    notice: ReportNotice,
) -> AppResult<Response> {
    let (key, field, typed) = form;
    let outcome = match outcome {
        Ok(inner) => inner,
        Err(ServiceError::Invalid(msg)) => {
            let mut errors = FieldErrors::default();
            errors.add(field, msg);
            Err(errors)
        }
        Err(err) => return Err(err.into()),
    }
    .map_err(|errors| FailedForm::new(key, errors, typed));
    after_form(outcome, format!("/reports/{id}?did={notice}"), |failed| {
        report_view(state, user, id, None, Some(failed))
    })
    .await
}

pub async fn report_page(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Query(q): Query<Did>,
) -> AppResult<Html<String>> {
    report_view(&state, user, id, q.did.known(), None).await
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Submission {
    #[serde(default)]
    assessment: Choice<Assessment>,
    #[serde(default)]
    comment: String,
}

/// The report's mentor completes it (the service checks that they are its mentor).
pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Submission>,
) -> AppResult<Response> {
    let outcome = reports::submit_report(
        &state.db,
        Looker::of(&user),
        id,
        &form.assessment,
        &form.comment,
        Utc::now(),
    )
    .await;
    after(
        &state,
        user,
        id,
        outcome,
        ("submit", "comment", form),
        ReportNotice::Submitted,
    )
    .await
}

#[derive(Debug, Deserialize, Serialize)]
pub struct View {
    #[serde(default)]
    view: String,
}

pub async fn add_view(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(id): Path<i32>,
    Form(form): Form<View>,
) -> AppResult<Response> {
    let outcome = reports::add_newcomer_view(&state.db, user.id, id, &form.view, Utc::now()).await;
    after(
        &state,
        user,
        id,
        outcome,
        ("view", "view", form),
        ReportNotice::Viewed,
    )
    .await
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Note {
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Note>,
) -> AppResult<Response> {
    let outcome = reports::review_report(&state.db, user.id, id, &form.note, Utc::now()).await;
    after(
        &state,
        user,
        id,
        outcome,
        ("review", "note", form),
        ReportNotice::Reviewed,
    )
    .await
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Reason {
    #[serde(default)]
    reason: String,
}

pub async fn pause(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> AppResult<Response> {
    let outcome = reports::pause_newcomer(&state.db, user.id, id, &form.reason, Utc::now())
        .await
        .map(Ok);
    after(
        &state,
        user,
        id,
        outcome,
        ("pause", "reason", form),
        ReportNotice::Paused,
    )
    .await
}

pub async fn extend_claim(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> AppResult<Response> {
    let policy = state.config.claims();
    let outcome = reports::extend_claim(&state.db, user.id, id, &form.reason, &policy, Utc::now())
        .await
        .map(Ok);
    after(
        &state,
        user,
        id,
        outcome,
        ("extend", "reason", form),
        ReportNotice::Extended,
    )
    .await
}

pub async fn release_claim(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Reason>,
) -> AppResult<Response> {
    let outcome = reports::release_claim(&state.db, user.id, id, &form.reason, Utc::now())
        .await
        .map(Ok);
    after(
        &state,
        user,
        id,
        outcome,
        ("release", "reason", form),
        ReportNotice::Released,
    )
    .await
}

#[derive(Debug, Deserialize, Serialize)]
pub struct Reassignment {
    #[serde(default)]
    mentor: String,
    #[serde(default)]
    reason: String,
}

pub async fn reassign(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Reassignment>,
) -> AppResult<Response> {
    let outcome = reports::reassign_mentor(
        &state.db,
        user.id,
        id,
        &form.mentor,
        &form.reason,
        Utc::now(),
    )
    .await;
    after(
        &state,
        user,
        id,
        outcome,
        ("reassign", "reason", form),
        ReportNotice::Reassigned,
    )
    .await
}

/// The organizers' review queue: submitted reports, the oldest first, and the overdue ones.
pub async fn review_queue(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
    let queue = reports::review_queue(&state.db, &ProgrammeFilter::default(), Utc::now()).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/reports.html",
        context! { queue => Serde(&queue) },
    )
}
