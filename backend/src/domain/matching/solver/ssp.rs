//! Successive shortest paths with node potentials (the primal-dual / Hungarian method) on a
//! [`Network`], one unit at a time, with Dijkstra searches that stop at the first spare room.
//!
//! Invariant: every residual arc has reduced cost `cost + pot[from] - pot[to] >= 0`, where the
//! sink's potential is fixed at 0. Routing each unit along a shortest path keeps the flow
//! optimal for the units routed so far (any node with supply may be picked next), so after the
//! last unit it is optimal for the instance. After a search that found its target at distance
//! D, lowering the potential of every node scanned at distance d < D by D - d keeps all reduced
//! costs non-negative and makes the path tight; nodes not scanned keep their potential, which
//! is what lets a search stop early without touching the rest of the graph.
//!
//! Residual arcs: an unused edge x -> y (A to B); a used edge backwards y -> x; y -> sink while
//! y has spare room; x -> sink (exit) always. Arcs out of the sink are never needed: a path
//! ends there.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::network::Network;

/// The routed flow, read back by the caller.
pub(super) struct Flow {
    /// `load[y]` units sit in slots `slot_start[y]..slot_start[y] + load[y]` of B node `y`.
    pub load: Vec<u32>,
    /// The A node holding each slot.
    pub slot_a: Vec<u32>,
    /// The edge each slot uses.
    pub slot_edge: Vec<u32>,
    /// Potentials, A nodes first then B nodes, sink at 0.
    pub potential: Vec<i64>,
}

/// Where a search ended: room at a B node, or the exit of an A node.
#[derive(Clone, Copy)]
enum Target {
    Spare(u32),
    Exit(u32),
}

/// Routes every unit unless the searches relax more than `budget` arcs in total; then the
/// flow so far is returned with the units still to route, and the caller turns to another
/// method.
pub(super) fn route_all(net: &Network, budget: usize) -> (Flow, Vec<(u32, u32)>) {
    let mut s = Ssp::new(net);
    let mut pending: Vec<(u32, u32)> = Vec::new();
    for x in 0..net.a_count {
        let left = s.place_greedily(x);
        if left > 0 {
            pending.push((x as u32, left));
        }
    }
    let mut spent = 0usize;
    'outer: for p in pending.iter_mut() {
        while p.1 > 0 {
            if spent > budget {
                break 'outer;
            }
            spent += s.route_unit(p.0);
            p.1 -= 1;
        }
    }
    pending.retain(|p| p.1 > 0);
    let flow = Flow {
        load: s.load,
        slot_a: s.slot_a,
        slot_edge: s.slot_edge,
        potential: s.pot,
    };
    (flow, pending)
}

struct Ssp<'a> {
    net: &'a Network,
    /// Offset of B nodes in the node arrays below.
    nb0: usize,
    pot: Vec<i64>,
    used: Vec<bool>,
    load: Vec<u32>,
    slot_a: Vec<u32>,
    slot_edge: Vec<u32>,

    // Search state, valid where `seen`/`done` equal the current `epoch`, so that a search
    // costs only what it touches.
    epoch: u32,
    seen: Vec<u32>,
    done: Vec<u32>,
    dist: Vec<i64>,
    /// For a B node the edge it was reached by; for an A node the slot it leaves.
    pred: Vec<u32>,
    /// For a B node the A node it was reached from; for an A node the B node it leaves.
    pred_node: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
    /// Nodes reached at exactly the distance being scanned: final already, no heap needed.
    /// Zero reduced-cost arcs are common (every used edge is tight when created).
    level: Vec<u32>,
    scanned: Vec<u32>,
}

impl<'a> Ssp<'a> {
    fn new(net: &'a Network) -> Self {
        let nodes = net.a_count + net.b_count;
        let slots = net.slot_start[net.b_count] as usize;
        Ssp {
            net,
            nb0: net.a_count,
            pot: vec![0; nodes],
            used: vec![false; net.head.len()],
            load: vec![0; net.b_count],
            slot_a: vec![0; slots],
            slot_edge: vec![0; slots],
            epoch: 0,
            seen: vec![0; nodes],
            done: vec![0; nodes],
            dist: vec![0; nodes],
            pred: vec![0; nodes],
            pred_node: vec![0; nodes],
            heap: BinaryHeap::new(),
            level: Vec::new(),
            scanned: Vec::new(),
        }
    }

    /// Places units of `x` while its cheapest option (in reduced cost) is an exit or an edge
    /// to spare room: that is a shortest path that scans `x` alone, so no search is needed.
    /// Lowering `pot[x]` to make the cheapest option tight is that search's potential update
    /// (for the first unit it is the initial potential). Returns the units left to route.
    fn place_greedily(&mut self, x: usize) -> u32 {
        let net = self.net;
        let edges = net.start[x] as usize..net.start[x + 1] as usize;
        let mut units = net.supply[x];
        while units > 0 {
            let px = self.pot[x];
            let mut best = net.exit_cost + px;
            let mut pick: Option<usize> = None;
            let mut pick_has_room = true;
            for e in edges.clone() {
                if self.used[e] {
                    continue;
                }
                let y = net.head[e] as usize;
                let r = net.cost[e] + px - self.pot[self.nb0 + y];
                let room = self.load[y] < net.capacity[y];
                if r < best || (r == best && room && !pick_has_room) {
                    best = r;
                    pick = Some(e);
                    pick_has_room = room;
                }
            }
            self.pot[x] -= best;
            if !pick_has_room {
                break;
            }
            if let Some(e) = pick {
                let y = net.head[e] as usize;
                let slot = net.slot_start[y] as usize + self.load[y] as usize;
                self.load[y] += 1;
                self.slot_a[slot] = x as u32;
                self.slot_edge[slot] = e as u32;
                self.used[e] = true;
            }
            units -= 1;
        }
        units
    }

