use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// A mentor passed on a newcomer in their queue: the newcomer is not shown to them again until `until`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mentor_passes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub mentor_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub newcomer_id: i32,
    pub until: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::MentorId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Mentor,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::NewcomerId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Newcomer,
}

impl ActiveModelBehavior for ActiveModel {}
