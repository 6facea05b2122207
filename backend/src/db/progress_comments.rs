use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The conversation on one milestone record: a mentor's question, the newcomer's answer, and so on.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "progress_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub progress_event_id: i32,
    pub author_id: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::progress_events::Entity",
        from = "Column::ProgressEventId",
        to = "super::progress_events::Column::Id",
        on_delete = "Cascade"
    )]
    ProgressEvents,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::AuthorId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Author,
}

impl Related<super::progress_events::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgressEvents.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
