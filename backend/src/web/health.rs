//! Probes for whatever runs the service (a load balancer, an orchestrator): `/healthz` says the process is alive
//! and serving, whatever else is wrong; `/readyz` says it can do its work, which means the database answers and
//! its schema is the one this build expects (an instance started before a migration, or during one, is not).

use axum::extract::State;
use axum::http::StatusCode;

use crate::app::AppState;
use crate::database;

pub async fn healthz() -> (StatusCode, &'static str) {
    (StatusCode::OK, "ok")
}

/// Not ready is a 503 (shown as the site's error page, like any other), with the reason in the log.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match database::readiness(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(why) => {
            tracing::warn!(reason = %why, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready")
        }
    }
}
