//! Mentorships as mentors handle them: answering proposals, the proposals waiting for an answer, and the
//! mentor's desk (those proposals and the active mentees, each with what a mentor wants to know of them).

mod assign;
mod desk;
mod newcomer;
mod pending;
mod queue;
mod request;
mod respond;

pub use assign::assign_mentor;
pub use desk::{ActiveMentee, MenteeDetails, MentorDesk, ProposalCard, mentor_desk};
pub use newcomer::{MentorshipRow, MyMentorship, mentorship_of_newcomer, open_mentorships};
pub use pending::{PendingProposal, pending_proposals};
pub use queue::{MentorQueue, QueueCard, claim_newcomer, mentor_queue, pass_newcomer};
pub use request::{end_mentorship, request_mentor};
pub use respond::{ProposalResponse, respond_to_proposal};

use std::collections::HashMap;

use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait,
};

use crate::db::mentorships::MentorshipState;
use crate::db::{mentorships, users};
use crate::services::ServiceResult;
use crate::services::pool::{PersonRef, people_where};

/// A mentor's mentorships in `state`, oldest first by `since` (then id), with their newcomers named: two
/// queries whatever the numbers.
async fn of_mentor(
    db: &impl ConnectionTrait,
    mentor_id: i32,
    state: MentorshipState,
    since: mentorships::Column,
) -> ServiceResult<(Vec<mentorships::Model>, HashMap<i32, PersonRef>)> {
    let rows = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(state))
        .order_by_asc(since)
        .order_by_asc(mentorships::Column::Id)
        .all(db)
        .await?;
    let people = people_where(
        db,
        Condition::all().add(users::Column::Id.in_subquery(mentees(mentor_id, state))),
    )
    .await?;
    Ok((rows, people))
}

/// The newcomers of a mentor's mentorships in one state, as a subquery.
fn mentees(mentor_id: i32, state: MentorshipState) -> SelectStatement {
    mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(state))
        .into_query()
}
