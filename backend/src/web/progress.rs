//! Progress: a newcomer's page of milestones, check-ins and timeline (their own at /progress; their mentor's and
//! organizers' view at /people/{id}/progress), the forms on it, and a mentor's list of mentees.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::domain::enums::{Choice, domain_enum};
use crate::domain::profile::FieldErrors;
use crate::services::progress::{self, CheckInForm, Looker, RecordForm};
use crate::services::reports;
use crate::services::users::UserWithRoles;
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Mentor, Newcomer, Viewer};
use crate::web::form::Form;
use crate::web::page::{FailedForm, after_form, render};

domain_enum! {
    /// What just happened, for the notice at the top of the progress page.
    pub enum ProgressNotice ("notice") {
        Recorded = "recorded",
        Answered = "answered",
        Verified = "verified",
        Questioned = "questioned",
        CheckedIn = "checked_in",
        Replied = "replied",
    }
}

impl ProgressNotice {
    fn text(self) -> &'static str {
        match self {
            ProgressNotice::Recorded => "Milestone recorded. Your mentor will verify it.",
            ProgressNotice::Answered => "Answer sent. The milestone waits for your mentor again.",
            ProgressNotice::Verified => "Milestone verified.",
            ProgressNotice::Questioned => {
                "Question sent. The newcomer answers below the milestone."
            }
            ProgressNotice::CheckedIn => "Check-in saved. Your mentor will reply.",
            ProgressNotice::Replied => "Reply sent.",
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct Did {
    #[serde(default)]
    did: Choice<ProgressNotice>,
}

/// Where a newcomer's progress page is, for `viewer`.
fn page_url(viewer: i32, newcomer: i32) -> String {
    if viewer == newcomer {
        "/progress".into()
    } else {
        format!("/people/{newcomer}/progress")
    }
}

/// Render the page, with a notice, or with one form's messages beside its fields and what was typed kept.
async fn progress_view(
    state: &AppState,
    user: UserWithRoles,
    newcomer: i32,
    notice: Option<ProgressNotice>,
    failed: Option<FailedForm>,
) -> AppResult<Html<String>> {
    let page = progress::progress_page(
        &state.db,
        Looker::of(&user),
        newcomer,
        &state.config.progress(),
        Utc::now(),
    )
    .await?;
    render(
        state,
        &Viewer(Some(user)),
        "progress.html",
        context! {
            page => Serde(&page),
            notice => notice.map(ProgressNotice::text),
            ..FailedForm::context(failed.as_ref())
        },
    )
}

/// After a form: back to the page (at `anchor`) with a notice, or the page again with the form's messages.
async fn after(
    state: &AppState,
    user: UserWithRoles,
    newcomer: i32,
    outcome: Result<(), FieldErrors>,
    form: (&str, Value),
    notice: ProgressNotice,
    anchor: &str,
) -> AppResult<Response> {
    let to = format!("{}?did={notice}#{anchor}", page_url(user.id, newcomer));
    let outcome = outcome.map_err(|errors| FailedForm::new(form.0, errors, form.1));
    after_form(outcome, to, |failed| {
        progress_view(state, user, newcomer, None, Some(failed))
    })
    .await
}

/// The newcomer's own progress.
pub async fn my_progress(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Query(q): Query<Did>,
) -> AppResult<Html<String>> {
    let id = user.id;
    progress_view(&state, user, id, q.did.known(), None).await
}

/// A newcomer's progress for their mentor or an organizer (and for the newcomer, the same as /progress).
pub async fn person_progress(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Query(q): Query<Did>,
) -> AppResult<Html<String>> {
    progress_view(&state, user, id, q.did.known(), None).await
}

pub async fn record(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(slug): Path<String>,
    Form(form): Form<RecordForm>,
) -> AppResult<Response> {
    let claims = state.config.claims();
    let outcome =
        progress::record_milestone(&state.db, user.id, &slug, &form, &claims, Utc::now()).await?;
    let id = user.id;
    let key = format!("record-{slug}");
    let anchor = format!("m-{slug}");
    after(
        &state,
        user,
        id,
        outcome,
        (&key, json!(form)),
        ProgressNotice::Recorded,
        &anchor,
    )
    .await
}

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Answer {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    evidence_url: String,
}

pub async fn answer(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Path(id): Path<i32>,
    Form(form): Form<Answer>,
) -> AppResult<Response> {
    let claims = state.config.claims();
    let outcome = progress::answer_question(
        &state.db,
        user.id,
        id,
        &form.answer,
        &form.evidence_url,
        &claims,
        Utc::now(),
    )
    .await?;
    let me = user.id;
    let key = format!("answer-{id}");
    let anchor = format!("r-{id}");
    after(
        &state,
        user,
        me,
        outcome,
        (&key, json!(form)),
        ProgressNotice::Answered,
        &anchor,
    )
    .await
}

/// The newcomer's mentor or an organizer verifies a milestone (the service checks which the person is).
pub async fn verify(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
) -> AppResult<Response> {
    let newcomer = progress::verify_milestone(&state.db, Looker::of(&user), id, Utc::now()).await?;
    let anchor = format!("r-{id}");
    after(
        &state,
        user,
        newcomer,
        Ok(()),
        ("", json!({})),
        ProgressNotice::Verified,
        &anchor,
    )
    .await
}

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Question {
    #[serde(default)]
    question: String,
}

pub async fn question(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Question>,
) -> AppResult<Response> {
    let (newcomer, outcome) =
        progress::question_milestone(&state.db, Looker::of(&user), id, &form.question, Utc::now())
            .await?;
    let key = format!("question-{id}");
    let anchor = format!("r-{id}");
    after(
        &state,
        user,
        newcomer,
        outcome,
        (&key, json!(form)),
        ProgressNotice::Questioned,
        &anchor,
    )
    .await
}

pub async fn check_in(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Form(form): Form<CheckInForm>,
) -> AppResult<Response> {
    let claims = state.config.claims();
    let outcome = progress::check_in(&state.db, user.id, &form, &claims, Utc::now()).await?;
    let me = user.id;
    after(
        &state,
        user,
        me,
        outcome.map(|_| ()),
        ("check-in", json!(form)),
        ProgressNotice::CheckedIn,
        "check-ins",
    )
    .await
}

#[derive(Debug, Deserialize, serde::Serialize)]
pub struct Reply {
    #[serde(default)]
    reply: String,
}

/// A reply to a check-in: from the newcomer's mentor, an organizer, or the newcomer.
pub async fn reply(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i32>,
    Form(form): Form<Reply>,
) -> AppResult<Response> {
    let (newcomer, outcome) =
        progress::reply_to_check_in(&state.db, Looker::of(&user), id, &form.reply, Utc::now())
            .await?;
    let key = format!("reply-{id}");
    let anchor = format!("c-{id}");
    after(
        &state,
        user,
        newcomer,
        outcome,
        (&key, json!(form)),
        ProgressNotice::Replied,
        &anchor,
    )
    .await
}

/// A mentor's mentees, the one waiting longest first.
pub async fn mentees(
    State(state): State<AppState>,
    Mentor(user): Mentor,
) -> AppResult<Html<String>> {
    let now = Utc::now();
    let rows = progress::mentees_of(&state.db, user.id, &state.config.progress(), now).await?;
    let due = reports::reports_due_for_mentor(&state.db, user.id, now).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "mentor/mentees.html",
        context! { mentees => Serde(&rows), reports => Serde(&due) },
    )
}
