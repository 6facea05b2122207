//! `TestApp`: the real router served on loopback over a fresh database, with ready actors.
//!
//! The database is a new SQLite file per test, or, when `ONRAMP_TEST_DATABASE_URL` names a PostgreSQL server
//! (e.g. postgres://postgres@127.0.0.1:5432/postgres), a new database on that server per test. The whole suite
//! runs on whichever backend is selected; CI runs it once on each. A PostgreSQL URL that cannot be reached fails
//! the test: it never falls back to SQLite.

pub mod actor;
pub mod browser;
pub mod factory;
pub mod fake_github;
mod html;
pub mod service_process;
pub mod smtp;
pub mod snapshot;
pub mod time_passes;

use std::path::PathBuf;
use std::sync::Arc;

use onramp::app::{self, AppState};
use onramp::config::Config;
use onramp::db::user_roles::Role;
use onramp::db::users;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, QueryFilter,
};
use tokio::net::TcpListener;

pub use actor::{Actor, Page};
pub use html::assert_one_winner;

pub const PG_ENV: &str = "ONRAMP_TEST_DATABASE_URL";

/// Text as the templates escape it (minijinja also escapes `/` and quotes).
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The repository's root, where `seed-data/` lives.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// A writable copy of the repository's catalog (`seed-data/`), for tests that change it.
pub fn copy_catalog() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = repo_root().join("seed-data");
    std::fs::create_dir(dir.path().join("tasks")).expect("tasks dir");
    for name in ["areas.toml", "milestones.toml", "people.toml"] {
        std::fs::copy(src.join(name), dir.path().join(name)).expect("copy catalog file");
    }
    for e in std::fs::read_dir(src.join("tasks")).expect("seed tasks") {
        let p = e.expect("dir entry").path();
        std::fs::copy(&p, dir.path().join("tasks").join(p.file_name().unwrap()))
            .expect("copy tasks file");
    }
    dir
}

