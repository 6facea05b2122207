//! Turns an [`Instance`] into flat arrays: [`Pairs`], the cleaned candidate pairs both
//! methods start from, and [`Network`], the bipartite network the shortest-path method runs on.
//!
//! The solver routes "units" from an A side (each A node has a supply) to a B side (each B
//! node has a capacity); a unit may also stop unrouted at a fixed exit cost. Either side of
//! the instance can play A:
//!
//! * newcomers as A: supply 1 each, exit cost P (left unassigned), edge cost c;
//! * mentors as A: supply = capacity, exit cost 0 (slot left empty), edge cost c - P, and the
//!   newcomers become B nodes of capacity 1. This is the same problem shifted by the constant
//!   P * newcomers, since every matched pair saves P.
//!
//! Searches start from A units, and a search from a unit ends as soon as it finds spare room
//! on the B side. Starting from the side with fewer units to place means fewer searches, and
//! these end early because the other side has room to spare (e.g. 3,000 tasks looking among
//! 10,000 newcomers, instead of 7,000 extra newcomers each proving that no task is left).

use super::super::instance::{Edge, Instance, MAX_COST};

/// Candidate pairs after clean-up, as compressed rows per newcomer: only pairs that can
/// ever be worth using (mentor capacity above 0, cost below the penalty), cheapest of each
/// duplicated pair.
pub(super) struct Pairs {
    pub newcomers: usize,
    pub mentors: usize,
    /// Capacities with a missing entry read as 0.
    pub capacity: Vec<u32>,
    pub penalty: i64,
    /// `start[i]..start[i + 1]` indexes the pairs of newcomer `i`.
    pub start: Vec<u32>,
    pub mentor: Vec<u32>,
    pub cost: Vec<i64>,
    /// Number of kept pairs per mentor.
    pub mentor_degree: Vec<u32>,
}

