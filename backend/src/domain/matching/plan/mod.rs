//! Planning a matching round, without I/O: every newcomer against every candidate, solved exactly over every
//! acceptable pair.
//!
//! Handing the solver every acceptable pair would be slow (10,000 newcomers × 2,000 mentors), so a round solves
//! over each newcomer's best `candidates_per_newcomer` pairs first, then prices the pairs it left out with the
//! solver's exact duals: at the mentor prices `p_j` a newcomer pays `u_i` (its pair's cost plus the price, or
//! the penalty), and a left-out pair with `cost_ij + p_j < u_i` (negative reduced cost) could improve the
//! answer. Such pairs are added and the instance solved again, until none is left. Then the duals are feasible
//! for the instance of all acceptable pairs, so by LP duality the answer is optimal over all of them, not only
//! over the kept ones.
//!
//! Pricing is cheap: a pair left out costs at least what the newcomer's worst kept pair costs and prices are
//! never negative, so only newcomers who pay more than that are scored again.

mod candidates;
mod rows;
mod scan;
mod stats;
mod window;

#[cfg(test)]
mod tests;

use std::time::Instant;

pub use candidates::Candidates;
pub use rows::{ProposalRow, proposal_rows};
pub use stats::{RoundStats, ScoreSummary, Timings};

use super::instance::{Edge, Instance};
use super::score::{Funnel, MatchingConfig, Newcomer};
use super::solver;
use scan::Scanner;

/// The solved round, before it is explained and stored.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Candidate index per newcomer.
    pub assignment: Vec<Option<usize>>,
    /// Score of each newcomer's assigned pair (0 when unassigned).
    pub scores: Vec<i64>,
    pub funnels: Vec<Funnel>,
    /// Pairs that passed every hard constraint: the instance the answer is optimal over.
    pub acceptable_pairs: u64,
    /// Pairs in the first solve (each newcomer's best `candidates_per_newcomer`).
    pub instance_pairs: usize,
    /// Newcomers who had more acceptable candidates than were kept.
    pub pruned: usize,
    /// Solves: the first, then one after each pricing pass that added pairs.
    pub passes: usize,
    /// Pricing passes that had to score left-out pairs again.
    pub pricing_passes: usize,
    /// Left-out pairs brought in by pricing.
    pub pairs_added: usize,
    pub max_score: i64,
    pub penalty: i64,
    pub objective: i64,
    pub score_ms: f64,
    pub solve_ms: f64,
}

/// Pricing brings in, beside the improving pairs, those within this much of improving: prices move when the
/// instance grows, and a pair that nearly improves now often does after the next solve. Taking them early
/// trades a larger instance for fewer solves. Any margin of 0 or more leaves the answer exact. Measured on the
/// 10,000 × 2,000 benchmark round: a margin of 0 took 4 solves; 100 (about two thirds of a pair's best score)
/// takes 2, and 400 is no better.
const PRICING_MARGIN: i64 = 100;

