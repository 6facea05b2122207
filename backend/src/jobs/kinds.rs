//! The job kinds the service runs, and their handlers.

use serde::Deserialize;

use super::{JobContext, Registry};
use crate::domain::claims::ClaimPolicy;
use crate::services::claims::{self, CLAIM_EXPIRE_JOB, CLAIM_WARN_JOB, ExpiryStep};
use crate::services::queue::Outcome;

#[derive(Deserialize)]
struct ClaimJob {
    claim_id: i32,
}

/// The handlers of every kind of job the service queues.
pub fn standard(policy: ClaimPolicy) -> Registry {
    Registry::default()
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
