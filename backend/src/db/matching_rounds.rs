use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::rounds::{RoundKind, RoundState};

text_column_enum!(RoundKind, RoundState);

// No `Eq`: `solve_ms` is a float.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "matching_rounds")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: RoundKind,
    pub state: RoundState,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// Newcomers in the instance.
    pub newcomers: i32,
    /// Mentors or tasks in the pool, depending on `kind`.
    pub candidates: i32,
    pub placed: i32,
    pub objective: i64,
    pub solve_ms: f64,
    /// JSON.
    #[sea_orm(column_type = "Text")]
    pub stats: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::CreatedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    CreatedBy,
    #[sea_orm(has_many = "super::round_proposals::Entity")]
    RoundProposals,
    #[sea_orm(has_many = "super::mentorships::Entity")]
    Mentorships,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CreatedBy.def()
    }
}

impl Related<super::round_proposals::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RoundProposals.def()
    }
}

impl Related<super::mentorships::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mentorships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
