//! Cost scaling (Goldberg's epsilon-scaling push-relabel) specialised to the assignment
//! network, in its auction form: newcomers bid for mentors and full mentors evict their
//! least committed holder.
//!
//! Network: newcomer i (supply 1) -> mentor j (capacity 1, cost K*c_ij); i -> sink (exit,
//! cost K*P); j -> sink (capacity c_j, cost 0). Costs are multiplied by K = nodes + 1, so a
//! flow that is epsilon-optimal for epsilon = 1 is optimal: with integer costs, 1/K-optimality
//! below 1/nodes rules out negative cycles.
//!
//! Prices are kept as "values": `price[j]` is what mentor j adds to a pair's cost (the
//! negated push-relabel potential), `value[i]` is what newcomer i is prepared to pay, and
//! `sink` the sink's price. Epsilon-optimality then reads:
//! * a pair i-j not used: K*c_ij + price[j] >= value[i] - eps;
//! * a pair used: value[i] <= K*c_ij + price[j] + eps, stored as the holder's `slack`
//!   value[i] - K*c_ij, which stays fixed while i holds j;
//! * the exit likewise with K*P + sink;
//! * mentor j with room towards the sink: price[j] <= sink + eps; with flow: >= sink - eps.
//!
//! Scaling is what makes this fast on tight instances: one unit at a time (successive
//! shortest paths) ends with hundreds of searches that each sweep the whole graph to find the
//! last free places, while here all units move at once and each phase only repairs what the
//! finer epsilon breaks.
//!
//! Operations, all pushes and relabels of push-relabel, so each keeps eps-optimality:
//! * `bid`: a newcomer takes its cheapest option, valuing itself at the second cheapest
//!   plus eps; a mentor pushed over what it passes on evicts its lowest-slack holder after
//!   raising its price to that slack plus eps (`discharge_mentor`);
//! * when more units reach the sink than it needs (mentors priced above the sink must be
//!   full, but nobody comes), a short-of-units mentor makes a reverse bid (`settle_sink`),
//!   or the sink raises its own price (`raise_sink`);
//! * a price war (far more bids than usual) triggers a global price update (`relabel.rs`);
//! * at the end, exact integer duals are recovered for the certificate (`duals.rs`).

mod duals;
mod holders;
mod relabel;

use std::collections::VecDeque;

use super::network::Pairs;

/// Shrink factor of epsilon between phases. Every phase starts with a pass over all pairs,
/// so few phases matter; 8 to 10 measured best on the benchmark families.
const ALPHA: i64 = 8;

/// The first epsilon, in unscaled cost units, is the largest cost over this (16 to 64
/// measured best). Starting well below the costs' scale saves phases; wars that need larger
/// price moves are handled on their own (see `WAR_BIDS`).
const FIRST_EPS_DIVISOR: i64 = 32;

/// Bids per newcomer in one phase beyond which the phase counts as a price war. Ordinary
/// phases on the benchmark families stay under 15.
const WAR_BIDS: usize = 24;

/// Global price updates per phase before a war is fought with a larger eps instead.
const GLOBAL_UPDATES: usize = 2;

/// Reverse bids per unit handed back to the sink beyond which a phase stops making them.
const REVERSE_CHAIN: usize = 8;

/// `held` of a newcomer that holds nothing (it is active) or takes the exit.
const NONE: u32 = u32::MAX;
const EXIT: u32 = u32::MAX - 1;

/// An optimal assignment with exact integer dual prices.
pub(super) struct Scaled {
    /// Per newcomer, the index of its pair in `Pairs`, or `None`.
    pub pair_of: Vec<Option<u32>>,
    /// Exact mentor prices (unscaled), a valid certificate.
    pub mentor_prices: Vec<i64>,
}

