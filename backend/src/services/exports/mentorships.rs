//! The mentorships export: every mentorship of the newcomers the filter keeps, whoever the mentor (an ended one
//! with a former mentor is part of a newcomer's story), proposed, active and ended.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::{Page, Record, Sheet, logins, rfc3339, time, time_cell};
use crate::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use crate::services::ServiceResult;
use crate::services::programme::ProgrammeFilter;

const HEADER: [&str; 9] = [
    "id",
    "newcomer_login",
    "mentor_login",
    "state",
    "origin",
    "proposed_at",
    "accepted_at",
    "ended_at",
    "ended_reason",
];

pub struct MentorshipSheet {
    filter: ProgrammeFilter,
}

impl MentorshipSheet {
    pub fn new(filter: ProgrammeFilter) -> MentorshipSheet {
        MentorshipSheet { filter }
    }
}

#[derive(Debug, Serialize)]
pub struct MentorshipRow {
    pub id: i32,
    pub newcomer_login: String,
    pub mentor_login: String,
    pub state: MentorshipState,
    pub origin: MentorshipOrigin,
    #[serde(serialize_with = "rfc3339::serialize")]
    pub proposed_at: DateTime<Utc>,
    #[serde(serialize_with = "rfc3339::option::serialize")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339::option::serialize")]
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_reason: Option<String>,
}

impl Record for MentorshipRow {
    fn cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.newcomer_login.clone(),
            self.mentor_login.clone(),
            self.state.as_str().into(),
            self.origin.as_str().into(),
            time(self.proposed_at),
            time_cell(self.accepted_at),
            time_cell(self.ended_at),
            self.ended_reason.clone().unwrap_or_default(),
        ]
    }
}

impl Sheet for MentorshipSheet {
    type Row = MentorshipRow;

    fn header(&self) -> Vec<String> {
        HEADER.iter().map(|c| c.to_string()).collect()
    }

    async fn page(
        &self,
        db: &DatabaseConnection,
        after: i32,
        limit: u64,
    ) -> ServiceResult<Page<MentorshipRow>> {
        let found = mentorships::Entity::find()
            .filter(mentorships::Column::NewcomerId.in_subquery(self.filter.newcomer_ids()))
            .filter(mentorships::Column::Id.gt(after))
            .order_by_asc(mentorships::Column::Id)
            .limit(limit)
            .all(db)
            .await?;
        let people = logins(db, found.iter().flat_map(|m| [m.newcomer_id, m.mentor_id])).await?;
        let login = |id: i32| people.get(&id).cloned().unwrap_or_default();
        Ok(Page::of(
            found
                .into_iter()
                .map(|m| {
                    let row = MentorshipRow {
                        id: m.id,
                        newcomer_login: login(m.newcomer_id),
                        mentor_login: login(m.mentor_id),
                        state: m.state,
                        origin: m.origin,
                        proposed_at: m.proposed_at,
                        accepted_at: m.accepted_at,
                        ended_at: m.ended_at,
                        ended_reason: m.ended_reason,
                    };
                    (m.id, row)
                })
                .collect(),
        ))
    }
}
