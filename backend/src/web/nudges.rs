//! What the next nudge pass would send, before it runs: every email it would queue, written as it would go out,
//! with what it would hold back and why; and a button that runs the pass now.

use axum::extract::State;
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::domain::paging::PageQuery;
use crate::mail::Decision;
use crate::services::nudges;
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::form::Query;
use crate::web::page::render;

pub const NUDGES: &str = "/organizer/nudges";

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    #[serde(flatten)]
    paging: PageQuery,
}

/// One email the pass would send, written.
#[derive(Debug, Serialize)]
struct Written {
    to: String,
    kind: &'static str,
    send_at: chrono::DateTime<Utc>,
    subject: String,
    text: String,
    html: String,
    error: Option<String>,
}

/// How many of one kind the pass would send, and hold back.
#[derive(Debug, Default, Serialize)]
struct KindCount {
    label: &'static str,
    send: usize,
    already: usize,
    withheld: usize,
}

pub async fn preview(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(q): Query<PreviewQuery>,
) -> AppResult<Html<String>> {
    let now = Utc::now();
    let planned = nudges::preview(&state.db, &state.config.nudge_policies(), now).await?;
    let mut by_kind: std::collections::BTreeMap<&str, KindCount> = Default::default();
    for p in &planned {
        let count = by_kind
            .entry(p.email.kind.as_str())
            .or_insert_with(|| KindCount {
                label: p.email.kind.label(),
                ..Default::default()
            });
        match p.decision {
            Decision::Send { .. } => count.send += 1,
            Decision::AlreadyQueued => count.already += 1,
            Decision::Withheld(_) => count.withheld += 1,
        }
    }
    let sending: Vec<_> = planned
        .iter()
        .filter(|p| matches!(p.decision, Decision::Send { .. }))
        .collect();
    let window = q.paging.within(sending.len() as u64);
    let written: Vec<Written> = sending
        .iter()
        .skip(window.offset() as usize)
        .take(window.limit() as usize)
        .filter_map(|p| {
            let Decision::Send {
                address,
                name,
                send_at,
            } = &p.decision
            else {
                return None;
            };
            let (subject, text, html, error) =
                match state.mailer.composer.render_new(&p.email, name) {
                    Ok(r) => (r.subject, r.text, r.html, None),
                    Err(e) => (String::new(), String::new(), String::new(), Some(e)),
                };
            Some(Written {
                to: address.clone(),
                kind: p.email.kind.label(),
                send_at: *send_at,
                subject,
                text,
                html,
                error,
            })
        })
        .collect();
    let withheld: Vec<String> = planned
        .iter()
        .filter_map(|p| match &p.decision {
            Decision::Withheld(why) => {
                Some(format!("{}: {}", p.email.kind.label(), why.describe()))
            }
            _ => None,
        })
        .take(100)
        .collect();
    let pager = window.pager(NUDGES, &[]);
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/nudges.html",
        context! {
            by_kind => Serde(&by_kind.into_values().collect::<Vec<_>>()),
            written => Serde(&written),
            sending => sending.len(),
            withheld => Serde(&withheld),
            pager => Serde(&pager),
            now => Serde(&now),
        },
    )
}

/// Run the pass now instead of at the next hour.
pub async fn run(State(state): State<AppState>, Organizer(user): Organizer) -> AppResult<Redirect> {
    let now = Utc::now();
    let done = nudges::run_pass(&state.db, &state.config.nudge_policies(), now).await?;
    crate::services::audit::record(
        &state.db,
        Some(user.id),
        "nudges.run",
        "nudges".into(),
        serde_json::to_value(done).unwrap_or_default(),
        now,
    )
    .await?;
    Ok(Redirect::to(&format!(
        "/organizer/outbox?state=pending&queued={}",
        done.queued
    )))
}
