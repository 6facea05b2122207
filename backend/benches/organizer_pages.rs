//! The organizers' pages at programme scale, rendered through the real router (every layer, a signed-in
//! organizer's session): on a fresh database, migrate, import the catalog, seed 10,000 newcomers and 2,000
//! mentors, spread their sign-ups over twelve months, turn 40 mentors back into applications, write an audit log
//! of about 14,000 entries, start two mentor rounds over everyone and send the second; then time
//!
//! - `/organizer/people`: the first page, a search, a filter, a late page;
//! - `/organizer/rounds/{id}`: the draft round over everyone, a search in it, its unplaced list late on, and the
//!   sent round;
//! - `/organizer/audit`: the first page and a filter.
//!
//! Each page is requested 20 times after one warm-up; printed are the median and p95 time and the size of the
//! HTML as sent without compression. Asserts nothing about time (targets: under 100 ms median, under 300 KB).
//!
//! Run: `cargo bench -p onramp --bench organizer_pages`. It runs on SQLite (a temporary file); with
//! `ONRAMP_BENCH_DATABASE_URL=postgres://USER@HOST:PORT/DB` it runs again on a fresh database made on that
//! server (and dropped afterwards, unless ONRAMP_BENCH_KEEP=1). Sizes: ONRAMP_BENCH_NEWCOMERS, ONRAMP_BENCH_MENTORS.

#[path = "support/mod.rs"]
mod support;

use std::path::PathBuf;
use std::time::Instant;
use support::{env_usize, ms, organizer, sign_in, spread_sign_ups, with_peer};

use anyhow::Context;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{Months, Utc};
use onramp::app::AppState;
use onramp::config::Config;
use onramp::db::matching_rounds::RoundKind;
use onramp::db::mentor_profiles::MentorStatus;
use onramp::db::user_roles::Role;
use onramp::db::{audit_log, mentor_profiles, user_roles, users};
use onramp::domain::matching::score::MatchingConfig;
use onramp::services::{catalog_import, rounds, synthetic};
use onramp::{database, web};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionTrait,
};
use tower::ServiceExt;

const RUNS: usize = 20;

