//! Runs every migration up, exercises the invariants the schema is responsible for, then down to
//! nothing and up again. Always on SQLite; also on the PostgreSQL server that
//! `ONRAMP_TEST_POSTGRES_URL` (or `ONRAMP_TEST_DATABASE_URL`) names, in a fresh database created
//! there and dropped afterwards; without one, CI fails and a local run skips (see `postgres_only`).

use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::Duration;

use onramp_migration::sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, SqlErr,
};
use onramp_migration::{Migrator, MigratorTrait, SchemaManager};

#[path = "../../tests/shared/postgres_only.rs"]
mod postgres_only;

const TABLES: &[&str] = &[
    "users",
    "user_roles",
    "sessions",
    "newcomer_profiles",
    "mentor_profiles",
    "user_languages",
    "areas",
    "user_areas",
    "tasks",
    "task_prerequisites",
    "milestones",
    "matching_rounds",
    "round_proposals",
    "mentorships",
    "claims",
    "progress_events",
    "check_ins",
    "check_in_replies",
    "email_outbox",
    "notification_settings",
    "audit_log",
    "organizer_logins",
    "mentor_passes",
    "task_offers",
    "events",
    "jobs",
    "progress_comments",
    "progress_reports",
];

const PARTIAL_INDEXES: &[(&str, &str)] = &[
    ("claims", "claims_one_active_per_task"),
    ("mentorships", "mentorships_one_open_per_newcomer"),
];

#[tokio::test]
async fn up_down_up_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("onramp.sqlite");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let db = connect(&url).await;
    exercise(&db).await;
    db.close().await.expect("close SQLite");
}

#[tokio::test]
async fn up_down_up_on_postgres() {
    let Some(admin_url) = postgres_only::server_url("up_down_up_on_postgres") else {
        return;
    };
    // A server that is configured but unreachable is a failure, not a skip: connect() panics.
    let admin = connect(&admin_url).await;
    let name = format!(
        "onramp_mig_{:016x}",
        RandomState::new().build_hasher().finish()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create scratch database");

    let mut url = url::Url::parse(&admin_url).expect("the PostgreSQL server is a URL");
    url.set_path(&format!("/{name}"));
    // Run in a separate task so that a failed assertion still lets us drop the database.
    let outcome = tokio::spawn(async move {
        let db = connect(url.as_str()).await;
        exercise(&db).await;
        db.close().await.expect("close PostgreSQL");
    })
    .await;

    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop scratch database");
    admin.close().await.expect("close admin connection");
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

async fn connect(url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url);
    // sqlx would otherwise wait 30 s for a server that is not there.
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .max_connections(2)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .unwrap_or_else(|err| panic!("cannot connect to {url}: {err}"))
}

async fn exercise(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("migrate up");
    assert_schema_present(db).await;
    check_invariants(db).await;

    Migrator::down(db, None).await.expect("migrate down");
    assert!(
        Migrator::get_applied_migrations(db)
            .await
            .expect("migration status")
            .is_empty()
    );
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert!(
            !manager.has_table(table).await.expect("has_table"),
            "{table} survived migrating down"
        );
    }

    Migrator::up(db, None).await.expect("migrate up again");
    assert_schema_present(db).await;
}

async fn assert_schema_present(db: &DatabaseConnection) {
    let manager = SchemaManager::new(db);
    for table in TABLES {
        assert!(
            manager.has_table(table).await.expect("has_table"),
            "{table} missing"
        );
    }
    for (table, index) in PARTIAL_INDEXES {
        assert!(
            manager.has_index(table, index).await.expect("has_index"),
            "{index} missing"
        );
    }
    assert_eq!(
        Migrator::get_pending_migrations(db)
            .await
            .expect("migration status")
            .len(),
        0
    );
}