/// Whether the scaled costs and prices stay well inside `i64`: costs times K, and prices
/// that move by at most about a penalty per newcomer.
pub(super) fn fits(p: &Pairs) -> bool {
    let k = (p.newcomers + p.mentors + 2) as i128;
    let max_cost = p.cost.iter().copied().max().unwrap_or(0);
    let reach = k * i128::from(max_cost.max(p.penalty)) * (p.newcomers as i128 + 4);
    reach <= i128::from(i64::MAX / 4)
}

/// Solves `p`, which must [`fit`](fits). `round_duals` lets the certificate come from
/// rounded scaled prices when they pass the check (tests turn it off to cover the Dijkstra).
pub(super) fn solve(p: &Pairs, round_duals: bool) -> Scaled {
    let k = (p.newcomers + p.mentors + 2) as i64;
    let max_cost = p.cost.iter().copied().max().unwrap_or(0);
    let mut s = State::new(p, k);
    let eps_cap = k * max_cost.max(p.penalty).max(1);
    let mut eps = k * (max_cost / FIRST_EPS_DIVISOR).max(1);
    loop {
        eps = s.refine(eps, eps_cap);
        if eps == 1 {
            break;
        }
        eps = (eps / ALPHA).max(1);
    }
    let mentor_prices = s.exact_prices(round_duals);
    let pair_of = s
        .held
        .iter()
        .map(|&e| (e != NONE && e != EXIT).then_some(e))
        .collect();
    Scaled {
        pair_of,
        mentor_prices,
    }
}

struct State<'a> {
    p: &'a Pairs,
    k: i64,
    /// K * cost of each pair, the scaled costs every bid reads.
    kcost: Vec<i64>,
    /// K * penalty.
    exit_cost: i64,
    price: Vec<i64>,
    value: Vec<i64>,
    sink: i64,
    /// Pair index each newcomer uses, `EXIT`, or `NONE` while it holds nothing.
    held: Vec<u32>,
    /// `slot_start[j]..slot_start[j] + load[j]`: the holders of mentor j and their slack, a min-heap on the
    /// slack (`holders.rs`).
    slot_start: Vec<u32>,
    load: Vec<u32>,
    holder: Vec<u32>,
    slack: Vec<i64>,
    /// The slot each newcomer holds, while it holds one.
    slot_of: Vec<u32>,
    /// Flow from each mentor to the sink; `load - to_sink` is the mentor's excess.
    to_sink: Vec<u32>,
    /// Units the sink has received minus `demand`, the newcomers that have a candidate.
    sink_excess: i64,
    demand: i64,
    /// Newcomers holding the exit, and where each sits in that list, so the sink can look
    /// at them without a pass over all newcomers.
    exited: Vec<u32>,
    exit_pos: Vec<u32>,
    queue: VecDeque<u32>,
    /// Candidates of each mentor (edge indices), and each edge's newcomer, for reverse bids.
    in_start: Vec<u32>,
    in_edge: Vec<u32>,
    tail: Vec<u32>,
    /// Mentors that may owe the sink units they do not have (checked when taken).
    deficits: Vec<u32>,
}

