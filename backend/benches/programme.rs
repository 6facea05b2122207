//! The programme at scale through the real router (every layer, a signed-in organizer's session): on a fresh
//! database, migrate, import the catalog, seed 10,000 newcomers and 2,000 mentors, add tasks up to 500,
//! mentorships for most newcomers, claims, about 200,000 progress events (milestone records, check-ins and
//! events rows) and a progress report per mentorship and ended period, inserted in bulk; then
//!
//! - the programme dashboard (everyone, a cohort, an area, a mentor) and the review queue, 20 times each:
//!   median and p95 time, and size;
//! - `GET /organizer/exports/newcomers.csv` three times: time to the headers, time to the last byte, bytes;
//! - the JSON, a cohort's CSV, and the mentorships and claims CSVs once each;
//!
//! and the process's peak resident memory so far (`VmHWM` from /proc/self/status) after each, with its resident
//! memory when the request started. The requests run in a process of their own (this program again, with
//! `ONRAMP_BENCH_MEASURE_URL` naming the seeded database), so the seeding's memory is not counted: that process
//! is what a server that has just started would be.
//!
//! Run: `cargo bench -p onramp --bench programme`. It runs on SQLite (a temporary file); with
//! `ONRAMP_BENCH_DATABASE_URL=postgres://USER@HOST:PORT/DB` it runs again on a fresh database made on that
//! server (and dropped afterwards). Sizes: ONRAMP_BENCH_NEWCOMERS, ONRAMP_BENCH_MENTORS. Asserts nothing about
//! time (targets: the dashboard and the review queue under 100 ms median, the newcomers CSV under 2 s, the process
//! under 150 MB).

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;
use support::{env_usize, ms, organizer, sign_in, spread_sign_ups, with_peer};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Months, Utc};
use futures_util::StreamExt;
use onramp::app::AppState;
use onramp::config::Config;
use onramp::db::claims::ClaimState;
use onramp::db::events::EventKind;
use onramp::db::mentorships::{MentorshipOrigin, MentorshipState};
use onramp::db::progress_events::MilestoneState;
use onramp::db::progress_reports::{self, Assessment, ReportState};
use onramp::db::tasks::{Difficulty, TaskKind, TaskState};
use onramp::db::{
    areas, check_ins, claims, events, mentorships, milestones, progress_events, tasks, users,
};
use onramp::domain::reports::ReportPolicy;
use onramp::services::{catalog_import, synthetic};
use onramp::{database, web};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use tower::ServiceExt;

const TASKS: usize = 500;
/// Set for the child process that only measures.
const MEASURE_URL: &str = "ONRAMP_BENCH_MEASURE_URL";
const CHUNK: usize = 500;

fn main() -> anyhow::Result<()> {
    let newcomers = env_usize("ONRAMP_BENCH_NEWCOMERS", 10_000);
    let mentors = env_usize("ONRAMP_BENCH_MENTORS", 2_000);
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .init();
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            if let Ok(url) = std::env::var(MEASURE_URL) {
                return measure(&url).await;
            }
            support::on_each_database("bench_programme", |backend, url| async move {
                run(backend, &url, newcomers, mentors).await
            })
            .await
        })
}

async fn run(backend: &str, url: &str, newcomers: usize, mentors: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let db = database::connect(url).await?;
    database::migrate(&db).await.context("migrate")?;
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seed-data");
    catalog_import::import_dir(&db, &catalog, Utc::now())
        .await
        .context("import the catalog")?;
    synthetic::seed_synthetic(&db, newcomers, mentors, 1)
        .await
        .context("seed")?;
    spread_sign_ups(&db, 1).await.context("spread sign-ups")?;
    let made = programme_history(&db).await.context("history")?;
    organizer(&db).await.context("organizer")?;
    db.close().await?;
    println!(
        "\nProgramme ({backend}: {} newcomers + {} mentors, {} tasks, {} mentorships, {} claims, {} progress events = \
         {} milestone records + {} check-ins + {} events rows, {} reports; set-up {:.1} s)\n",
        newcomers,
        mentors,
        made.tasks,
        made.mentorships,
        made.claims,
        made.records + made.check_ins + made.events,
        made.records,
        made.check_ins,
        made.events,
        made.reports,
        t.elapsed().as_secs_f64()
    );
    let status = std::process::Command::new(std::env::current_exe()?)
        .env(MEASURE_URL, url)
        .status()
        .context("run the measuring process")?;
    anyhow::ensure!(status.success(), "the measuring process failed: {status}");
    Ok(())
}

