//! The organizers' pages: people and their roles, mentor applications, the audit log. The lists are searched,
//! filtered and paged in SQL (`services::people`, `services::audit`), so they stay small at any size.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::domain::calendar::{Cohort, Day};
use crate::domain::paging::{PageQuery, thousands};
use crate::domain::roles::{MentorDecision, PersonState, Role, RoleAction};
use crate::services::people::PeopleFilter;
use crate::services::{audit, people, progress, roles};
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::form::{Form, Query, blank_is_none};
use crate::web::page::{render, safe_next};

const PEOPLE: &str = "/organizer/people";
const AUDIT: &str = "/organizer/audit";

/// `/organizer/people?q=&role=&state=&cohort=&page=`.
#[derive(Debug, Deserialize)]
pub struct PeopleQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    role: Option<Role>,
    #[serde(default, deserialize_with = "blank_is_none")]
    state: Option<PersonState>,
    #[serde(default, deserialize_with = "blank_is_none")]
    cohort: Option<Cohort>,
    #[serde(flatten)]
    paging: PageQuery,
}

/// A choice of a filter's `<select>`.
#[derive(Debug, Serialize)]
struct SelectOption {
    value: String,
    label: String,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

pub async fn people(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(query): Query<PeopleQuery>,
) -> AppResult<Html<String>> {
    // A derived state (stalled, blocked, ...) names the newcomers in it now, from everyone's progress (kept for
    // a minute).
    let in_state = match query.state.and_then(|s| s.progress_state()) {
        Some(wanted) => state
            .progress
            .everyone(&state.db, &state.config.progress(), Utc::now())
            .await?
            .values()
            .filter(|p| p.standing.state == wanted)
            .map(|p| p.id)
            .collect(),
        None => Vec::new(),
    };
    let filter = PeopleFilter {
        q: query.q.trim().to_string(),
        role: query.role,
        state: query.state,
        cohort: query.cohort,
        in_state,
    };
    let found = people::search(&state.db, &filter, query.paging).await?;
    // Each newcomer on the page with their derived state and its reason (a handful of grouped queries for the
    // page's people, whatever the programme's size).
    let newcomers: Vec<i32> = found
        .people
        .iter()
        .filter(|p| p.roles.contains(&Role::Newcomer))
        .map(|p| p.id)
        .collect();
    let standings: std::collections::HashMap<String, crate::domain::progress::Standing> =
        progress::progress_of(
            &state.db,
            &progress::Scope::Only(newcomers),
            &state.config.progress(),
            Utc::now(),
        )
        .await?
        .into_iter()
        .map(|(id, p)| (id.to_string(), p.standing))
        .collect();
    let cohorts: Vec<SelectOption> = people::cohorts(&state.db)
        .await?
        .into_iter()
        .map(|c| SelectOption {
            value: c.to_string(),
            label: c.label(),
        })
        .collect();
    let applications = people::applications(&state.db).await?;
    let (role, person_state, cohort) = (
        query.role.map(|r| r.as_str()).unwrap_or_default(),
        query.state.map(|s| s.as_str()).unwrap_or_default(),
        query.cohort.map(|c| c.to_string()).unwrap_or_default(),
    );
    let pager = found.window.pager(
        PEOPLE,
        &[
            ("q", &filter.q),
            ("role", role),
            ("state", person_state),
            ("cohort", &cohort),
        ],
    );
    let filtered = filter != PeopleFilter::default();
    let states: Vec<SelectOption> = PersonState::ALL
        .iter()
        .map(|s| SelectOption {
            value: s.as_str().into(),
            label: s.label().into(),
        })
        .collect();
    let me = user.id;
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/people.html",
        context! {
            people => Serde(&found.people),
            standings => Serde(&standings),
            pager => Serde(&pager),
            count => plural(found.window.total, "person", "people"),
            filtered,
            q => filter.q,
            role,
            person_state,
            cohort,
            roles => Serde(Role::SPELLINGS),
            states => Serde(&states),
            cohorts => Serde(&cohorts),
            applications,
            me,
        },
    )
}