impl<'a> State<'a> {
    fn new(p: &'a Pairs, k: i64) -> Self {
        let slot_start = {
            let mut v = Vec::with_capacity(p.mentors + 1);
            let mut acc = 0u32;
            v.push(0);
            for j in 0..p.mentors {
                // A mentor can hold one unit beyond its capacity while it evicts.
                acc += p.capacity[j].saturating_add(1).min(p.mentor_degree[j]);
                v.push(acc);
            }
            v
        };
        let slots = slot_start[p.mentors] as usize;
        let mut in_start = Vec::with_capacity(p.mentors + 1);
        in_start.push(0u32);
        for j in 0..p.mentors {
            in_start.push(in_start[j] + p.mentor_degree[j]);
        }
        let mut fill: Vec<u32> = in_start[..p.mentors].to_vec();
        let mut in_edge = vec![0u32; p.cost.len()];
        let mut tail = vec![0u32; p.cost.len()];
        for i in 0..p.newcomers {
            for e in p.start[i] as usize..p.start[i + 1] as usize {
                tail[e] = i as u32;
                let k = &mut fill[p.mentor[e] as usize];
                in_edge[*k as usize] = e as u32;
                *k += 1;
            }
        }
        let placed = (0..p.newcomers)
            .filter(|&i| p.start[i + 1] > p.start[i])
            .count();
        State {
            p,
            k,
            kcost: p.cost.iter().map(|&c| k * c).collect(),
            exit_cost: k * p.penalty,
            price: vec![0; p.mentors],
            value: vec![0; p.newcomers],
            sink: 0,
            held: vec![NONE; p.newcomers],
            slot_start,
            load: vec![0; p.mentors],
            holder: vec![0; slots],
            slack: vec![0; slots],
            slot_of: vec![0; p.newcomers],
            to_sink: vec![0; p.mentors],
            sink_excess: -(placed as i64),
            demand: placed as i64,
            exited: Vec::new(),
            exit_pos: vec![0; p.newcomers],
            queue: VecDeque::new(),
            in_start,
            in_edge,
            tail,
            deficits: Vec::new(),
        }
    }

    /// One scaling phase: turns the (ALPHA eps)-optimal flow into an eps-optimal one.
    /// A phase that bids far more than usual is in a price war (typically newcomers who
    /// cannot all be placed, whose values must climb to the penalty eps by eps): it runs a
    /// global price update, and if the war goes on, continues with eps raised by ALPHA, which
    /// is always allowed (an eps-optimal flow is also optimal for any larger eps). Returns
    /// the epsilon the phase ended with.
    fn refine(&mut self, mut eps: i64, eps_cap: i64) -> i64 {
        let p = self.p;
        // A mentor with room must end priced within eps of the sink, or its arc to the sink
        // violates eps-optimality. Forcing it full instead (saturating that arc) leaves a
        // deficit nobody may want to fill, which the sink then has to hand back one unit at a
        // time; lowering the price lets the newcomer pass below release whoever now prefers
        // this mentor, the reverse-auction step of asymmetric problems.
        for j in 0..p.mentors {
            if self.load[j] < p.capacity[j] && self.price[j] > self.sink + eps {
                self.price[j] = self.sink + eps;
            }
        }
        // Newcomers whose choice is no longer within 2 eps of their best option let go of it
        // (saturating the now negative reverse arc); the others get the highest value the
        // new eps allows, which makes them the last to be evicted.
        for i in 0..p.newcomers {
            let (lo, hi) = (p.start[i] as usize, p.start[i + 1] as usize);
            if lo == hi {
                continue;
            }
            let held = self.held[i];
            let mut best_other = if held == EXIT {
                i64::MAX
            } else {
                self.exit_cost + self.sink
            };
            let mut held_cost = if held == EXIT {
                self.exit_cost + self.sink
            } else {
                i64::MAX
            };
            for e in lo..hi {
                let v = self.kcost[e] + self.price[p.mentor[e] as usize];
                if e as u32 == held {
                    held_cost = v;
                } else if v < best_other {
                    best_other = v;
                }
            }
            if held == NONE {
                self.queue.push_back(i as u32);
            } else if held_cost <= best_other.saturating_add(2 * eps) {
                self.value[i] = best_other.saturating_add(eps);
                if held != EXIT {
                    let j = p.mentor[held as usize] as usize;
                    let s = self.find_slot(j, i as u32);
                    self.set_slack(j, s, self.value[i] - self.kcost[held as usize]);
                }
            } else {
                self.release(i);
                self.queue.push_back(i as u32);
            }
        }
        // Mentors priced above the sink must be full (their arc to the sink is saturated,
        // leaving a deficit to fill); those below it must send nothing; in between, anything
        // goes and sending exactly the load keeps them balanced.
        self.deficits.clear();
        let mut sink_in = self.exited.len() as i64;
        for j in 0..p.mentors {
            let f = if self.price[j] > self.sink + eps {
                p.capacity[j]
            } else if self.price[j] < self.sink - eps {
                0
            } else {
                self.load[j]
            };
            self.to_sink[j] = f;
            if f > self.load[j] {
                self.deficits.push(j as u32);
            }
            sink_in += i64::from(f);
        }
        self.sink_excess = sink_in - self.demand;
        for j in 0..p.mentors {
            while self.load[j] > self.to_sink[j] {
                self.discharge_mentor(j, eps);
            }
        }
        let war = WAR_BIDS * (self.demand as usize + 1);
        let mut bids = 0usize;
        let mut updates = 0;
        let (mut reverse_bids, mut settled) = (0usize, 0usize);
        loop {
            if let Some(i) = self.queue.pop_front() {
                self.bid(i as usize, eps);
                bids += 1;
                if bids > war {
                    // A price war: first jump prices by a global update; should the war go
                    // on, continue at a larger eps.
                    if updates < GLOBAL_UPDATES {
                        self.global_update(eps);
                        updates += 1;
                    } else if eps < eps_cap {
                        eps = (eps * ALPHA).min(eps_cap);
                    }
                    bids = 0;
                }
            } else if self.sink_excess > 0 {
                // Reverse bids are targeted but may pass a deficit along a long chain of full
                // mentors before the sink takes it; then raising the sink's price, which
                // also lets exited newcomers back in, is the cheaper way out.
                if reverse_bids > REVERSE_CHAIN * settled + 256 {
                    self.raise_sink(eps);
                } else {
                    let before = self.sink_excess;
                    self.settle_sink(eps);
                    reverse_bids += 1;
                    settled += usize::from(self.sink_excess < before);
                }
            } else {
                break;
            }
        }
        #[cfg(debug_assertions)]
        self.check(eps);
        eps
    }

