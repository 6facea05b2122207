//! Exports: the newcomers (with their state and milestones), the mentorships and the claims of the newcomers a
//! programme filter keeps, as CSV or JSON, written as a stream of chunks.
//!
//! Rows are read a page at a time in id order (keyset pagination: `id > last` ... `LIMIT PAGE`), and each page is
//! encoded into one chunk and handed on before the next is read, so memory stays flat whatever the number of
//! people. The first page is read before anything is sent: a database that fails at the start is an ordinary
//! error page; one that fails later can only cut the download short (and is logged).
//!
//! CSV: RFC 4180 (a header row, CRLF, quotes where a cell needs them), UTF-8 with a byte-order mark in front,
//! because Excel reads a CSV file without one in the machine's legacy code page and garbles "Zoë" (LibreOffice,
//! Numbers and Google Sheets read the mark and drop it). Every cell goes through
//! `domain::spreadsheet::defuse_formula`; ids and counts are never negative, so it never changes a number.
//! JSON: one array of objects with the same fields; times are RFC 3339 in UTC, and what is missing is `null`.

mod claims;
mod mentorships;
mod newcomers;

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, SecondsFormat, Utc};
use futures_util::Stream;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
};
use serde::Serialize;

pub use claims::ClaimSheet;
pub use mentorships::MentorshipSheet;
pub use newcomers::NewcomerSheet;

use crate::db::users;
use crate::domain::enums::domain_enum;
use crate::domain::spreadsheet::defuse_formula;
use crate::services::{ServiceError, ServiceResult};

/// Rows read and encoded at a time.
pub const PAGE: u64 = 1_000;

/// What Excel needs to read a CSV file as UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

domain_enum! {
    /// What an export lists.
    pub enum ExportKind ("export") {
        Newcomers = "newcomers",
        Mentorships = "mentorships",
        Claims = "claims",
    }
}

domain_enum! {
    pub enum ExportFormat ("export format") {
        Csv = "csv",
        Json = "json",
    }
}

impl ExportFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
}

/// The name a download is saved under, e.g. `onramp-newcomers-2026-12-02.csv`.
pub fn file_name(kind: ExportKind, format: ExportFormat, today: DateTime<Utc>) -> String {
    format!("onramp-{kind}-{}.{format}", today.format("%Y-%m-%d"))
}

/// One row of an export: its JSON object is its `Serialize`, its CSV cells are `cells`, in the header's order.
pub trait Record: Serialize + Send {
    fn cells(&self) -> Vec<String>;
}

/// What one export reads: its header and its rows, a page at a time after a given id.
pub trait Sheet: Send + Sync + 'static {
    type Row: Record;

    fn header(&self) -> Vec<String>;

    /// The rows among the next `limit` ids above `after`, in id order.
    fn page(
        &self,
        db: &DatabaseConnection,
        after: i32,
        limit: u64,
    ) -> impl Future<Output = ServiceResult<Page<Self::Row>>> + Send;
}

/// One page of rows.
pub struct Page<R> {
    pub rows: Vec<R>,
    /// How many ids were read, and the last of them (a row may be left out, e.g. someone removed meanwhile).
    pub read: u64,
    pub last: Option<i32>,
}