    fn relax(&mut self, v: usize, d: i64, current: i64, pred: u32, pred_node: u32) {
        if self.seen[v] != self.epoch || d < self.dist[v] {
            self.seen[v] = self.epoch;
            self.dist[v] = d;
            self.pred[v] = pred;
            self.pred_node[v] = pred_node;
            if d == current {
                self.level.push(v as u32);
            } else {
                self.heap.push(Reverse((d, v as u32)));
            }
        }
    }

    /// Dijkstra from A node `x0` to the sink, then potential update and augmentation.
    /// Returns the number of arcs it relaxed, the measure of its cost.
    fn route_unit(&mut self, x0: u32) -> usize {
        let net = self.net;
        let epoch = self.next_epoch();
        self.seen[x0 as usize] = epoch;
        self.dist[x0 as usize] = 0;
        self.level.push(x0);

        let mut best = i64::MAX;
        let mut target = Target::Exit(x0);
        let mut current = 0i64;
        let mut relaxed = 0usize;
        loop {
            let v = match self.level.pop() {
                Some(v) => v as usize,
                None => match self.heap.pop() {
                    Some(Reverse((d, v))) => {
                        if d >= best {
                            break;
                        }
                        if d > self.dist[v as usize] || self.done[v as usize] == epoch {
                            continue;
                        }
                        current = d;
                        v as usize
                    }
                    None => break,
                },
            };
            if self.done[v] == epoch {
                continue;
            }
            if current >= best {
                break;
            }
            self.done[v] = epoch;
            self.scanned.push(v as u32);
            let d = current;

            if v < self.nb0 {
                let x = v;
                let px = self.pot[x];
                let exit = d + net.exit_cost + px;
                if exit < best {
                    best = exit;
                    target = Target::Exit(x as u32);
                }
                relaxed += (net.start[x + 1] - net.start[x]) as usize;
                for e in net.start[x] as usize..net.start[x + 1] as usize {
                    if self.used[e] {
                        continue;
                    }
                    let y = net.head[e] as usize;
                    let nd = d + net.cost[e] + px - self.pot[self.nb0 + y];
                    debug_assert!(nd >= d, "negative reduced cost on edge {e}");
                    if nd < best {
                        self.relax(self.nb0 + y, nd, current, e as u32, x as u32);
                    }
                }
            } else {
                let y = v - self.nb0;
                let py = self.pot[v];
                if self.load[y] < net.capacity[y] {
                    // Nothing found later can be closer than the node scanned now.
                    if d + py < best {
                        best = d + py;
                        target = Target::Spare(y as u32);
                    }
                    continue;
                }
                let first = net.slot_start[y] as usize;
                for s in first..first + self.load[y] as usize {
                    let x = self.slot_a[s] as usize;
                    let e = self.slot_edge[s] as usize;
                    let nd = d - net.cost[e] + py - self.pot[x];
                    debug_assert!(nd >= d, "negative reduced cost on used edge {e}");
                    if nd < best {
                        self.relax(x, nd, current, s as u32, y as u32);
                    }
                }
            }
        }

        for &v in &self.scanned {
            let dv = self.dist[v as usize];
            if dv < best {
                self.pot[v as usize] -= best - dv;
            }
        }
        self.scanned.clear();
        self.heap.clear();
        self.level.clear();
        self.augment(x0, target);
        relaxed
    }

    fn next_epoch(&mut self) -> u32 {
        if self.epoch == u32::MAX {
            self.seen.fill(0);
            self.done.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        self.epoch
    }

    /// Shifts units along the search tree's path from `x0` to `target`.
    fn augment(&mut self, x0: u32, target: Target) {
        let net = self.net;
        // The slot to fill next and the B node owning it.
        let (mut y, mut slot) = match target {
            Target::Spare(y) => {
                let y = y as usize;
                let slot = net.slot_start[y] as usize + self.load[y] as usize;
                self.load[y] += 1;
                (y, slot)
            }
            Target::Exit(x) if x == x0 => return,
            Target::Exit(x) => {
                let slot = self.pred[x as usize] as usize;
                self.used[self.slot_edge[slot] as usize] = false;
                (self.pred_node[x as usize] as usize, slot)
            }
        };
        loop {
            let e = self.pred[self.nb0 + y];
            let x = self.pred_node[self.nb0 + y];
            self.slot_a[slot] = x;
            self.slot_edge[slot] = e;
            self.used[e as usize] = true;
            if x == x0 {
                return;
            }
            // `x` moves here from the slot it was reached through.
            let from = self.pred[x as usize] as usize;
            self.used[self.slot_edge[from] as usize] = false;
            y = self.pred_node[x as usize] as usize;
            slot = from;
        }
    }
}
