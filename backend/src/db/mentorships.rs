use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::mentorship::{MentorshipOrigin, MentorshipState};

text_column_enum!(MentorshipState, MentorshipOrigin);

/// At most one `proposed` or `active` row per newcomer, enforced by the partial unique index
/// `mentorships_one_open_per_newcomer`: an insert that would break it fails with a unique
/// violation, which callers should treat as "already has a mentor".
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "mentorships")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub newcomer_id: i32,
    pub mentor_id: i32,
    pub state: MentorshipState,
    pub score: i32,
    /// JSON.
    #[sea_orm(column_type = "Text")]
    pub explanation: String,
    pub round_id: Option<i32>,
    pub proposed_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub ended_at: Option<DateTimeUtc>,
    /// Short free text: "declined", "completed", "withdrawn", "reassigned", ...
    #[sea_orm(column_type = "Text")]
    pub ended_reason: Option<String>,
    pub origin: MentorshipOrigin,
    /// What the newcomer wrote when asking for this mentor.
    #[sea_orm(column_type = "Text")]
    pub request_message: Option<String>,
    /// What the mentor wrote when answering a request.
    #[sea_orm(column_type = "Text")]
    pub response_message: Option<String>,
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
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::MentorId",
        to = "super::users::Column::Id",
        on_delete = "Cascade"
    )]
    Mentor,
    #[sea_orm(
        belongs_to = "super::matching_rounds::Entity",
        from = "Column::RoundId",
        to = "super::matching_rounds::Column::Id",
        on_delete = "SetNull"
    )]
    MatchingRounds,
}

impl Related<super::matching_rounds::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::MatchingRounds.def()
    }
}

// Two relations lead to `users`, so there is no `Related<users::Entity>`; these links (or
// `Relation::Newcomer` / `Relation::Mentor` in a join) name the side explicitly.

/// From a mentorship to its newcomer: `mentorship.find_linked(ToNewcomer)`.
#[derive(Debug, Clone, Copy)]
pub struct ToNewcomer;

impl Linked for ToNewcomer {
    type FromEntity = Entity;
    type ToEntity = super::users::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Newcomer.def()]
    }
}

/// From a mentorship to its mentor.
#[derive(Debug, Clone, Copy)]
pub struct ToMentor;

impl Linked for ToMentor {
    type FromEntity = Entity;
    type ToEntity = super::users::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Mentor.def()]
    }
}

/// From a user to the mentorships in which they are the newcomer.
#[derive(Debug, Clone, Copy)]
pub struct AsNewcomer;

impl Linked for AsNewcomer {
    type FromEntity = super::users::Entity;
    type ToEntity = Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Newcomer.def().rev()]
    }
}

/// From a user to the mentorships in which they are the mentor.
#[derive(Debug, Clone, Copy)]
pub struct AsMentor;

impl Linked for AsMentor {
    type FromEntity = super::users::Entity;
    type ToEntity = Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Mentor.def().rev()]
    }
}

impl ActiveModelBehavior for ActiveModel {}