    /// Debug builds verify eps-optimality and flow balance after every phase.
    #[cfg(debug_assertions)]
    fn check(&self, eps: i64) {
        let p = self.p;
        for i in 0..p.newcomers {
            if p.start[i] == p.start[i + 1] {
                continue;
            }
            let held = self.held[i];
            assert_ne!(held, NONE, "newcomer {i} left active");
            let v = self.value[i];
            for e in p.start[i] as usize..p.start[i + 1] as usize {
                let c = self.kcost[e] + self.price[p.mentor[e] as usize];
                if e as u32 == held {
                    assert!(v - c >= -eps, "held arc of {i} violates by {}", v - c);
                } else {
                    assert!(
                        c - v >= -eps,
                        "free arc {i}->{} violates by {}",
                        p.mentor[e],
                        c - v
                    );
                }
            }
            let c = self.exit_cost + self.sink;
            if held == EXIT {
                assert!(v - c >= -eps, "exit of {i} violates");
            } else {
                assert!(c - v >= -eps, "unused exit of {i} violates by {}", c - v);
            }
        }
        let mut into_sink = self.exited.len() as i64;
        for j in 0..p.mentors {
            assert_eq!(self.load[j], self.to_sink[j], "mentor {j} unbalanced");
            into_sink += i64::from(self.to_sink[j]);
            if self.to_sink[j] < p.capacity[j] {
                assert!(self.sink - self.price[j] >= -eps, "mentor {j} room arc");
            }
            if self.to_sink[j] > 0 {
                assert!(self.price[j] - self.sink >= -eps, "mentor {j} flow arc");
            }
            let first = self.slot_start[j] as usize;
            for s in first..first + self.load[j] as usize {
                let i = self.holder[s] as usize;
                assert_eq!(p.mentor[self.held[i] as usize] as usize, j);
                assert_eq!(
                    self.slack[s],
                    self.value[i] - self.kcost[self.held[i] as usize]
                );
            }
        }
        assert_eq!(into_sink, self.demand, "sink unbalanced");
    }

