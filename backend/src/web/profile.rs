//! The profile forms: a newcomer's own profile, and the mentor application (later, the mentor profile).
//! There is no user id in these URLs: a person only ever reads and writes their own profile.

use std::sync::LazyLock;

use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::profile::{EXPERIENCE, FieldErrors, LANGUAGES, MentorForm, NewcomerForm};
use crate::services::{catalog, profiles};
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Newcomer, Viewer};
use crate::web::form::Form;
use crate::web::page::render;

/// Every IANA time zone name, for the forms' suggestion list; computed once.
static TIMEZONES: LazyLock<Vec<&'static str>> =
    LazyLock::new(|| chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect());

#[derive(Debug, Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

async fn newcomer_page(
    state: &AppState,
    user: crate::services::users::UserWithRoles,
    form: &NewcomerForm,
    errors: &FieldErrors,
    saved: bool,
) -> AppResult<Html<String>> {
    let areas = catalog::areas(&state.db).await?;
    render(
        state,
        &Viewer(Some(user)),
        "profile.html",
        context! {
            form => Serde(form),
            errors => Serde(errors),
            saved,
            areas => Serde(&areas),
            languages => Serde(LANGUAGES),
            experience => Serde(EXPERIENCE),
            timezones => Serde(&*TIMEZONES),
        },
    )
}

pub async fn newcomer_form(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Query(q): Query<Saved>,
) -> AppResult<Html<String>> {
    let (form, _) = profiles::newcomer_form(&state.db, user.id).await?;
    newcomer_page(
        &state,
        user,
        &form,
        &FieldErrors::default(),
        q.saved.is_some(),
    )
    .await
}

pub async fn save_newcomer(
    State(state): State<AppState>,
    Newcomer(user): Newcomer,
    Form(form): Form<NewcomerForm>,
) -> AppResult<Response> {
    let known = profiles::area_slugs(&state.db).await?;
    match form.validate(&known) {
        Ok(profile) => {
            profiles::save_newcomer(&state.db, user.id, &profile, Utc::now()).await?;
            Ok(Redirect::to("/profile?saved=1").into_response())
        }
        Err(errors) => {
            let page = newcomer_page(&state, user, &form, &errors, false).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

async fn mentor_page(
    state: &AppState,
    user: crate::services::users::UserWithRoles,
    form: &MentorForm,
    errors: &FieldErrors,
    saved: bool,
) -> AppResult<Html<String>> {
    let (_, status) = profiles::mentor_form(&state.db, user.id).await?;
    let areas = catalog::areas(&state.db).await?;
    render(
        state,
        &Viewer(Some(user)),
        "mentor_profile.html",
        context! {
            form => Serde(form),
            errors => Serde(errors),
            saved,
            status => status.map(|s| s.as_str()),
            areas => Serde(&areas),
            languages => Serde(LANGUAGES),
            timezones => Serde(&*TIMEZONES),
        },
    )
}

pub async fn mentor_form(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<Saved>,
) -> AppResult<Html<String>> {
    let (form, _) = profiles::mentor_form(&state.db, user.id).await?;
    mentor_page(
        &state,
        user,
        &form,
        &FieldErrors::default(),
        q.saved.is_some(),
    )
    .await
}

pub async fn save_mentor(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Form(form): Form<MentorForm>,
) -> AppResult<Response> {
    let known = profiles::area_slugs(&state.db).await?;
    match form.validate(&known) {
        Ok(profile) => {
            profiles::save_mentor(&state.db, user.id, &profile, Utc::now()).await?;
            Ok(Redirect::to("/mentor/profile?saved=1").into_response())
        }
        Err(errors) => {
            let page = mentor_page(&state, user, &form, &errors, false).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
