//! The programme dashboard: the funnel, who needs attention, mentors' load, tasks by area and activity per week,
//! for a cohort, an area or a mentor's mentees.

use axum::extract::{Query, State};
use axum::response::Html;
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::services::programme_choices;
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::page::render;
use crate::web::programme_query::ProgrammeQuery;

/// The programme dashboard for the newcomers the filter keeps.
pub async fn programme(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Html<String>> {
    let filter = q.filter(&state.db).await?;
    let dash = state
        .dashboards
        .get(&state.db, &filter, &state.config.progress(), Utc::now())
        .await?;
    let choices = programme_choices::filter_choices(&state.db).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/dashboard.html",
        context! {
            dash => Serde(&*dash),
            choices => Serde(&choices),
            filter => Serde(&filter),
            filtered => !filter.is_empty(),
        },
    )
}
