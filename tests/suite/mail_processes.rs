//! Mail delivery across processes: the service killed with SIGKILL in the middle of a batch and started again
//! loses no email and sends at most one batch twice (the documented at-least-once window), and two service
//! processes on one database send no email twice. The services are real processes (`support::service_process`)
//! sending to a real SMTP server on loopback.

use std::time::{Duration, Instant};

use onramp::db::email_outbox::{self, OutboxState};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::service_process::{ServiceProcess, mail_env, serve_if_child};
use crate::support::smtp::SmtpServer;
use crate::support::{TestApp, factory};

/// The batch `mail_env` sets.
const BATCH: usize = 25;

/// A dead instance's batch is taken over after two seconds instead of five minutes.
fn service_env(app: &TestApp, smtp: &SmtpServer) -> Vec<(&'static str, String)> {
    mail_env(app, smtp.url(), &[("ONRAMP_MAIL_LEASE_SECS", "2")])
}

async fn sent(app: &TestApp) -> u64 {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(OutboxState::Sent))
        .count(&app.db)
        .await
        .unwrap()
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn killed_mid_batch_and_restarted_it_loses_nothing_and_resends_at_most_one_batch() {
    serve_if_child().await;
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = TestApp::start_without_demo_people().await;
    let n = 400;
    factory::welcomes(&app, n).await;
    let env = service_env(&app, &smtp);
    let name = "mail_processes::killed_mid_batch_and_restarted_it_loses_nothing_and_resends_at_most_one_batch";
    let mut first = ServiceProcess::start(name, &env);
    // Kill it while it is sending: some mail out, most not.
    wait_until("the first emails arrive", async || smtp.count() >= 60).await;
    first.kill();
    let at_kill = smtp.count();
    assert!(
        at_kill < n,
        "the kill came after everything was sent; the test proves nothing"
    );
    let recorded = sent(&app).await;
    assert!(
        (recorded as usize) <= at_kill,
        "rows are marked sent only after the server took them"
    );

    let _second = ServiceProcess::start(name, &env);
    wait_until("every email is marked sent", async || {
        sent(&app).await == n as u64
    })
    .await;
    smtp.wait_for(n).await;
    let seen = smtp.arrivals();
    // None lost: every row's Message-ID arrived.
    let rows = email_outbox::Entity::find().all(&app.db).await.unwrap();
    for row in &rows {
        let id = row
            .message_id
            .as_deref()
            .expect("sent rows keep their Message-ID");
        assert!(
            seen.contains_key(id.trim_matches(['<', '>'])),
            "{id} never arrived"
        );
    }
    // Duplicates only within the window: what the killed instance had in flight, at most a batch.
    let twice: usize = seen.values().map(|c| c - 1).sum();
    assert!(
        twice <= BATCH,
        "{twice} emails arrived twice; the at-least-once window is one batch of {BATCH}"
    );
    assert_eq!(seen.len(), n);
}

#[tokio::test]
async fn two_service_processes_on_one_database_send_no_email_twice() {
    serve_if_child().await;
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let app = TestApp::start_without_demo_people().await;
    let n = 300;
    factory::welcomes(&app, n).await;
    let env = service_env(&app, &smtp);
    let name = "mail_processes::two_service_processes_on_one_database_send_no_email_twice";
    let _a = ServiceProcess::start(name, &env);
    let _b = ServiceProcess::start(name, &env);
    wait_until("every email is marked sent", async || {
        sent(&app).await == n as u64
    })
    .await;
    smtp.wait_for(n).await;
    // Give a second copy the time it would need to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = smtp.arrivals();
    assert_eq!(seen.len(), n);
    assert!(seen.values().all(|&c| c == 1), "an email arrived twice");
    assert_eq!(smtp.count(), n);
    // Both instances took part (a sent row keeps its sender's name), or the test proved nothing about two at once.
    let senders: std::collections::HashSet<Option<String>> = email_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.locked_by)
        .collect();
    assert_eq!(senders.len(), 2, "{senders:?}");
}