/// In a fresh process: the router over the seeded database, a signed-in organizer, and the exports.
async fn measure(url: &str) -> anyhow::Result<()> {
    let db = database::connect(url).await?;
    let mut config = Config::defaults();
    config.catalog_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seed-data");
    config.database_url = url.to_string().into();
    let router = web::router(AppState::new(db.clone(), config));
    let cookie = sign_in(&router).await?;
    let cohort = (Utc::now() - Months::new(3)).format("%Y-%m").to_string();

    let area = areas::Entity::find()
        .one(&db)
        .await?
        .context("an area")?
        .slug;
    let mentor: i32 = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::MentorId)
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .into_tuple()
        .one(&db)
        .await?
        .context("a mentor")?;
    println!("| page | first ms | median ms | p95 ms | KB |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for path in [
        "/organizer/dashboard".to_string(),
        format!("/organizer/dashboard?cohort={cohort}"),
        format!("/organizer/dashboard?area={area}"),
        format!("/organizer/dashboard?mentor={mentor}"),
        "/organizer/reports".to_string(),
    ] {
        let (first, median, p95, bytes) = page_times(&router, &path, &cookie, 20).await?;
        println!(
            "| {path} | {first:.1} | {median:.1} | {p95:.1} | {:.0} |{}",
            bytes as f64 / 1024.0,
            if median < 100.0 {
                ""
            } else {
                " **over target**"
            }
        );
    }
    println!();

    let mut rows = Vec::new();
    let mut runs = Vec::new();
    for n in 1..=3 {
        let m = export(&router, "/organizer/exports/newcomers.csv", &cookie).await?;
        rows.push((format!("newcomers.csv, run {n}"), m.clone()));
        runs.push(m);
    }
    for path in [
        "/organizer/exports/newcomers.json".to_string(),
        format!("/organizer/exports/newcomers.csv?cohort={cohort}"),
        "/organizer/exports/mentorships.csv".to_string(),
        "/organizer/exports/claims.csv".to_string(),
    ] {
        let m = export(&router, &path, &cookie).await?;
        rows.push((
            path.trim_start_matches("/organizer/exports/").to_string(),
            m,
        ));
    }

    println!(
        "| export | rows | MB | first byte ms | last byte ms | RSS at start MB | process peak RSS MB |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (what, m) in &rows {
        println!(
            "| {what} | {} | {:.2} | {:.0} | {:.0} | {:.0} | {:.0} |",
            m.lines,
            m.bytes as f64 / 1e6,
            m.first_ms,
            m.last_ms,
            m.rss_start_kb as f64 / 1024.0,
            m.peak_kb as f64 / 1024.0
        );
    }
    runs.sort_by(|a, b| a.last_ms.total_cmp(&b.last_ms));
    let median = &runs[1];
    let peak = status_kb("VmHWM:");
    println!(
        "\nnewcomers.csv: median {:.0} ms to the last byte (target < 2000); the process's peak RSS {:.0} MB \
         (target < 150){}",
        median.last_ms,
        peak as f64 / 1024.0,
        if median.last_ms < 2000.0 && peak < 150 * 1024 {
            ""
        } else {
            " **over target**"
        }
    );
    db.close().await?;
    Ok(())
}

#[derive(Debug, Clone)]
struct Measure {
    bytes: usize,
    /// Line ends in the body (rows plus the header for CSV; a quoted newline in a name counts too).
    lines: usize,
    first_ms: f64,
    last_ms: f64,
    rss_start_kb: u64,
    peak_kb: u64,
}

/// Streams one export as the signed-in organizer, keeping nothing but counts.
async fn export(router: &axum::Router, path: &str, cookie: &str) -> anyhow::Result<Measure> {
    let rss_start_kb = status_kb("VmRSS:");
    let t = Instant::now();
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    let res = router.clone().oneshot(with_peer(req)).await?;
    let first_ms = ms(t.elapsed());
    anyhow::ensure!(res.status() == StatusCode::OK, "{path}: {}", res.status());
    let mut body = res.into_body().into_data_stream();
    let (mut bytes, mut lines) = (0, 0);
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let last_ms = ms(t.elapsed());
    Ok(Measure {
        bytes,
        lines: if path.contains(".csv") {
            lines.saturating_sub(1)
        } else {
            lines
        },
        first_ms,
        last_ms,
        rss_start_kb,
        peak_kb: status_kb("VmHWM:"),
    })
}

/// Times the first request of a page, then `runs` more: (first ms, median ms, p95 ms, bytes). The dashboard
/// keeps each filter's figures for a minute, so its first request is the one that reads the programme.
async fn page_times(
    router: &axum::Router,
    path: &str,
    cookie: &str,
    runs: usize,
) -> anyhow::Result<(f64, f64, f64, usize)> {
    let mut times = Vec::new();
    let mut first = 0.0;
    let mut bytes = 0;
    for n in 0..=runs {
        let m = export(router, path, cookie).await?;
        bytes = m.bytes;
        if n == 0 {
            first = m.last_ms;
        } else {
            times.push(m.last_ms);
        }
    }
    times.sort_by(f64::total_cmp);
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    Ok((first, times[times.len() / 2], p95, bytes))
}

