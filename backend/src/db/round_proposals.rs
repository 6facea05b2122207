use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One line of a round: a newcomer with the mentor or task proposed for them, or, when they
/// could not be placed, neither and an `unplaced_reason`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "round_proposals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub newcomer_id: i32,
    pub mentor_id: Option<i32>,
    pub task_id: Option<i32>,
    pub score: i32,
    /// JSON.
    #[sea_orm(column_type = "Text")]
    pub explanation: String,
    #[sea_orm(column_type = "Text")]
    pub unplaced_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::matching_rounds::Entity",
        from = "Column::RoundId",
        to = "super::matching_rounds::Column::Id",
        on_delete = "Cascade"
    )]
    MatchingRounds,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::NewcomerId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Newcomer,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::MentorId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Mentor,
    #[sea_orm(
        belongs_to = "super::tasks::Entity",
        from = "Column::TaskId",
        to = "super::tasks::Column::Id",
        on_delete = "Cascade"
    )]
    Tasks,
}

impl Related<super::matching_rounds::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchingRounds.def()
    }
}

impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
