//! The signed-in home page: who you are, what Onramp knows about you, and the next step.

use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::error::AppResult;
use crate::web::extract::{CurrentUser, Viewer};
use crate::web::page::render;

pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> AppResult<Html<String>> {
    let viewer = Viewer(Some(user.clone()));
    render(
        &state,
        &viewer,
        "dashboard.html",
        context! { user => Serde(&user) },
    )
}
