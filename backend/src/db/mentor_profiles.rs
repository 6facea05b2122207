use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::roles::MentorStatus;

text_column_enum!(MentorStatus);

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mentor_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i32,
    /// How many newcomers the mentor takes on at once.
    pub capacity: i16,
    pub accepting: bool,
    #[sea_orm(column_type = "Text")]
    pub bio: String,
    pub status: MentorStatus,
    pub decided_by: Option<i32>,
    pub decided_at: Option<DateTimeUtc>,
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
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::DecidedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    DecidedBy,
}

/// The mentor themself (not the organizer who decided).
impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
