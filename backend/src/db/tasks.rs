use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::task::{Difficulty, TaskKind, TaskState};

text_column_enum!(TaskKind, Difficulty, TaskState);

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(column_type = "Text", unique)]
    pub slug: String,
    pub kind: TaskKind,
    pub area_id: i32,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub difficulty: Difficulty,
    /// Comma-separated, as the catalog gives it; see [`Model::skills`].
    #[sea_orm(column_type = "Text")]
    pub skills: String,
    /// Newline-separated free text, possibly empty; see [`Model::external_prerequisites`].
    #[sea_orm(column_type = "Text")]
    pub external_prerequisites: String,
    #[sea_orm(column_type = "Text")]
    pub source_url: String,
    /// False for a gap that has no upstream issue yet.
    pub upstream_issue: bool,
    pub state: TaskState,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When an organizer last edited the task in the site: a later import reports a conflict for it instead of
    /// overwriting the edit.
    pub site_edited_at: Option<DateTimeUtc>,
}

impl Model {
    /// The skills, trimmed, without empty entries.
    pub fn skills(&self) -> impl Iterator<Item = &str> {
        self.skills
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The external prerequisites, one per non-blank line.
    pub fn external_prerequisites(&self) -> impl Iterator<Item = &str> {
        self.external_prerequisites
            .lines()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::areas::Entity",
        from = "Column::AreaId",
        to = "super::areas::Column::Id",
        on_delete = "Restrict"
    )]
    Areas,
    #[sea_orm(has_many = "super::claims::Entity")]
    Claims,
    /// Rows naming what this task requires (see `task_prerequisites` for the task-to-task links).
    #[sea_orm(has_many = "super::task_prerequisites::Entity")]
    TaskPrerequisites,
}

impl Related<super::areas::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Areas.def()
    }
}

impl Related<super::claims::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Claims.def()
    }
}

impl Related<super::task_prerequisites::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TaskPrerequisites.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
