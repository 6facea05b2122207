//! A planned round as the rows it is stored as: one per newcomer, with the reasons of their pair or why they
//! could not be placed.

use super::super::score::{AreaNames, Explanation, MatchingConfig, Newcomer, Side, Unplaced};
use super::{Candidates, Plan};

/// One `round_proposals` row before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRow {
    pub newcomer_id: i32,
    pub mentor_id: Option<i32>,
    pub task_id: Option<i32>,
    pub score: i64,
    /// The [`Explanation`] as JSON.
    pub explanation: String,
    pub unplaced: Option<Unplaced>,
}

pub fn proposal_rows(
    plan: &Plan,
    newcomers: &[Newcomer],
    candidates: &Candidates,
    areas: &AreaNames,
    cfg: &MatchingConfig,
) -> Vec<ProposalRow> {
    let side = match candidates {
        Candidates::Mentors(_) => Side::Mentors,
        Candidates::Tasks(_) => Side::Tasks,
    };
    newcomers
        .iter()
        .enumerate()
        .map(|(i, n)| match plan.assignment[i] {
            Some(j) => {
                let explanation = Explanation {
                    reasons: candidates.reasons(n, j, cfg, areas),
                    unplaced: None,
                };
                let id = candidates.id(j);
                ProposalRow {
                    newcomer_id: n.id,
                    mentor_id: (side == Side::Mentors).then_some(id),
                    task_id: (side == Side::Tasks).then_some(id),
                    score: plan.scores[i],
                    explanation: serde_json::to_string(&explanation).unwrap_or_default(),
                    unplaced: None,
                }
            }
            None => {
                let why = plan.funnels[i].unplaced(side, n, cfg);
                let explanation = Explanation {
                    reasons: vec![],
                    unplaced: Some(why.clone()),
                };
                ProposalRow {
                    newcomer_id: n.id,
                    mentor_id: None,
                    task_id: None,
                    score: 0,
                    explanation: serde_json::to_string(&explanation).unwrap_or_default(),
                    unplaced: Some(why),
                }
            }
        })
        .collect()
}