/// Where a change made from the people page goes back to: the page it was made on (its search, filters and page),
/// when the form says so and that is a people page; else the first page.
fn back_to_people(back: Option<&str>) -> String {
    let back = safe_next(back, PEOPLE);
    match back.strip_prefix(PEOPLE) {
        Some("") => back.to_string(),
        Some(rest) if rest.starts_with('?') => back.to_string(),
        _ => PEOPLE.to_string(),
    }
}

#[derive(Debug, Deserialize)]
pub struct Decision {
    decision: MentorDecision,
    /// The people page the form was on.
    back: Option<String>,
}

pub async fn decide_mentor(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Decision>,
) -> AppResult<Redirect> {
    let approve = form.decision == MentorDecision::Approve;
    roles::decide_mentor(&state.db, user.id, id, approve, Utc::now()).await?;
    Ok(Redirect::to(&back_to_people(form.back.as_deref())))
}

#[derive(Debug, Deserialize)]
pub struct RoleChange {
    role: Role,
    action: RoleAction,
    /// The people page the form was on.
    back: Option<String>,
}

pub async fn change_role(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<RoleChange>,
) -> AppResult<Redirect> {
    let role = form.role;
    match form.action {
        RoleAction::Grant => roles::grant(&state.db, user.id, id, role, Utc::now()).await?,
        RoleAction::Revoke => roles::revoke(&state.db, user.id, id, role, Utc::now()).await?,
    }
    Ok(Redirect::to(&back_to_people(form.back.as_deref())))
}

/// `/organizer/audit?q=&action=&actor=&from=&to=&page=`.
#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    action: Option<String>,
    #[serde(default)]
    actor: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    from: Option<Day>,
    #[serde(default, deserialize_with = "blank_is_none")]
    to: Option<Day>,
    #[serde(flatten)]
    paging: PageQuery,
}

pub async fn audit_log(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(query): Query<AuditQuery>,
) -> AppResult<Html<String>> {
    let filter = audit::AuditFilter {
        q: query.q.trim().to_string(),
        action: query.action.map(|a| a.trim().to_string()),
        actor: query.actor.trim().to_string(),
        from: query.from,
        to: query.to,
    };
    let found = audit::search(&state.db, &filter, query.paging).await?;
    let actions = audit::actions(&state.db).await?;
    let (action, from, to) = (
        filter.action.clone().unwrap_or_default(),
        filter.from.map(|d| d.to_string()).unwrap_or_default(),
        filter.to.map(|d| d.to_string()).unwrap_or_default(),
    );
    let pager = found.window.pager(
        AUDIT,
        &[
            ("q", &filter.q),
            ("action", &action),
            ("actor", &filter.actor),
            ("from", &from),
            ("to", &to),
        ],
    );
    let filtered = filter != audit::AuditFilter::default();
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/audit.html",
        context! {
            entries => Serde(&found.entries),
            pager => Serde(&pager),
            count => plural(found.window.total, "entry", "entries"),
            filtered,
            q => filter.q,
            action,
            actor => filter.actor,
            from,
            to,
            actions => Serde(&actions),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::back_to_people;

    #[test]
    fn a_change_goes_back_to_the_people_page_it_was_made_on_and_nowhere_else() {
        assert_eq!(
            back_to_people(Some("/organizer/people?q=ana&page=3")),
            "/organizer/people?q=ana&page=3"
        );
        assert_eq!(
            back_to_people(Some("/organizer/people")),
            "/organizer/people"
        );
        for elsewhere in [
            "/organizer/peoplex",
            "/organizer/audit",
            "https://evil.example/organizer/people",
            "//evil.example",
            "",
        ] {
            assert_eq!(
                back_to_people(Some(elsewhere)),
                "/organizer/people",
                "{elsewhere}"
            );
        }
        assert_eq!(back_to_people(None), "/organizer/people");
    }
}
