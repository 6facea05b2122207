use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "areas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text", unique)]
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::tasks::Entity")]
    Tasks,
    #[sea_orm(has_many = "super::user_areas::Entity")]
    UserAreas,
}

impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl Related<super::user_areas::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAreas.def()
    }
}

/// People interested in (newcomers) or expert on (mentors) this area.
impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        super::user_areas::Relation::User.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::user_areas::Relation::Areas.def().rev())
    }
}

impl ActiveModelBehavior for ActiveModel {}
