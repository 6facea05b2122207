//! Matching rounds: an organizer creates a round (every waiting newcomer against every mentor with room, or every
//! open task), reviews it, and sends it; mentors then accept or decline their proposals.
//!
//! Creating a round scores every pair, keeps each newcomer's best `candidates_per_newcomer`, solves the
//! capacitated assignment exactly (`domain::matching::solver`) and stores the round with one proposal per newcomer,
//! each with its reasons or the reason it could not be placed. Sending turns a mentor round's proposals into
//! `proposed` mentorships; the database's partial unique index settles any race with a mentor assigned meanwhile.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, JoinType, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, RelationTrait, Set, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::mentorships::MentorshipState;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::tasks::{Difficulty, TaskKind};
use crate::db::{
    areas, matching_rounds, mentor_profiles, mentorships, newcomer_profiles, round_proposals,
    tasks, users,
};
use crate::domain::matching::instance::{Edge, Instance};
use crate::domain::matching::score::{
    AreaNames, Exclusion, Explanation, Funnel, MatchingConfig, Mentor, Newcomer, Reason, Side,
    Unplaced, score_mentor, score_task,
};
use crate::domain::matching::solver;
use crate::error::{AppError, AppResult};
use crate::services::suggestions::{
    self, DECLINED, MentorPool, PersonRef, TaskPool, TaskRef, Which,
};

/// Rows per multi-row INSERT: SQLite binds at most 32,766 parameters per statement, and 500 rows of a dozen
/// columns stay well inside that while keeping the statement count low.
const INSERT_CHUNK: usize = 500;

/// What creating a round did.
#[derive(Debug, Clone, Serialize)]
pub struct RoundCreated {
    pub round_id: i32,
    pub kind: RoundKind,
    /// Newcomers in the round.
    pub newcomers: usize,
    /// Mentors with room, or open unblocked tasks.
    pub candidates: usize,
    pub placed: usize,
    pub unplaced: usize,
    pub objective: i64,
    pub solve_ms: f64,
    pub timings: Timings,
}

/// Where the time of creating a round went, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// Reading newcomers and candidates from the database.
    pub load_ms: f64,
    /// Scoring every pair and keeping the best per newcomer.
    pub score_ms: f64,
    /// The exact solver (all passes).
    pub solve_ms: f64,
    /// Explaining the proposals and writing the round (only in [`RoundCreated`]: it includes writing the stats).
    #[serde(default)]
    pub store_ms: f64,
}

/// A round's statistics, stored as JSON in `matching_rounds.stats`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RoundStats {
    /// The placed pairs' scores; None when nobody was placed.
    pub scores: Option<ScoreSummary>,
    /// The highest score a pair could get with the weights used; costs are this minus the score.
    pub max_score: i64,
    /// Newcomers left out, by [`Unplaced::code`].
    pub unplaced_by_reason: BTreeMap<String, usize>,
    /// Pairs that passed every hard constraint.
    pub acceptable_pairs: u64,
    /// Pairs given to the solver (each newcomer's best `candidates_per_newcomer` acceptable ones).
    pub instance_pairs: usize,
    /// Newcomers who had more acceptable candidates than were kept.
    pub newcomers_pruned: usize,
    /// Solver passes: the first over the kept pairs, then one per top-up of newcomers whose kept candidates
    /// filled up while other acceptable ones still had room.
    pub passes: usize,
    pub unassigned_penalty: i64,
    pub timings: Timings,
}

/// Minimum, quartiles and maximum of the placed pairs' scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSummary {
    pub min: i64,
    pub q1: i64,
    pub median: i64,
    pub q3: i64,
    pub max: i64,
    pub mean: i64,
}

impl ScoreSummary {
    /// Nearest-rank quartiles of `scores`; None for no scores.
    pub fn of(scores: &mut [i64]) -> Option<ScoreSummary> {
        if scores.is_empty() {
            return None;
        }
        scores.sort_unstable();
        let at = |q: usize| scores[(scores.len() - 1) * q / 4];
        Some(ScoreSummary {
            min: at(0),
            q1: at(1),
            median: at(2),
            q3: at(3),
            max: at(4),
            mean: scores.iter().sum::<i64>() / scores.len() as i64,
        })
    }
}