/// A database made for one test: a temporary SQLite file, or a fresh PostgreSQL database dropped afterwards.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn new() -> TestDb {
        match std::env::var(PG_ENV) {
            Ok(server) if !server.is_empty() => {
                let name = format!("onramp_test_{}", uuid_like());
                let admin = Database::connect(&server).await.unwrap_or_else(|e| {
                    panic!("{PG_ENV}={server} is set but the server cannot be reached: {e}")
                });
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let mut url = url::Url::parse(&server).expect("a PostgreSQL URL");
                url.set_path(&name);
                TestDb {
                    url: url.to_string(),
                    _dir: None,
                    pg: Some((server, name)),
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("onramp.db").display());
                TestDb {
                    url,
                    _dir: Some(dir),
                    pg: None,
                }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.pg.take() else {
            return;
        };
        // Drop runs outside async context; a short-lived runtime on its own thread removes the database.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let admin = Database::connect(&server).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub struct TestAppBuilder {
    config: Config,
    routes: axum::Router<AppState>,
}

impl TestAppBuilder {
    /// Change the configuration before start-up.
    pub fn config(mut self, f: impl FnOnce(&mut Config)) -> Self {
        f(&mut self.config);
        self
    }

    /// Add routes of the test's own (probes) inside the real layers.
    pub fn extra_routes(mut self, routes: axum::Router<AppState>) -> Self {
        self.routes = self.routes.merge(routes);
        self
    }

    pub async fn start(self) -> TestApp {
        // Errors logged by the service show up beside a failing test's output (RUST_LOG overrides).
        let filter = tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
        let db_guard = TestDb::new().await;
        let mut config = self.config;
        config.database_url = db_guard.url.clone().into();
        let db = app::prepare(&config)
            .await
            .expect("start-up (migrate, import) succeeds");
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().unwrap();
        // Tests that need a particular public URL (https) set it; otherwise the site is where it listens.
        if config.base_url.is_none() {
            config.base_url = Some(format!("http://{addr}").parse().unwrap());
        }
        let state = AppState::new(db.clone(), config);
        let server = Server::spawn(
            listener,
            onramp::web::with_layers(self.routes, state.clone()),
        );
        TestApp {
            base: server.base.clone(),
            db,
            state,
            _db: Arc::new(db_guard),
            server,
        }
    }
}

/// A running server on loopback; stopped when dropped.
pub struct Server {
    pub base: String,
    handle: tokio::task::JoinHandle<()>,
}

impl Server {
    fn spawn(listener: TcpListener, router: axum::Router) -> Server {
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            // As in production: the peer address keys the sign-in rate limit.
            let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
            axum::serve(listener, service).await.expect("server runs");
        });
        Server { base, handle }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

pub struct TestApp {
    pub base: String,
    pub db: DatabaseConnection,
    pub state: AppState,
    _db: Arc<TestDb>,
    #[allow(dead_code)] // kept for its Drop, which stops the server
    server: Server,
}

impl TestApp {
    /// The configuration a test starts from: demo mode, the repository's seed catalog, no GitHub.
    pub fn builder() -> TestAppBuilder {
        let mut config = Config::defaults();
        config.catalog_dir = repo_root().join("seed-data");
        // Every actor of a test signs in from 127.0.0.1 within milliseconds; the rate-limit tests set their own.
        config.signin_burst = 10_000;
        TestAppBuilder {
            config,
            routes: onramp::web::routes(),
        }
    }

    pub async fn start() -> TestApp {
        Self::builder().start().await
    }

    /// A second instance of the service over the same database, with fresh state (a restart, or a second node).
    pub async fn another_instance(&self) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let state = AppState::new(self.db.clone(), (*self.state.config).clone());
        Server::spawn(listener, onramp::web::router(state))
    }

    /// The test database's URL, for a service process of its own (see `service_process`).
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// A second connection pool to the test's database, as another instance of the service would open.
    pub async fn connect_again(&self) -> DatabaseConnection {
        onramp::database::connect(&self._db.url)
            .await
            .expect("connect to the test database again")
    }

    /// A test app without the demo people, so a matching round or a queue sees only the people a test makes.
    pub async fn start_without_demo_people() -> TestApp {
        let app = Self::start().await;
        users::Entity::delete_many()
            .filter(users::Column::GithubLogin.starts_with("demo-"))
            .exec(&app.db)
            .await
            .expect("remove the demo people");
        app
    }

    /// Run every background job due at `now` (a time in the future shows what the passing days do), as the
    /// worker each instance runs would; returns how many runs there were.
    pub async fn run_jobs_at(&self, now: chrono::DateTime<chrono::Utc>) -> usize {
        let registry = onramp::jobs::standard(
            self.state.config.claims(),
            self.state.config.reports(),
            self.state.config.nudge_policies(),
        );
        onramp::jobs::Worker::new(self.db.clone(), registry, "test-worker")
            .run_due(now)
            .await
            .expect("run the due jobs")
    }

    /// Send every email due at `now` (a later time lets nudges' daytime and retries' back-off pass), as the
    /// delivery worker each instance runs would.
    pub async fn deliver_mail_at(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> onramp::mail::Delivered {
        self.state
            .mailer
            .deliver_due(&self.db, "test-mailer", now)
            .await
            .expect("deliver the due mail")
    }

    pub fn anonymous(&self) -> Actor {
        Actor::new(&self.base)
    }

    /// A signed-in newcomer with a profile (no languages or areas: see `factory::newcomer` for those).
    pub async fn newcomer(&self, login: &str) -> Actor {
        factory::newcomer(self, login).sign_in().await
    }

    /// A signed-in, approved mentor accepting mentees.
    pub async fn mentor(&self, login: &str) -> Actor {
        factory::mentor(self, login).sign_in().await
    }

    pub async fn organizer(&self, login: &str) -> Actor {
        factory::organizer(self, login).sign_in().await
    }

    /// A demo person with these roles (and a profile for each), signed in through the real sign-in page.
    pub async fn person(&self, login: &str, roles: &[Role]) -> Actor {
        factory::person(self, login, roles).sign_in().await
    }

    /// A demo person with these roles (and a profile for each), not signed in.
    pub async fn create_user(&self, login: &str, roles: &[Role]) -> users::Model {
        factory::person(self, login, roles).create().await
    }
}
