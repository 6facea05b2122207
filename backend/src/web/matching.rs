//! Matching pages: organizers create, review and send rounds; mentors answer the proposals sent to them.
//! Newcomers' suggestions live on the dashboard (`dashboard.rs`).

use axum::extract::{Path, Query as AxumQuery, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::calendar::Cohort;
use crate::domain::enums::Choice;
use crate::domain::mentorship::ProposalAnswer;
use crate::domain::paging::{PageQuery, Window};
use crate::domain::rounds::{RoundKind, RoundList, RoundState};
use crate::services::{claims, mentorships, people, rounds};
use crate::web::error::AppResult;
use crate::web::extract::{Mentor, Organizer, Viewer};
use crate::web::form::{Form, Query, blank_is_none};
use crate::web::page::render;

/// How many rounds the list shows.
const ROUNDS_LISTED: u64 = 100;

pub async fn rounds_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
) -> AppResult<Html<String>> {
    let list = rounds::list_rounds(&state.db, ROUNDS_LISTED).await?;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/rounds.html",
        context! { rounds => Serde(&list) },
    )
}

#[derive(Debug, Deserialize)]
pub struct NewRound {
    kind: RoundKind,
}

pub async fn create_round(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Form(form): Form<NewRound>,
) -> AppResult<Redirect> {
    let cfg = state.config.matching();
    let created = rounds::create_round(&state.db, user.id, form.kind, &cfg, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/organizer/rounds/{}",
        created.round_id
    )))
}

/// `/organizer/rounds/{id}?q=&show=&page=`.
#[derive(Debug, Deserialize)]
pub struct RoundQuery {
    /// Set after sending: how many were proposed.
    sent: Option<usize>,
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    show: Option<RoundList>,
    /// Only newcomers who signed up in this month (`YYYY-MM`).
    #[serde(default, deserialize_with = "blank_is_none")]
    cohort: Option<Cohort>,
    #[serde(flatten)]
    paging: PageQuery,
}

pub async fn round_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Query(query): Query<RoundQuery>,
) -> AppResult<Html<String>> {
    let search = rounds::RoundSearch {
        q: query.q.trim().to_string(),
        show: query.show,
        cohort: query.cohort,
    };
    let cohort = query.cohort.map(|c| c.to_string()).unwrap_or_default();
    let cohorts: Vec<(String, String)> = people::cohorts(&state.db)
        .await?
        .into_iter()
        .map(|c| (c.to_string(), c.label()))
        .collect();
    let review = rounds::review_page(&state.db, id, &search, query.paging).await?;
    let is_draft = review.round.state == RoundState::Draft;
    let is_mentors = review.round.kind == RoundKind::Mentors;
    let path = format!("/organizer/rounds/{id}");
    // Each list's pager, and the link to see all of a list when the page shows the first few of each.
    let list = |which: RoundList, window: &Window| {
        let show = match which {
            RoundList::All => "",
            other => other.as_str(),
        };
        let pager = window.pager(
            &path,
            &[("q", &search.q), ("cohort", &cohort), ("show", show)],
        );
        let all = PageQuery {
            page: Default::default(),
            ..query.paging
        }
        .within(window.total)
        .pager(
            &path,
            &[("q", &search.q), ("cohort", &cohort), ("show", show)],
        )
        .here;
        (pager, all)
    };
    let (proposals_pager, proposals_all) = list(RoundList::Proposals, &review.proposals.window);
    let (unplaced_pager, unplaced_all) = list(RoundList::Unplaced, &review.unplaced.window);
    let skipped = review.skipped.as_ref();
    let (skipped_pager, skipped_all) = match skipped {
        Some(s) => {
            let (p, a) = list(RoundList::Skipped, &s.window);
            (Some(p), Some(a))
        }
        None => (None, None),
    };
    let (overview, _) = list(RoundList::All, &review.proposals.window);
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/round.html",
        context! {
            review => Serde(&review),
            is_draft,
            is_mentors,
            just_sent => query.sent,
            q => search.q,
            cohort,
            cohorts,
            show => review.show.as_str(),
            overview => overview.here,
            proposals_pager => Serde(&proposals_pager),
            proposals_all,
            unplaced_pager => Serde(&unplaced_pager),
            unplaced_all,
            skipped_pager => Serde(&skipped_pager),
            skipped_all,
        },
    )
}

pub async fn send_round(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
) -> AppResult<Redirect> {
    let report = rounds::send_round(&state.db, id, user.id, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/organizer/rounds/{id}?sent={}",
        report.proposed
    )))
}

#[derive(Debug, Deserialize)]
pub struct Answered {
    /// Set after answering; anything else is ignored.
    #[serde(default)]
    answered: Choice<ProposalAnswer>,
    /// Set after ending a mentorship.
    did: Option<String>,
}

pub async fn proposals_page(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    AxumQuery(q): AxumQuery<Answered>,
) -> AppResult<Html<String>> {
    let desk = mentorships::mentor_desk(&state.db, user.id).await?;
    let mentee_claims = claims::claims_of_mentees(&state.db, user.id).await?;
    let answered = q.answered.known().map(|a| match a {
        ProposalAnswer::Accept => "accepted",
        ProposalAnswer::Decline => "declined",
    });
    render(
        &state,
        &Viewer(Some(user)),
        "mentor/proposals.html",
        context! {
            desk => Serde(&desk),
            answered,
            ended => q.did.as_deref() == Some("ended"),
            claims => Serde(&mentee_claims),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct Response {
    response: ProposalAnswer,
    /// An optional word for the newcomer.
    #[serde(default)]
    message: String,
}

pub async fn respond(
    State(state): State<AppState>,
    Mentor(user): Mentor,
    Path(id): Path<i32>,
    Form(form): Form<Response>,
) -> AppResult<Redirect> {
    let accept = form.response == ProposalAnswer::Accept;
    // The service checks that the proposal is this mentor's (403 otherwise).
    let message = Some(form.message.as_str());
    mentorships::respond_to_proposal(&state.db, id, user.id, accept, message, Utc::now()).await?;
    Ok(Redirect::to(&format!(
        "/mentor/proposals?answered={}",
        form.response
    )))
}
