//! Mentorships as mentors handle them: answering proposals, the proposals waiting for an answer, and the
//! mentor's desk (those proposals and the active mentees, each with what a mentor wants to know of them).

mod desk;
mod pending;
mod respond;

pub use desk::{ActiveMentee, MenteeDetails, MentorDesk, ProposalCard, mentor_desk};
pub use pending::{PendingProposal, pending_proposals};
pub use respond::{ProposalResponse, respond_to_proposal};

use sea_orm::sea_query::SelectStatement;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};

use crate::db::mentorships;
use crate::db::mentorships::MentorshipState;

/// The newcomers of a mentor's mentorships in one state, as a subquery.
fn mentees(mentor_id: i32, state: MentorshipState) -> SelectStatement {
    mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(state))
        .into_query()
}