/// A line of /proc/self/status in kB (0 where there is no /proc).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// SplitMix64, as `services::synthetic` uses: deterministic test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Default)]
struct Made {
    tasks: usize,
    mentorships: usize,
    claims: usize,
    records: usize,
    check_ins: usize,
    events: usize,
    reports: usize,
}

/// What months of a programme leave behind, written straight into the tables (the services would take minutes):
/// tasks up to 500, an active mentorship for 60% of newcomers and an ended one for 10%, an active claim on
/// each of 400 tasks and released claims for 2,000 more newcomers, and per newcomer 0-13 milestone records
/// (mostly verified), 0-11 check-ins (some with blockers) and 0-15 events rows of their own.
async fn programme_history(db: &DatabaseConnection) -> anyhow::Result<Made> {
    let mut rng = Rng(42);
    let mut made = Made::default();
    let now = Utc::now();
    let newcomers: Vec<(i32, DateTime<Utc>)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::CreatedAt)
        .filter(users::Column::GithubLogin.starts_with(synthetic::NEWCOMER_PREFIX))
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mentors: Vec<i32> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::GithubLogin.starts_with(synthetic::MENTOR_PREFIX))
        .into_tuple()
        .all(db)
        .await?;
    let ladder: Vec<i32> = milestones::Entity::find()
        .select_only()
        .column(milestones::Column::Id)
        .order_by_asc(milestones::Column::Position)
        .into_tuple()
        .all(db)
        .await?;
    let area: i32 = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .into_tuple()
        .one(db)
        .await?
        .context("an area")?;
    let txn = db.begin().await?;

    let existing = tasks::Entity::find().all(&txn).await?.len();
    let extra: Vec<tasks::ActiveModel> = (existing..TASKS)
        .map(|n| tasks::ActiveModel {
            slug: Set(format!("bench-task-{n}")),
            kind: Set(TaskKind::Binding),
            area_id: Set(area),
            title: Set(format!(
                "Bench task {n}: a binding, \"quoted\", with commas"
            )),
            description: Set("A task made for the exports benchmark.".into()),
            difficulty: Set(Difficulty::Starter),
            skills: Set("rust".into()),
            external_prerequisites: Set(String::new()),
            source_url: Set("https://example.org/task".into()),
            upstream_issue: Set(false),
            state: Set(TaskState::Open),
            created_at: Set(now),
            updated_at: Set(now),
            site_edited_at: Set(None),
            ..Default::default()
        })
        .collect();
    insert(&txn, extra).await?;
    let task_ids: Vec<i32> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .order_by_asc(tasks::Column::Id)
        .into_tuple()
        .all(&txn)
        .await?;
    made.tasks = task_ids.len();

    let mut mentorship_rows = Vec::new();
    let mut claim_rows = Vec::new();
    let mut records = Vec::new();
    let mut checks = Vec::new();
    let mut event_rows = Vec::new();
    for (n, &(id, joined)) in newcomers.iter().enumerate() {
        let day = |d: u64| joined + chrono::Duration::days(d as i64);
        let roll = rng.below(10);
        if roll < 7 {
            let state = if roll < 6 {
                MentorshipState::Active
            } else {
                MentorshipState::Ended
            };
            mentorship_rows.push(mentorships::ActiveModel {
                newcomer_id: Set(id),
                mentor_id: Set(mentors[rng.below(mentors.len() as u64) as usize]),
                state: Set(state),
                score: Set(70),
                explanation: Set("[]".into()),
                round_id: Set(None),
                proposed_at: Set(day(1)),
                accepted_at: Set(Some(day(2))),
                ended_at: Set((state == MentorshipState::Ended).then(|| day(20))),
                ended_reason: Set(
                    (state == MentorshipState::Ended).then(|| "Moved on, with thanks".to_string())
                ),
                origin: Set(MentorshipOrigin::Queue),
                request_message: Set(None),
                response_message: Set(None),
                ..Default::default()
            });
        }
        if n < 400 || (1_000..3_000).contains(&n) {
            let held = n < 400;
            claim_rows.push(claims::ActiveModel {
                task_id: Set(task_ids[n % task_ids.len()]),
                newcomer_id: Set(id),
                state: Set(if held {
                    ClaimState::Active
                } else {
                    ClaimState::Released
                }),
                claimed_at: Set(day(3)),
                expires_at: Set(day(24)),
                ended_at: Set((!held).then(|| day(10))),
                warned_at: Set(None),
                extended_at: Set(None),
                extend_reason: Set(None),
                done_at: Set(None),
                evidence_url: Set(None),
                ended_reason: Set((!held).then(|| "released".to_string())),
                ..Default::default()
            });
        }
        for (step, &milestone) in ladder.iter().take(rng.below(14) as usize).enumerate() {
            let state = match rng.below(10) {
                0 => MilestoneState::Pending,
                1 => MilestoneState::Questioned,
                _ => MilestoneState::Verified,
            };
            records.push(progress_events::ActiveModel {
                newcomer_id: Set(id),
                claim_id: Set(None),
                milestone_id: Set(milestone),
                evidence_url: Set(Some(format!(
                    "https://lore.kernel.org/rust-for-linux/{id}-{step}@example.org/"
                ))),
                note: Set("Done, see the link".into()),
                created_at: Set(day(step as u64 * 3)),
                verified_by: Set(None),
                verified_at: Set(
                    (state == MilestoneState::Verified).then(|| day(step as u64 * 3 + 1))
                ),
                state: Set(state),
                updated_at: Set(Some(day(step as u64 * 3 + 1))),
                ..Default::default()
            });
        }
        for week in 0..rng.below(12) {
            checks.push(check_ins::ActiveModel {
                newcomer_id: Set(id),
                body: Set("Read the docs, built the kernel, asked on Zulip".into()),
                blockers: Set(
                    (rng.below(8) == 0).then(|| "The build fails on my laptop".to_string())
                ),
                next_steps: Set(Some("Send the patch".into())),
                created_at: Set(day(week * 7)),
                ..Default::default()
            });
        }
        for k in 0..rng.below(16) {
            event_rows.push(events::ActiveModel {
                kind: Set(EventKind::MilestoneRecorded),
                actor_id: Set(Some(id)),
                person_id: Set(id),
                other_id: Set(None),
                task_id: Set(None),
                claim_id: Set(None),
                mentorship_id: Set(None),
                details: Set("{}".into()),
                at: Set(Ord::min(day(k * 2), now)),
                ..Default::default()
            });
        }
    }
    made.mentorships = mentorship_rows.len();
    made.claims = claim_rows.len();
    made.records = records.len();
    made.check_ins = checks.len();
    made.events = event_rows.len();
    insert(&txn, mentorship_rows).await?;
    made.reports = reports(&txn, now).await?;
    insert(&txn, claim_rows).await?;
    insert(&txn, records).await?;
    insert(&txn, checks).await?;
    insert(&txn, event_rows).await?;
    txn.commit().await?;
    Ok(made)
}

