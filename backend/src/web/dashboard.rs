//! The signed-in home page: who you are, what Onramp knows about you, and the next step.

use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::db::user_roles::Role;
use crate::error::AppResult;
use crate::services::profiles;
use crate::web::extract::{CurrentUser, Viewer};
use crate::web::page::render;

pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    let status = profiles::status(&state.db, &user).await?;
    render(
        &state,
        &Viewer(Some(user.clone())),
        "dashboard.html",
        context! {
            user => Serde(&user),
            profile_complete => user.has(Role::Newcomer) && status.newcomer_complete,
            mentor_status => status.mentor_status.map(|s| s.as_str()),
        },
    )
}
