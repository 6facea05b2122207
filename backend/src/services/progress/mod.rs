//! Progress: a newcomer records milestones with evidence, which their mentor verifies or questions
//! (`milestones`); they check in weekly and their mentor replies (`check_ins`); where each newcomer stands is
//! derived from all of it (`state`); a mentor lists their mentees by who waits longest (`mentees`); and one
//! page shows a newcomer's ladder, check-ins and timeline to them, their mentor and organizers (`page`).
//!
//! Every change writes its event (timelines, last activity) and its audit row in the change's transaction.
//! Progress on milestones and check-ins also counts for the newcomer's active claim, which then expires later.

mod cache;
mod check_ins;
mod mentees;
mod milestones;
mod page;
mod state;

use sea_orm::ConnectionTrait;
use serde::Serialize;

pub use cache::ProgressCache;
pub use check_ins::{CheckInForm, check_in, reply_to_check_in};
pub use mentees::{MenteeRow, mentees_of};
pub use milestones::{
    RecordForm, answer_question, question_milestone, record_milestone, verify_milestone,
};
pub use page::{CheckInView, CommentView, LadderStep, ProgressPage, RecordView, progress_page};
pub use state::{NewcomerProgress, Scope, answered_by_someone_else, progress_of};

use crate::db::users;
use crate::services::claims::mentor_of;
use crate::services::{ServiceError, ServiceResult};
use sea_orm::EntityTrait;

/// How the viewer stands to the newcomer whose progress they look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// The newcomer themself: records milestones, answers questions, checks in.
    Own,
    /// Their current mentor: verifies, questions and replies.
    Mentor,
    /// An organizer: sees everything, and may verify and reply as the mentor would.
    Organizer,
}

impl Access {
    pub fn may_review(self) -> bool {
        matches!(self, Access::Mentor | Access::Organizer)
    }
}

/// Who is looking: their id, and whether they are an organizer (the caller knows their roles).
#[derive(Debug, Clone, Copy)]
pub struct Looker {
    pub id: i32,
    pub organizer: bool,
}

impl Looker {
    pub fn of(user: &crate::services::users::UserWithRoles) -> Looker {
        Looker {
            id: user.id,
            organizer: user.has(crate::domain::roles::Role::Organizer),
        }
    }
}

/// How `looker` stands to `newcomer`; NotFound when they may not see them at all (nobody learns whether the
/// person exists), and when there is no such person.
pub async fn access(
    db: &impl ConnectionTrait,
    looker: Looker,
    newcomer: i32,
) -> ServiceResult<Access> {
    if users::Entity::find_by_id(newcomer).one(db).await?.is_none() {
        return Err(ServiceError::NotFound);
    }
    if looker.id == newcomer {
        return Ok(Access::Own);
    }
    if mentor_of(db, newcomer).await? == Some(looker.id) {
        return Ok(Access::Mentor);
    }
    if looker.organizer {
        return Ok(Access::Organizer);
    }
    Err(ServiceError::NotFound)
}