impl Pairs {
    /// Edges that a valid instance never has (out of range, negative cost) are skipped and
    /// costs beyond [`MAX_COST`] clamped, so that `solve` never panics on a hand-built instance.
    pub fn new(inst: &Instance) -> Pairs {
        let n = inst.newcomers;
        let m = inst.mentors;
        let penalty = inst.unassigned_penalty.clamp(-MAX_COST, MAX_COST);
        let capacity: Vec<u32> = (0..m)
            .map(|j| inst.capacities.get(j).copied().unwrap_or(0))
            .collect();
        let useful = |e: &Edge| {
            (e.newcomer as usize) < n
                && (e.mentor as usize) < m
                && capacity[e.mentor as usize] > 0
                && e.cost >= 0
                && e.cost.min(MAX_COST) < penalty
        };

        // Counting sort by newcomer.
        let mut start = vec![0u32; n + 1];
        for e in inst.edges.iter().filter(|e| useful(e)) {
            start[e.newcomer as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let total = start[n] as usize;
        let mut fill: Vec<u32> = start[..n].to_vec();
        let mut mentor = vec![0u32; total];
        let mut cost = vec![0i64; total];
        for e in inst.edges.iter().filter(|e| useful(e)) {
            let k = &mut fill[e.newcomer as usize];
            mentor[*k as usize] = e.mentor;
            cost[*k as usize] = e.cost.min(MAX_COST);
            *k += 1;
        }
        drop(fill);

        // Duplicates: `seen[j]` remembers which newcomer last had mentor j (plus one, so 0
        // means none) and `at[j]` where that pair was kept, which avoids sorting each row.
        let mut seen = vec![0u32; m];
        let mut at = vec![0u32; m];
        let mut mentor_degree = vec![0u32; m];
        let mut out = 0usize;
        let mut row_begin = 0usize;
        for i in 0..n {
            let row_end = start[i + 1] as usize;
            start[i] = out as u32;
            for k in row_begin..row_end {
                let j = mentor[k] as usize;
                let c = cost[k];
                if seen[j] == i as u32 + 1 {
                    let kept = at[j] as usize;
                    cost[kept] = cost[kept].min(c);
                } else {
                    seen[j] = i as u32 + 1;
                    at[j] = out as u32;
                    mentor[out] = j as u32;
                    cost[out] = c;
                    mentor_degree[j] += 1;
                    out += 1;
                }
            }
            row_begin = row_end;
        }
        start[n] = out as u32;
        mentor.truncate(out);
        cost.truncate(out);
        mentor.shrink_to_fit();
        cost.shrink_to_fit();

        Pairs {
            newcomers: n,
            mentors: m,
            capacity,
            penalty,
            start,
            mentor,
            cost,
            mentor_degree,
        }
    }

    /// Units to place if newcomers are the A side: every newcomer that has a candidate.
    pub fn newcomer_units(&self) -> u64 {
        (0..self.newcomers)
            .filter(|&i| self.start[i + 1] > self.start[i])
            .count() as u64
    }

    /// Units to place if mentors are the A side; see [`Network::from_mentors`].
    pub fn mentor_units(&self) -> u64 {
        (0..self.mentors)
            .map(|j| u64::from(mentor_supply(self.capacity[j], self.mentor_degree[j])))
            .sum()
    }
}

/// A mentor with more capacity than candidates can never be full, so its dual price must end
/// at 0; giving it one unit more than it can place forces a unit to exit, which pins that.
fn mentor_supply(capacity: u32, degree: u32) -> u32 {
    if capacity > degree {
        degree + 1
    } else {
        capacity
    }
}

/// The bipartite network in compressed rows from the A side.
pub(super) struct Network {
    pub a_count: usize,
    pub b_count: usize,
    /// `start[x]..start[x + 1]` indexes the edges of A node `x`.
    pub start: Vec<u32>,
    /// B endpoint of each edge.
    pub head: Vec<u32>,
    pub cost: Vec<i64>,
    pub supply: Vec<u32>,
    /// Real capacity of each B node (spare room is `load < capacity`).
    pub capacity: Vec<u32>,
    /// `slot_start[y]..slot_start[y + 1]` is where B node `y` lists the units it holds: one
    /// slot per unit it can ever hold, i.e. min(capacity, degree).
    pub slot_start: Vec<u32>,
    /// Cost of a unit that stays unrouted.
    pub exit_cost: i64,
    /// Added to an edge's cost to get the instance's pair cost back.
    pub cost_shift: i64,
}

impl Network {
    pub fn from_newcomers(p: &Pairs) -> Network {
        let supply = (0..p.newcomers)
            .map(|i| u32::from(p.start[i + 1] > p.start[i]))
            .collect();
        let slot_start = prefix_sums(
            (0..p.mentors).map(|j| p.capacity[j].min(p.mentor_degree[j])),
            p.mentors,
        );
        Network {
            a_count: p.newcomers,
            b_count: p.mentors,
            start: p.start.clone(),
            head: p.mentor.clone(),
            cost: p.cost.clone(),
            supply,
            capacity: p.capacity.clone(),
            slot_start,
            exit_cost: p.penalty,
            cost_shift: 0,
        }
    }

    pub fn from_mentors(p: &Pairs) -> Network {
        let start = prefix_sums(p.mentor_degree.iter().copied(), p.mentors);
        let mut fill: Vec<u32> = start[..p.mentors].to_vec();
        let mut head = vec![0u32; p.mentor.len()];
        let mut cost = vec![0i64; p.mentor.len()];
        for i in 0..p.newcomers {
            for k in p.start[i] as usize..p.start[i + 1] as usize {
                let slot = &mut fill[p.mentor[k] as usize];
                head[*slot as usize] = i as u32;
                cost[*slot as usize] = p.cost[k] - p.penalty;
                *slot += 1;
            }
        }
        let supply = (0..p.mentors)
            .map(|j| mentor_supply(p.capacity[j], p.mentor_degree[j]))
            .collect();
        let slot_start = prefix_sums(
            (0..p.newcomers).map(|i| u32::from(p.start[i + 1] > p.start[i])),
            p.newcomers,
        );
        Network {
            a_count: p.mentors,
            b_count: p.newcomers,
            start,
            head,
            cost,
            supply,
            capacity: vec![1; p.newcomers],
            slot_start,
            exit_cost: 0,
            cost_shift: p.penalty,
        }
    }
}

fn prefix_sums(counts: impl Iterator<Item = u32>, len: usize) -> Vec<u32> {
    let mut out = Vec::with_capacity(len + 1);
    let mut acc = 0u32;
    out.push(0);
    for c in counts {
        acc += c;
        out.push(acc);
    }
    out
}
