use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::reports::{Assessment, ReportState};

text_column_enum!(ReportState, Assessment);

/// One period's progress report of a mentorship: drafted from what happened, completed by the mentor, with the
/// newcomer's own view, reviewed by an organizer.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "progress_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub mentorship_id: i32,
    pub newcomer_id: i32,
    pub mentor_id: i32,
    pub period_start: DateTimeUtc,
    pub period_end: DateTimeUtc,
    pub due_at: DateTimeUtc,
    /// JSON: the period's milestones, check-ins and claims as drafted (`services::reports::Draft`).
    #[sea_orm(column_type = "Text")]
    pub draft: String,
    pub state: ReportState,
    pub assessment: Option<Assessment>,
    #[sea_orm(column_type = "Text")]
    pub mentor_comment: Option<String>,
    pub submitted_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub newcomer_view: Option<String>,
    pub newcomer_view_at: Option<DateTimeUtc>,
    pub reviewed_by: Option<i32>,
    pub reviewed_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub review_note: Option<String>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::mentorships::Entity",
        from = "Column::MentorshipId",
        to = "super::mentorships::Column::Id",
        on_delete = "Cascade"
    )]
    Mentorships,
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
        belongs_to = "super::users::Entity",
        from = "Column::ReviewedBy",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    ReviewedBy,
}

impl Related<super::mentorships::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Mentorships.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
