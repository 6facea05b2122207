//! Exact integer dual prices from the final scaled prices, for the certificate.
//!
//! Scaled prices that are 1-optimal prove the flow optimal but are not themselves a dual
//! solution of the unscaled problem. Shortest distances in the residual graph are: with
//! unscaled costs, from a virtual source joined to every node at cost 0, they give node
//! potentials under which no residual arc has negative reduced cost (the flow being optimal,
//! the residual graph has no negative cycle).
//!
//! Dijkstra needs non-negative lengths, which the scaled prices provide: the length
//! `K*c + pot(u) - pot(v) + 1` of every residual arc is at least 0 by 1-optimality. Along a
//! path the potentials telescope, and the +1 per arc adds between 1 and the node count, which
//! is less than K; so the shortest such path also has the least unscaled cost, and dividing
//! by K (rounding down) recovers that cost exactly.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{EXIT, State};

impl State<'_> {
    /// Mentor prices of the final, optimal flow: the scaled prices rounded when that is a
    /// valid certificate, else the sink's distance minus the mentor's,
    /// which is at least 0 for mentors sending flow to the sink; for the others (no newcomer
    /// at all) any price from 0 up is a valid certificate, and 0 keeps it simple.
    pub(super) fn exact_prices(&self, try_rounding: bool) -> Vec<i64> {
        if try_rounding && let Some(q) = self.rounded_prices() {
            return q;
        }
        let p = self.p;
        let n = p.newcomers;
        let m = p.mentors;
        let t = n + m;
        // Push-relabel potentials are the negated values.
        let pot = |v: usize| -> i64 {
            if v < n {
                -self.value[v]
            } else if v < t {
                -self.price[v - n]
            } else {
                -self.sink
            }
        };
        let in_network = |v: usize| v >= n || p.start[v + 1] > p.start[v];
        let top = (0..=t)
            .filter(|&v| in_network(v))
            .map(pot)
            .max()
            .unwrap_or(0);
        let mut dist: Vec<i64> = (0..=t).map(|v| top - pot(v) + 1).collect();
        let mut done = vec![false; t + 1];
        let mut heap: BinaryHeap<Reverse<(i64, u32)>> = (0..=t)
            .filter(|&v| in_network(v))
            .map(|v| Reverse((dist[v], v as u32)))
            .collect();
        let relax = |dist: &mut Vec<i64>,
                     heap: &mut BinaryHeap<Reverse<(i64, u32)>>,
                     d: i64,
                     u: usize,
                     v: usize,
                     scaled_cost: i64| {
            let len = (scaled_cost + pot(u) - pot(v) + 1).max(0);
            debug_assert!(scaled_cost + pot(u) - pot(v) + 1 >= 0, "flow not 1-optimal");
            if d + len < dist[v] {
                dist[v] = d + len;
                heap.push(Reverse((d + len, v as u32)));
            }
        };
        while let Some(Reverse((d, v))) = heap.pop() {
            let v = v as usize;
            if done[v] || d > dist[v] {
                continue;
            }
            done[v] = true;
            if v < n {
                let held = self.held[v];
                for e in p.start[v] as usize..p.start[v + 1] as usize {
                    if e as u32 != held {
                        let j = n + p.mentor[e] as usize;
                        relax(&mut dist, &mut heap, d, v, j, self.kcost[e]);
                    }
                }
                if held != EXIT {
                    relax(&mut dist, &mut heap, d, v, t, self.exit_cost);
                }
            } else if v < t {
                let j = v - n;
                let first = self.slot_start[j] as usize;
                for s in first..first + self.load[j] as usize {
                    let i = self.holder[s] as usize;
                    let e = self.held[i] as usize;
                    relax(&mut dist, &mut heap, d, v, i, -self.kcost[e]);
                }
                if self.to_sink[j] < p.capacity[j] {
                    relax(&mut dist, &mut heap, d, v, t, 0);
                }
            } else {
                for j in 0..m {
                    if self.to_sink[j] > 0 {
                        relax(&mut dist, &mut heap, d, v, n + j, 0);
                    }
                }
                for &i in &self.exited {
                    relax(&mut dist, &mut heap, d, v, i as usize, -self.exit_cost);
                }
            }
        }
        // Unscaled distance = floor((K * sum c + arcs) / K) with 1 <= arcs < K.
        let exact = |v: usize| (dist[v] - top + pot(v)).div_euclid(self.k);
        let at_sink = exact(t);
        (0..m).map(|j| (at_sink - exact(n + j)).max(0)).collect()
    }

    /// The scaled prices relative to the sink, divided by K and rounded, were exact duals on
    /// every benchmark instance; checking that (the certificate's conditions, one pass over
    /// the pairs) costs a fifth of the Dijkstra.
    fn rounded_prices(&self) -> Option<Vec<i64>> {
        let p = self.p;
        let q: Vec<i64> = (0..p.mentors)
            .map(|j| {
                (self.price[j] - self.sink + self.k / 2)
                    .div_euclid(self.k)
                    .max(0)
            })
            .collect();
        let full = |j: usize| self.load[j] >= p.capacity[j];
        if q.iter()
            .enumerate()
            .any(|(j, &price)| price > 0 && !full(j))
        {
            return None;
        }
        for i in 0..p.newcomers {
            let held = self.held[i];
            if p.start[i] == p.start[i + 1] {
                continue;
            }
            let pays = if held == EXIT {
                p.penalty
            } else {
                p.cost[held as usize] + q[p.mentor[held as usize] as usize]
            };
            if pays > p.penalty {
                return None;
            }
            for e in p.start[i] as usize..p.start[i + 1] as usize {
                if p.cost[e] + q[p.mentor[e] as usize] < pays {
                    return None;
                }
            }
        }
        Some(q)
    }
}
