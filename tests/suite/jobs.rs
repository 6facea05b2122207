//! The job queue: two workers over one database (two instances) run each due job exactly once; a failing job is
//! retried with back-off and stops after its maximum number of attempts; a job whose worker died is taken again
//! once its lease runs out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use onramp::db::jobs::{self, JobState};
use onramp::domain::jobs::backoff;
use onramp::jobs::{LEASE, Registry, Worker};
use onramp::services::queue::{self, NewJob, Outcome};
use sea_orm::{EntityTrait, QueryOrder};

use crate::support::TestApp;

type Runs = Arc<Mutex<HashMap<i64, Vec<&'static str>>>>;

/// A registry whose one kind records which worker ran which job, taking a little while like real work does.
fn recording(runs: Runs, worker: &'static str) -> Registry {
    Registry::default().on("test.record", move |ctx| {
        let runs = runs.clone();
        async move {
            let n = ctx.payload["n"].as_i64().unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            runs.lock().unwrap().entry(n).or_default().push(worker);
            Outcome::Done
        }
    })
}

#[tokio::test]
async fn two_workers_on_one_database_run_each_due_job_exactly_once() {
    let app = TestApp::start().await;
    let now = Utc::now();
    const JOBS: i64 = 120;
    for n in 0..JOBS {
        let job = NewJob::new("test.record", serde_json::json!({ "n": n }), now);
        assert!(queue::enqueue(&app.db, job, now).await.unwrap());
    }
    // One job not due yet, which neither may run.
    let later = NewJob::new(
        "test.record",
        serde_json::json!({ "n": -1 }),
        now + Duration::hours(1),
    );
    queue::enqueue(&app.db, later, now).await.unwrap();

    let runs: Runs = Default::default();
    let a = Worker::new(app.db.clone(), recording(runs.clone(), "a"), "instance-a");
    let b = Worker::new(
        app.connect_again().await,
        recording(runs.clone(), "b"),
        "instance-b",
    );
    let (ran_a, ran_b) = tokio::join!(a.run_due(now), b.run_due(now));
    let (ran_a, ran_b) = (ran_a.unwrap(), ran_b.unwrap());

    let runs = runs.lock().unwrap().clone();
    assert_eq!(ran_a + ran_b, JOBS as usize);
    assert!(
        ran_a > 0 && ran_b > 0,
        "both workers took jobs: {ran_a} and {ran_b}"
    );
    assert_eq!(runs.len(), JOBS as usize, "every due job ran");
    let twice: Vec<_> = runs.iter().filter(|(_, w)| w.len() != 1).collect();
    assert!(twice.is_empty(), "jobs run more than once: {twice:?}");
    assert!(!runs.contains_key(&-1), "a job that is not due ran");
    let counts = queue::counts(&app.db).await.unwrap();
    assert_eq!(
        (counts.done, counts.pending, counts.failed),
        (JOBS as u64, 1, 0)
    );
}

#[tokio::test]
async fn a_failing_job_is_retried_with_back_off_and_stops_after_its_last_attempt() {
    let app = TestApp::start().await;
    let t0 = Utc::now();
    let job = NewJob::new("test.fail", serde_json::json!({}), t0).max_attempts(3);
    queue::enqueue(&app.db, job, t0).await.unwrap();
    let worker = Worker::new(
        app.db.clone(),
        Registry::default().on("test.fail", |_| async {
            Outcome::Failed("mail server down".into())
        }),
        "w",
    );
    let row = || async { jobs::Entity::find().one(&app.db).await.unwrap().unwrap() };

    assert_eq!(worker.run_due(t0).await.unwrap(), 1);
    let after_one = row().await;
    assert_eq!(
        (after_one.state, after_one.attempts),
        (JobState::Pending, 1)
    );
    assert_eq!(after_one.last_error.as_deref(), Some("mail server down"));
    assert!(after_one.run_at >= t0 + backoff(1));
    // Not due again before its back-off.
    assert_eq!(
        worker
            .run_due(after_one.run_at - Duration::seconds(1))
            .await
            .unwrap(),
        0
    );
    let t1 = after_one.run_at;
    assert_eq!(worker.run_due(t1).await.unwrap(), 1);
    let after_two = row().await;
    assert_eq!(after_two.attempts, 2);
    assert!(after_two.run_at >= t1 + backoff(2), "the wait doubles");
    assert_eq!(worker.run_due(after_two.run_at).await.unwrap(), 1);
    let last = row().await;
    assert_eq!((last.state, last.attempts), (JobState::Failed, 3));
    assert!(last.finished_at.is_some());
    // A failed job is kept, and never run again.
    assert_eq!(
        worker
            .run_due(last.run_at + Duration::days(1))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn a_job_of_an_unknown_kind_fails_with_a_message() {
    let app = TestApp::start().await;
    let now = Utc::now();
    let job = NewJob::new("no.such.kind", serde_json::json!({}), now).max_attempts(1);
    queue::enqueue(&app.db, job, now).await.unwrap();
    Worker::new(app.db.clone(), Registry::default(), "w")
        .run_due(now)
        .await
        .unwrap();
    let row = jobs::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.state, JobState::Failed);
    assert_eq!(
        row.last_error.as_deref(),
        Some("no handler for job kind \"no.such.kind\"")
    );
}

#[tokio::test]
async fn a_job_whose_worker_died_is_taken_again_after_its_lease_and_a_key_is_queued_once() {
    let app = TestApp::start().await;
    let now = Utc::now();
    let job = || {
        NewJob::new("test.record", serde_json::json!({ "n": 7 }), now).once_for("thing:7".into())
    };
    assert!(queue::enqueue(&app.db, job(), now).await.unwrap());
    assert!(
        !queue::enqueue(&app.db, job(), now).await.unwrap(),
        "the same key is queued once"
    );
    // A worker takes it and dies before finishing.
    let taken = queue::take(&app.db, "dead", now, LEASE)
        .await
        .unwrap()
        .expect("due");
    assert_eq!(taken.attempt, 1);
    let runs: Runs = Default::default();
    let alive = Worker::new(app.db.clone(), recording(runs.clone(), "alive"), "alive");
    assert_eq!(
        alive
            .run_due(now + LEASE - Duration::seconds(1))
            .await
            .unwrap(),
        0,
        "still leased"
    );
    assert_eq!(alive.run_due(now + LEASE).await.unwrap(), 1);
    assert_eq!(runs.lock().unwrap()[&7], ["alive"]);
    // The dead worker's late report changes nothing.
    assert!(
        !queue::finish(
            &app.db,
            &taken,
            "dead",
            &Outcome::Failed("late".into()),
            now
        )
        .await
        .unwrap()
    );
    let rows = jobs::Entity::find()
        .order_by_asc(jobs::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].state, rows[0].attempts, rows[0].last_error.clone()),
        (JobState::Done, 2, None)
    );
}
