//! A person's notification settings, and the unsubscribe link every nudge carries: a GET shows what it will turn
//! off (mail scanners follow links, so a GET changes nothing), a POST turns it off. The POST works without
//! signing in or a same-site origin, as RFC 8058's one-click unsubscribe needs; the link's signature is what
//! authorizes it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::email::DigestFrequency;
use crate::domain::notification_form::NotificationForm;
use crate::domain::profile::FieldErrors;
use crate::mail::unsubscribe::Unsubscribe;
use crate::services::notification_settings as settings;
use crate::services::users::UserWithRoles;
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, Viewer};
use crate::web::form::{Form, Query};
use crate::web::page::render;

pub const SETTINGS: &str = "/settings/notifications";

#[derive(Debug, Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<String>,
}

async fn settings_page(
    state: &AppState,
    user: UserWithRoles,
    typed: Option<(&NotificationForm, &FieldErrors)>,
    saved: bool,
) -> AppResult<Html<String>> {
    let current = settings::settings(&state.db, &user, Utc::now()).await?;
    let (typed, errors) = match typed {
        Some((form, errors)) => (Some(form), errors.clone()),
        None => (None, FieldErrors::default()),
    };
    render(
        state,
        &Viewer(Some(user)),
        "notifications.html",
        context! {
            settings => Serde(&current),
            typed => Serde(&typed),
            errors => Serde(&errors.0),
            digests => Serde(DigestFrequency::SPELLINGS),
            saved,
        },
    )
}

pub async fn settings_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<Saved>,
) -> AppResult<Html<String>> {
    settings_page(&state, user, None, q.saved.is_some()).await
}

pub async fn save_settings(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Form(form): Form<NotificationForm>,
) -> AppResult<Response> {
    let now = Utc::now();
    match form.parse(&settings::offered(&user), now.date_naive()) {
        Ok(choice) => {
            settings::save(&state.db, &user, &choice, now).await?;
            Ok(Redirect::to(&format!("{SETTINGS}?saved=1")).into_response())
        }
        Err(errors) => {
            let page = settings_page(&state, user, Some((&form, &errors)), false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

fn link(state: &AppState, token: &str) -> AppResult<Unsubscribe> {
    // A link that was cut short or tampered with is no link at all.
    state
        .mailer
        .composer
        .signer()
        .verify(token)
        .ok_or(AppError::NotFound)
}

pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    let view = settings::unsubscribe_view(&state.db, link(&state, &token)?).await?;
    render(
        &state,
        &Viewer(viewer),
        "unsubscribe.html",
        context! { view => Serde(&view), token, done => false },
    )
}

/// Both the page's button and a mail client's one-click POST (`List-Unsubscribe=One-Click`) land here.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Viewer(viewer): Viewer,
    Path(token): Path<String>,
) -> AppResult<Html<String>> {
    let view = settings::unsubscribe(&state.db, link(&state, &token)?, Utc::now()).await?;
    render(
        &state,
        &Viewer(viewer),
        "unsubscribe.html",
        context! { view => Serde(&view), token, done => true },
    )
}
