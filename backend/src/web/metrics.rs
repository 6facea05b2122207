//! `/metrics`, for Prometheus: requests by route (the route's pattern, so `/claims/{id}` is one series however
//! many claims there are) and status with a latency histogram, counted by a middleware around every route; and,
//! read at each scrape, the job queue's depth and lag and the outbox by state. The text is OpenMetrics, which
//! Prometheus reads. Only the addresses in `ONRAMP_METRICS_ALLOW` may read it (loopback by default): route
//! names and queue sizes are nobody else's business.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

use crate::app::AppState;
use crate::services::operations;
use crate::web::error::{AppError, AppResult};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: &'static str,
}

type FloatGauge = Gauge<f64, AtomicU64>;

/// The service's metrics; one per process, shared by every request.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    jobs: Family<StateLabels, Gauge>,
    jobs_due: Gauge,
    job_lag: FloatGauge,
    outbox: Family<StateLabels, Gauge>,
    outbox_due: Gauge,
    outbox_lag: FloatGauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("onramp");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        // From 1 ms to about 16 s, doubling.
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.001, 2.0, 15))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request (to its headers), by method and route",
            latency.clone(),
        );
        let jobs = Family::<StateLabels, Gauge>::default();
        registry.register("jobs", "Background jobs, by state", jobs.clone());
        let jobs_due = Gauge::default();
        registry.register(
            "jobs_due",
            "Pending jobs whose time has come",
            jobs_due.clone(),
        );
        let job_lag = FloatGauge::default();
        registry.register(
            "job_lag_seconds",
            "How long the oldest due job has waited past its time",
            job_lag.clone(),
        );
        let outbox = Family::<StateLabels, Gauge>::default();
        registry.register(
            "outbox_emails",
            "Emails in the outbox, by state",
            outbox.clone(),
        );
        let outbox_due = Gauge::default();
        registry.register(
            "outbox_due",
            "Pending emails whose time has come",
            outbox_due.clone(),
        );
        let outbox_lag = FloatGauge::default();
        registry.register(
            "outbox_lag_seconds",
            "How long the oldest due email has waited past its time",
            outbox_lag.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            jobs,
            jobs_due,
            job_lag,
            outbox,
            outbox_due,
            outbox_lag,
        }
    }
}

/// Middleware around every route: count the request and time it.
pub async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_string();
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    metrics
        .latency
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: res.status().as_u16(),
        })
        .inc();
    res
}

pub async fn metrics(State(state): State<AppState>, req: Request) -> AppResult<Response> {
    let client = state.config.trusted_proxies().client(&req);
    if !client.is_some_and(|ip| {
        state
            .config
            .metrics_allow
            .iter()
            .any(|net| net.contains(&ip))
    }) {
        return Err(AppError::Forbidden);
    }
    let m = &state.metrics;
    let backlog = operations::backlog(&state.db, Utc::now()).await?;
    for (label, n) in [
        ("pending", backlog.jobs.pending),
        ("done", backlog.jobs.done),
        ("failed", backlog.jobs.failed),
    ] {
        m.jobs
            .get_or_create(&StateLabels { state: label })
            .set(n as i64);
    }
    m.jobs_due.set(backlog.jobs_due as i64);
    m.job_lag.set(backlog.job_lag_secs);
    for (label, n) in [
        ("pending", backlog.outbox.pending),
        ("sent", backlog.outbox.sent),
        ("failed", backlog.outbox.failed),
        ("cancelled", backlog.outbox.cancelled),
    ] {
        m.outbox
            .get_or_create(&StateLabels { state: label })
            .set(n as i64);
    }
    m.outbox_due.set(backlog.outbox_due as i64);
    m.outbox_lag.set(backlog.outbox_lag_secs);
    let mut body = String::new();
    encode(&mut body, &m.registry).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        body,
    )
        .into_response())
}
