//! What the benches share: sizes from the environment, a run on SQLite and then on a fresh PostgreSQL database,
//! the organizer who signs in, requests through the router as a browser on the site makes them, and sign-ups
//! spread over months so cohorts have people. Each bench includes it with `#[path = "support/mod.rs"] mod support;`.
#![allow(dead_code)] // each bench uses its own part of it

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{Months, Utc};
use onramp::db::user_roles::Role;
use onramp::db::{user_roles, users};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, ExprTrait,
    QueryFilter, Set,
};
use tower::ServiceExt;

/// The login the benches' organizer signs in with.
pub const ORGANIZER: &str = "bench-organizer";

pub fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `run` on a temporary SQLite file, then, when `ONRAMP_BENCH_DATABASE_URL` names a PostgreSQL server, on a new
/// database there (called `{prefix}_{pid}`), dropped afterwards unless `ONRAMP_BENCH_KEEP=1` (to look at the
/// query plans).
pub async fn on_each_database<F, Fut>(prefix: &str, mut run: F) -> anyhow::Result<()>
where
    F: FnMut(&'static str, String) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let dir = tempfile::tempdir()?;
    run(
        "SQLite",
        format!("sqlite://{}", dir.path().join("bench.db").display()),
    )
    .await?;
    if let Ok(server) = std::env::var("ONRAMP_BENCH_DATABASE_URL")
        && !server.is_empty()
    {
        let name = format!("{prefix}_{}", std::process::id());
        let admin = Database::connect(&server).await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        let mut url = url::Url::parse(&server)?;
        url.set_path(&name);
        let result = run("PostgreSQL", url.to_string()).await;
        if std::env::var("ONRAMP_BENCH_KEEP").is_ok_and(|v| v == "1") {
            println!("kept the database {name}");
        } else {
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
        result?;
    }
    Ok(())
}

/// The organizer who signs in (a demo person, so the demo sign-in form takes them), and who starts rounds.
pub async fn organizer(db: &DatabaseConnection) -> anyhow::Result<i32> {
    let user = users::ActiveModel {
        github_id: Set(None),
        github_login: Set(ORGANIZER.into()),
        name: Set(Some("Bench Organizer".into())),
        email: Set(None),
        avatar_url: Set(None),
        timezone: Set(None),
        is_demo: Set(true),
        created_at: Set(Utc::now()),
        last_seen_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    user_roles::ActiveModel {
        user_id: Set(user.id),
        role: Set(Role::Organizer),
        granted_by: Set(None),
        granted_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(user.id)
}

/// The request as it arrives from a client on loopback (the sign-in rate limit keys on the peer address).
pub fn with_peer(mut req: Request<Body>) -> Request<Body> {
    let peer: SocketAddr = "127.0.0.1:40000".parse().expect("an address");
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

/// Signs the organizer in through the demo sign-in form, as a browser on the site does; returns the cookie.
pub async fn sign_in(router: &axum::Router) -> anyhow::Result<String> {
    let req = Request::post("/signin/demo")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(format!("login={ORGANIZER}")))?;
    let res = router.clone().oneshot(with_peer(req)).await?;
    anyhow::ensure!(
        res.status() == StatusCode::SEE_OTHER,
        "sign-in: {}",
        res.status()
    );
    let cookie = res
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .ok_or_else(|| anyhow::anyhow!("sign-in set no cookie"))?;
    Ok(cookie.to_string())
}

/// Sign-ups over twelve months, by id (the month `id % 12`, counted back from `first_back` months ago), so
/// cohorts have people.
pub async fn spread_sign_ups(db: &DatabaseConnection, first_back: u32) -> anyhow::Result<()> {
    let now = Utc::now();
    for month in 0..12u32 {
        let at = now - Months::new(month + first_back);
        users::Entity::update_many()
            .col_expr(users::Column::CreatedAt, Expr::value(at))
            .filter(Expr::col(users::Column::Id).modulo(12).eq(month as i32))
            .exec(db)
            .await?;
    }
    Ok(())
}
