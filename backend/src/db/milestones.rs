use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "milestones")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text", unique)]
    pub slug: String,
    /// Order along the path; unique so that "next milestone" is well defined.
    #[sea_orm(unique)]
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// The kinds of link that count as evidence, comma-separated; empty: any link (see `domain::evidence`).
    #[sea_orm(column_type = "Text")]
    pub evidence_kinds: String,
    pub evidence_required: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::progress_events::Entity")]
    ProgressEvents,
}

impl Related<super::progress_events::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProgressEvents.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
