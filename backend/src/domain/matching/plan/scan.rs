//! Scoring newcomers against candidates on every core (pairs are independent, and 10,000 × 2,000 of them is
//! the bulk of a round's CPU time): each newcomer's best candidates for the first solve, and later the pairs
//! that the solver's prices say would improve the answer.

use std::cmp::Reverse;

use rayon::prelude::*;

use super::super::score::{Funnel, MatchingConfig, Newcomer};
use super::candidates::Candidates;
use super::window::ByOffset;

/// One newcomer's scan: its best acceptable candidates as (candidate, score), best first, whether more were
/// acceptable than kept, and its funnel over every candidate.
pub struct Scanned {
    pub pairs: Vec<(usize, i64)>,
    /// The acceptable pairs that were not kept, as (candidate, score), in no order: pricing reads them
    /// instead of scoring them again.
    pub rest: Vec<(u32, i32)>,
    pub pruned: bool,
    pub funnel: Funnel,
}

pub struct Scanner<'a> {
    newcomers: &'a [Newcomer],
    candidates: &'a Candidates,
    cfg: &'a MatchingConfig,
    clock: Option<ByOffset>,
    all: Vec<usize>,
}

/// Buffers each scoring thread reuses from one newcomer to the next.
#[derive(Default)]
struct Scratch {
    pairs: Vec<(i64, i32, usize)>,
    nearby: Vec<usize>,
}

/// Best first; ties go to the lower id, so a round is the same from one run to the next.
fn key(&(score, id, _): &(i64, i32, usize)) -> (Reverse<i64>, i32) {
    (Reverse(score), id)
}

/// Keeps the `k` first by [`key`] of `pairs`, sorted.
fn keep_best(pairs: &mut Vec<(i64, i32, usize)>, k: usize) {
    if k == 0 {
        pairs.clear();
        return;
    }
    if pairs.len() > k {
        pairs.select_nth_unstable_by_key(k - 1, key);
        pairs.truncate(k);
    }
    pairs.sort_unstable_by_key(key);
}

impl<'a> Scanner<'a> {
    pub fn new(
        newcomers: &'a [Newcomer],
        candidates: &'a Candidates,
        cfg: &'a MatchingConfig,
    ) -> Scanner<'a> {
        let clock = match candidates {
            Candidates::Mentors(m) => Some(ByOffset::new(m, cfg.max_tz_hours)),
            Candidates::Tasks(_) => None,
        };
        Scanner {
            newcomers,
            candidates,
            cfg,
            clock,
            all: (0..candidates.len()).collect(),
        }
    }

    /// The candidates that can be acceptable for `n`: only mentors within the time-zone limit can be, so those
    /// when the limit leaves some out; else everyone.
    fn reachable<'s>(&'s self, n: &Newcomer, nearby: &'s mut Vec<usize>) -> (&'s [usize], bool) {
        let windowed = match (&self.clock, n.utc_offset_minutes) {
            (Some(c), Some(offset)) => c.near(offset, nearby),
            _ => false,
        };
        if windowed {
            (nearby, true)
        } else {
            (&self.all, false)
        }
    }

    /// Each newcomer's best `k` acceptable candidates (all of them for `usize::MAX`), in newcomer order.
    pub fn best(&self, k: usize) -> Vec<Scanned> {
        self.newcomers
            .par_iter()
            .map_init(Scratch::default, |s, n| self.best_for(n, k, s))
            .collect()
    }

    fn best_for(&self, n: &Newcomer, k: usize, s: &mut Scratch) -> Scanned {
        let mut nearby = std::mem::take(&mut s.nearby);
        let (list, windowed) = self.reachable(n, &mut nearby);
        s.pairs.clear();
        let mut funnel = self.score_into(n, list, &mut s.pairs);
        // When nobody within reach is acceptable, score everyone after all, so the funnel can say which check
        // ruled them out (the time zone, or an earlier one).
        if windowed && funnel.acceptable() == 0 {
            funnel = self.score_into(n, &self.all, &mut s.pairs);
        }
        s.nearby = nearby;
        let pruned = s.pairs.len() > k;
        let mut rest = Vec::new();
        if pruned && k > 0 {
            s.pairs.select_nth_unstable_by_key(k - 1, key);
            // Scores are small and candidates fewer than 2^32, so the pairs left out keep in 8 bytes each.
            rest = s.pairs[k..]
                .iter()
                .map(|&(score, _, j)| (j as u32, score as i32))
                .collect();
        }
        keep_best(&mut s.pairs, k);
        Scanned {
            pairs: s.pairs.iter().map(|&(score, _, j)| (j, score)).collect(),
            rest,
            pruned,
            funnel,
        }
    }

    fn score_into(&self, n: &Newcomer, list: &[usize], out: &mut Vec<(i64, i32, usize)>) -> Funnel {
        let mut funnel = Funnel::default();
        for &j in list {
            match self.candidates.evaluate(n, j, self.cfg) {
                Ok(score) => {
                    funnel.accept();
                    out.push((score, self.candidates.id(j), j));
                }
                Err(e) => funnel.exclude(&e),
            }
        }
        funnel
    }
}

/// Pricing: for each newcomer `who[w]`, who pays `pays[w]` at the mentor prices `prices` (its pair's cost plus
/// the price, or the penalty), the pairs of `rest[who[w]]` (its acceptable pairs not yet in the instance) whose
/// reduced cost `cost + price - pays` is below `margin` (with a margin of 0: the improving ones), most improving
/// first, at most `k`, as (candidate, score). The pairs returned are taken out of `rest`.
pub fn improving(
    rest: &mut [Vec<(u32, i32)>],
    who: &[usize],
    pays: &[i64],
    prices: &[i64],
    max_score: i64,
    margin: i64,
    k: usize,
) -> Vec<Vec<(usize, i64)>> {
    let mut lists: Vec<Vec<(u32, i32)>> =
        who.iter().map(|&i| std::mem::take(&mut rest[i])).collect();
    let found = lists
        .par_iter_mut()
        .zip(pays.par_iter())
        .map(|(list, &pays)| {
            let reduced =
                |&(j, score): &(u32, i32)| max_score - i64::from(score) + prices[j as usize] - pays;
            // Most improving first; ties by candidate, so a round is the same from one run to the next.
            let order = |p: &(u32, i32)| (reduced(p), p.0);
            let mut chosen: Vec<(u32, i32)> = Vec::new();
            list.retain(|p| {
                let keep = reduced(p) >= margin;
                if !keep {
                    chosen.push(*p);
                }
                keep
            });
            if chosen.len() > k {
                chosen.select_nth_unstable_by_key(k - 1, order);
                list.extend(chosen.drain(k..));
            }
            chosen.sort_unstable_by_key(order);
            chosen
                .into_iter()
                .map(|(j, score)| (j as usize, i64::from(score)))
                .collect()
        })
        .collect();
    for (&i, list) in who.iter().zip(lists) {
        rest[i] = list;
    }
    found
}
