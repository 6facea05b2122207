//! Reading rounds back: the list of rounds, and one round with every proposal for an organizer to review.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::mentorships::MentorshipState;
use crate::db::task_offers::{self, OfferState};
use crate::db::{matching_rounds, mentorships, round_proposals, tasks, users};
use crate::domain::matching::plan::RoundStats;
use crate::domain::matching::score::{Explanation, Reason, Unplaced};
use crate::services::pool::{PersonRef, TaskRef, people_where, task_refs_where};
use crate::services::{ServiceError, ServiceResult};

/// A round as lists and headers show it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundInfo {
    pub id: i32,
    pub kind: RoundKind,
    pub state: RoundState,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub newcomers: i32,
    pub candidates: i32,
    pub placed: i32,
    pub unplaced: i32,
    pub objective: i64,
    pub solve_ms: f64,
}

impl From<&matching_rounds::Model> for RoundInfo {
    fn from(r: &matching_rounds::Model) -> Self {
        RoundInfo {
            id: r.id,
            kind: r.kind,
            state: r.state,
            created_by: r.created_by,
            created_at: r.created_at,
            sent_at: r.sent_at,
            newcomers: r.newcomers,
            candidates: r.candidates,
            placed: r.placed,
            unplaced: r.newcomers - r.placed,
            objective: r.objective,
            solve_ms: r.solve_ms,
        }
    }
}

/// Everything an organizer reviews before sending a round.
#[derive(Debug, Clone, Serialize)]
pub struct RoundReview {
    pub round: RoundInfo,
    pub stats: RoundStats,
    /// Placed newcomers with their mentor or task and reasons, in proposal order.
    pub placed: Vec<ProposalView>,
    /// Newcomers who could not be placed, and why.
    pub unplaced: Vec<UnplacedView>,
    /// How many were left out for each reason, most common first.
    pub unplaced_by_reason: Vec<ReasonCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub proposal_id: i32,
    pub newcomer: PersonRef,
    /// Set in a mentor round.
    pub mentor: Option<PersonRef>,
    /// Set in a task round.
    pub task: Option<TaskRef>,
    pub score: i32,
    pub reasons: Vec<Reason>,
    /// The reasons as sentences.
    pub explanation: Vec<String>,
    /// Once a mentor round is sent: the mentorship made from this proposal. None if it was skipped at sending.
    pub mentorship: Option<MentorshipLink>,
    /// Once a task round is sent: where the offer made from this proposal stands. None if it was skipped.
    pub offer: Option<OfferState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MentorshipLink {
    pub id: i32,
    pub state: MentorshipState,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnplacedView {
    pub proposal_id: i32,
    pub newcomer: PersonRef,
    pub reason: Option<Unplaced>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub code: String,
    pub text: String,
    pub count: usize,
}

/// The newest rounds first.
pub async fn list_rounds(db: &impl ConnectionTrait, limit: u64) -> ServiceResult<Vec<RoundInfo>> {
    Ok(matching_rounds::Entity::find()
        .order_by_desc(matching_rounds::Column::CreatedAt)
        .order_by_desc(matching_rounds::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .iter()
        .map(RoundInfo::from)
        .collect())
}

/// Why a newcomer of a round was not placed, as a sentence.
pub(super) fn unplaced_text(p: &round_proposals::Model, explanation: &Explanation) -> String {
    p.unplaced_reason
        .clone()
        .or_else(|| explanation.unplaced.as_ref().map(Unplaced::sentence))
        .unwrap_or_else(|| "not placed".into())
}

/// The reason's stable name, for counting by reason.
pub(super) fn unplaced_code(explanation: &Explanation) -> String {
    explanation
        .unplaced
        .as_ref()
        .map_or("other", Unplaced::code)
        .to_string()
}

/// One round with every proposal, the people and tasks named (five queries whatever the size). The round's page
/// reads it a page at a time instead (`review_page`); this whole review is for commands, benchmarks and tests.
pub async fn review_round(db: &impl ConnectionTrait, round_id: i32) -> ServiceResult<RoundReview> {
    let round = matching_rounds::Entity::find_by_id(round_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let proposals = round_proposals::Entity::find()
        .filter(round_proposals::Column::RoundId.eq(round_id))
        .order_by_asc(round_proposals::Column::Id)
        .all(db)
        .await?;
    let in_round = |col| super::in_round(round_id, col);
    let people = people_where(
        db,
        Condition::any()
            .add(users::Column::Id.in_subquery(in_round(round_proposals::Column::NewcomerId)))
            .add(users::Column::Id.in_subquery(in_round(round_proposals::Column::MentorId))),
    )
    .await?;
    let tasks = task_refs_where(
        db,
        tasks::Column::Id.in_subquery(in_round(round_proposals::Column::TaskId)),
    )
    .await?;
    let offers: HashMap<i32, OfferState> = task_offers::Entity::find()
        .filter(task_offers::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.newcomer_id, o.state))
        .collect();
    let made: HashMap<i32, MentorshipLink> = mentorships::Entity::find()
        .filter(mentorships::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.newcomer_id,
                MentorshipLink {
                    id: m.id,
                    state: m.state,
                },
            )
        })
        .collect();

    let someone = |id: i32| {
        people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| PersonRef::unknown(id))
    };
    let mut placed = Vec::new();
    let mut unplaced = Vec::new();
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for p in proposals {
        let explanation = Explanation::parse(&p.explanation);
        if p.mentor_id.is_none() && p.task_id.is_none() {
            let text = unplaced_text(&p, &explanation);
            let code = unplaced_code(&explanation);
            counts.entry(code).or_insert_with(|| (text.clone(), 0)).1 += 1;
            unplaced.push(UnplacedView {
                proposal_id: p.id,
                newcomer: someone(p.newcomer_id),
                reason: explanation.unplaced,
                text,
            });
        } else {
            placed.push(ProposalView {
                proposal_id: p.id,
                newcomer: someone(p.newcomer_id),
                mentor: p.mentor_id.map(someone),
                task: p.task_id.and_then(|t| tasks.get(&t).cloned()),
                score: p.score,
                explanation: explanation.sentences(),
                reasons: explanation.reasons,
                mentorship: made.get(&p.newcomer_id).copied(),
                offer: offers.get(&p.newcomer_id).copied(),
            });
        }
    }
    let mut unplaced_by_reason: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(code, (text, count))| ReasonCount { code, text, count })
        .collect();
    unplaced_by_reason.sort_by_key(|r| Reverse(r.count));
    Ok(RoundReview {
        round: RoundInfo::from(&round),
        stats: serde_json::from_str(&round.stats).unwrap_or_default(),
        placed,
        unplaced,
        unplaced_by_reason,
    })
}