    /// Takes newcomer i out of what it holds at the start of a phase (it becomes active; the
    /// caller queues it). The sink's balance is recounted afterwards.
    fn release(&mut self, i: usize) {
        let held = self.held[i];
        if held == EXIT {
            self.unexit(i);
        } else if held != NONE {
            let j = self.p.mentor[held as usize] as usize;
            let s = self.find_slot(j, i as u32);
            self.remove_slot(j, s);
        }
        self.held[i] = NONE;
    }

    fn unexit(&mut self, i: usize) {
        let at = self.exit_pos[i] as usize;
        let last = self.exited.pop().unwrap_or(i as u32);
        if last as usize != i {
            self.exited[at] = last;
            self.exit_pos[last as usize] = at as u32;
        }
    }

    /// Double push: newcomer i takes its cheapest option and sets its value to the second
    /// cheapest plus eps (relabel); a mentor pushed past what it can pass on then evicts.
    fn bid(&mut self, i: usize, eps: i64) {
        let p = self.p;
        let mut best = self.exit_cost + self.sink;
        let mut best_pair = EXIT;
        let mut second = i64::MAX;
        for e in p.start[i] as usize..p.start[i + 1] as usize {
            let v = self.kcost[e] + self.price[p.mentor[e] as usize];
            if v < best {
                second = best;
                best = v;
                best_pair = e as u32;
            } else if v < second {
                second = v;
            }
        }
        let value = second.saturating_add(eps);
        self.value[i] = value;
        self.held[i] = best_pair;
        if best_pair == EXIT {
            self.exit_pos[i] = self.exited.len() as u32;
            self.exited.push(i as u32);
            self.sink_excess += 1;
            return;
        }
        let j = p.mentor[best_pair as usize] as usize;
        self.add_holder(j, i as u32, value - self.kcost[best_pair as usize]);
        if self.load[j] > self.to_sink[j] {
            self.discharge_mentor(j, eps);
        }
    }

    /// Mentor j has one unit more than it sends on. Its ways out are the sink (while the arc
    /// has room) and its holders (evicting one); push on the cheapest, after a relabel (price
    /// = cheapest + eps) when even that one is not admissible.
    fn discharge_mentor(&mut self, j: usize, eps: i64) {
        let room = self.to_sink[j] < self.p.capacity[j];
        let mut min = if room { self.sink } else { i64::MAX };
        let mut at = usize::MAX;
        if let Some(s) = self.least_slack(j)
            && self.slack[s] < min
        {
            min = self.slack[s];
            at = s;
        }
        if min >= self.price[j] {
            self.price[j] = min + eps;
        }
        if at == usize::MAX {
            self.to_sink[j] += 1;
            self.sink_excess += 1;
        } else {
            let i = self.holder[at];
            self.remove_slot(j, at);
            self.held[i as usize] = NONE;
            self.queue.push_back(i);
        }
    }

