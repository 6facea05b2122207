use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// `task_id` cannot be started before `requires_id` is done.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "task_prerequisites")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub task_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub requires_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tasks::Entity",
        from = "Column::TaskId",
        to = "super::tasks::Column::Id",
        on_delete = "Cascade"
    )]
    Task,
    #[sea_orm(
        belongs_to = "super::tasks::Entity",
        from = "Column::RequiresId",
        to = "super::tasks::Column::Id",
        on_delete = "Cascade"
    )]
    Requires,
}

/// The dependent task; use [`RequiredTasks`] / [`DependentTasks`] to walk task to task.
impl Related<super::tasks::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Task.def()
    }
}

/// From a task to the tasks it requires: `task.find_linked(RequiredTasks)`.
#[derive(Debug, Clone, Copy)]
pub struct RequiredTasks;

impl Linked for RequiredTasks {
    type FromEntity = super::tasks::Entity;
    type ToEntity = super::tasks::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Task.def().rev(), Relation::Requires.def()]
    }
}

/// From a task to the tasks that require it (what finishing it unlocks).
#[derive(Debug, Clone, Copy)]
pub struct DependentTasks;

impl Linked for DependentTasks {
    type FromEntity = super::tasks::Entity;
    type ToEntity = super::tasks::Entity;

    fn link(&self) -> Vec<RelationDef> {
        vec![Relation::Requires.def().rev(), Relation::Task.def()]
    }
}

impl ActiveModelBehavior for ActiveModel {}
