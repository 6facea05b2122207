//! Timelines: what happened to a person's claims and mentorships, newest first; their own, or anyone's for
//! organizers.

use axum::extract::{Path, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::services::{events, outbox, users};
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{CurrentUser, Organizer, Viewer};
use crate::web::page::render;

/// How many events a timeline page shows.
const TIMELINE_LENGTH: u64 = 200;

/// How many of the latest emails to a person their timeline lists.
const EMAILS_SHOWN: u64 = 100;

/// The signed-in person's own timeline: what happened to their claims and mentorships, newest first.
pub async fn my_timeline(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    let history = events::timeline(&state.db, user.id, TIMELINE_LENGTH).await?;
    let emails = outbox::sent_to(&state.db, user.id, EMAILS_SHOWN).await?;
    let whose = user.display_name().to_owned();
    render(
        &state,
        &Viewer(Some(user)),
        "timeline.html",
        context! { history => Serde(&history), emails => Serde(&emails), whose, own => true },
    )
}

/// Someone's timeline, for organizers.
pub async fn person_timeline(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
) -> AppResult<Html<String>> {
    let person = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = events::timeline(&state.db, id, TIMELINE_LENGTH).await?;
    let emails = outbox::sent_to(&state.db, id, EMAILS_SHOWN).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "timeline.html",
        context! {
            history => Serde(&history),
            emails => Serde(&emails),
            whose => person.display_name(),
            own => false,
            person_id => id,
        },
    )
}
