use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::events::EventKind;

text_column_enum!(EventKind);

/// One state change of a claim, an offer or a mentorship, written in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: EventKind,
    /// None when the service acted by itself (a job expiring a claim).
    pub actor_id: Option<i32>,
    /// Whose timeline it is on: the newcomer.
    pub person_id: i32,
    /// The other party's timeline too, when there is one (the mentor).
    pub other_id: Option<i32>,
    pub task_id: Option<i32>,
    pub claim_id: Option<i32>,
    pub mentorship_id: Option<i32>,
    /// JSON: what the change carried (a reason, an evidence link, a message).
    #[sea_orm(column_type = "Text")]
    pub details: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ActorId",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    Actor,
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::PersonId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Person,
    #[sea_orm(
        belongs_to = "super::tasks::Entity",
        from = "Column::TaskId",
        to = "super::tasks::Column::Id",
        on_delete = "SetNull"
    )]
    Tasks,
}

impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tasks.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
