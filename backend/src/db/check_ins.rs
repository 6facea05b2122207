use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "check_ins")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub newcomer_id: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text")]
    pub blockers: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub next_steps: Option<String>,
    pub created_at: DateTimeUtc,
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
    #[sea_orm(has_many = "super::check_in_replies::Entity")]
    CheckInReplies,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Newcomer.def()
    }
}

impl Related<super::check_in_replies::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CheckInReplies.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