    /// The sink received more than its demand: some mentor forced full (priced above the
    /// sink) still has a deficit nobody came to fill. Raising the sink's price instead would
    /// drag every mentor with room along, one eps and one unit at a time. So the deficit
    /// mentor makes a reverse bid (a push and relabel on the reverse graph): among what its
    /// placed candidates would pay it and what the sink offers, it takes the best offer and
    /// lowers its price to the second best minus eps. A newcomer it pulls over lowers its
    /// value below its offer, so offers only fall and the reverse bids end; once the sink's
    /// offer is the best, the mentor gives up the unit it owed the sink.
    fn settle_sink(&mut self, eps: i64) {
        let p = self.p;
        let m = p.mentors;
        let j = loop {
            match self.deficits.last() {
                Some(&j) if self.to_sink[j as usize] > self.load[j as usize] => break j as usize,
                Some(_) => {
                    self.deficits.pop();
                }
                None => {
                    // Every unit the sink has beyond its demand is owed by some mentor, and
                    // all mentors that ever owe are listed; reaching this is a bug.
                    debug_assert!(false, "sink excess without a deficit");
                    self.deficits.extend(
                        (0..m as u32).filter(|&j| self.to_sink[j as usize] > self.load[j as usize]),
                    );
                    if self.deficits.is_empty() {
                        self.sink_excess = 0;
                        return;
                    }
                }
            }
        };
        let mut best = i64::MIN;
        let mut second = self.sink;
        let mut pull = usize::MAX;
        for k in self.in_start[j] as usize..self.in_start[j + 1] as usize {
            let e = self.in_edge[k] as usize;
            let i = self.tail[e] as usize;
            if self.held[i] == e as u32 || self.held[i] == NONE {
                continue;
            }
            // A holder's value may exceed what it pays now by more than eps (it is what its
            // second choice costs); were it pulled away, its current choice would become an
            // option not taken, so first cap the value there, which is always allowed.
            let held = self.held[i];
            let now = if held == EXIT {
                self.exit_cost + self.sink
            } else {
                self.kcost[held as usize] + self.price[p.mentor[held as usize] as usize]
            };
            if self.value[i] > now + eps {
                self.value[i] = now + eps;
                if held != EXIT {
                    let from = p.mentor[held as usize] as usize;
                    let s = self.find_slot(from, i as u32);
                    self.set_slack(from, s, self.value[i] - self.kcost[held as usize]);
                }
            }
            let offer = self.value[i] - self.kcost[e];
            if offer > best {
                second = second.max(best);
                best = offer;
                pull = e;
            } else if offer > second {
                second = offer;
            }
        }
        if best <= self.sink {
            self.price[j] = self.price[j].min(self.sink - eps);
            self.to_sink[j] -= 1;
            self.sink_excess -= 1;
            return;
        }
        self.price[j] = second - eps;
        let i = self.tail[pull] as usize;
        let held = self.held[i];
        if held == EXIT {
            self.unexit(i);
            self.sink_excess -= 1;
        } else {
            let from = p.mentor[held as usize] as usize;
            let s = self.find_slot(from, i as u32);
            self.remove_slot(from, s);
            if self.price[from] <= self.sink + eps {
                // Priced near the sink, `from` may just send one unit less: the chain of
                // reverse bids ends here instead of passing the deficit on.
                self.to_sink[from] -= 1;
                self.sink_excess -= 1;
            } else {
                self.deficits.push(from as u32);
            }
        }
        self.held[i] = pull as u32;
        self.value[i] = self.kcost[pull] + self.price[j] - eps;
        self.add_holder(j, i as u32, self.value[i] - self.kcost[pull]);
    }

    /// The other way to hand a unit back from the sink: raise the sink's price to the
    /// cheapest way back (a mentor sending it flow, or an exited newcomer) plus eps and push
    /// the unit there.
    fn raise_sink(&mut self, eps: i64) {
        let p = self.p;
        let mut min = i64::MAX;
        let mut from_mentor = usize::MAX;
        let mut from_newcomer = usize::MAX;
        for j in 0..p.mentors {
            if self.to_sink[j] > 0 && self.price[j] < min {
                min = self.price[j];
                from_mentor = j;
            }
        }
        for &i in &self.exited {
            let i = i as usize;
            if self.value[i] - self.exit_cost < min {
                min = self.value[i] - self.exit_cost;
                from_newcomer = i;
            }
        }
        if min >= self.sink {
            self.sink = min + eps;
        }
        self.sink_excess -= 1;
        if from_newcomer != usize::MAX {
            self.unexit(from_newcomer);
            self.held[from_newcomer] = NONE;
            self.queue.push_back(from_newcomer as u32);
        } else {
            self.to_sink[from_mentor] -= 1;
            while self.load[from_mentor] > self.to_sink[from_mentor] {
                self.discharge_mentor(from_mentor, eps);
            }
        }
    }
}
