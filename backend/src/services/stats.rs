//! The programme's public numbers, shown on the landing page.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QuerySelect,
    RelationDef,
};
use serde::Serialize;

use crate::db::{mentor_profiles, mentorships, milestones, progress_events, tasks, user_roles};
use crate::domain::mentorship::MentorshipState;
use crate::domain::roles::MentorStatus;
use crate::domain::roles::Role;
use crate::domain::task::TaskState;
use crate::services::ServiceResult;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stats {
    pub open_tasks: u64,
    pub tasks: u64,
    pub done_tasks: u64,
    pub newcomers: u64,
    pub mentors: u64,
    pub active_mentorships: u64,
    pub patches_merged: u64,
}

pub async fn public(db: &impl ConnectionTrait) -> ServiceResult<Stats> {
    let count_tasks = |state: Option<TaskState>| {
        let q = tasks::Entity::find();
        match state {
            Some(s) => q.filter(tasks::Column::State.eq(s)),
            None => q.filter(tasks::Column::State.ne(TaskState::Retired)),
        }
    };
    Ok(Stats {
        open_tasks: count_tasks(Some(TaskState::Open)).count(db).await?,
        tasks: count_tasks(None).count(db).await?,
        done_tasks: count_tasks(Some(TaskState::Done)).count(db).await?,
        newcomers: user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(Role::Newcomer))
            .count(db)
            .await?,
        mentors: mentor_profiles::Entity::find()
            .filter(mentor_profiles::Column::Status.eq(MentorStatus::Approved))
            .count(db)
            .await?,
        active_mentorships: mentorships::Entity::find()
            .filter(mentorships::Column::State.eq(MentorshipState::Active))
            .count(db)
            .await?,
        // A merge counts once a mentor has verified the evidence.
        patches_merged: progress_events::Entity::find()
            .join(JoinType::InnerJoin, event_milestone())
            .filter(milestones::Column::Slug.eq("patch-merged"))
            .filter(progress_events::Column::VerifiedAt.is_not_null())
            .count(db)
            .await?,
    })
}

fn event_milestone() -> RelationDef {
    progress_events::Entity::belongs_to(milestones::Entity)
        .from(progress_events::Column::MilestoneId)
        .to(milestones::Column::Id)
        .into()
}
