//! Independent optimality check of a [`Solution`], sharing no code with the solver.
//!
//! The assignment LP is: minimise sum c_ij x_ij + P s_i subject to sum_j x_ij + s_i = 1 per
//! newcomer and sum_i x_ij <= c_j per mentor, x, s >= 0 (its optimum is integral). Its dual:
//! maximise sum u_i - sum c_j p_j with u_i <= c_ij + p_j for every pair, u_i <= P, p_j >= 0.
//! Taking u_i = what newcomer i pays at prices p (its pair's cost plus its mentor's price, or
//! P when unassigned), the dual is feasible and complementary slackness holds exactly when
//! (a) no candidate pair and not the penalty is cheaper for i than what it pays, and
//! (b) only full mentors have a positive price. Then the dual objective equals the primal one,
//! so the assignment is optimal. Each check is one pass over the pairs.

use super::super::instance::Instance;
use super::Solution;

/// Checks that `sol` is feasible for `inst`, that its objective and matched count recompute,
/// and that its mentor prices prove it optimal. The error says which condition fails first.
pub fn certify(inst: &Instance, sol: &Solution) -> Result<(), String> {
    inst.validate().map_err(|e| e.to_string())?;
    let n = inst.newcomers;
    let m = inst.mentors;
    let penalty = inst.unassigned_penalty;
    if sol.assignment.len() != n {
        return Err(format!(
            "assignment has {} entries for {n} newcomers",
            sol.assignment.len()
        ));
    }
    if sol.mentor_prices.len() != m {
        return Err(format!(
            "{} mentor prices for {m} mentors",
            sol.mentor_prices.len()
        ));
    }

    // Cheapest cost of each newcomer's chosen pair; None until a candidate pair matches.
    let mut chosen_cost: Vec<Option<i64>> = vec![None; n];
    for e in &inst.edges {
        let i = e.newcomer as usize;
        if sol.assignment[i] == Some(e.mentor) {
            let c = chosen_cost[i].map_or(e.cost, |c| c.min(e.cost));
            chosen_cost[i] = Some(c);
        }
    }

    let mut load = vec![0u64; m];
    let mut objective: i128 = 0;
    let mut matched = 0usize;
    for (i, a) in sol.assignment.iter().enumerate() {
        match *a {
            None => objective += i128::from(penalty),
            Some(j) => {
                if j as usize >= m {
                    return Err(format!(
                        "newcomer {i} is assigned to mentor {j}, but there are {m} mentors"
                    ));
                }
                let Some(c) = chosen_cost[i] else {
                    return Err(format!(
                        "newcomer {i} is assigned to mentor {j}, which is not one of its candidates"
                    ));
                };
                load[j as usize] += 1;
                objective += i128::from(c);
                matched += 1;
            }
        }
    }
    for (j, (&l, &cap)) in load.iter().zip(&inst.capacities).enumerate() {
        if l > u64::from(cap) {
            return Err(format!(
                "mentor {j} has {l} newcomers, over its capacity {cap}"
            ));
        }
    }
    if objective != i128::from(sol.objective) {
        return Err(format!(
            "objective {} does not recompute: the assignment costs {objective}",
            sol.objective
        ));
    }
    if matched != sol.matched {
        return Err(format!(
            "matched {} does not recompute: {matched} newcomers are assigned",
            sol.matched
        ));
    }

    for (j, &p) in sol.mentor_prices.iter().enumerate() {
        if p < 0 {
            return Err(format!("mentor {j} has a negative price {p}"));
        }
        if p > 0 && load[j] < u64::from(inst.capacities[j]) {
            return Err(format!(
                "mentor {j} has price {p} but spare capacity ({} of {}), so the prices do not \
                 prove optimality",
                load[j], inst.capacities[j]
            ));
        }
    }

    // i128: prices come from the answer under test and may be anything.
    let pays: Vec<i128> = (0..n)
        .map(|i| match sol.assignment[i] {
            Some(j) => {
                i128::from(chosen_cost[i].unwrap_or(0)) + i128::from(sol.mentor_prices[j as usize])
            }
            None => i128::from(penalty),
        })
        .collect();
    for (i, &v) in pays.iter().enumerate() {
        if v > i128::from(penalty) {
            return Err(format!(
                "newcomer {i} pays {v} at these prices, more than the penalty {penalty}: \
                 not optimal, or the prices are wrong"
            ));
        }
    }
    for e in &inst.edges {
        let i = e.newcomer as usize;
        let offer = i128::from(e.cost) + i128::from(sol.mentor_prices[e.mentor as usize]);
        if offer < pays[i] {
            return Err(format!(
                "newcomer {i} pays {} but mentor {} would cost {} at these prices: not \
                 optimal, or the prices are wrong",
                pays[i], e.mentor, offer
            ));
        }
    }
    Ok(())
}