/// A report per active mentorship and four-week period ended so far: the older ones reviewed, the last one
/// submitted for a third of them, still a draft (often overdue) for the rest.
async fn reports(db: &impl ConnectionTrait, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let active: Vec<(i32, i32, i32, Option<DateTime<Utc>>)> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::Id)
        .column(mentorships::Column::NewcomerId)
        .column(mentorships::Column::MentorId)
        .column(mentorships::Column::AcceptedAt)
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .into_tuple()
        .all(db)
        .await?;
    let policy = ReportPolicy::default();
    let mut rows = Vec::new();
    for (id, newcomer, mentor, began) in active {
        let Some(began) = began else { continue };
        let periods = policy.ended_periods(began, began, now);
        let last = periods.len().saturating_sub(1);
        for (k, p) in periods.into_iter().enumerate() {
            let state = match (k == last, id % 3) {
                (false, _) => ReportState::Reviewed,
                (true, 0) => ReportState::Submitted,
                (true, _) => ReportState::Draft,
            };
            let done = state != ReportState::Draft;
            rows.push(progress_reports::ActiveModel {
                mentorship_id: Set(id),
                newcomer_id: Set(newcomer),
                mentor_id: Set(mentor),
                period_start: Set(p.start),
                period_end: Set(p.end),
                due_at: Set(p.due),
                draft: Set(
                    r#"{"milestones":[],"check_ins":2,"blockers":[],"replies":1,"claims":[]}"#
                        .into(),
                ),
                state: Set(state),
                assessment: Set(done.then_some(Assessment::OnTrack)),
                mentor_comment: Set(done.then(|| "A steady month".to_string())),
                submitted_at: Set(done.then_some(p.end + chrono::Duration::days(2))),
                newcomer_view: Set(None),
                newcomer_view_at: Set(None),
                reviewed_by: Set(None),
                reviewed_at: Set(
                    (state == ReportState::Reviewed).then_some(p.end + chrono::Duration::days(4))
                ),
                review_note: Set((state == ReportState::Reviewed).then(|| "Fine".to_string())),
                created_at: Set(p.end),
                ..Default::default()
            });
        }
    }
    let n = rows.len();
    insert(db, rows).await?;
    Ok(n)
}

async fn insert<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> anyhow::Result<()>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
