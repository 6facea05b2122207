//! Global price update (Goldberg's "global relabel") for price wars.
//!
//! When newcomers cannot all be placed and the penalty is large, the ones left over bid the
//! prices of the mentors they compete for up to the penalty, eps by eps: millions of bids.
//! One backward Dijkstra from the nodes short of units computes, for every node, how many
//! eps it is away from one along residual arcs (an arc of reduced cost c counts
//! floor(c / eps) + 1, which is at least 0 under eps-optimality); raising every value and
//! price by eps times that distance keeps eps-optimality and lets each active newcomer reach
//! a place (or the exit) at once.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{EXIT, NONE, State};

impl State<'_> {
    pub(super) fn global_update(&mut self, eps: i64) {
        let p = self.p;
        let n = p.newcomers;
        let m = p.mentors;
        let t = n + m;
        // Distances in units of eps; `i64::MAX` until reached.
        let mut dist = vec![i64::MAX; t + 1];
        let mut done = vec![false; t + 1];
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = BinaryHeap::new();
        for j in 0..m {
            if self.to_sink[j] > self.load[j] {
                dist[n + j] = 0;
                heap.push(Reverse((0, (n + j) as u32)));
            }
        }
        if self.sink_excess < 0 {
            dist[t] = 0;
            heap.push(Reverse((0, t as u32)));
        }
        let steps = |reduced: i64| (reduced.div_euclid(eps) + 1).max(0);
        // Once every active newcomer is settled the rest cannot matter.
        let mut active = self.queue.len();
        let mut reach = 0;
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if done[v] || d > dist[v] {
                continue;
            }
            done[v] = true;
            reach = d;
            let mut relax = |u: usize, len: i64, dist: &mut Vec<i64>| {
                let nd = d.saturating_add(len);
                if nd < dist[u] {
                    dist[u] = nd;
                    heap.push(Reverse((nd, u as u32)));
                }
            };
            if v < n {
                let i = v;
                if self.held[i] == NONE {
                    active = active.saturating_sub(1);
                    if active == 0 {
                        break;
                    }
                    continue;
                }
                let held = self.held[i];
                if held == EXIT {
                    let reduced = self.value[i] - self.exit_cost - self.sink;
                    relax(t, steps(reduced), &mut dist);
                } else {
                    let j = p.mentor[held as usize] as usize;
                    let reduced = self.value[i] - self.kcost[held as usize] - self.price[j];
                    relax(n + j, steps(reduced), &mut dist);
                }
            } else if v < t {
                let j = v - n;
                for k in self.in_start[j] as usize..self.in_start[j + 1] as usize {
                    let e = self.in_edge[k] as usize;
                    let i = self.tail[e] as usize;
                    if self.held[i] != e as u32 {
                        let reduced = self.kcost[e] + self.price[j] - self.value[i];
                        relax(i, steps(reduced), &mut dist);
                    }
                }
                if self.to_sink[j] > 0 {
                    relax(t, steps(self.price[j] - self.sink), &mut dist);
                }
            } else {
                for i in 0..n {
                    if p.start[i] < p.start[i + 1] && self.held[i] != EXIT {
                        let reduced = self.exit_cost + self.sink - self.value[i];
                        relax(i, steps(reduced), &mut dist);
                    }
                }
                for j in 0..m {
                    if self.to_sink[j] < p.capacity[j] {
                        relax(n + j, steps(self.sink - self.price[j]), &mut dist);
                    }
                }
            }
        }
        // Nodes not settled are at least `reach` away; capping every distance there keeps the
        // update valid, as with a Dijkstra stopped early.
        let lift = |v: usize| eps.saturating_mul(dist[v].min(reach));
        for i in 0..n {
            self.value[i] = self.value[i].saturating_add(lift(i));
        }
        for j in 0..m {
            self.price[j] = self.price[j].saturating_add(lift(n + j));
            let first = self.slot_start[j] as usize;
            for s in first..first + self.load[j] as usize {
                let i = self.holder[s] as usize;
                self.slack[s] = self.value[i] - self.kcost[self.held[i] as usize];
            }
            self.heapify(j);
        }
        self.sink = self.sink.saturating_add(lift(t));
    }
}
