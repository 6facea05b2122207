//! The organizers' exports: a page with the programme filter and a link per file, and the files themselves
//! (newcomers, mentorships and claims, as CSV or JSON), streamed as `services::exports` reads them.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use crate::app::AppState;
use crate::services::exports::{
    self, ClaimSheet, ExportFormat, ExportKind, ExportStream, MentorshipSheet, NewcomerSheet,
};
use crate::services::programme_choices;
use crate::web::error::AppResult;
use crate::web::extract::{Organizer, Viewer};
use crate::web::page::render;
use crate::web::programme_query::ProgrammeQuery;

#[derive(Debug, Serialize)]
struct ExportLink {
    kind: ExportKind,
    format: ExportFormat,
    href: String,
}

pub async fn exports_page(
    State(state): State<AppState>,
    Organizer(user): Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Html<String>> {
    let filter = q.filter(&state.db).await?;
    let choices = programme_choices::filter_choices(&state.db).await?;
    let query = q.to_query();
    let links: Vec<ExportLink> = ExportKind::ALL
        .iter()
        .flat_map(|&kind| {
            let query = &query;
            ExportFormat::ALL.iter().map(move |&format| ExportLink {
                kind,
                format,
                href: match query.as_str() {
                    "" => format!("/organizer/exports/{kind}.{format}"),
                    q => format!("/organizer/exports/{kind}.{format}?{q}"),
                },
            })
        })
        .collect();
    render(
        &state,
        &Viewer(Some(user)),
        "organizer/exports.html",
        context! {
            choices => Serde(&choices),
            filter => Serde(&filter),
            filtered => !filter.is_empty(),
            links => Serde(&links),
        },
    )
}

pub async fn newcomers_csv(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Newcomers, ExportFormat::Csv).await
}

pub async fn newcomers_json(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Newcomers, ExportFormat::Json).await
}

pub async fn mentorships_csv(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Mentorships, ExportFormat::Csv).await
}

pub async fn mentorships_json(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Mentorships, ExportFormat::Json).await
}

pub async fn claims_csv(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Claims, ExportFormat::Csv).await
}

pub async fn claims_json(
    State(state): State<AppState>,
    _: Organizer,
    Query(q): Query<ProgrammeQuery>,
) -> AppResult<Response> {
    download(&state, &q, ExportKind::Claims, ExportFormat::Json).await
}

/// The export as an attachment whose body is written while it is read.
async fn download(
    state: &AppState,
    q: &ProgrammeQuery,
    kind: ExportKind,
    format: ExportFormat,
) -> AppResult<Response> {
    let filter = q.filter(&state.db).await?;
    let now = Utc::now();
    let db = state.db.clone();
    let stream: ExportStream = match kind {
        ExportKind::Newcomers => {
            let sheet = NewcomerSheet::new(&db, filter, state.config.progress(), now).await?;
            exports::open(db, sheet, format).await?
        }
        ExportKind::Mentorships => exports::open(db, MentorshipSheet::new(filter), format).await?,
        ExportKind::Claims => exports::open(db, ClaimSheet::new(filter), format).await?,
    };
    let disposition = format!(
        "attachment; filename=\"{}\"",
        exports::file_name(kind, format, now)
    );
    let mut res = Body::from_stream(stream).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).map_err(crate::web::error::AppError::internal)?,
    );
    // People's names and email addresses: not for shared caches, nor kept by the browser.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
