use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::roles::NewcomerStatus;

text_column_enum!(NewcomerStatus);

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "newcomer_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// Self-assessed, 0 (none) ..= 3 (expert); the database rejects anything else.
    pub rust_experience: i16,
    pub c_experience: i16,
    pub kernel_experience: i16,
    pub hours_per_week: i16,
    #[sea_orm(column_type = "Text")]
    pub goals: String,
    pub status: NewcomerStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
