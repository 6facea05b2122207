//! Running the service: its probes (alive, ready), stopping on SIGTERM with the work in hand finished, and the
//! backup of a SQLite database taken while it is written to.

use std::time::{Duration, Instant};

use chrono::Utc;
use onramp::db::email_outbox::{self, OutboxState};
use onramp::db::user_roles::Role;
use onramp_migration::{Migrator, MigratorTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::service_process::{ServiceProcess, mail_env, serve_if_child};
use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn healthz_says_alive_and_readyz_says_whether_the_schema_is_current() {
    let app = TestApp::start().await;
    let visitor = app.anonymous();
    assert_eq!(visitor.get("/healthz").await.body, "ok");
    let ready = visitor.get("/readyz").await;
    assert_eq!((ready.status, ready.body.as_str()), (200, "ready"));
    // One migration rolled back, as when a newer build has not migrated yet: alive, but not ready.
    Migrator::down(&app.db, Some(1))
        .await
        .expect("roll back one");
    assert_eq!(visitor.get("/readyz").await.status, 503);
    assert_eq!(
        onramp::database::readiness(&app.db).await,
        Err("1 migration(s) not applied yet".into()),
        "the reason, as the log says it"
    );
    assert_eq!(visitor.get("/healthz").await.status, 200);
    Migrator::up(&app.db, None).await.expect("migrate again");
    assert_eq!(visitor.get("/readyz").await.status, 200);
}

#[tokio::test]
async fn on_sigterm_the_service_finishes_its_mail_batch_and_exits_within_the_grace_period() {
    serve_if_child().await;
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = TestApp::start_without_demo_people().await;
    let n = 400;
    factory::welcomes(&app, n).await;
    let env = mail_env(&app, smtp.url(), &[("ONRAMP_SHUTDOWN_GRACE_SECS", "10")]);
    let name = "operations::on_sigterm_the_service_finishes_its_mail_batch_and_exits_within_the_grace_period";
    let mut first = ServiceProcess::start(name, &env);
    let deadline = Instant::now() + Duration::from_secs(30);
    while smtp.count() < 50 {
        assert!(Instant::now() < deadline, "no mail arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let asked = Instant::now();
    let status = first
        .terminate(Duration::from_secs(12))
        .expect("the service exits within its grace period");
    assert!(status.success(), "{status:?}");
    assert!(
        asked.elapsed() < Duration::from_secs(10),
        "{:?}",
        asked.elapsed()
    );
    // It finished the batch it held: nothing is left leased to wait five minutes for a taker.
    let held = email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(OutboxState::Pending))
        .filter(email_outbox::Column::LockedUntil.is_not_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(held, 0, "a batch was left unfinished");
    let sent_then = email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(OutboxState::Sent))
        .count(&app.db)
        .await
        .unwrap() as usize;
    assert!(
        sent_then < n,
        "it stopped before the end, or the test proves nothing"
    );
    assert_eq!(smtp.count(), sent_then, "what arrived is what was recorded");

    // The next instance sends the rest, and nothing twice.
    let _second = ServiceProcess::start(name, &env);
    smtp.wait_for(n).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let seen = smtp.arrivals();
    assert_eq!(seen.len(), n);
    assert!(seen.values().all(|&c| c == 1), "an email went out twice");
}

#[tokio::test]
async fn a_backup_taken_while_the_database_is_written_is_a_consistent_database() {
    let app = TestApp::start_without_demo_people().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("copy.db");
    let result = onramp::database::backup(&app.db, app.database_url(), &copy).await;
    if !app.database_url().starts_with("sqlite:") {
        let err = result.expect_err("PostgreSQL is backed up with its own tools");
        assert!(err.to_string().contains("pg_dump"), "{err}");
        return;
    }
    result.expect("the first copy");
    std::fs::remove_file(&copy).unwrap();
    for i in 0..100 {
        factory::person(&app, &format!("b{i}"), &[Role::Newcomer])
            .create()
            .await;
    }
    // The audit log grows while the copy is taken, from another connection pool, as the service would write.
    let writer = {
        let other = app.connect_again().await;
        tokio::spawn(async move {
            for i in 0..500 {
                onramp::services::audit::record(
                    &other,
                    None,
                    "test.write",
                    format!("row:{i}"),
                    serde_json::json!({}),
                    Utc::now(),
                )
                .await
                .expect("write while the copy is taken");
            }
        })
    };
    onramp::database::backup(&app.db, app.database_url(), &copy)
        .await
        .expect("copy while writing");
    writer.await.unwrap();
    let again = onramp::database::backup(&app.db, app.database_url(), &copy).await;
    assert!(again.unwrap_err().to_string().contains("exists already"));

    let copied = sea_orm::Database::connect(format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let check = copied
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(check.try_get_by_index::<String>(0).unwrap(), "ok");
    let people = onramp::db::users::Entity::find()
        .count(&copied)
        .await
        .unwrap();
    assert_eq!(
        people, 100,
        "every sign-up committed before the copy is in it"
    );
    // Of the rows written meanwhile, those committed before the copy's snapshot, and whole.
    let audit = onramp::db::audit_log::Entity::find()
        .filter(onramp::db::audit_log::Column::Action.eq("test.write"))
        .all(&copied)
        .await
        .unwrap();
    assert!(audit.len() <= 500);
    assert!(audit.iter().all(|a| a.subject.starts_with("row:")));
    assert!(
        Migrator::get_pending_migrations(&copied)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Three demo sign-ins, each claiming its own address in X-Forwarded-For; their statuses.
async fn sign_ins_claiming_addresses(app: &TestApp) -> Vec<u16> {
    app.create_user("rate-tester", &[Role::Newcomer]).await;
    let mut statuses = Vec::new();
    for claimed in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        let page = app
            .anonymous()
            .post_form_with(
                "/signin/demo",
                &[("login", "rate-tester")],
                &[("origin", app.base.as_str()), ("x-forwarded-for", claimed)],
            )
            .await;
        statuses.push(page.status);
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_sign_in_budget_and_no_one_else_picks_an_address()
 {
    let limited = |c: &mut onramp::config::Config| {
        c.signin_burst = 1;
        c.signin_rate_per_minute = 1;
    };
    // The test's requests come from 127.0.0.1: as a load balancer's would, when it is trusted.
    let behind = TestApp::builder()
        .config(|c| {
            limited(c);
            c.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        })
        .start()
        .await;
    assert_eq!(sign_ins_claiming_addresses(&behind).await, [303, 303, 303]);
    // Not trusted: the header is ignored, and all three share the one address's budget.
    let direct = TestApp::builder().config(limited).start().await;
    assert_eq!(sign_ins_claiming_addresses(&direct).await, [303, 429, 429]);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_queues_to_allowed_addresses_only() {
    let app = TestApp::start().await;
    let visitor = app.anonymous();
    visitor.get("/catalog").await;
    visitor.get("/catalog").await;
    visitor.get("/no/such/page").await;
    let nina = app.newcomer("nina").await;
    factory::welcome_email(&app, nina.user_id.unwrap()).await;
    let page = visitor.get("/metrics").await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{:?}",
        page.header("content-type")
    );
    let text = page.body;
    for line in [
        r#"onramp_http_requests_total{method="GET",route="/catalog",status="200"} 2"#,
        r#"onramp_http_requests_total{method="GET",route="unmatched",status="404"} 1"#,
        r#"onramp_http_request_duration_seconds_count{method="GET",route="/catalog"} 2"#,
        r#"onramp_outbox_emails{state="pending"} 1"#,
        r#"onramp_outbox_due 1"#,
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert!(text.contains(r#"onramp_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/catalog"}"#)
        || text.contains(r#"onramp_http_request_duration_seconds_bucket{method="GET",route="/catalog",le="0.001"}"#), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with(r#"onramp_jobs{state="pending"} "#)),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("onramp_job_lag_seconds ")),
        "{text}"
    );
    assert!(text.trim_end().ends_with("# EOF"));

    let elsewhere = TestApp::builder()
        .config(|c| c.metrics_allow = vec!["10.0.0.0/8".parse().unwrap()])
        .start()
        .await;
    assert_eq!(elsewhere.anonymous().get("/metrics").await.status, 403);
}
