use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// None for demo people, who never sign in through GitHub.
    #[sea_orm(unique)]
    pub github_id: Option<i64>,
    #[sea_orm(column_type = "Text", unique)]
    pub github_login: String,
    #[sea_orm(column_type = "Text")]
    pub name: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub email: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub avatar_url: Option<String>,
    /// IANA name, e.g. "Europe/Berlin".
    #[sea_orm(column_type = "Text")]
    pub timezone: Option<String>,
    pub is_demo: bool,
    pub created_at: DateTimeUtc,
    pub last_seen_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user_roles::Entity")]
    UserRoles,
    #[sea_orm(has_many = "super::sessions::Entity")]
    Sessions,
    #[sea_orm(has_one = "super::newcomer_profiles::Entity")]
    NewcomerProfiles,
    #[sea_orm(has_one = "super::mentor_profiles::Entity")]
    MentorProfiles,
    #[sea_orm(has_many = "super::user_areas::Entity")]
    UserAreas,
    #[sea_orm(has_many = "super::user_languages::Entity")]
    UserLanguages,
    #[sea_orm(has_many = "super::claims::Entity")]
    Claims,
    #[sea_orm(has_many = "super::check_ins::Entity")]
    CheckIns,
    #[sea_orm(has_many = "super::notification_settings::Entity")]
    NotificationSettings,
}

impl Related<super::user_roles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserRoles.def()
    }
}

impl Related<super::sessions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Sessions.def()
    }
}

impl Related<super::newcomer_profiles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::NewcomerProfiles.def()
    }
}

impl Related<super::mentor_profiles::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MentorProfiles.def()
    }
}

impl Related<super::user_areas::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserAreas.def()
    }
}

impl Related<super::areas::Entity> for Entity {
    fn to() -> RelationDef {
        super::user_areas::Relation::Areas.def()
    }

    fn via() -> Option<RelationDef> {
        Some(super::user_areas::Relation::User.def().rev())
    }
}

impl Related<super::user_languages::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::UserLanguages.def()
    }
}

/// The claims this user made as a newcomer.
impl Related<super::claims::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claims.def()
    }
}

impl Related<super::check_ins::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::CheckIns.def()
    }
}

impl Related<super::notification_settings::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::NotificationSettings.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
