//! The claims export: every claim of the newcomers the filter keeps, with its task, held or ended.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::{Page, Record, Sheet, logins, rfc3339, time, time_cell};
use crate::db::claims::{self, ClaimState};
use crate::db::tasks;
use crate::services::ServiceResult;
use crate::services::programme::ProgrammeFilter;

const HEADER: [&str; 11] = [
    "id",
    "task_slug",
    "task_title",
    "newcomer_login",
    "state",
    "claimed_at",
    "expires_at",
    "done_at",
    "evidence_url",
    "ended_at",
    "ended_reason",
];

pub struct ClaimSheet {
    filter: ProgrammeFilter,
}

impl ClaimSheet {
    pub fn new(filter: ProgrammeFilter) -> ClaimSheet {
        ClaimSheet { filter }
    }
}

#[derive(Debug, Serialize)]
pub struct ClaimRow {
    pub id: i32,
    pub task_slug: String,
    pub task_title: String,
    pub newcomer_login: String,
    pub state: ClaimState,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub claimed_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub expires_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::option::serialize")]
    pub done_at: Option<DateTime<Utc>>,
    pub evidence_url: Option<String>,
    #[serde(serialize_with = "rfc3339::option::serialize")]
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_reason: Option<String>,
}

impl Record for ClaimRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.task_slug.clone(),
            self.task_title.clone(),
            self.newcomer_login.clone(),
            self.state.as_str().into(),
            time(self.claimed_at),
            time(self.expires_at),
            time_cell(self.done_at),
            self.evidence_url.clone().unwrap_or_default(),
            time_cell(self.ended_at),
            self.ended_reason.clone().unwrap_or_default(),
        ]
    }
}

impl Sheet for ClaimSheet {
    type Row = ClaimRow;

    fn header(&self) -> Vec<String> {
        HEADER.iter().map(|c| c.to_string()).collect()
    }

    async fn page(
        &self,
        db: &DatabaseConnection,
        after: i32,
        limit: u64,
    ) -> ServiceResult<Page<ClaimRow>> {
        let found = claims::Entity::find()
            .filter(claims::Column::NewcomerId.in_subquery(self.filter.newcomer_ids()))
            .filter(claims::Column::Id.gt(after))
            .order_by_asc(claims::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let mut task_ids: Vec<i32> = found.iter().map(|c| c.task_id).collect();
        task_ids.sort_unstable();
        task_ids.dedup();
        let tasks: HashMap<i32, (String, String)> = tasks::Entity::find()
            .select_only()
            .column(tasks::Column::Id)
            .column(tasks::Column::Slug)
            .column(tasks::Column::Title)
            .filter(tasks::Column::Id.is_in(task_ids))
            .into_tuple::<(i32, String, String)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, slug, title)| (id, (slug, title)))
            .collect();
        let people = logins(db, found.iter().map(|c| c.newcomer_id)).await?;
        Ok(Page::of(
            found
                .into_iter()
                .map(|c| {
                    let (task_slug, task_title) =
                        tasks.get(&c.task_id).cloned().unwrap_or_default();
                    let row = ClaimRow {
                        id: c.id,
                        task_slug,
                        task_title,
                        newcomer_login: people.get(&c.newcomer_id).cloned().unwrap_or_default(),
                        state: c.state,
                        claimed_at: c.claimed_at,
                        expires_at: c.expires_at,
                        done_at: c.done_at,
                        evidence_url: c.evidence_url,
                        ended_at: c.ended_at,
                        ended_reason: c.ended_reason,
                    };
                    (c.id, row)
                })
                .collect(),
        ))
    }
}
