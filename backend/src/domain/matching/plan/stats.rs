//! A round's statistics, stored as JSON in `matching_rounds.stats` and shown on its review page.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Plan, ProposalRow};

/// Where the time of creating a round went, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Reading newcomers and candidates from the database.
    pub load_ms: f64,
    /// Scoring every pair and keeping the best per newcomer, then pricing the pairs left out.
    pub score_ms: f64,
    /// The exact solver (all passes).
    pub solve_ms: f64,
    /// Explaining the proposals and writing the round (only in the service's result: it includes writing the
    /// stats).
    #[serde(default)]
    pub store_ms: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundStats {
    /// The placed pairs' scores; None when nobody was placed.
    pub scores: Option<ScoreSummary>,
    /// The highest score a pair could get with the weights used; costs are this minus the score.
    pub max_score: i64,
    /// Newcomers left out, by [`Unplaced::code`](crate::domain::matching::score::Unplaced::code).
    pub unplaced_by_reason: BTreeMap<String, usize>,
    /// Pairs that passed every hard constraint; the round is optimal over all of them.
    pub acceptable_pairs: u64,
    /// Pairs given to the first solve (each newcomer's best `candidates_per_newcomer` acceptable ones).
    pub instance_pairs: usize,
    /// Newcomers who had more acceptable candidates than were kept.
    pub newcomers_pruned: usize,
    /// Solves: the first over the kept pairs, then one after each pricing pass that brought pairs in.
    pub passes: usize,
    /// Pricing passes that scored left-out pairs against the solver's prices.
    #[serde(default)]
    pub pricing_passes: usize,
    /// Left-out pairs that pricing brought in because they could improve the answer.
    #[serde(default)]
    pub pairs_added: usize,
    pub unassigned_penalty: i64,
    pub timings: Timings,
}

impl RoundStats {
    pub fn of(plan: &Plan, rows: &[ProposalRow], timings: Timings) -> RoundStats {
        let mut placed: Vec<i64> = rows
            .iter()
            .filter(|r| r.unplaced.is_none())
            .map(|r| r.score)
            .collect();
        let mut unplaced_by_reason: BTreeMap<String, usize> = BTreeMap::new();
        for u in rows.iter().filter_map(|r| r.unplaced.as_ref()) {
            *unplaced_by_reason.entry(u.code().to_string()).or_default() += 1;
        }
        RoundStats {
            scores: ScoreSummary::of(&mut placed),
            max_score: plan.max_score,
            unplaced_by_reason,
            acceptable_pairs: plan.acceptable_pairs,
            instance_pairs: plan.instance_pairs,
            newcomers_pruned: plan.pruned,
            passes: plan.passes,
            pricing_passes: plan.pricing_passes,
            pairs_added: plan.pairs_added,
            unassigned_penalty: plan.penalty,
            timings,
        }
    }
}

/// Minimum, quartiles and maximum of the placed pairs' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub min: i64,
    pub q1: i64,
    pub median: i64,
    pub q3: i64,
    pub max: i64,
    pub mean: i64,
}

impl ScoreSummary {
    /// Nearest-rank quartiles of `scores`; None for no scores.
    pub fn of(scores: &mut [i64]) -> Option<ScoreSummary> {
        if scores.is_empty() {
            return None;
        }
        scores.sort_unstable();
        let at = |q: usize| scores[(scores.len() - 1) * q / 4];
        Some(ScoreSummary {
            min: at(0),
            q1: at(1),
            median: at(2),
            q3: at(3),
            max: at(4),
            mean: scores.iter().sum::<i64>() / scores.len() as i64,
        })
    }
}
