//! Nudges at scale, rendered and delivered for real: on a fresh database, 10,000 newcomers who signed up three
//! days ago and never finished their profile (so each has one nudge due), then
//!
//! - the nudge pass that finds and queues them (`services::nudges::run_pass`, every rule over the programme);
//! - the delivery worker (`Mailer::deliver_due`, as each instance runs it) rendering each email from its
//!   templates and sending it over SMTP to aiosmtpd on loopback (its Sink handler: it accepts and drops);
//!
//! with the time of each, emails per second, and the rate of the two together. Nothing is faked: the same
//! templates, the lettre pool with the default `ONRAMP_MAIL_CONNECTIONS`, batches of the default
//! `ONRAMP_MAIL_BATCH`, every outcome recorded in the outbox.
//!
//! Run: `cargo bench -p onramp --bench mail` (needs `python3-aiosmtpd`). It runs on SQLite (a temporary file);
//! with `ONRAMP_BENCH_DATABASE_URL=postgres://USER@HOST:PORT/DB` it runs again on a fresh database on that
//! server. Size: ONRAMP_BENCH_NUDGES. Asserts nothing about time (target: 500 emails a second or more).

#[path = "support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, Utc};
use onramp::assets::Assets;
use onramp::config::Config;
use onramp::db::email_outbox::{self, OutboxState};
use onramp::db::user_roles::{self, Role};
use onramp::db::users;
use onramp::services::nudges;
use onramp::templates::Templates;
use onramp::{app, database};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set};
use support::env_usize;

const TIME_ZONES: [&str; 6] = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "UTC",
];

fn main() -> anyhow::Result<()> {
    let n = env_usize("ONRAMP_BENCH_NUDGES", 10_000);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let smtp = Sink::start()?;
            support::on_each_database("bench_mail", |backend, url| {
                let smtp_url = smtp.url();
                async move { run(backend, &url, &smtp_url, n).await }
            })
            .await
        })
}

/// aiosmtpd with its Sink handler, on a free loopback port.
struct Sink {
    port: u16,
    child: std::process::Child,
}

impl Sink {
    fn start() -> anyhow::Result<Sink> {
        let python = ["/usr/bin/python3", "python3"]
            .into_iter()
            .find(|p| {
                Command::new(p)
                    .args(["-c", "import aiosmtpd"])
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
            })
            .context("aiosmtpd is not installed (apt-get install python3-aiosmtpd)")?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .args(["-c", "aiosmtpd.handlers.Sink"])
            .stdout(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            anyhow::ensure!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(Sink { port, child })
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

async fn run(backend: &str, url: &str, smtp_url: &str, n: usize) -> anyhow::Result<()> {
    let t = Instant::now();
    let db = database::connect(url).await?;
    database::migrate(&db).await.context("migrate")?;
    newcomers(&db, n).await.context("seed newcomers")?;
    println!(
        "\nMail ({backend}: {n} newcomers with an unfinished profile; set-up {:.1} s)",
        t.elapsed().as_secs_f64()
    );

    let mut config = Config::defaults();
    config.database_url = url.to_string().into();
    config.smtp_url = Some(smtp_url.into());
    let mailer = app::mailer(&config, Arc::new(Templates::new(&Assets::load())));
    let now = Utc::now();

    let t = Instant::now();
    let queued = nudges::run_pass(&db, &config.nudge_policies(), now).await?;
    let pass = t.elapsed();
    anyhow::ensure!(queued.queued as usize == n, "queued {queued:?}");

    // A day later every recipient's daytime has come.
    let t = Instant::now();
    let done = mailer
        .deliver_due(&db, "bench", now + Duration::days(1))
        .await?;
    let delivery = t.elapsed();
    let sent = email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(OutboxState::Sent))
        .count(&db)
        .await?;
    anyhow::ensure!(
        done.sent as usize == n && sent as usize == n,
        "delivered {done:?}, {sent} rows sent"
    );
    let rate = |count: usize, d: std::time::Duration| count as f64 / d.as_secs_f64();
    println!(
        "  nudge pass: {n} queued in {:.2} s ({:.0}/s)",
        pass.as_secs_f64(),
        rate(n, pass)
    );
    println!(
        "  delivery: {n} rendered and sent over SMTP in {:.2} s ({:.0}/s), batches of {}, {} connections",
        delivery.as_secs_f64(),
        rate(n, delivery),
        mailer.settings.batch,
        mailer.settings.concurrency
    );
    println!(
        "  pass and delivery together: {:.0} emails/s",
        rate(n, pass + delivery)
    );
    db.close().await?;
    Ok(())
}

/// `n` newcomers who signed up three days ago, each with an address and a time zone, and no profile.
async fn newcomers(db: &sea_orm::DatabaseConnection, n: usize) -> anyhow::Result<()> {
    let joined = Utc::now() - Duration::days(3);
    for start in (0..n).step_by(500) {
        let end = (start + 500).min(n);
        let rows = (start..end).map(|i| users::ActiveModel {
            github_id: Set(Some(1_000_000 + i as i64)),
            github_login: Set(format!("nudged-{i:05}")),
            name: Set(Some(format!("Nudged Newcomer {i}"))),
            email: Set(Some(format!("nudged-{i:05}@example.org"))),
            avatar_url: Set(None),
            timezone: Set(Some(TIME_ZONES[i % TIME_ZONES.len()].into())),
            is_demo: Set(false),
            created_at: Set(joined),
            last_seen_at: Set(None),
            ..Default::default()
        });
        users::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let ids: Vec<i32> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    for chunk in ids.chunks(500) {
        let roles = chunk.iter().map(|&id| user_roles::ActiveModel {
            user_id: Set(id),
            role: Set(Role::Newcomer),
            granted_by: Set(None),
            granted_at: Set(joined),
        });
        user_roles::Entity::insert_many(roles)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
