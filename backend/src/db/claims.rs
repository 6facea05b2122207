use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::claims::ClaimState;

text_column_enum!(ClaimState);

/// At most one `active` claim per task, enforced by the partial unique index
/// `claims_one_active_per_task`: of two racing claims, the second insert fails with a unique
/// violation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "claims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub task_id: i32,
    pub newcomer_id: i32,
    pub state: ClaimState,
    pub claimed_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub ended_at: Option<DateTimeUtc>,
    /// When the claim was marked as expiring; cleared by progress or an extension.
    pub warned_at: Option<DateTimeUtc>,
    /// A claim is extended at most once (by its newcomer's mentor).
    pub extended_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub extend_reason: Option<String>,
    /// When the newcomer marked the work done; the claim then waits for confirmation and no longer expires.
    pub done_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub evidence_url: Option<String>,
    /// Why a released claim ended, when an organizer ended it.
    #[sea_orm(column_type = "Text")]
    pub ended_reason: Option<String>,
}

impl Model {
    /// The facts the claim's rules read (see `domain::claims`).
    pub fn facts(&self) -> crate::domain::claims::ClaimFacts {
        crate::domain::claims::ClaimFacts {
            state: self.state,
            warned: self.warned_at.is_some(),
            extended: self.extended_at.is_some(),
            done: self.done_at.is_some(),
        }
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tasks::Entity",
        from = "Column::TaskId",
        to = "super::tasks::Column::Id",
        on_delete = "Cascade"
    )]
    Tasks,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::NewcomerId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Newcomer,
    #[sea_orm(has_many = "super::progress_events::Entity")]
    ProgressEvents,
}

impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Newcomer.def()
    }
}

impl Related<super::progress_events::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgressEvents.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
