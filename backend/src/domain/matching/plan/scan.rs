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
        keep_best(&mut s.pairs, k);
        Scanned {
            pairs: s.pairs.iter().map(|&(score, _, j)| (j, score)).collect(),
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

    /// Pricing: for each newcomer `who[w]`, who pays `pays[w]` at the mentor prices `prices` (its pair's cost
    /// plus the price, or the penalty), the acceptable pairs that are cheaper than that (negative reduced cost
    /// `cost + price - pays`), most improving first, at most `k`, as (candidate, score).
    pub fn improving(
        &self,
        who: &[usize],
        pays: &[i64],
        prices: &[i64],
        max_score: i64,
        k: usize,
    ) -> Vec<Vec<(usize, i64)>> {
        who.par_iter()
            .zip(pays.par_iter())
            .map_init(Scratch::default, |s, (&i, &pays)| {
                let n = &self.newcomers[i];
                let mut nearby = std::mem::take(&mut s.nearby);
                let (list, _) = self.reachable(n, &mut nearby);
                s.pairs.clear();
                for &j in list {
                    if let Ok(score) = self.candidates.evaluate(n, j, self.cfg) {
                        let reduced = max_score - score + prices[j] - pays;
                        if reduced < 0 {
                            // Ordered by the reduced cost; `key` sorts the first field descending.
                            s.pairs.push((-reduced, self.candidates.id(j), j));
                        }
                    }
                }
                s.nearby = nearby;
                keep_best(&mut s.pairs, k);
                s.pairs
                    .iter()
                    // reduced = max_score - score + price - pays = -gain, so this is the pair's score.
                    .map(|&(gain, _, j)| (j, max_score + prices[j] - pays + gain))
                    .collect()
            })
            .collect()
    }
}
