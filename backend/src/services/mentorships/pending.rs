//! A mentor's proposals waiting for an answer.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::Serialize;

use super::of_mentor;
use crate::db::mentorships;
use crate::db::mentorships::{MentorshipOrigin, MentorshipState};
use crate::domain::matching::score::{Explanation, Reason};
use crate::services::ServiceResult;
use crate::services::pool::PersonRef;

/// A proposal waiting for a mentor's answer.
#[derive(Debug, Clone, Serialize)]
pub struct PendingProposal {
    pub mentorship_id: i32,
    pub newcomer: PersonRef,
    pub score: i32,
    pub reasons: Vec<Reason>,
    pub explanation: Vec<String>,
    pub round_id: Option<i32>,
    pub proposed_at: DateTime<Utc>,
    /// A round's proposal, or the newcomer's own request.
    pub origin: MentorshipOrigin,
    /// What the newcomer wrote with their request.
    pub message: Option<String>,
}

/// A mentor's proposals waiting for an answer, oldest first (two queries).
pub async fn pending_proposals(
    db: &impl ConnectionTrait,
    mentor_id: i32,
) -> ServiceResult<Vec<PendingProposal>> {
    let (rows, people) = of_mentor(
        db,
        mentor_id,
        MentorshipState::Proposed,
        mentorships::Column::ProposedAt,
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let explanation = Explanation::parse(&m.explanation);
            Some(PendingProposal {
                mentorship_id: m.id,
                newcomer: people.get(&m.newcomer_id)?.clone(),
                score: m.score,
                explanation: explanation.sentences(),
                reasons: explanation.reasons,
                round_id: m.round_id,
                proposed_at: m.proposed_at,
                origin: m.origin,
                message: m.request_message,
            })
        })
        .collect())
}
