use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::progress::MilestoneState;

text_column_enum!(MilestoneState);

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "progress_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub newcomer_id: i32,
    pub claim_id: Option<i32>,
    pub milestone_id: i32,
    #[sea_orm(column_type = "Text")]
    pub evidence_url: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub created_at: DateTimeUtc,
    pub verified_by: Option<i32>,
    pub verified_at: Option<DateTimeUtc>,
    pub state: MilestoneState,
    /// When the record last changed hands (recorded, answered, questioned, verified).
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::NewcomerId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Newcomer,
    #[sea_orm(
        belongs_to = "super::claims::Entity",
        from = "Column::ClaimId",
        to = "super::claims::Column::Id",
        on_delete = "SetNull"
    )]
    Claims,
    #[sea_orm(
        belongs_to = "super::milestones::Entity",
        from = "Column::MilestoneId",
        to = "super::milestones::Column::Id",
        on_delete = "Restrict"
    )]
    Milestones,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::VerifiedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    VerifiedBy,
    #[sea_orm(has_many = "super::progress_comments::Entity")]
    ProgressComments,
}

/// The newcomer who made the progress (not the verifier).
impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Newcomer.def()
    }
}

impl Related<super::claims::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claims.def()
    }
}

impl Related<super::milestones::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Milestones.def()
    }
}

impl Related<super::progress_comments::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgressComments.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
