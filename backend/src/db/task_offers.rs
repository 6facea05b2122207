use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::claims::OfferState;

text_column_enum!(OfferState);

/// A task round's placement, sent to the newcomer as an offer: accepting it makes the claim.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "task_offers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub round_id: i32,
    pub task_id: i32,
    pub newcomer_id: i32,
    pub state: OfferState,
    pub score: i32,
    /// JSON: the round's reasons for the pair.
    #[sea_orm(column_type = "Text")]
    pub explanation: String,
    pub created_at: DateTimeUtc,
    pub answered_at: Option<DateTimeUtc>,
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
}

impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
