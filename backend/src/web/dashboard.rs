//! The signed-in home page: who you are, what Onramp knows about you, and the next step.
//! A newcomer with a complete profile also sees the mentors and tasks that fit them, with the reasons.

use axum::extract::State;
use axum::response::Html;
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::domain::roles::Role;
use crate::services::{claims, profiles, suggestions};
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Viewer};
use crate::web::page::render;

pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    let status = profiles::status(&state.db, &user).await?;
    let profile_complete = user.has(Role::Newcomer) && status.newcomer_complete;
    // Kept per newcomer until the pool or their profile changes: one stamp query on most views.
    let suggested = match status
        .newcomer_version
        .as_deref()
        .filter(|_| profile_complete)
    {
        Some(version) => {
            let cfg = state.config.matching();
            suggestions::suggestions_kept(
                &state.db,
                &state.pool,
                &state.suggestions,
                user.id,
                version,
                &cfg,
                Utc::now(),
            )
            .await?
        }
        None => None,
    };
    let my_claims = if user.has(Role::Newcomer) {
        claims::claims_of_newcomer(&state.db, user.id).await?
    } else {
        Vec::new()
    };
    render(
        &state,
        &Viewer(Some(user.clone())),
        "dashboard.html",
        context! {
            user => Serde(&user),
            profile_complete,
            mentor_status => status.mentor_status.map(|s| s.as_str()),
            suggestions => Serde(&suggested.as_deref()),
            claims => Serde(&my_claims),
        },
    )
}
