//! The job kinds the service runs, and their handlers.

use serde::Deserialize;

use super::{JobContext, Registry};
use crate::domain::claims::ClaimPolicy;
use crate::domain::reports::ReportPolicy;
use crate::services::claims::{self, CLAIM_EXPIRE_JOB, CLAIM_WARN_JOB, ExpiryStep};
use crate::services::nudges::{self, NUDGES_JOB, Policies};
use crate::services::queue::Outcome;
use crate::services::reports::{self, REPORTS_JOB};

#[derive(Deserialize)]
struct ClaimJob {
    claim_id: i32,
}

/// The handlers of every kind of job the service queues.
pub fn standard(policy: ClaimPolicy, report_policy: ReportPolicy, nudges: Policies) -> Registry {
    Registry::default()
        .on(REPORTS_JOB, move |ctx| report_pass(ctx, report_policy))
        .on(NUDGES_JOB, move |ctx| nudge_pass(ctx, nudges))
        .on(CLAIM_WARN_JOB, move |ctx| {
            claim_step(ctx, policy, ExpiryStep::Warn)
        })
        .on(CLAIM_EXPIRE_JOB, move |ctx| {
            claim_step(ctx, policy, ExpiryStep::Expire)
        })
}

async fn claim_step(ctx: JobContext, policy: ClaimPolicy, step: ExpiryStep) -> Outcome {
    let job: ClaimJob = match serde_json::from_value(ctx.payload) {
        Ok(job) => job,
        Err(err) => return Outcome::Failed(format!("bad payload: {err}")),
    };
    match claims::expiry_step(&ctx.db, job.claim_id, step, &policy, ctx.now).await {
        Ok(Some(later)) => Outcome::RunAgainAt(later),
        Ok(None) => Outcome::Done,
        Err(err) => Outcome::Failed(format!("{err:#}")),
    }
}

/// Draft the reports now due, then queue the next hourly pass (a failed pass is retried by the queue, and the
/// next start of the service queues a pass again).
async fn report_pass(ctx: JobContext, policy: ReportPolicy) -> Outcome {
    let drafted = match reports::draft_due_reports(&ctx.db, &policy, ctx.now).await {
        Ok(n) => n,
        Err(err) => return Outcome::Failed(format!("{err:#}")),
    };
    if drafted > 0 {
        tracing::info!(drafted, "progress reports drafted");
    }
    match reports::schedule_next_pass(&ctx.db, ctx.now).await {
        Ok(()) => Outcome::Done,
        Err(err) => Outcome::Failed(format!("queueing the next pass: {err:#}")),
    }
}

/// Queue the nudges now due, then the next hourly pass (as with the report pass).
async fn nudge_pass(ctx: JobContext, policies: Policies) -> Outcome {
    match nudges::run_pass(&ctx.db, &policies, ctx.now).await {
        Ok(done) if done.queued > 0 => tracing::info!(queued = done.queued, "nudges queued"),
        Ok(_) => {}
        Err(err) => return Outcome::Failed(format!("{err:#}")),
    }
    match nudges::schedule_next_pass(&ctx.db, ctx.now).await {
        Ok(()) => Outcome::Done,
        Err(err) => Outcome::Failed(format!("queueing the next pass: {err:#}")),
    }
}
