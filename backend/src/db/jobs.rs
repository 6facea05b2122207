use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::jobs::JobState;

text_column_enum!(JobState);

/// One piece of background work. A worker takes a due pending job by setting `locked_by` and `locked_until`
/// (a lease: a worker that dies leaves it to be taken again once the lease runs out).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text")]
    pub kind: String,
    /// JSON, read by the job kind's handler.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    #[sea_orm(column_type = "Text", unique)]
    pub dedup_key: Option<String>,
    pub state: JobState,
    pub run_at: DateTimeUtc,
    pub attempts: i32,
    pub max_attempts: i32,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
