//! Creating a round: load the pool, plan it (off the async workers: it is CPU work of up to a second or two),
//! and store it as a draft with one proposal per newcomer.

use std::time::Instant;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait,
    Set, TransactionTrait,
};
use serde::Serialize;

use super::{INSERT_CHUNK, audit};
use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::{matching_rounds, round_proposals};
use crate::domain::matching::instance::Instance;
use crate::domain::matching::plan::{
    self, Candidates, Plan, ProposalRow, RoundStats, Timings, proposal_rows,
};
use crate::domain::matching::score::{AreaNames, MatchingConfig, Newcomer, Unplaced};
use crate::services::pool::{self, Which};
use crate::services::{ServiceError, ServiceResult};

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

/// A round planned from the database exactly as [`create_round`] plans it, not stored.
pub struct PlannedRound {
    pub kind: RoundKind,
    pub newcomers: Vec<Newcomer>,
    pub candidates: Candidates,
    pub areas: AreaNames,
    pub plan: Plan,
    pub load_ms: f64,
}

impl PlannedRound {
    pub fn rows(&self, cfg: &MatchingConfig) -> Vec<ProposalRow> {
        proposal_rows(
            &self.plan,
            &self.newcomers,
            &self.candidates,
            &self.areas,
            cfg,
        )
    }

    /// Every acceptable pair of this round with the costs and penalty it was solved with.
    pub fn full_instance(&self, cfg: &MatchingConfig) -> Instance {
        plan::full_instance(&self.newcomers, &self.candidates, cfg)
    }
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// Loads a round's newcomers and candidates and plans it.
pub async fn plan_from_db(
    db: &impl ConnectionTrait,
    kind: RoundKind,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> ServiceResult<PlannedRound> {
    let started = Instant::now();
    let which = match kind {
        RoundKind::Mentors => Which::WithoutMentor,
        RoundKind::Tasks => Which::WithoutTask,
    };
    let newcomers: Vec<Newcomer> = pool::load_newcomers(db, which, now)
        .await?
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    let areas = pool::load_area_names(db).await?;
    let candidates = match kind {
        RoundKind::Mentors => Candidates::Mentors(pool::load_mentors(db, now).await?.mentors),
        // Blocked tasks are never proposed; leaving them out of the instance keeps it small.
        RoundKind::Tasks => Candidates::Tasks(
            pool::load_tasks(db)
                .await?
                .tasks
                .into_iter()
                .filter(|t| t.waits_for.is_empty())
                .collect(),
        ),
    };
    let load_ms = ms(started);
    let cfg = cfg.clone();
    tokio::task::spawn_blocking(move || {
        let plan = plan::plan_round(&newcomers, &candidates, &cfg);
        PlannedRound {
            kind,
            newcomers,
            candidates,
            areas,
            plan,
            load_ms,
        }
    })
    .await
    .map_err(ServiceError::internal)
}

/// Score, solve and store a round of `kind`. The round is a draft until `send_round`.
pub async fn create_round(
    db: &DatabaseConnection,
    organizer_id: i32,
    kind: RoundKind,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> ServiceResult<RoundCreated> {
    let planned = plan_from_db(db, kind, cfg, now).await?;
    let store_started = Instant::now();
    let plan = &planned.plan;
    let mut timings = Timings {
        load_ms: planned.load_ms,
        score_ms: plan.score_ms,
        solve_ms: plan.solve_ms,
        store_ms: 0.0,
    };
    let rows = planned.rows(cfg);
    let stats = RoundStats::of(plan, &rows, timings);
    let placed = rows.iter().filter(|r| r.unplaced.is_none()).count();
    let newcomers = planned.newcomers.len();
    let candidate_count = planned.candidates.available();

    let txn = db.begin().await?;
    let round = matching_rounds::ActiveModel {
        kind: Set(kind),
        state: Set(RoundState::Draft),
        created_by: Set(Some(organizer_id)),
        created_at: Set(now),
        sent_at: Set(None),
        newcomers: Set(newcomers as i32),
        candidates: Set(candidate_count as i32),
        placed: Set(placed as i32),
        objective: Set(plan.objective),
        solve_ms: Set(plan.solve_ms),
        stats: Set(serde_json::to_string(&stats).map_err(ServiceError::internal)?),
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
            "newcomers": newcomers,
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
        newcomers,
        candidates: candidate_count,
        placed,
        unplaced: newcomers - placed,
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