fn main() -> anyhow::Result<()> {
    let newcomers = env_usize("ONRAMP_BENCH_NEWCOMERS", 10_000);
    let mentors = env_usize("ONRAMP_BENCH_MENTORS", 2_000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(support::on_each_database(
            "bench_pages",
            |backend, url| async move { run(backend, &url, newcomers, mentors).await },
        ))
}

async fn run(backend: &str, url: &str, newcomers: usize, mentors: usize) -> anyhow::Result<()> {
    let db = database::connect(url).await?;
    let now = Utc::now();
    let t = Instant::now();
    database::migrate(&db).await.context("migrate")?;
    let catalog = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../seed-data");
    catalog_import::import_dir(&db, &catalog, now)
        .await
        .context("import the catalog")?;
    let report = synthetic::seed_synthetic(&db, newcomers, mentors, 1)
        .await
        .context("seed")?;
    spread_sign_ups(&db, 0).await.context("spread sign-ups")?;
    reopen_applications(&db, 40)
        .await
        .context("reopen applications")?;
    let organizer = organizer(&db).await.context("organizer")?;
    let audit_rows = write_audit_log(&db, organizer).await.context("audit log")?;
    let cfg = MatchingConfig::default();
    let round =
        async || rounds::create_round(&db, organizer, RoundKind::Mentors, &cfg, Utc::now()).await;
    let draft = round().await.context("draft round")?;
    let sent = round().await.context("second round")?;
    rounds::send_round(&db, sent.round_id, organizer, Utc::now())
        .await
        .context("send the second round")?;
    let setup_ms = ms(t.elapsed());

    let mut config = Config::defaults();
    config.catalog_dir = catalog;
    config.database_url = url.to_string().into();
    let router = web::router(AppState::new(db.clone(), config));
    let cookie = sign_in(&router).await?;

    let searched = users::Entity::find()
        .filter(users::Column::GithubLogin.starts_with(synthetic::NEWCOMER_PREFIX))
        .order_by_asc(users::Column::Id)
        .offset(4321)
        .one(&db)
        .await?
        .and_then(|u| u.name)
        .and_then(|n| n.split_whitespace().last().map(str::to_lowercase))
        .unwrap_or_else(|| "a".into());
    let d = draft.round_id;
    let pages: Vec<(String, String)> = vec![
        ("people, first page".into(), "/organizer/people".into()),
        (
            format!("people, search {searched:?}"),
            format!("/organizer/people?q={searched}"),
        ),
        (
            "people, role=mentor".into(),
            "/organizer/people?role=mentor".into(),
        ),
        (
            "people, newcomers active in a cohort".into(),
            format!(
                "/organizer/people?role=newcomer&state=active&cohort={}",
                (now - Months::new(3)).format("%Y-%m")
            ),
        ),
        (
            "people, applied mentors".into(),
            "/organizer/people?state=applied".into(),
        ),
        (
            "people, waiting for a mentor (a derived state)".into(),
            "/organizer/people?state=waiting".into(),
        ),
        (
            "people, page 200".into(),
            "/organizer/people?page=200".into(),
        ),
        (
            format!("round {d} (draft, {} newcomers)", draft.newcomers),
            format!("/organizer/rounds/{d}"),
        ),
        (
            format!("round {d}, search {searched:?}"),
            format!("/organizer/rounds/{d}?q={searched}"),
        ),
        (
            format!("round {d}, not placed, page 90"),
            format!("/organizer/rounds/{d}?show=unplaced&page=90"),
        ),
        (
            format!("round {} (sent)", sent.round_id),
            format!("/organizer/rounds/{}", sent.round_id),
        ),
        (
            format!("audit log, first page ({audit_rows} entries)"),
            "/organizer/audit".into(),
        ),
        (
            "audit log, action=mentor.approved, search \"user:1\"".into(),
            "/organizer/audit?action=mentor.approved&q=user:1".into(),
        ),
    ];

    let mut rows = Vec::new();
    for (what, path) in &pages {
        let t = Instant::now();
        let (status, size) = get(&router, path, &cookie).await?;
        let first = ms(t.elapsed());
        anyhow::ensure!(status == StatusCode::OK, "{path}: {status}");
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            get(&router, path, &cookie).await?;
            times.push(ms(t.elapsed()));
        }
        times.sort_by(f64::total_cmp);
        let median = (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2.0;
        let p95 = times[(RUNS * 95).div_ceil(100) - 1];
        rows.push((
            what.clone(),
            path.clone(),
            first,
            median,
            p95,
            size as f64 / 1024.0,
        ));
    }

    println!(
        "\nOrganizer pages ({backend}, {} newcomers + {} mentors, {audit_rows} audit entries; set-up {:.1} s)\n",
        report.newcomers,
        report.mentors,
        setup_ms / 1000.0
    );
    // "first": the page's first request, which for a derived state also derives everyone's progress (kept for a
    // minute after).
    println!("| page | path | first ms | median ms | p95 ms | KB |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (what, path, first, median, p95, kb) in rows {
        let flag = if median < 100.0 && kb < 300.0 {
            ""
        } else {
            " **over target**"
        };
        println!("| {what}{flag} | `{path}` | {first:.1} | {median:.1} | {p95:.1} | {kb:.0} |");
    }
    db.close().await?;
    Ok(())
}

/// One GET as the signed-in organizer: the status and the uncompressed size of the body.
async fn get(
    router: &axum::Router,
    path: &str,
    cookie: &str,
) -> anyhow::Result<(StatusCode, usize)> {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())?;
    let res = router.clone().oneshot(with_peer(req)).await?;
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    Ok((status, body.len()))
}

/// `n` mentors whose application waits for a decision, as the people page shows first.
async fn reopen_applications(db: &DatabaseConnection, n: u64) -> anyhow::Result<()> {
    let ids: Vec<i32> = mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .order_by_asc(mentor_profiles::Column::UserId)
        .limit(n)
        .into_tuple()
        .all(db)
        .await?;
    mentor_profiles::Entity::update_many()
        .col_expr(
            mentor_profiles::Column::Status,
            Expr::value(MentorStatus::Applied.as_str()),
        )
        .filter(mentor_profiles::Column::UserId.is_in(ids.clone()))
        .exec(db)
        .await?;
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.is_in(ids))
        .filter(user_roles::Column::Role.eq(Role::Mentor))
        .exec(db)
        .await?;
    Ok(())
}

/// An audit log as a programme of this size would have written it: everyone's role granted at sign-up, every
/// mentor approved, spread over the same twelve months.
async fn write_audit_log(db: &DatabaseConnection, organizer: i32) -> anyhow::Result<usize> {
    let people: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .order_by_asc(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for (id, login) in people {
        let mentor = login.starts_with(synthetic::MENTOR_PREFIX);
        let at = now - Months::new((id % 12) as u32) - chrono::Duration::minutes(i64::from(id));
        let role = if mentor { "mentor" } else { "newcomer" };
        rows.push(audit_log::ActiveModel {
            actor_id: Set(None),
            action: Set("role.grant".into()),
            subject: Set(format!("user:{id}")),
            details: Set(format!(r#"{{"role":"{role}","source":"sign-in"}}"#)),
            at: Set(at),
            ..Default::default()
        });
        if mentor {
            rows.push(audit_log::ActiveModel {
                actor_id: Set(Some(organizer)),
                action: Set("mentor.approved".into()),
                subject: Set(format!("user:{id}")),
                details: Set("{}".into()),
                at: Set(at + chrono::Duration::days(2)),
                ..Default::default()
            });
        }
    }
    let count = rows.len();
    let txn = db.begin().await?;
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(500).collect();
        audit_log::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(count)
}
