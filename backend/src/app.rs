//! Building the service: state, start-up work (migrations, first catalog import, demo people), serving, and
//! stopping in order (see `shutdown`).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;
use tower_sessions::session_store::ExpiredDeletion;

use crate::assets::Assets;
use crate::auth::session_store::DbSessionStore;
use crate::config::Config;
use crate::db::{areas, tasks};
use crate::mail::{Composer, Mailer, Signer, Transport};
use crate::services::suggestions::{PoolCache, SuggestionCache};
use crate::services::{catalog_import, demo_people};
use crate::templates::Templates;
use crate::web::catalog_cache::CatalogCache;
use crate::{database, jobs, shutdown, web};

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub templates: Arc<Templates>,
    /// The rendered catalog, rebuilt when the catalog changes.
    pub catalog: Arc<CatalogCache>,
    /// The matching pool behind suggestions, reloaded when it changes.
    pub pool: Arc<PoolCache>,
    /// Each newcomer's suggestions, recomputed when the pool or their profile changes.
    pub suggestions: Arc<SuggestionCache>,
    /// Everyone's derived progress, kept for a minute.
    pub progress: Arc<crate::services::progress::ProgressCache>,
    /// The programme dashboard of each filter, kept for a minute.
    pub dashboards: Arc<crate::services::programme_dashboard::DashboardCache>,
    /// Writes and sends email (SMTP, or kept locally in demo mode).
    pub mailer: Arc<Mailer>,
    /// What `/metrics` serves.
    pub metrics: Arc<crate::web::metrics::Metrics>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config) -> AppState {
        let assets = Assets::load();
        let templates = Arc::new(Templates::new(&assets));
        AppState {
            db,
            mailer: Arc::new(mailer(&config, templates.clone())),
            config: Arc::new(config),
            templates,
            catalog: Arc::new(CatalogCache::default()),
            pool: Arc::new(PoolCache::default()),
            suggestions: Arc::new(SuggestionCache::default()),
            progress: Arc::default(),
            dashboards: Arc::default(),
            metrics: Arc::default(),
        }
    }
}

/// The mail side of the service from its configuration (whose values were checked when it was read).
pub fn mailer(config: &Config, templates: Arc<Templates>) -> Mailer {
    let from = config
        .mail_from
        .parse()
        .expect("ONRAMP_MAIL_FROM was checked when the configuration was read");
    let composer = Composer::new(
        templates,
        from,
        config.base_url(),
        Signer::new(&config.email_signing_key()),
    );
    let settings = config.delivery();
    let transport = match &config.smtp_url {
        Some(url) => Transport::smtp(
            url.expose(),
            settings.concurrency as u32,
            std::time::Duration::from_secs(30),
        )
        .expect("ONRAMP_SMTP_URL was checked when the configuration was read"),
        None => Transport::Local,
    };
    Mailer {
        composer,
        transport,
        settings,
    }
}

/// Connect, migrate, import the catalog when the database has none, and write the demo people in demo mode.
pub async fn prepare(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    if config.import_on_start && tasks::Entity::find().count(&db).await? == 0 {
        let report = catalog_import::import_dir(&db, &config.catalog_dir, Utc::now())
            .await
            .with_context(|| {
                format!(
                    "importing the catalog from {}",
                    config.catalog_dir.display()
                )
            })?;
        tracing::info!(
            added = report.added.len(),
            "catalog imported on first start"
        );
    }
    if config.demo_mode() {
        // Demo people name catalog areas as their interests, so they come after the catalog.
        if areas::Entity::find().count(&db).await? == 0 {
            tracing::warn!(
                "demo mode without a catalog: run `onramp import-catalog` to get the demo people"
            );
        } else {
            let people = config.catalog_dir.join("people.toml");
            let n = demo_people::import_file(&db, &people, Utc::now()).await?;
            tracing::info!(people = n, "demo mode: demo people ready at /signin");
        }
    }
    Ok(db)
}

/// Run the service until Ctrl-C or SIGTERM.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let missing = config.production_problems();
    if !missing.is_empty() {
        anyhow::bail!(
            "GitHub sign-in is configured, so this is production, which needs: {}",
            missing.join(", ")
        );
    }
    let db = prepare(&config).await?;
    let listener = TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("listening on {}", config.bind))?;
    let base = config.base_url();
    if config.demo_mode() {
        tracing::warn!(
            "no GitHub app configured (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET): running in demo mode"
        );
    }
    tracing::info!(database = %database::redact(&config.database_url), "Onramp listening on {base}");
    tokio::spawn(delete_expired_sessions(DbSessionStore::new(
        db.clone(),
        config.session_max_age(),
    )));
    // Each instance runs one worker; the queue keeps several instances from running a job twice.
    // The hourly pass that drafts progress reports keeps itself going; each start queues one in case it stopped.
    // So does the nudge pass.
    crate::services::reports::schedule_next_pass(&db, chrono::Utc::now()).await?;
    crate::services::nudges::schedule_next_pass(&db, chrono::Utc::now()).await?;
    let (stop, stopping) = shutdown::channel();
    let worker = jobs::Worker::new(
        db.clone(),
        jobs::standard(config.claims(), config.reports(), config.nudge_policies()),
        worker_name(),
    );
    let jobs_done = tokio::spawn(worker.run_until(
        std::time::Duration::from_secs(config.job_poll_secs),
        stopping.clone(),
    ));
    let grace = std::time::Duration::from_secs(config.shutdown_grace_secs);
    let state = AppState::new(db.clone(), config);
    if state.mailer.transport.is_local() {
        tracing::warn!(
            "no mail server configured (ONRAMP_SMTP_URL): mail stays local, at /dev/mail"
        );
    }
    // Each instance sends from the outbox too; leases keep two instances from sending one email.
    let mail_done = tokio::spawn(state.mailer.clone().run_until(
        db,
        worker_name(),
        std::time::Duration::from_millis(state.config.mail_poll_ms),
        stopping.clone(),
    ));
    let router = web::router(state);
    // The peer address keys the sign-in rate limit.
    let service = router.into_make_service_with_connect_info::<SocketAddr>();
    let mut stopped = stopping.clone();
    let server = tokio::spawn(
        axum::serve(listener, service)
            .with_graceful_shutdown(async move { stopped.wait().await })
            .into_future(),
    );
    shutdown::signal().await;
    tracing::info!(
        grace_secs = grace.as_secs(),
        "stopping: no new connections; finishing the requests in flight and the work in hand"
    );
    stop.now();
    let finished = async {
        let served = server.await;
        let _ = tokio::join!(jobs_done, mail_done);
        served
    };
    match tokio::time::timeout(grace, finished).await {
        Ok(Ok(served)) => served?,
        Ok(Err(panicked)) => anyhow::bail!("the server task failed: {panicked}"),
        Err(_) => tracing::warn!("the grace period ran out; exiting with work unfinished"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// This instance's name on the jobs it holds: the host and the process, so an operator can tell whose lease it is.
fn worker_name() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "onramp".into());
    format!("{host}:{}", std::process::id())
}

/// Expired sessions are never loaded, but their rows would pile up; remove them hourly.
async fn delete_expired_sessions(store: DbSessionStore) {
    let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every_hour.tick().await;
        if let Err(err) = store.delete_expired().await {
            tracing::warn!(error = %err, "deleting expired sessions failed; will retry");
        }
    }
}
