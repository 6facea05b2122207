//! The signed-in home page: who you are, what Onramp knows about you, and the next step.
//! A newcomer with a complete profile also sees the mentors and tasks that fit them, with the reasons.

use axum::extract::{Query, State};
use serde::Deserialize;

use crate::domain::enums::{Choice, domain_enum};
use axum::response::Html;
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::domain::roles::Role;
use crate::services::progress::{self, Scope};
use crate::services::{claims, mentorships, profiles, suggestions};
use crate::web::error::AppResult;
use crate::web::extract::{CurrentUser, Viewer};
use crate::web::page::render;

domain_enum! {
    /// What just happened, for the notice at the top.
    pub enum DashboardNotice ("notice") {
        Requested = "requested",
        Ended = "ended",
        Declined = "declined",
    }
}

#[derive(Debug, Deserialize)]
pub struct DashboardQuery {
    #[serde(default)]
    did: Choice<DashboardNotice>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<DashboardQuery>,
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
    let (my_claims, offers, (mentorship, last_mentorship)) = if user.has(Role::Newcomer) {
        (
            claims::claims_of_newcomer(&state.db, user.id).await?,
            claims::offers_of_newcomer(&state.db, user.id).await?,
            mentorships::mentorship_of_newcomer(&state.db, user.id).await?,
        )
    } else {
        (Vec::new(), Vec::new(), (None, None))
    };
    let standing = if user.has(Role::Newcomer) {
        let scope = Scope::Only(vec![user.id]);
        progress::progress_of(&state.db, &scope, &state.config.progress(), Utc::now())
            .await?
            .remove(&user.id)
            .map(|p| p.standing)
    } else {
        None
    };
    let notice = q.did.known().map(|d| match d {
        DashboardNotice::Requested => "Request sent. The mentor will accept or decline it.",
        DashboardNotice::Ended => "Mentorship ended. You are back in the pool for a new mentor.",
        DashboardNotice::Declined => "Offer declined. The task stays open for others.",
    });
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
            standing => Serde(&standing),
            offers => Serde(&offers),
            mentorship => Serde(&mentorship),
            last_mentorship => Serde(&last_mentorship),
            notice,
            can_claim_more => my_claims
                .iter()
                .filter(|c| c.ended_at.is_none())
                .count() < state.config.claim_limit as usize,
        },
    )
}
