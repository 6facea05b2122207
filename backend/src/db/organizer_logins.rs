use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// The GitHub account that claimed a login listed in ONRAMP_ORGANIZERS: the first to sign in with it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "organizer_logins")]
pub struct Model {
    /// Lowercase.
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub login: String,
    pub github_id: i64,
    pub claimed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
