//! The web layer: routes per audience, extractors, pages, and the layers every request passes through.
//! No SQL here: handlers call `services`.

pub mod auth;
pub mod catalog_admin;
pub mod catalog_cache;
pub mod claims;
pub mod client_address;
pub mod csrf;
pub mod dashboard;
pub mod error;
pub mod errors;
pub mod exports;
pub mod extract;
pub mod form;
pub mod github;
pub mod health;
pub mod matching;
pub mod mentoring;
pub mod metrics;
pub mod notifications;
pub mod nudges;
pub mod organizer;
pub mod outbox;
pub mod page;
pub mod profile;
pub mod programme;
pub mod programme_query;
pub mod progress;
pub mod public;
pub mod rate_limit;
pub mod reports;
pub mod security;
pub mod timeline;

use std::time::Duration;

use axum::Router;
use axum::http::{HeaderName, StatusCode};
use axum::routing::{MethodRouter, get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::app::AppState;
use crate::auth::session_store::DbSessionStore;

/// How long a session lasts without use (its absolute lifetime is `Config::session_max_age`).
pub const SESSION_IDLE_DAYS: i64 = 14;

/// Every route of the site, registered through [`RouteTable`] so the list of (method, path) pairs can never
/// drift from the router: the authorization-matrix test walks that list.
fn table() -> RouteTable {
    RouteTable::default()
        .get("/", public::landing)
        .get("/catalog", public::catalog_page)
        .get("/catalog/graph", public::catalog_graph_page)
        .get("/tasks/{slug}", public::task_page)
        .post("/tasks/{slug}/claim", claims::claim_task)
        .get("/claims/{id}", claims::claim_page)
        .post("/claims/{id}/release", claims::release)
        .post("/claims/{id}/done", claims::mark_done)
        .post("/claims/{id}/extend", claims::extend)
        .post("/claims/{id}/confirm", claims::confirm)
        .post("/claims/{id}/end", claims::force_release)
        .get("/organizer/claims", claims::held_tasks)
        .get("/organizer/tasks/new", catalog_admin::new_task)
        .post("/organizer/tasks", catalog_admin::create_task)
        .get("/organizer/tasks/{slug}/edit", catalog_admin::edit_task)
        .post("/organizer/tasks/{slug}", catalog_admin::update_task)
        .post("/organizer/tasks/{slug}/retire", catalog_admin::retire_task)
        .post("/organizer/tasks/{slug}/reopen", catalog_admin::reopen_task)
        .post("/offers/{id}", claims::answer_offer)
        .get("/progress", progress::my_progress)
        .post("/progress/{slug}", progress::record)
        .post("/progress/records/{id}/answer", progress::answer)
        .post("/progress/records/{id}/verify", progress::verify)
        .post("/progress/records/{id}/question", progress::question)
        .post("/check-ins", progress::check_in)
        .post("/check-ins/{id}/reply", progress::reply)
        .get("/people/{id}/progress", progress::person_progress)
        .get("/mentor/mentees", progress::mentees)
        .get("/reports/{id}", reports::report_page)
        .post("/reports/{id}/submit", reports::submit)
        .post("/reports/{id}/view", reports::add_view)
        .post("/reports/{id}/review", reports::review)
        .post("/reports/{id}/pause", reports::pause)
        .post("/reports/{id}/extend-claim", reports::extend_claim)
        .post("/reports/{id}/release-claim", reports::release_claim)
        .post("/reports/{id}/reassign", reports::reassign)
        .get("/organizer/reports", reports::review_queue)
        .get("/organizer/dashboard", programme::programme)
        .get("/timeline", timeline::my_timeline)
        .get("/organizer/people/{id}/timeline", timeline::person_timeline)
        .get("/signin", auth::signin_page)
        .post("/signin/demo", auth::demo_signin)
        .get("/auth/github", github::start)
        .get("/auth/github/callback", github::callback)
        .post("/signout", auth::signout)
        .get("/dashboard", dashboard::dashboard)
        .get("/profile", profile::newcomer_form)
        .post("/profile", profile::save_newcomer)
        .get("/mentor/profile", profile::mentor_form)
        .post("/mentor/profile", profile::save_mentor)
        .get("/organizer/people", organizer::people)
        .post("/organizer/people/{id}/mentor", organizer::decide_mentor)
        .post("/organizer/people/{id}/roles", organizer::change_role)
        .get("/organizer/audit", organizer::audit_log)
        .get("/organizer/rounds", matching::rounds_page)
        .post("/organizer/rounds", matching::create_round)
        .get("/organizer/rounds/{id}", matching::round_page)
        .post("/organizer/rounds/{id}/send", matching::send_round)
        .get("/mentor/proposals", matching::proposals_page)
        .post("/mentor/proposals/{id}", matching::respond)
        .get("/mentor/queue", mentoring::queue_page)
        .post("/mentor/queue/{id}/claim", mentoring::claim_newcomer)
        .post("/mentor/queue/{id}/pass", mentoring::pass_newcomer)
        .post("/mentors/{id}/request", mentoring::request_mentor)
        .post("/mentorships/{id}/end", mentoring::end_mentorship)
        .get("/organizer/mentorships", mentoring::mentorships_page)
        .get("/organizer/exports", exports::exports_page)
        .get("/organizer/exports/newcomers.csv", exports::newcomers_csv)
        .get("/organizer/exports/newcomers.json", exports::newcomers_json)
        .get(
            "/organizer/exports/mentorships.csv",
            exports::mentorships_csv,
        )
        .get(
            "/organizer/exports/mentorships.json",
            exports::mentorships_json,
        )
        .get("/organizer/exports/claims.csv", exports::claims_csv)
        .get("/organizer/exports/claims.json", exports::claims_json)
        .get("/settings/notifications", notifications::settings_form)
        .post("/settings/notifications", notifications::save_settings)
        .get("/unsubscribe/{token}", notifications::unsubscribe_page)
        .post("/unsubscribe/{token}", notifications::unsubscribe)
        .get("/organizer/outbox", outbox::outbox_page)
        .get("/organizer/outbox/{id}", outbox::outbox_email)
        .post("/organizer/outbox/{id}/retry", outbox::retry)
        .get("/organizer/nudges", nudges::preview)
        .post("/organizer/nudges/run", nudges::run)
        .get("/dev/mail", outbox::demo_mail)
        .get("/dev/mail/{id}", outbox::demo_email)
        .get("/static/{*path}", crate::assets::serve)
        .get("/healthz", health::healthz)
        .get("/readyz", health::readyz)
        .get("/metrics", metrics::metrics)
}

/// The sign-in endpoints, limited per client address (see `rate_limit`).
const SIGNIN_PATHS: &[&str] = &["/signin/demo", "/auth/github", "/auth/github/callback"];

/// Every route of the site, without the layers (tests add their own probes here before `with_layers`).
pub fn routes() -> Router<AppState> {
    table().router
}

/// The (method, path) of every route, as registered.
pub fn route_list() -> Vec<(&'static str, &'static str)> {
    table().list
}

/// A router that also remembers what it was given.
#[derive(Default)]
pub struct RouteTable {
    router: Router<AppState>,
    list: Vec<(&'static str, &'static str)>,
}

impl RouteTable {
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add("GET", path, get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: axum::handler::Handler<T, AppState>,
        T: 'static,
    {
        self.add("POST", path, post(handler))
    }

    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        route: MethodRouter<AppState>,
    ) -> Self {
        self.list.push((method, path));
        self.router = self.router.route(path, route);
        self
    }
}

/// The layers every request passes through, outermost first.
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let config = &state.config;
    let base = config.base_url();
    let secure = base.scheme() == "https";
    let origin = base.origin().ascii_serialization();
    let store = DbSessionStore::new(state.db.clone(), config.session_max_age());
    // On https the __Host- prefix has browsers insist on Secure, Path=/ and no Domain, so no other host under the
    // same domain can set or shadow the session cookie. Browsers ignore such a cookie over http, hence the plain
    // name there.
    let cookie = if secure {
        "__Host-onramp_session"
    } else {
        "onramp_session"
    };
    let sessions = SessionManagerLayer::new(store)
        .with_name(cookie)
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )));
    let request_id = HeaderName::from_static("x-request-id");
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(axum::middleware::map_response_with_state(security::Https(secure), security::set_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), errors::render_error_pages))
        .layer(axum::middleware::from_fn_with_state(
            rate_limit::Limiter::new(config, SIGNIN_PATHS),
            rate_limit::limit,
        ))
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn_with_state(csrf::SiteOrigin(origin), csrf::same_origin_only))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes as usize))
        .layer(CompressionLayer::new())
        .layer(sessions);
    // Counted innermost, where the matched route is known (every route and the fallback pass it).
    let counted = axum::middleware::from_fn_with_state(state.metrics.clone(), metrics::track);
    routes
        .fallback(errors::fallback)
        .layer(counted)
        .layer(layers)
        .with_state(state)
}

pub fn router(state: AppState) -> Router {
    with_layers(routes(), state)
}