impl<R> Page<R> {
    /// A page where every id read became a row.
    pub fn of(rows: Vec<(i32, R)>) -> Page<R> {
        Page {
            read: rows.len() as u64,
            last: rows.last().map(|(id, _)| *id),
            rows: rows.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

/// The chunks of an export, in order: what a response body streams.
pub type ExportStream = Pin<Box<dyn Stream<Item = Result<Vec<u8>, ServiceError>> + Send>>;

/// Reads the first page and returns the whole export as a stream: the first chunk (the header and the first
/// page) is ready, the rest is read as the stream is polled.
pub async fn open<S: Sheet>(
    db: DatabaseConnection,
    sheet: S,
    format: ExportFormat,
) -> ServiceResult<ExportStream> {
    let mut export = Export {
        db,
        sheet,
        format,
        after: 0,
        rows: 0,
        started: false,
        done: false,
    };
    let first = export.next_chunk().await?;
    let stream = futures_util::stream::try_unfold(
        (Some(first), export),
        |(ready, mut export)| async move {
            if let Some(chunk) = ready {
                return Ok(Some((chunk, (None, export))));
            }
            match export.next_chunk().await {
                Ok(chunk) if chunk.is_empty() => Ok(None),
                Ok(chunk) => Ok(Some((chunk, (None, export)))),
                Err(err) => {
                    tracing::error!(error = %err, after = export.after, "an export failed part-way");
                    Err(err)
                }
            }
        },
    );
    Ok(Box::pin(stream))
}

struct Export<S> {
    db: DatabaseConnection,
    sheet: S,
    format: ExportFormat,
    /// The last id sent.
    after: i32,
    /// Rows sent so far.
    rows: u64,
    /// The first chunk (with the BOM and the header, or the opening bracket) was made.
    started: bool,
    done: bool,
}

impl<S: Sheet> Export<S> {
    /// The next page encoded; empty once everything was sent.
    async fn next_chunk(&mut self) -> ServiceResult<Vec<u8>> {
        if self.done {
            return Ok(Vec::new());
        }
        let first = !self.started;
        self.started = true;
        let page = self.sheet.page(&self.db, self.after, PAGE).await?;
        self.done = page.read < PAGE;
        let mut out = Vec::with_capacity(page.rows.len() * 200 + 64);
        match self.format {
            ExportFormat::Csv => {
                if first {
                    out.extend_from_slice(UTF8_BOM);
                }
                let mut csv = csv::WriterBuilder::new()
                    .terminator(csv::Terminator::CRLF)
                    .from_writer(out);
                if first {
                    csv.write_record(self.sheet.header())
                        .map_err(ServiceError::internal)?;
                }
                for row in &page.rows {
                    let cells = row.cells();
                    csv.write_record(cells.iter().map(|c| defuse_formula(c).into_owned()))
                        .map_err(ServiceError::internal)?;
                }
                out = csv
                    .into_inner()
                    .map_err(|e| ServiceError::internal(anyhow::anyhow!("{e}")))?;
            }
            ExportFormat::Json => {
                if first {
                    out.push(b'[');
                }
                for (n, row) in page.rows.iter().enumerate() {
                    if self.rows > 0 || n > 0 {
                        out.push(b',');
                    }
                    out.push(b'\n');
                    serde_json::to_writer(&mut out, row).map_err(ServiceError::internal)?;
                }
                if self.done {
                    out.extend_from_slice(b"\n]\n");
                }
            }
        }
        self.rows += page.rows.len() as u64;
        if let Some(last) = page.last {
            self.after = last;
        }
        Ok(out)
    }
}

/// A time as exports write it: RFC 3339 in UTC, to the second (`2026-12-02T10:00:00Z`).
pub fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An optional time as a CSV cell: empty when missing.
fn time_cell(at: Option<DateTime<Utc>>) -> String {
    at.map(time).unwrap_or_default()
}

/// Serializes times as [`time`] does (JSON), `null` when missing.
mod rfc3339 {
    use chrono::{DateTime, Utc};
    use serde::Serializer;

    pub fn serialize<S: Serializer>(at: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::time(*at))
    }

    pub mod option {
        use chrono::{DateTime, Utc};
        use serde::Serializer;

        pub fn serialize<S: Serializer>(
            at: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&super::super::time(*at)),
                None => s.serialize_none(),
            }
        }
    }
}

/// The GitHub logins of these people, by id.
async fn logins(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> ServiceResult<std::collections::HashMap<i32, String>> {
    let mut ids: Vec<i32> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downloads_are_named_by_kind_and_day() {
        let day = "2026-12-02T23:59:00Z".parse().unwrap();
        assert_eq!(
            file_name(ExportKind::Newcomers, ExportFormat::Csv, day),
            "onramp-newcomers-2026-12-02.csv"
        );
        assert_eq!(
            file_name(ExportKind::Claims, ExportFormat::Json, day),
            "onramp-claims-2026-12-02.json"
        );
        assert_eq!(time(day), "2026-12-02T23:59:00Z");
    }
}