/// Why not just `max_score + 1`: placing one more newcomer can reroute a chain of others, costing up to one
/// `max_score` per newcomer on the chain. A penalty above that total makes "place as many as possible" win over
/// any saving in cost, as the design asks.
pub fn penalty_for(max_score: i64, newcomers: usize) -> i64 {
    (max_score + 1).saturating_mul(newcomers as i64 + 1)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Plans a round of `newcomers` against `candidates`: optimal over every acceptable pair (see the module note).
pub fn plan_round(newcomers: &[Newcomer], candidates: &Candidates, cfg: &MatchingConfig) -> Plan {
    let max_score = candidates.max_score(cfg);
    let penalty = penalty_for(max_score, newcomers.len());
    let capacities = candidates.capacities();
    let k = cfg.candidates_per_newcomer.max(1);
    let scanner = Scanner::new(newcomers, candidates, cfg);

    let started = Instant::now();
    // Full and non-accepting mentors are scored too: they add no pair (scoring excludes them), but they let the
    // funnel say "every mentor who fits is full" rather than blame the language or the time zone.
    let first = scanner.best(k);
    let mut score_ms = ms(started);
    let acceptable_pairs = first.iter().map(|s| u64::from(s.funnel.acceptable())).sum();
    let pruned = first.iter().filter(|s| s.pruned).count();
    // The least a left-out pair of each newcomer can cost: what its worst kept pair costs. None when nothing
    // was left out.
    let floor: Vec<Option<i64>> = first
        .iter()
        .map(|s| {
            s.pruned
                .then(|| max_score - s.pairs.last().map_or(0, |p| p.1))
        })
        .collect();
    let funnels = first.iter().map(|s| s.funnel).collect();
    let mut pairs: Vec<Vec<(usize, i64)>> = Vec::with_capacity(first.len());
    let mut rest: Vec<Vec<(u32, i32)>> = Vec::with_capacity(first.len());
    for s in first {
        pairs.push(s.pairs);
        rest.push(s.rest);
    }
    let instance_pairs = pairs.iter().map(Vec::len).sum();

    let (mut passes, mut pricing_passes, mut pairs_added, mut solve_ms) = (0, 0, 0, 0.0);
    let solution = loop {
        let instance = instance_of(&pairs, &capacities, max_score, penalty);
        let started = Instant::now();
        let solution = solver::solve(&instance);
        solve_ms += ms(started);
        passes += 1;

        let pays = |i: usize| match solution.assignment[i] {
            Some(j) => {
                let cost = pairs[i]
                    .iter()
                    .find(|p| p.0 == j as usize)
                    .map_or(0, |p| max_score - p.1);
                cost + solution.mentor_prices[j as usize]
            }
            None => penalty,
        };
        let (who, paid): (Vec<usize>, Vec<i64>) = (0..newcomers.len())
            .filter_map(|i| {
                let paid = pays(i);
                floor[i]
                    .is_some_and(|f| paid + PRICING_MARGIN > f)
                    .then_some((i, paid))
            })
            .unzip();
        if who.is_empty() {
            break solution;
        }
        let started = Instant::now();
        let found = scan::improving(
            &mut rest,
            &who,
            &paid,
            &solution.mentor_prices,
            max_score,
            PRICING_MARGIN,
            k,
        );
        score_ms += ms(started);
        pricing_passes += 1;
        let (mut added, mut improving) = (0, 0);
        for ((&i, &paid), list) in who.iter().zip(&paid).zip(found) {
            for (j, score) in list {
                // The duals certify the pairs already in, so none of them is improving; the check only keeps a
                // mistake from looping for ever.
                if !pairs[i].iter().any(|p| p.0 == j) {
                    pairs[i].push((j, score));
                    added += 1;
                    if max_score - score + solution.mentor_prices[j] < paid {
                        improving += 1;
                    }
                }
            }
        }
        // Without an improving pair the duals are feasible for every acceptable pair: this answer is optimal,
        // and the pairs just added within the margin could not change it (nor are they counted: they were
        // never solved over).
        if improving == 0 {
            break solution;
        }
        pairs_added += added;
    };

    let mut assignment = vec![None; newcomers.len()];
    let mut scores = vec![0i64; newcomers.len()];
    for (i, a) in solution.assignment.iter().enumerate() {
        if let Some(j) = *a
            && let Some(&(j, score)) = pairs[i].iter().find(|p| p.0 == j as usize)
        {
            assignment[i] = Some(j);
            scores[i] = score;
        }
    }
    Plan {
        assignment,
        scores,
        funnels,
        acceptable_pairs,
        instance_pairs,
        pruned,
        passes,
        pricing_passes,
        pairs_added,
        max_score,
        penalty,
        objective: solution.objective,
        score_ms,
        solve_ms,
    }
}

/// The instance of every acceptable pair, with the costs and the penalty a round uses: what [`plan_round`] is
/// optimal over. Newcomer `i` is `newcomers[i]`, mentor `j` is candidate `j`.
pub fn full_instance(
    newcomers: &[Newcomer],
    candidates: &Candidates,
    cfg: &MatchingConfig,
) -> Instance {
    let max_score = candidates.max_score(cfg);
    let pairs: Vec<Vec<(usize, i64)>> = Scanner::new(newcomers, candidates, cfg)
        .best(usize::MAX)
        .into_iter()
        .map(|s| s.pairs)
        .collect();
    instance_of(
        &pairs,
        &candidates.capacities(),
        max_score,
        penalty_for(max_score, newcomers.len()),
    )
}

/// Newcomer `i` may take any of `pairs[i]` (candidate, score) at cost `max_score - score`.
fn instance_of(
    pairs: &[Vec<(usize, i64)>],
    capacities: &[u32],
    max_score: i64,
    penalty: i64,
) -> Instance {
    let edges = pairs
        .iter()
        .enumerate()
        .flat_map(|(i, list)| {
            list.iter().map(move |&(j, score)| Edge {
                newcomer: i as u32,
                mentor: j as u32,
                cost: max_score - score,
            })
        })
        .collect();
    Instance {
        newcomers: pairs.len(),
        mentors: capacities.len(),
        capacities: capacities.to_vec(),
        unassigned_penalty: penalty,
        edges,
    }
}
