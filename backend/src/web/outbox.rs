//! The outbox as pages: the organizers' list of every email with its state and error, searchable and paged, one
//! email shown whole (a pending one is written on the spot, as it will be sent), and a retry for a failed one.
//! In demo mode the same views are the demo mail page, `/dev/mail`, which does not exist otherwise.

use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::db::email_outbox::{self, OutboxState};
use crate::domain::email::EmailKind;
use crate::domain::paging::{PageQuery, thousands};
use crate::mail::compose::{Draft, Rendered};
use crate::services::outbox::{self, OutboxFilter};
use crate::web::error::{AppError, AppResult};
use crate::web::extract::{Organizer, Viewer};
use crate::web::form::{Form, Query, blank_is_none};
use crate::web::page::{render, safe_next};

pub const OUTBOX: &str = "/organizer/outbox";
pub const DEMO_MAIL: &str = "/dev/mail";

/// `?q=&state=&kind=&page=`.
#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "blank_is_none")]
    state: Option<OutboxState>,
    #[serde(default, deserialize_with = "blank_is_none")]
    kind: Option<EmailKind>,
    /// Only the email to this person (from their timeline).
    #[serde(default, deserialize_with = "blank_is_none")]
    to: Option<i32>,
    #[serde(default)]
    retried: Option<String>,
    /// How many a pass run from the preview queued.
    #[serde(default)]
    queued: Option<String>,
    #[serde(flatten)]
    paging: PageQuery,
}

#[derive(Debug, Serialize)]
struct KindOption {
    value: &'static str,
    label: &'static str,
}

/// Which of the two places the list is shown in.
#[derive(Debug, Clone, Copy, Serialize)]
struct Place {
    path: &'static str,
    title: &'static str,
    demo: bool,
}

const ORGANIZERS: Place = Place {
    path: OUTBOX,
    title: "Outbox",
    demo: false,
};
const DEMO: Place = Place {
    path: DEMO_MAIL,
    title: "Demo mail",
    demo: true,
};

async fn list(
    state: &AppState,
    viewer: Viewer,
    place: Place,
    query: OutboxQuery,
) -> AppResult<Html<String>> {
    let filter = OutboxFilter {
        q: query.q.trim().to_string(),
        state: query.state,
        kind: query.kind,
        recipient: query.to,
    };
    let found = outbox::search(&state.db, &filter, query.paging).await?;
    let (state_value, kind_value) = (
        query.state.map(|s| s.as_str()).unwrap_or_default(),
        query.kind.map(|k| k.as_str()).unwrap_or_default(),
    );
    let to = query.to.map(|t| t.to_string()).unwrap_or_default();
    let pager = found.window.pager(
        place.path,
        &[
            ("q", &filter.q),
            ("state", state_value),
            ("kind", kind_value),
            ("to", &to),
        ],
    );
    let kinds: Vec<KindOption> = EmailKind::ALL
        .iter()
        .map(|k| KindOption {
            value: k.as_str(),
            label: k.label(),
        })
        .collect();
    render(
        state,
        &viewer,
        "outbox.html",
        context! {
            place => Serde(&place),
            emails => Serde(&found.emails),
            counts => Serde(&found.counts),
            pager => Serde(&pager),
            total => thousands(found.window.total),
            filtered => filter != OutboxFilter::default(),
            q => filter.q,
            state_value,
            kind_value,
            to,
            states => Serde(OutboxState::SPELLINGS),
            kinds => Serde(&kinds),
            retried => query.retried.is_some(),
            queued => query.queued.as_deref().and_then(|n| n.parse::<u64>().ok()),
            local => state.mailer.transport.is_local(),
        },
    )
}

/// The email as it went out, or for one not sent yet, as it will go out.
fn written(state: &AppState, row: &email_outbox::Model) -> Result<Rendered, String> {
    if row.state == OutboxState::Sent {
        return Ok(Rendered {
            subject: row.subject.clone(),
            text: row.body_text.clone(),
            html: row.body_html.clone(),
            message_id: row.message_id.clone().unwrap_or_default(),
            unsubscribe: None,
        });
    }
    state.mailer.composer.render(&Draft {
        id: row.id,
        recipient_id: row.recipient_id,
        kind: row.kind,
        dedup_key: &row.dedup_key,
        context: &row.context,
    })
}

async fn one(state: &AppState, viewer: Viewer, place: Place, id: i32) -> AppResult<Html<String>> {
    let row = outbox::email(&state.db, id).await?;
    let (rendered, render_error) = match written(state, &row) {
        Ok(r) => (Some(r), None),
        Err(e) => (None, Some(e)),
    };
    let rendered = rendered.map(|r| {
        context! { subject => r.subject, text => r.text, html => r.html, message_id => r.message_id }
    });
    render(
        state,
        &viewer,
        "email_view.html",
        context! {
            place => Serde(&place),
            email => Serde(&outbox::OutboxRow::from(row)),
            rendered,
            render_error,
        },
    )
}

pub async fn outbox_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(query): Query<OutboxQuery>,
) -> AppResult<Html<String>> {
    list(&state, Viewer(Some(user)), ORGANIZERS, query).await
}

pub async fn outbox_email(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
) -> AppResult<Html<String>> {
    one(&state, Viewer(Some(user)), ORGANIZERS, id).await
}

#[derive(Debug, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: Option<String>,
}

pub async fn retry(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Path(id): Path<i32>,
    Form(form): Form<Back>,
) -> AppResult<Redirect> {
    outbox::retry(&state.db, user.id, id, Utc::now()).await?;
    let back = safe_next(form.back.as_deref(), OUTBOX);
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}retried=1")))
}

fn demo_only(state: &AppState) -> AppResult<()> {
    // Outside demo mode the page does not exist: real mail is for its recipients only.
    if state.config.demo_mode() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn demo_mail(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<OutboxQuery>,
) -> AppResult<Html<String>> {
    demo_only(&state)?;
    list(&state, viewer, DEMO, query).await
}

pub async fn demo_email(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i32>,
) -> AppResult<Html<String>> {
    demo_only(&state)?;
    one(&state, viewer, DEMO, id).await
}