async fn check_invariants(db: &DatabaseConnection) {
    // Times are plain literals here; the application binds them from Rust.
    const T: &str = "'2026-11-24 10:00:00+00:00'";
    for login in ["ann", "bob", "cyd"] {
        exec(
            db,
            &format!(
                "INSERT INTO users (github_login, is_demo, created_at) VALUES ('{login}', TRUE, {T})"
            ),
        )
        .await
        .expect("insert user");
    }
    exec(
        db,
        "INSERT INTO areas (slug, name, description) VALUES ('gpu', 'GPU', '')",
    )
    .await
    .expect("insert area");
    for slug in ["t1", "t2"] {
        exec(db, &insert_task(slug, "open"))
            .await
            .expect("insert task");
    }

    // One active claim per task.
    exec(db, &insert_claim("t1", "ann", "active"))
        .await
        .expect("first active claim");
    let err = exec(db, &insert_claim("t1", "bob", "active"))
        .await
        .expect_err("a second active claim on the same task must be rejected");
    assert_unique_violation(&err);
    exec(db, &insert_claim("t1", "bob", "released"))
        .await
        .expect("inactive claims do not count");
    exec(db, &insert_claim("t2", "bob", "active"))
        .await
        .expect("another task can be claimed");
    exec(
        db,
        "UPDATE claims SET state = 'completed' WHERE state = 'active' AND task_id = \
         (SELECT id FROM tasks WHERE slug = 't1')",
    )
    .await
    .expect("end the claim");
    exec(db, &insert_claim("t1", "cyd", "active"))
        .await
        .expect("a task is claimable again once its claim ended");

    // One proposed-or-active mentorship per newcomer.
    exec(db, &insert_mentorship("ann", "bob", "proposed"))
        .await
        .expect("first mentorship");
    let err = exec(db, &insert_mentorship("ann", "cyd", "active"))
        .await
        .expect_err("a second open mentorship must be rejected");
    assert_unique_violation(&err);
    exec(db, &insert_mentorship("ann", "cyd", "ended"))
        .await
        .expect("ended mentorships do not count");

    // CHECK constraints and foreign keys are in force on this backend.
    let err = exec(db, &insert_task("t3", "bogus"))
        .await
        .expect_err("unknown task state must be rejected");
    assert_check_violation(&err);
    let err = exec(
        db,
        "INSERT INTO claims (task_id, newcomer_id, state, claimed_at, expires_at) \
         SELECT id, 999999, 'released', '2026-11-24 10:00:00+00:00', \
         '2026-12-24 10:00:00+00:00' FROM tasks WHERE slug = 't1'",
    )
    .await
    .expect_err("a claim by a missing user must be rejected");
    assert!(
        matches!(
            err.sql_err(),
            Some(SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "expected a foreign key violation, got {err}"
    );
    let err = exec(
        db,
        "INSERT INTO task_prerequisites (task_id, requires_id) \
         SELECT id, id FROM tasks WHERE slug = 't1'",
    )
    .await
    .expect_err("a task cannot require itself");
    assert_check_violation(&err);

    // Deleting a user takes their owned rows with them.
    exec(db, "DELETE FROM users WHERE github_login = 'ann'")
        .await
        .expect("delete user");
    let remaining = db
        .query_one_raw(onramp_migration::sea_orm::Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM mentorships",
        ))
        .await
        .expect("count mentorships")
        .expect("a row");
    assert_eq!(remaining.try_get::<i64>("", "n").expect("n"), 0);
}

fn insert_task(slug: &str, state: &str) -> String {
    format!(
        "INSERT INTO tasks (slug, kind, area_id, title, description, difficulty, skills, \
         external_prerequisites, source_url, upstream_issue, state, created_at, updated_at) \
         SELECT '{slug}', 'driver', id, 'Title', '', 'starter', 'rust,c', '', \
         'https://example.org', FALSE, '{state}', '2026-11-24 10:00:00+00:00', \
         '2026-11-24 10:00:00+00:00' FROM areas WHERE slug = 'gpu'"
    )
}

fn insert_claim(task: &str, newcomer: &str, state: &str) -> String {
    format!(
        "INSERT INTO claims (task_id, newcomer_id, state, claimed_at, expires_at) VALUES (\
         (SELECT id FROM tasks WHERE slug = '{task}'), \
         (SELECT id FROM users WHERE github_login = '{newcomer}'), \
         '{state}', '2026-11-24 10:00:00+00:00', '2026-12-24 10:00:00+00:00')"
    )
}

fn insert_mentorship(newcomer: &str, mentor: &str, state: &str) -> String {
    format!(
        "INSERT INTO mentorships (newcomer_id, mentor_id, state, score, explanation, proposed_at) \
         VALUES ((SELECT id FROM users WHERE github_login = '{newcomer}'), \
         (SELECT id FROM users WHERE github_login = '{mentor}'), \
         '{state}', 0, '{{}}', '2026-11-24 10:00:00+00:00')"
    )
}

async fn exec(db: &DatabaseConnection, sql: &str) -> Result<(), DbErr> {
    db.execute_unprepared(sql).await.map(drop)
}

fn assert_unique_violation(err: &DbErr) {
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "expected a unique violation, got {err}"
    );
}

fn assert_check_violation(err: &DbErr) {
    assert!(
        err.to_string().to_lowercase().contains("check constraint"),
        "expected a CHECK violation, got {err}"
    );
}
