//! Exact capacitated min-cost assignment: newcomers to mentors (or tasks) with capacities,
//! minimising the chosen pairs' costs plus a penalty per newcomer left unassigned.
//!
//! Two exact methods, each where it is fastest:
//! * `ssp`, successive shortest paths started from the mentor side, when mentors have
//!   clearly fewer places than there are newcomers (e.g. 3,000 tasks for 10,000 newcomers):
//!   every search ends at once at one of the many free newcomers;
//! * `scaling`, epsilon-scaling push-relabel (auction style) from the newcomer side,
//!   otherwise. When places and newcomers are about as many, the last few units of successive
//!   shortest paths each need a search through the whole graph; scaling moves all units at
//!   once and stays fast on these tight instances.
//!
//! The answer carries a certificate (a price per mentor) that [`certify`] checks through LP
//! duality, independently of how it was found.

mod certify;
mod network;
mod scaling;
mod ssp;

pub use certify::certify;

use super::instance::Instance;
use network::{Network, Pairs};

/// Mentor-side searches may relax this many arcs per arc of the network before the solver
/// gives up on them for scaling; measured uses stay under 3.
const MENTOR_SIDE_BUDGET: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// `assignment[i]` is the mentor of newcomer `i`, or `None` when left unassigned.
    pub assignment: Vec<Option<u32>>,
    /// Sum of the chosen pairs' costs (the cheapest of duplicated pairs) plus the penalty per
    /// unassigned newcomer.
    pub objective: i64,
    /// Number of assigned newcomers.
    pub matched: usize,
    /// Dual certificate: a price `p_j >= 0` per mentor, positive only for full mentors, such
    /// that every newcomer's choice is a cheapest option at those prices, i.e. the pair cost
    /// plus the price when assigned, or the penalty when not, is at most the penalty and at
    /// most `cost + p_j` of every candidate pair. [`certify`] checks exactly this.
    pub mentor_prices: Vec<i64>,
}

/// Solves `inst` exactly. Intended for instances that pass [`Instance::validate`] (as parsed
/// ones do); others are solved on a cleaned copy without panicking: pairs out of range or with
/// a negative cost are ignored and magnitudes clamped to `MAX_COST`.
pub fn solve(inst: &Instance) -> Solution {
    solve_with(inst, Method::Auto)
}

/// Which exact method runs; tests pin each one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
enum Method {
    /// Mentor-side shortest paths when places are clearly fewer than newcomers and the
    /// searches stay cheap, else scaling (or newcomer-side shortest paths when costs are too
    /// large to scale).
    Auto,
    MentorPaths,
    NewcomerPaths,
    Scaling,
    /// Scaling, with the certificate always from the shortest-path recovery.
    ScalingDijkstraDuals,
}

fn solve_with(inst: &Instance, method: Method) -> Solution {
    let pairs = Pairs::new(inst);
    let n = pairs.newcomers;
    let scalable = scaling::fits(&pairs);
    let mentor_side = match method {
        Method::Auto => pairs.mentor_units() * 4 < pairs.newcomer_units() * 3,
        Method::MentorPaths => true,
        Method::NewcomerPaths | Method::Scaling | Method::ScalingDijkstraDuals => false,
    };

    let mut found = None;
    if mentor_side {
        let net = Network::from_mentors(&pairs);
        let budget = if scalable && method == Method::Auto {
            MENTOR_SIDE_BUDGET * (net.head.len() + net.a_count + net.b_count)
        } else {
            usize::MAX
        };
        let (flow, pending) = ssp::route_all(&net, budget);
        if pending.is_empty() {
            found = Some(read_flow(&net, &flow, true, n));
        }
    }
    let (assignment, pair_cost, mut mentor_prices) = match found {
        Some(found) => found,
        None if scalable && method != Method::NewcomerPaths => {
            let sc = scaling::solve(&pairs, method != Method::ScalingDijkstraDuals);
            let mut assignment: Vec<Option<u32>> = vec![None; n];
            let mut pair_cost = vec![0i64; n];
            for (i, e) in sc.pair_of.iter().enumerate() {
                if let Some(e) = *e {
                    assignment[i] = Some(pairs.mentor[e as usize]);
                    pair_cost[i] = pairs.cost[e as usize];
                }
            }
            (assignment, pair_cost, sc.mentor_prices)
        }
        // Costs too large to scale: successive shortest paths work on them unscaled.
        None => {
            let net = Network::from_newcomers(&pairs);
            let (flow, _) = ssp::route_all(&net, usize::MAX);
            read_flow(&net, &flow, false, n)
        }
    };
    price_excluded_mentors(inst, &pairs, &assignment, &pair_cost, &mut mentor_prices);

    let penalty = inst.unassigned_penalty;
    let mut objective = 0i64;
    let mut matched = 0usize;
    for (a, c) in assignment.iter().zip(&pair_cost) {
        objective = objective.saturating_add(if a.is_some() { *c } else { penalty });
        matched += usize::from(a.is_some());
    }
    Solution {
        assignment,
        objective,
        matched,
        mentor_prices,
    }
}

/// Reads the assignment, pair costs and mentor prices off a complete flow.
fn read_flow(
    net: &Network,
    flow: &ssp::Flow,
    from_mentors: bool,
    newcomers: usize,
) -> (Vec<Option<u32>>, Vec<i64>, Vec<i64>) {
    let mut assignment: Vec<Option<u32>> = vec![None; newcomers];
    let mut pair_cost = vec![0i64; newcomers];
    for y in 0..net.b_count {
        let first = net.slot_start[y] as usize;
        for s in first..first + flow.load[y] as usize {
            let x = flow.slot_a[s];
            let cost = net.cost[flow.slot_edge[s] as usize] + net.cost_shift;
            let (newcomer, mentor) = if from_mentors {
                (y, x)
            } else {
                (x as usize, y as u32)
            };
            assignment[newcomer] = Some(mentor);
            pair_cost[newcomer] = cost;
        }
    }
    // The sink's potential is 0; a mentor's price is how far its node sits from the sink,
    // with the sign set by the side it is on.
    let prices = if from_mentors {
        flow.potential[..net.a_count].to_vec()
    } else {
        flow.potential[net.a_count..].iter().map(|&p| -p).collect()
    };
    (assignment, pair_cost, prices)
}

/// Mentors of capacity 0 never entered the network; they are full by definition, so any
/// price is allowed, and one high enough that none of their pairs undercuts a newcomer's
/// choice completes the certificate.
fn price_excluded_mentors(
    inst: &Instance,
    pairs: &Pairs,
    assignment: &[Option<u32>],
    pair_cost: &[i64],
    prices: &mut [i64],
) {
    if !pairs.capacity.contains(&0) {
        return;
    }
    // What each newcomer pays at these prices: its pair's cost plus the mentor's price, or
    // the penalty when unassigned.
    let value: Vec<i64> = assignment
        .iter()
        .zip(pair_cost)
        .map(|(a, &c)| match a {
            Some(j) => c + prices[*j as usize],
            None => pairs.penalty,
        })
        .collect();
    for e in &inst.edges {
        let (i, j) = (e.newcomer as usize, e.mentor as usize);
        if i < pairs.newcomers && j < pairs.mentors && pairs.capacity[j] == 0 && e.cost >= 0 {
            prices[j] = prices[j].max(value[i] - e.cost);
        }
    }
}

#[cfg(test)]
mod tests;