/// Score, solve and store a round of `kind`. The round is a draft until [`send_round`].
pub async fn create_round(
    db: &DatabaseConnection,
    organizer_id: i32,
    kind: RoundKind,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> AppResult<RoundCreated> {
    let started = Instant::now();
    let side = side_of(kind);
    let which = match side {
        Side::Mentors => Which::WithoutMentor,
        Side::Tasks => Which::WithoutTask,
    };
    let (newcomers, _) = split(suggestions::load_newcomers(db, which, now).await?);
    let areas = suggestions::load_area_names(db).await?;
    let candidates = match side {
        Side::Mentors => Candidates::Mentors(suggestions::load_mentors(db, now).await?),
        Side::Tasks => {
            let mut pool = suggestions::load_tasks(db).await?;
            // Blocked tasks are never proposed; leaving them out of the instance keeps it small.
            keep_unblocked(&mut pool);
            Candidates::Tasks(pool)
        }
    };
    let load_ms = ms(started);

    // Scoring and solving are CPU work of up to a second or two: keep it off the async workers.
    let cfg_owned = cfg.clone();
    let (plan, newcomers, candidates) = tokio::task::spawn_blocking(move || {
        let plan = plan_round(&newcomers, &candidates, &cfg_owned);
        (plan, newcomers, candidates)
    })
    .await
    .map_err(AppError::internal)?;

    let store_started = Instant::now();
    let mut timings = Timings {
        load_ms,
        score_ms: plan.score_ms,
        solve_ms: plan.solve_ms,
        store_ms: 0.0,
    };
    let rows = proposal_rows(&plan, &newcomers, &candidates, &areas, side, cfg);
    let mut placed_scores: Vec<i64> = rows
        .iter()
        .filter(|r| r.unplaced.is_none())
        .map(|r| r.score)
        .collect();
    let mut unplaced_by_reason: BTreeMap<String, usize> = BTreeMap::new();
    for r in &rows {
        if let Some(u) = &r.unplaced {
            *unplaced_by_reason.entry(u.code().to_string()).or_default() += 1;
        }
    }
    let placed = placed_scores.len();
    let stats = RoundStats {
        scores: ScoreSummary::of(&mut placed_scores),
        max_score: plan.max_score,
        unplaced_by_reason,
        acceptable_pairs: plan.acceptable_pairs,
        instance_pairs: plan.instance_pairs,
        newcomers_pruned: plan.pruned,
        passes: plan.passes,
        unassigned_penalty: plan.penalty,
        timings,
    };
    let candidate_count = candidates.available();

    let txn = db.begin().await?;
    let round = matching_rounds::ActiveModel {
        kind: Set(kind),
        state: Set(RoundState::Draft),
        created_by: Set(Some(organizer_id)),
        created_at: Set(now),
        sent_at: Set(None),
        newcomers: Set(newcomers.len() as i32),
        candidates: Set(candidate_count as i32),
        placed: Set(placed as i32),
        objective: Set(plan.objective),
        solve_ms: Set(plan.solve_ms),
        stats: Set(serde_json::to_string(&stats).map_err(AppError::internal)?),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut batch = Vec::with_capacity(INSERT_CHUNK);
    for r in rows {
        batch.push(round_proposals::ActiveModel {
            round_id: Set(round.id),
            newcomer_id: Set(r.newcomer_id),
            mentor_id: Set(r.mentor_id),
            task_id: Set(r.task_id),
            score: Set(r.score as i32),
            explanation: Set(r.explanation),
            unplaced_reason: Set(r.unplaced.as_ref().map(Unplaced::sentence)),
            ..Default::default()
        });
        if batch.len() == INSERT_CHUNK {
            insert_proposals(&txn, std::mem::take(&mut batch)).await?;
        }
    }
    insert_proposals(&txn, batch).await?;
    audit(
        &txn,
        organizer_id,
        "round.create",
        format!("round:{}", round.id),
        serde_json::json!({
            "kind": kind,
            "newcomers": newcomers.len(),
            "candidates": candidate_count,
            "placed": placed,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    timings.store_ms = ms(store_started);

    Ok(RoundCreated {
        round_id: round.id,
        kind,
        newcomers: newcomers.len(),
        candidates: candidate_count,
        placed,
        unplaced: newcomers.len() - placed,
        objective: plan.objective,
        solve_ms: plan.solve_ms,
        timings,
    })
}

async fn insert_proposals(
    txn: &DatabaseTransaction,
    batch: Vec<round_proposals::ActiveModel>,
) -> Result<(), DbErr> {
    if !batch.is_empty() {
        round_proposals::Entity::insert_many(batch)
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

fn side_of(kind: RoundKind) -> Side {
    match kind {
        RoundKind::Mentors => Side::Mentors,
        RoundKind::Tasks => Side::Tasks,
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

fn split(rows: Vec<(Newcomer, PersonRef)>) -> (Vec<Newcomer>, Vec<PersonRef>) {
    rows.into_iter().unzip()
}

fn keep_unblocked(pool: &mut TaskPool) {
    let keep: Vec<bool> = pool.tasks.iter().map(|t| t.waits_for.is_empty()).collect();
    let mut k = keep.iter();
    pool.tasks.retain(|_| *k.next().unwrap_or(&false));
    let mut k = keep.iter();
    pool.refs.retain(|_| *k.next().unwrap_or(&false));
}

/// The other side of a round.
enum Candidates {
    Mentors(MentorPool),
    Tasks(TaskPool),
}

impl Candidates {
    fn len(&self) -> usize {
        match self {
            Candidates::Mentors(p) => p.mentors.len(),
            Candidates::Tasks(p) => p.tasks.len(),
        }
    }

    /// Places each candidate can still take in this round: a mentor's free places when accepting, 1 per task.
    fn capacities(&self) -> Vec<u32> {
        match self {
            Candidates::Mentors(p) => p
                .mentors
                .iter()
                .map(|m| if m.accepting { m.free() } else { 0 })
                .collect(),
            Candidates::Tasks(p) => vec![1; p.tasks.len()],
        }
    }

    /// Candidates with room: the round's `candidates` count.
    fn available(&self) -> usize {
        self.capacities().iter().filter(|&&c| c > 0).count()
    }

    fn max_score(&self, cfg: &MatchingConfig) -> i64 {
        match self {
            Candidates::Mentors(_) => cfg.max_mentor_score(),
            Candidates::Tasks(_) => cfg.max_task_score(),
        }
    }

    fn evaluate(&self, n: &Newcomer, j: usize, cfg: &MatchingConfig) -> Result<i64, Exclusion> {
        match self {
            Candidates::Mentors(p) => score_mentor(n, &p.mentors[j], cfg).map(|f| f.score()),
            Candidates::Tasks(p) => score_task(n, &p.tasks[j], cfg).map(|f| f.score()),
        }
    }

    fn reasons(
        &self,
        n: &Newcomer,
        j: usize,
        cfg: &MatchingConfig,
        areas: &AreaNames,
    ) -> Vec<Reason> {
        let reasons = match self {
            Candidates::Mentors(p) => score_mentor(n, &p.mentors[j], cfg).map(|f| f.reasons(areas)),
            Candidates::Tasks(p) => score_task(n, &p.tasks[j], cfg).map(|f| f.reasons(areas)),
        };
        reasons.unwrap_or_default()
    }

    fn id(&self, j: usize) -> i32 {
        match self {
            Candidates::Mentors(p) => p.mentors[j].id,
            Candidates::Tasks(p) => p.tasks[j].id,
        }
    }
}

/// The solved round, before it is explained and stored.
struct Plan {
    /// Candidate index per newcomer.
    assignment: Vec<Option<usize>>,
    /// Score of each newcomer's assigned pair (0 when unassigned).
    scores: Vec<i64>,
    funnels: Vec<Funnel>,
    acceptable_pairs: u64,
    instance_pairs: usize,
    pruned: usize,
    passes: usize,
    max_score: i64,
    penalty: i64,
    objective: i64,
    score_ms: f64,
    solve_ms: f64,
}

/// Score all pairs, solve over each newcomer's best candidates, then top up: a newcomer whose kept candidates all
/// filled up, while some other acceptable candidate still has room, gets a further exact pass over the candidates
/// with room. So nobody is left out while an acceptable place is free; the total is optimal over the kept pairs.
fn plan_round(newcomers: &[Newcomer], candidates: &Candidates, cfg: &MatchingConfig) -> Plan {
    let max_score = candidates.max_score(cfg);
    // Why not just max_score + 1: placing one more newcomer can reroute a chain of others, costing up to one
    // max_score per newcomer on the chain. A penalty above that total makes "place as many as possible" win
    // over any saving in cost, as the design asks.
    let penalty = (max_score + 1).saturating_mul(newcomers.len() as i64 + 1);
    let capacities = candidates.capacities();
    let k = cfg.candidates_per_newcomer.max(1);

    let score_started = Instant::now();
    // Full and non-accepting mentors are scored too: they add no pair (scoring excludes them), but they let the
    // funnel say "every mentor who fits is full" rather than blame the language or the time zone.
    let all: Vec<usize> = (0..candidates.len()).collect();
    let everyone: Vec<usize> = (0..newcomers.len()).collect();
    let first = best_pairs(newcomers, &everyone, candidates, &all, k, cfg);
    let mut score_ms = ms(score_started);

    let mut assignment: Vec<Option<usize>> = vec![None; newcomers.len()];
    let mut scores = vec![0i64; newcomers.len()];
    let mut load = vec![0u32; candidates.len()];
    let mut solve_ms = 0.0;
    let mut passes = 0;
    let instance_pairs = first.pairs.iter().map(Vec::len).sum();
    let pruned = first.pruned.iter().filter(|&&p| p).count();
    let acceptable_pairs = first
        .funnels
        .iter()
        .map(|f| u64::from(f.acceptable()))
        .sum();
    let funnels = first.funnels.clone();

    let mut round = first;
    let mut who = everyone;
    loop {
        let residual: Vec<u32> = capacities
            .iter()
            .zip(&load)
            .map(|(c, l)| c.saturating_sub(*l))
            .collect();
        let solve_started = Instant::now();
        let placed_now = solve_pass(&who, &round.pairs, &residual, max_score, penalty);
        solve_ms += ms(solve_started);
        passes += 1;
        let mut progress = false;
        for (w, choice) in placed_now.into_iter().enumerate() {
            if let Some((j, score)) = choice {
                let i = who[w];
                assignment[i] = Some(j);
                scores[i] = score;
                load[j] += 1;
                progress = true;
            }
        }
        // Who could still be placed: unassigned, with acceptable candidates beyond those kept.
        let leftover: Vec<usize> = who
            .iter()
            .enumerate()
            .filter(|&(w, &i)| assignment[i].is_none() && round.pruned[w])
            .map(|(_, &i)| i)
            .collect();
        let open: Vec<usize> = (0..candidates.len())
            .filter(|&j| capacities[j] > load[j])
            .collect();
        if !progress || leftover.is_empty() || open.is_empty() {
            break;
        }
        let started = Instant::now();
        round = best_pairs(newcomers, &leftover, candidates, &open, k, cfg);
        score_ms += ms(started);
        who = leftover;
    }

    let objective = assignment
        .iter()
        .zip(&scores)
        .map(|(a, s)| if a.is_some() { max_score - s } else { penalty })
        .fold(0i64, i64::saturating_add);
    Plan {
        assignment,
        scores,
        funnels,
        acceptable_pairs,
        instance_pairs,
        pruned,
        passes,
        max_score,
        penalty,
        objective,
        score_ms,
        solve_ms,
    }
}

/// For each newcomer in `who`: its best `k` acceptable candidates among `among` as (candidate, score), best
/// first, whether more were acceptable than kept, and its funnel.
struct BestPairs {
    pairs: Vec<Vec<(usize, i64)>>,
    pruned: Vec<bool>,
    funnels: Vec<Funnel>,
}

/// Scores `who` × `among` on every core: pairs are independent, and 10,000 × 2,000 of them is the bulk of a
/// round's CPU time.
fn best_pairs(
    newcomers: &[Newcomer],
    who: &[usize],
    candidates: &Candidates,
    among: &[usize],
    k: usize,
    cfg: &MatchingConfig,
) -> BestPairs {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 16);
    let chunk = who.len().div_ceil(threads).max(256);
    let clock = match candidates {
        Candidates::Mentors(p) => Some(ByOffset::new(&p.mentors, among, cfg.max_tz_hours)),
        Candidates::Tasks(_) => None,
    };
    let score_chunk = |part: &[usize]| {
        let mut out = BestPairs {
            pairs: Vec::with_capacity(part.len()),
            pruned: Vec::with_capacity(part.len()),
            funnels: Vec::with_capacity(part.len()),
        };
        let mut buf: Vec<(i64, i32, usize)> = Vec::with_capacity(among.len());
        let mut nearby: Vec<usize> = Vec::with_capacity(among.len());
        for &i in part {
            let n = &newcomers[i];
            let mut funnel = Funnel::default();
            buf.clear();
            // Only mentors within the time-zone limit can be acceptable, so score those first; when none is
            // acceptable, score everyone after all, so the funnel can say which check ruled them out.
            let windowed = match (&clock, n.utc_offset_minutes) {
                (Some(c), Some(offset)) => c.near(offset, &mut nearby),
                _ => false,
            };
            let scan = |list: &[usize], funnel: &mut Funnel, buf: &mut Vec<(i64, i32, usize)>| {
                for &j in list {
                    match candidates.evaluate(n, j, cfg) {
                        Ok(score) => {
                            funnel.accept();
                            buf.push((score, candidates.id(j), j));
                        }
                        Err(e) => funnel.exclude(&e),
                    }
                }
            };
            scan(
                if windowed { &nearby } else { among },
                &mut funnel,
                &mut buf,
            );
            if windowed && funnel.acceptable() == 0 {
                funnel = Funnel::default();
                scan(among, &mut funnel, &mut buf);
            }
            let key = |&(score, id, _): &(i64, i32, usize)| (Reverse(score), id);
            let pruned = buf.len() > k;
            if pruned {
                buf.select_nth_unstable_by_key(k - 1, key);
                buf.truncate(k);
            }
            buf.sort_unstable_by_key(key);
            out.pairs
                .push(buf.iter().map(|&(score, _, j)| (j, score)).collect());
            out.pruned.push(pruned);
            out.funnels.push(funnel);
        }
        out
    };
    let parts: Vec<BestPairs> = if who.len() <= chunk {
        vec![score_chunk(who)]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = who
                .chunks(chunk)
                .map(|part| s.spawn(move || score_chunk(part)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("scoring does not panic"))
                .collect()
        })
    };
    let mut all = BestPairs {
        pairs: Vec::with_capacity(who.len()),
        pruned: Vec::with_capacity(who.len()),
        funnels: Vec::with_capacity(who.len()),
    };
    for p in parts {
        all.pairs.extend(p.pairs);
        all.pruned.extend(p.pruned);
        all.funnels.extend(p.funnels);
    }
    all
}

/// Mentors ordered by UTC offset, to find those within the time-zone limit of a newcomer without scoring the
/// rest (half or more of the pool, for most newcomers). Mentors with no known zone are always near.
struct ByOffset {
    /// (offset in 0..1440, candidate index), ascending.
    known: Vec<(i32, usize)>,
    unknown: Vec<usize>,
    limit_minutes: i32,
}

impl ByOffset {
    const DAY: i32 = 24 * 60;

    fn new(mentors: &[Mentor], among: &[usize], max_tz_hours: u32) -> ByOffset {
        let mut known = Vec::with_capacity(among.len());
        let mut unknown = Vec::new();
        for &j in among {
            match mentors[j].utc_offset_minutes {
                Some(o) => known.push((o.rem_euclid(Self::DAY), j)),
                None => unknown.push(j),
            }
        }
        known.sort_unstable();
        ByOffset {
            known,
            unknown,
            limit_minutes: i32::try_from(max_tz_hours.saturating_mul(60)).unwrap_or(i32::MAX),
        }
    }

    /// Fills `out` with the mentors within the limit of `offset` (the short way round the clock) and those of
    /// unknown zone. Returns false, leaving `out` unspecified, when the limit spans the whole clock.
    fn near(&self, offset: i32, out: &mut Vec<usize>) -> bool {
        if self.limit_minutes.saturating_mul(2) >= Self::DAY {
            return false;
        }
        out.clear();
        out.extend_from_slice(&self.unknown);
        let lo = (offset - self.limit_minutes).rem_euclid(Self::DAY);
        let hi = (offset + self.limit_minutes).rem_euclid(Self::DAY);
        let from = |x: i32| self.known.partition_point(|&(o, _)| o < x);
        let to = |x: i32| self.known.partition_point(|&(o, _)| o <= x);
        let ranges = if lo <= hi {
            [(from(lo), to(hi)), (0, 0)]
        } else {
            // The window wraps past midnight: [lo, 1440) and [0, hi].
            [(from(lo), self.known.len()), (0, to(hi))]
        };
        for (a, b) in ranges {
            out.extend(self.known[a..b].iter().map(|&(_, j)| j));
        }
        true
    }
}

/// One exact solve: newcomer `w` of `who` may take any of `pairs[w]` within `capacities`. Returns the chosen
/// (candidate, score) per newcomer of `who`.
fn solve_pass(
    who: &[usize],
    pairs: &[Vec<(usize, i64)>],
    capacities: &[u32],
    max_score: i64,
    penalty: i64,
) -> Vec<Option<(usize, i64)>> {
    let edges: Vec<Edge> = pairs
        .iter()
        .enumerate()
        .flat_map(|(w, list)| {
            list.iter().map(move |&(j, score)| Edge {
                newcomer: w as u32,
                mentor: j as u32,
                cost: max_score - score,
            })
        })
        .collect();
    let instance = Instance {
        newcomers: who.len(),
        mentors: capacities.len(),
        capacities: capacities.to_vec(),
        unassigned_penalty: penalty,
        edges,
    };
    let solution = solver::solve(&instance);
    solution
        .assignment
        .iter()
        .enumerate()
        .map(|(w, a)| {
            let j = (*a)? as usize;
            pairs[w].iter().find(|(c, _)| *c == j).copied()
        })
        .collect()
}

/// One `round_proposals` row before it is written.
struct ProposalRow {
    newcomer_id: i32,
    mentor_id: Option<i32>,
    task_id: Option<i32>,
    score: i64,
    explanation: String,
    unplaced: Option<Unplaced>,
}

fn proposal_rows(
    plan: &Plan,
    newcomers: &[Newcomer],
    candidates: &Candidates,
    areas: &AreaNames,
    side: Side,
    cfg: &MatchingConfig,
) -> Vec<ProposalRow> {
    newcomers
        .iter()
        .enumerate()
        .map(|(i, n)| match plan.assignment[i] {
            Some(j) => {
                let explanation = Explanation {
                    reasons: candidates.reasons(n, j, cfg, areas),
                    unplaced: None,
                };
                let id = candidates.id(j);
                ProposalRow {
                    newcomer_id: n.id,
                    mentor_id: (side == Side::Mentors).then_some(id),
                    task_id: (side == Side::Tasks).then_some(id),
                    score: plan.scores[i],
                    explanation: serde_json::to_string(&explanation).unwrap_or_default(),
                    unplaced: None,
                }
            }
            None => {
                let why = plan.funnels[i].unplaced(side, n, cfg);
                let explanation = Explanation {
                    reasons: vec![],
                    unplaced: Some(why.clone()),
                };
                ProposalRow {
                    newcomer_id: n.id,
                    mentor_id: None,
                    task_id: None,
                    score: 0,
                    explanation: serde_json::to_string(&explanation).unwrap_or_default(),
                    unplaced: Some(why),
                }
            }
        })
        .collect()
}

/// The audit log, as every service writes it (see `services::audit`).
async fn audit(
    db: &impl ConnectionTrait,
    actor: i32,
    action: &str,
    subject: String,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    crate::services::audit::record(db, Some(actor), action, subject, details, now).await
}

/// A round as lists and headers show it.
#[derive(Debug, Clone, Serialize)]
pub struct RoundInfo {
    pub id: i32,
    pub kind: RoundKind,
    pub state: RoundState,
    pub created_by: Option<i32>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub newcomers: i32,
    pub candidates: i32,
    pub placed: i32,
    pub unplaced: i32,
    pub objective: i64,
    pub solve_ms: f64,
}

impl From<&matching_rounds::Model> for RoundInfo {
    fn from(r: &matching_rounds::Model) -> Self {
        RoundInfo {
            id: r.id,
            kind: r.kind,
            state: r.state,
            created_by: r.created_by,
            created_at: r.created_at,
            sent_at: r.sent_at,
            newcomers: r.newcomers,
            candidates: r.candidates,
            placed: r.placed,
            unplaced: r.newcomers - r.placed,
            objective: r.objective,
            solve_ms: r.solve_ms,
        }
    }
}

/// Everything an organizer reviews before sending a round.
#[derive(Debug, Clone, Serialize)]
pub struct RoundReview {
    pub round: RoundInfo,
    pub stats: RoundStats,
    /// Placed newcomers with their mentor or task and reasons, in proposal order.
    pub placed: Vec<ProposalView>,
    /// Newcomers who could not be placed, and why.
    pub unplaced: Vec<UnplacedView>,
    /// How many were left out for each reason, most common first.
    pub unplaced_by_reason: Vec<ReasonCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    pub proposal_id: i32,
    pub newcomer: PersonRef,
    /// Set in a mentor round.
    pub mentor: Option<PersonRef>,
    /// Set in a task round.
    pub task: Option<TaskRef>,
    pub score: i32,
    pub reasons: Vec<Reason>,
    /// The reasons as sentences.
    pub explanation: Vec<String>,
    /// Once a mentor round is sent: the mentorship made from this proposal. None if it was skipped at sending.
    pub mentorship: Option<MentorshipLink>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MentorshipLink {
    pub id: i32,
    pub state: MentorshipState,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnplacedView {
    pub proposal_id: i32,
    pub newcomer: PersonRef,
    pub reason: Option<Unplaced>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub code: String,
    pub text: String,
    pub count: usize,
}

/// The newest rounds first.
pub async fn list_rounds(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<RoundInfo>, DbErr> {
    Ok(matching_rounds::Entity::find()
        .order_by_desc(matching_rounds::Column::CreatedAt)
        .order_by_desc(matching_rounds::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .iter()
        .map(RoundInfo::from)
        .collect())
}

/// One round with every proposal, the people and tasks named (five queries whatever the size).
pub async fn review_round(db: &impl ConnectionTrait, round_id: i32) -> AppResult<RoundReview> {
    let round = matching_rounds::Entity::find_by_id(round_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let proposals = round_proposals::Entity::find()
        .filter(round_proposals::Column::RoundId.eq(round_id))
        .order_by_asc(round_proposals::Column::Id)
        .all(db)
        .await?;
    let in_round = |col: round_proposals::Column| {
        round_proposals::Entity::find()
            .select_only()
            .column(col)
            .filter(round_proposals::Column::RoundId.eq(round_id))
            .into_query()
    };
    let people = people_where(
        db,
        Condition::any()
            .add(users::Column::Id.in_subquery(in_round(round_proposals::Column::NewcomerId)))
            .add(users::Column::Id.in_subquery(in_round(round_proposals::Column::MentorId))),
    )
    .await?;
    let tasks = task_refs_where(
        db,
        tasks::Column::Id.in_subquery(in_round(round_proposals::Column::TaskId)),
    )
    .await?;
    let made: HashMap<i32, MentorshipLink> = mentorships::Entity::find()
        .filter(mentorships::Column::RoundId.eq(round_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            (
                m.newcomer_id,
                MentorshipLink {
                    id: m.id,
                    state: m.state,
                },
            )
        })
        .collect();

    let someone = |id: i32| {
        people.get(&id).cloned().unwrap_or_else(|| PersonRef {
            id,
            login: format!("user-{id}"),
            name: format!("user {id}"),
            timezone: None,
        })
    };
    let mut placed = Vec::new();
    let mut unplaced = Vec::new();
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for p in proposals {
        let explanation = Explanation::parse(&p.explanation);
        if p.mentor_id.is_none() && p.task_id.is_none() {
            let text = p
                .unplaced_reason
                .clone()
                .or_else(|| explanation.unplaced.as_ref().map(Unplaced::sentence))
                .unwrap_or_else(|| "not placed".into());
            let code = explanation
                .unplaced
                .as_ref()
                .map_or("other", Unplaced::code)
                .to_string();
            counts.entry(code).or_insert_with(|| (text.clone(), 0)).1 += 1;
            unplaced.push(UnplacedView {
                proposal_id: p.id,
                newcomer: someone(p.newcomer_id),
                reason: explanation.unplaced,
                text,
            });
        } else {
            placed.push(ProposalView {
                proposal_id: p.id,
                newcomer: someone(p.newcomer_id),
                mentor: p.mentor_id.map(someone),
                task: p.task_id.and_then(|t| tasks.get(&t).cloned()),
                score: p.score,
                explanation: explanation.sentences(),
                reasons: explanation.reasons,
                mentorship: made.get(&p.newcomer_id).copied(),
            });
        }
    }
    let mut unplaced_by_reason: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(code, (text, count))| ReasonCount { code, text, count })
        .collect();
    unplaced_by_reason.sort_by_key(|r| Reverse(r.count));
    Ok(RoundReview {
        round: RoundInfo::from(&round),
        stats: serde_json::from_str(&round.stats).unwrap_or_default(),
        placed,
        unplaced,
        unplaced_by_reason,
    })
}

async fn people_where(
    db: &impl ConnectionTrait,
    condition: Condition,
) -> Result<HashMap<i32, PersonRef>, DbErr> {
    let rows: Vec<(i32, String, Option<String>, Option<String>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .column(users::Column::Timezone)
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, login, name, timezone)| {
            let name = name
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| login.clone());
            (
                id,
                PersonRef {
                    id,
                    login,
                    name,
                    timezone,
                },
            )
        })
        .collect())
}

async fn task_refs_where(
    db: &impl ConnectionTrait,
    condition: impl sea_orm::sea_query::IntoCondition,
) -> Result<HashMap<i32, TaskRef>, DbErr> {
    type Row = (i32, String, String, TaskKind, Difficulty, String);
    let rows: Vec<Row> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .column(tasks::Column::Slug)
        .column(tasks::Column::Title)
        .column(tasks::Column::Kind)
        .column(tasks::Column::Difficulty)
        .column_as(areas::Column::Name, "area_name")
        .join(JoinType::InnerJoin, tasks::Relation::Areas.def())
        .filter(condition)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, slug, title, kind, difficulty, area)| {
            (
                id,
                TaskRef {
                    id,
                    slug,
                    title,
                    kind,
                    difficulty,
                    area,
                },
            )
        })
        .collect())
}

/// What sending a round did.
#[derive(Debug, Clone, Serialize)]
pub struct SendReport {
    pub round_id: i32,
    pub kind: RoundKind,
    /// Mentorships proposed (mentor rounds); 0 for task rounds, whose proposals stay visible on the round.
    pub proposed: usize,
    /// Placed newcomers who did not get their proposal, and why.
    pub skipped: Vec<Skipped>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub newcomer: PersonRef,
    pub reason: SkipReason,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// They got a mentor between the round's creation and its sending.
    AlreadyHasMentor,
    /// They paused, graduated or withdrew meanwhile.
    NoLongerActive,
}

impl SkipReason {
    pub fn sentence(&self) -> &'static str {
        match self {
            SkipReason::AlreadyHasMentor => "got a mentor after the round was made",
            SkipReason::NoLongerActive => "is no longer active",
        }
    }
}

/// A write transaction that holds SQLite's write lock from its first statement, so its reads and writes are not
/// interleaved with another writer's (PostgreSQL ignores the mode; there, row locks and constraints do this).
async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Send a draft round. A mentor round becomes `proposed` mentorships (a newcomer who got a mentor meanwhile, or
/// is no longer active, is skipped and reported); a task round is only marked sent (claims come later). A round
/// is sent once: sending it again, or a cancelled one, is a Conflict.
pub async fn send_round(
    db: &DatabaseConnection,
    round_id: i32,
    organizer_id: i32,
    now: DateTime<Utc>,
) -> AppResult<SendReport> {
    let txn = begin_write(db).await?;
    let round = matching_rounds::Entity::find_by_id(round_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    // The state changes only if it is still a draft: of two organizers sending at once, one wins.
    let claimed = matching_rounds::Entity::update_many()
        .col_expr(
            matching_rounds::Column::State,
            Expr::val(RoundState::Sent.as_str()),
        )
        .col_expr(matching_rounds::Column::SentAt, Expr::val(now))
        .filter(matching_rounds::Column::Id.eq(round_id))
        .filter(matching_rounds::Column::State.eq(RoundState::Draft))
        .exec(&txn)
        .await?
        .rows_affected;
    if claimed == 0 {
        return Err(AppError::Conflict(match round.state {
            RoundState::Cancelled => "This round was cancelled, so it cannot be sent.".into(),
            _ => "This round has already been sent.".into(),
        }));
    }

    let mut proposed = 0;
    let mut skipped = Vec::new();
    if round.kind == RoundKind::Mentors {
        let placed = round_proposals::Entity::find()
            .filter(round_proposals::Column::RoundId.eq(round_id))
            .filter(round_proposals::Column::MentorId.is_not_null())
            .order_by_asc(round_proposals::Column::Id)
            .all(&txn)
            .await?;
        let in_round = || {
            round_proposals::Entity::find()
                .select_only()
                .column(round_proposals::Column::NewcomerId)
                .filter(round_proposals::Column::RoundId.eq(round_id))
                .filter(round_proposals::Column::MentorId.is_not_null())
                .into_query()
        };
        let active: HashSet<i32> = newcomer_profiles::Entity::find()
            .select_only()
            .column(newcomer_profiles::Column::UserId)
            .filter(newcomer_profiles::Column::Status.eq(NewcomerStatus::Active))
            .filter(newcomer_profiles::Column::UserId.in_subquery(in_round()))
            .into_tuple::<i32>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        let mut batch = Vec::with_capacity(INSERT_CHUNK);
        for p in placed.iter().filter(|p| active.contains(&p.newcomer_id)) {
            let Some(mentor_id) = p.mentor_id else {
                continue;
            };
            batch.push(mentorships::ActiveModel {
                newcomer_id: Set(p.newcomer_id),
                mentor_id: Set(mentor_id),
                state: Set(MentorshipState::Proposed),
                score: Set(p.score),
                explanation: Set(p.explanation.clone()),
                round_id: Set(Some(round_id)),
                proposed_at: Set(now),
                accepted_at: Set(None),
                ended_at: Set(None),
                ended_reason: Set(None),
                ..Default::default()
            });
            if batch.len() == INSERT_CHUNK {
                insert_mentorships(&txn, std::mem::take(&mut batch)).await?;
            }
        }
        insert_mentorships(&txn, batch).await?;
        // Whoever already had an open mentorship was left out by the unique index; find out who.
        let made: HashSet<i32> = mentorships::Entity::find()
            .select_only()
            .column(mentorships::Column::NewcomerId)
            .filter(mentorships::Column::RoundId.eq(round_id))
            .into_tuple::<i32>()
            .all(&txn)
            .await?
            .into_iter()
            .collect();
        proposed = made.len();
        let people = people_where(
            &txn,
            Condition::all().add(users::Column::Id.in_subquery(in_round())),
        )
        .await?;
        for p in placed.iter().filter(|p| !made.contains(&p.newcomer_id)) {
            let reason = if active.contains(&p.newcomer_id) {
                SkipReason::AlreadyHasMentor
            } else {
                SkipReason::NoLongerActive
            };
            let newcomer = people
                .get(&p.newcomer_id)
                .cloned()
                .unwrap_or_else(|| PersonRef {
                    id: p.newcomer_id,
                    login: format!("user-{}", p.newcomer_id),
                    name: format!("user {}", p.newcomer_id),
                    timezone: None,
                });
            skipped.push(Skipped {
                newcomer,
                reason,
                text: reason.sentence().to_string(),
            });
        }
    }
    audit(
        &txn,
        organizer_id,
        "round.send",
        format!("round:{round_id}"),
        serde_json::json!({
            "kind": round.kind,
            "proposed": proposed,
            "skipped": skipped.len(),
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(SendReport {
        round_id,
        kind: round.kind,
        proposed,
        skipped,
    })
}

/// Inserts proposals; a row that would give a newcomer a second open mentorship is dropped by the database
/// (`mentorships_one_open_per_newcomer`) instead of failing the batch. DO NOTHING rather than catching the
/// error, because on PostgreSQL a failed statement aborts the whole transaction.
async fn insert_mentorships(
    txn: &DatabaseTransaction,
    batch: Vec<mentorships::ActiveModel>,
) -> Result<(), DbErr> {
    if !batch.is_empty() {
        mentorships::Entity::insert_many(batch)
            .on_conflict(OnConflict::new().do_nothing().to_owned())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// A mentor's answer to a proposal.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalResponse {
    pub mentorship_id: i32,
    pub newcomer_id: i32,
    pub mentor_id: i32,
    /// `active` after accepting, `ended` (reason "declined") after declining.
    pub state: MentorshipState,
    /// The mentor's active mentorships after the answer.
    pub active_mentees: u32,
    pub capacity: u32,
}

/// Accept or decline a proposed mentorship as its mentor. Accepting re-checks capacity inside the transaction
/// (active mentorships < capacity, else a Conflict that says so); declining ends the proposal with reason
/// "declined", which puts the newcomer back in the pool for the next round, never again with this mentor.
pub async fn respond_to_proposal(
    db: &DatabaseConnection,
    mentorship_id: i32,
    mentor_id: i32,
    accept: bool,
    now: DateTime<Utc>,
) -> AppResult<ProposalResponse> {
    let txn = begin_write(db).await?;
    let m = mentorships::Entity::find_by_id(mentorship_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.mentor_id != mentor_id {
        return Err(AppError::Forbidden);
    }
    if m.state != MentorshipState::Proposed {
        return Err(AppError::Conflict(
            "This proposal has already been answered.".into(),
        ));
    }
    // Locking the mentor's profile row makes concurrent accepts for the same mentor take turns on PostgreSQL,
    // so the count below cannot be stale; on SQLite the immediate transaction already does.
    let profile = mentor_profiles::Entity::find_by_id(mentor_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let capacity = profile.map_or(0, |p| p.capacity.max(0) as u32);
    let active = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .count(&txn)
        .await? as u32;
    let state = if accept {
        if active >= capacity {
            return Err(AppError::Conflict(format!(
                "You already mentor {active} newcomer{}, as many as your capacity of {capacity}. \
                 End a mentorship or raise your capacity before accepting another.",
                if active == 1 { "" } else { "s" }
            )));
        }
        MentorshipState::Active
    } else {
        MentorshipState::Ended
    };
    let mut update = mentorships::Entity::update_many()
        .col_expr(mentorships::Column::State, Expr::val(state.as_str()))
        .filter(mentorships::Column::Id.eq(mentorship_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Proposed));
    update = if accept {
        update.col_expr(mentorships::Column::AcceptedAt, Expr::val(now))
    } else {
        update
            .col_expr(mentorships::Column::EndedAt, Expr::val(now))
            .col_expr(mentorships::Column::EndedReason, Expr::val(DECLINED))
    };
    if update.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::Conflict(
            "This proposal has already been answered.".into(),
        ));
    }
    audit(
        &txn,
        mentor_id,
        if accept {
            "mentorship.accept"
        } else {
            "mentorship.decline"
        },
        format!("mentorship:{mentorship_id}"),
        serde_json::json!({ "newcomer_id": m.newcomer_id, "round_id": m.round_id }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ProposalResponse {
        mentorship_id,
        newcomer_id: m.newcomer_id,
        mentor_id,
        state,
        active_mentees: active + u32::from(accept),
        capacity,
    })
}

/// A proposal waiting for a mentor's answer.
#[derive(Debug, Clone, Serialize)]
pub struct PendingProposal {
    pub mentorship_id: i32,
    pub newcomer: PersonRef,
    pub score: i32,
    pub reasons: Vec<Reason>,
    pub explanation: Vec<String>,
    pub round_id: Option<i32>,
    pub proposed_at: DateTime<Utc>,
}

/// A mentor's proposals waiting for an answer, oldest first (two queries).
pub async fn pending_proposals(
    db: &impl ConnectionTrait,
    mentor_id: i32,
) -> Result<Vec<PendingProposal>, DbErr> {
    let rows = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Proposed))
        .order_by_asc(mentorships::Column::ProposedAt)
        .order_by_asc(mentorships::Column::Id)
        .all(db)
        .await?;
    let people = people_where(
        db,
        Condition::all()
            .add(users::Column::Id.in_subquery(mentees(mentor_id, MentorshipState::Proposed))),
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|m| {
            let explanation = Explanation::parse(&m.explanation);
            Some(PendingProposal {
                mentorship_id: m.id,
                newcomer: people.get(&m.newcomer_id)?.clone(),
                score: m.score,
                explanation: explanation.sentences(),
                reasons: explanation.reasons,
                round_id: m.round_id,
                proposed_at: m.proposed_at,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::score::{Experience, minutes_apart};

    fn newcomer(id: i32, languages: &[&str]) -> Newcomer {
        Newcomer {
            id,
            areas: vec![1],
            languages: languages.iter().map(|s| s.to_string()).collect(),
            utc_offset_minutes: Some(0),
            experience: Experience {
                rust: 1,
                c: 1,
                kernel: 0,
            },
            declined_by: vec![],
        }
    }

    fn mentor(id: i32, capacity: u32, areas: Vec<i32>) -> Mentor {
        Mentor {
            id,
            areas,
            languages: vec!["en".into()],
            utc_offset_minutes: Some(0),
            capacity,
            load: 0,
            approved: true,
            accepting: true,
        }
    }

    fn pool(mentors: Vec<Mentor>) -> Candidates {
        let people = mentors
            .iter()
            .map(|m| PersonRef {
                id: m.id,
                login: format!("m{}", m.id),
                name: format!("m{}", m.id),
                timezone: None,
            })
            .collect();
        Candidates::Mentors(MentorPool { mentors, people })
    }

    #[test]
    fn everyone_placeable_is_placed_and_the_rest_are_explained() {
        let newcomers = vec![
            newcomer(1, &["en"]),
            newcomer(2, &["en"]),
            newcomer(3, &["ja"]),
            newcomer(4, &["en"]),
        ];
        let candidates = pool(vec![mentor(10, 1, vec![1]), mentor(11, 2, vec![])]);
        let cfg = MatchingConfig::default();
        let plan = plan_round(&newcomers, &candidates, &cfg);
        let placed = plan.assignment.iter().filter(|a| a.is_some()).count();
        assert_eq!(placed, 3);
        assert_eq!(plan.assignment[2], None);
        assert_eq!(
            plan.funnels[2].unplaced(Side::Mentors, &newcomers[2], &cfg),
            Unplaced::NoSharedLanguage
        );
        let mut load = [0; 2];
        for j in plan.assignment.iter().flatten() {
            load[*j] += 1;
        }
        assert_eq!(load, [1, 2]);
    }

    #[test]
    fn a_newcomer_whose_kept_candidates_fill_up_is_topped_up() {
        // With one candidate kept each, everyone prefers mentor 10 (shared area); it takes only one. The others
        // must still reach mentor 11, who is acceptable but was pruned from their lists.
        let newcomers: Vec<Newcomer> = (1..=3).map(|id| newcomer(id, &["en"])).collect();
        let candidates = pool(vec![mentor(10, 1, vec![1]), mentor(11, 5, vec![])]);
        let cfg = MatchingConfig {
            candidates_per_newcomer: 1,
            ..Default::default()
        };
        let plan = plan_round(&newcomers, &candidates, &cfg);
        assert!(plan.assignment.iter().all(Option::is_some));
        assert_eq!(plan.passes, 2);
        assert_eq!(plan.pruned, 3);
    }

    #[test]
    fn a_newcomer_makes_room_for_one_with_a_single_option() {
        // Newcomer 1 fits both mentors and prefers mentor 10, the only one newcomer 2 can have. Placing both
        // means giving newcomer 1 its second choice.
        let mut picky = newcomer(2, &["en"]);
        picky.languages = vec!["pt".into()];
        let mut m10 = mentor(10, 1, vec![1]);
        m10.languages = vec!["en".into(), "pt".into()];
        let m11 = mentor(11, 1, vec![]);
        let newcomers = vec![newcomer(1, &["en"]), picky];
        let plan = plan_round(
            &newcomers,
            &pool(vec![m10, m11]),
            &MatchingConfig::default(),
        );
        assert_eq!(plan.assignment, [Some(1), Some(0)]);
    }

    #[test]
    fn the_penalty_outweighs_any_rerouting() {
        // Newcomer 0 loves candidate 0 (score max) and barely fits candidate 1 (score 0); newcomer 1 barely fits
        // candidate 0 only. Placing both costs 2 * max, leaving newcomer 1 out costs only the penalty, so a
        // penalty of max + 1 would leave them out; the round's penalty must not.
        let max = 150;
        let pairs = vec![vec![(0, max), (1, 0)], vec![(0, 0)]];
        let both = solve_pass(&[0, 1], &pairs, &[1, 1], max, (max + 1) * 3);
        assert_eq!(both, [Some((1, 0)), Some((0, 0))]);
        let greedy = solve_pass(&[0, 1], &pairs, &[1, 1], max, max + 1);
        assert_eq!(greedy.iter().flatten().count(), 1);
    }

    #[test]
    fn the_offset_window_finds_exactly_the_mentors_within_the_limit() {
        let offsets = [-600, -480, -300, 0, 60, 330, 345, 540, 600, 780];
        let mut mentors: Vec<Mentor> = offsets
            .iter()
            .enumerate()
            .map(|(k, &o)| {
                let mut m = mentor(k as i32, 1, vec![]);
                m.utc_offset_minutes = Some(o);
                m
            })
            .collect();
        mentors.push({
            let mut m = mentor(99, 1, vec![]);
            m.utc_offset_minutes = None;
            m
        });
        let among: Vec<usize> = (0..mentors.len()).collect();
        for hours in [0, 3, 6, 11] {
            let clock = ByOffset::new(&mentors, &among, hours);
            for newcomer in [-720, -600, -30, 0, 330, 720, 840] {
                let mut near = Vec::new();
                assert!(clock.near(newcomer, &mut near));
                near.sort_unstable();
                let want: Vec<usize> = among
                    .iter()
                    .copied()
                    .filter(|&j| {
                        mentors[j]
                            .utc_offset_minutes
                            .is_none_or(|o| minutes_apart(o, newcomer) <= hours * 60)
                    })
                    .collect();
                assert_eq!(near, want, "{hours} h around {newcomer}");
            }
        }
        assert!(!ByOffset::new(&mentors, &among, 12).near(0, &mut Vec::new()));
    }

    #[test]
    fn score_summary_quartiles() {
        let s = ScoreSummary::of(&mut [5, 1, 4, 2, 3]).unwrap();
        assert_eq!(
            (s.min, s.q1, s.median, s.q3, s.max, s.mean),
            (1, 2, 3, 4, 5, 3)
        );
        assert_eq!(ScoreSummary::of(&mut []), None);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The mentor's proposals page (added for the web layer): pending proposals and active mentees, each newcomer with
// the languages and interests a mentor wants to see before answering. A fixed number of queries (seven).

/// A newcomer as the mentor's page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct MenteeDetails {
    /// Language names ("Portuguese"), in code order.
    pub languages: Vec<String>,
    /// Interest area names, sorted.
    pub interests: Vec<String>,
}

/// A pending proposal with the newcomer's details.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalCard {
    pub proposal: PendingProposal,
    pub details: MenteeDetails,
}

/// An active mentorship of the mentor.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveMentee {
    pub mentorship_id: i32,
    pub newcomer: PersonRef,
    pub accepted_at: Option<DateTime<Utc>>,
    pub details: MenteeDetails,
}

/// Everything the mentor's proposals page shows.
#[derive(Debug, Clone, Serialize)]
pub struct MentorDesk {
    pub proposals: Vec<ProposalCard>,
    pub mentees: Vec<ActiveMentee>,
}

/// The mentor `mentor_id`'s pending proposals (oldest first) and active mentees (longest-running first).
pub async fn mentor_desk(db: &impl ConnectionTrait, mentor_id: i32) -> Result<MentorDesk, DbErr> {
    use crate::db::{user_areas, user_languages};
    use crate::domain::matching::score::language_name;

    let pending = pending_proposals(db, mentor_id).await?;
    let open_newcomers = || {
        mentorships::Entity::find()
            .select_only()
            .column(mentorships::Column::NewcomerId)
            .filter(mentorships::Column::MentorId.eq(mentor_id))
            .filter(
                mentorships::Column::State
                    .is_in([MentorshipState::Proposed, MentorshipState::Active]),
            )
            .into_query()
    };
    let active = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .order_by_asc(mentorships::Column::AcceptedAt)
        .order_by_asc(mentorships::Column::Id)
        .all(db)
        .await?;
    let people = people_where(
        db,
        Condition::all()
            .add(users::Column::Id.in_subquery(mentees(mentor_id, MentorshipState::Active))),
    )
    .await?;
    let languages: Vec<(i32, String)> = user_languages::Entity::find()
        .select_only()
        .column(user_languages::Column::UserId)
        .column(user_languages::Column::Language)
        .filter(user_languages::Column::UserId.in_subquery(open_newcomers()))
        .order_by_asc(user_languages::Column::UserId)
        .order_by_asc(user_languages::Column::Language)
        .into_tuple()
        .all(db)
        .await?;
    let areas_rows: Vec<(i32, String)> = user_areas::Entity::find()
        .select_only()
        .column(user_areas::Column::UserId)
        .column_as(areas::Column::Name, "area_name")
        .join(JoinType::InnerJoin, user_areas::Relation::Areas.def())
        .filter(user_areas::Column::UserId.in_subquery(open_newcomers()))
        .into_tuple()
        .all(db)
        .await?;
    let mut details: HashMap<i32, MenteeDetails> = HashMap::new();
    let blank = || MenteeDetails {
        languages: Vec::new(),
        interests: Vec::new(),
    };
    for (user, code) in languages {
        details
            .entry(user)
            .or_insert_with(blank)
            .languages
            .push(language_name(code.trim()));
    }
    for (user, area) in areas_rows {
        details
            .entry(user)
            .or_insert_with(blank)
            .interests
            .push(area);
    }
    for d in details.values_mut() {
        d.interests.sort();
    }
    let details_of = |id: i32| details.get(&id).cloned().unwrap_or_else(blank);
    Ok(MentorDesk {
        proposals: pending
            .into_iter()
            .map(|p| ProposalCard {
                details: details_of(p.newcomer.id),
                proposal: p,
            })
            .collect(),
        mentees: active
            .into_iter()
            .filter_map(|m| {
                Some(ActiveMentee {
                    mentorship_id: m.id,
                    newcomer: people.get(&m.newcomer_id)?.clone(),
                    accepted_at: m.accepted_at,
                    details: details_of(m.newcomer_id),
                })
            })
            .collect(),
    })
}

/// The newcomers of a mentor's mentorships in one state, as a subquery.
fn mentees(mentor_id: i32, state: MentorshipState) -> sea_orm::sea_query::SelectStatement {
    mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::NewcomerId)
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(state))
        .into_query()
}
