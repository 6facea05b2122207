//! The command line: start the service, migrate, import the catalog, solve a matching instance or plan a round,
//! seed synthetic people, run (or preview) the nudge pass, back up a SQLite database.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::assets::Assets;
use crate::config::{Cli, Command, Config, LogFormat, MatchCommand, RoundKindArg};
use crate::db::matching_rounds::RoundKind;
use crate::domain::matching::{instance::Instance, solver};
use crate::services::{catalog_import, nudges, rounds, synthetic};
use crate::templates::Templates;
use crate::{app, database};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => app::serve(config).await,
        Command::Migrate => {
            let db = database::connect(&config.database_url).await?;
            database::migrate(&db).await?;
            println!(
                "migrations applied to {}",
                database::redact(&config.database_url)
            );
            Ok(())
        }
        Command::ImportCatalog { path } => {
            import_catalog(&config, path.as_deref().unwrap_or(&config.catalog_dir)).await
        }
        Command::Nudge { dry_run } => nudge(&config, dry_run).await,
        Command::Backup { file } => {
            let db = database::connect(&config.database_url).await?;
            database::backup(&db, &config.database_url, &file).await?;
            println!(
                "copied {} to {}",
                database::redact(&config.database_url),
                file.display()
            );
            Ok(())
        }
        Command::Match(MatchCommand::Solve { file }) => solve_file(&file),
        Command::Match(MatchCommand::Round { kind, instance }) => {
            let kind = match kind {
                RoundKindArg::Mentors => RoundKind::Mentors,
                RoundKindArg::Tasks => RoundKind::Tasks,
            };
            plan_round(&config, kind, &instance).await
        }
        Command::Seed {
            synthetic: _,
            newcomers,
            mentors,
            seed,
        } => seed_synthetic(&config, newcomers, mentors, seed).await,
    }
}

/// The nudge pass from the command line; with `dry_run`, what it would send, written out, and nothing queued.
async fn nudge(config: &Config, dry_run: bool) -> anyhow::Result<()> {
    use crate::mail::Decision;
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    let now = Utc::now();
    let policies = config.nudge_policies();
    if !dry_run {
        let done = nudges::run_pass(&db, &policies, now).await?;
        println!(
            "queued {} email(s); {} were queued before; {} held back by their recipients' settings",
            done.queued, done.already_queued, done.withheld
        );
        return Ok(());
    }
    let templates = std::sync::Arc::new(Templates::new(&Assets::load()));
    let mailer = app::mailer(config, templates);
    let planned = nudges::preview(&db, &policies, now).await?;
    let (mut send, mut before, mut held) = (0, 0, 0);
    for p in &planned {
        match &p.decision {
            Decision::Send {
                address,
                name,
                send_at,
            } => {
                send += 1;
                println!("=== {} to {address}, at {send_at}", p.email.kind);
                match mailer.composer.render_new(&p.email, name) {
                    Ok(r) => println!("Subject: {}\n\n{}", r.subject, r.text.trim_end()),
                    Err(e) => println!("cannot be written: {e}"),
                }
                println!();
            }
            Decision::AlreadyQueued => before += 1,
            Decision::Withheld(why) => {
                held += 1;
                println!(
                    "--- {} to user {}: held back, {}",
                    p.email.kind,
                    p.email.recipient_id,
                    why.describe()
                );
            }
        }
    }
    println!(
        "dry run at {now}: would send {send}; {before} sent before; {held} held back; nothing was queued"
    );
    Ok(())
}

/// Synthetic people need the catalog's areas, so an empty database gets the catalog first.
async fn seed_synthetic(
    config: &Config,
    newcomers: usize,
    mentors: usize,
    seed: u64,
) -> anyhow::Result<()> {
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    if crate::db::areas::Entity::find().count(&db).await? == 0 {
        let report = catalog_import::import_dir(&db, &config.catalog_dir, Utc::now()).await?;
        println!(
            "imported the catalog from {}\n{report}",
            config.catalog_dir.display()
        );
    }
    let report = synthetic::seed_synthetic(&db, newcomers, mentors, seed).await?;
    println!("{report}");
    Ok(())
}

async fn import_catalog(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    let report = catalog_import::import_dir(&db, dir, Utc::now()).await?;
    println!("imported the catalog from {}\n{report}", dir.display());
    Ok(())
}

/// Prints the answer in the benchmark's JSON form; `solve_ms` covers the solve only, not reading the file.
fn solve_file(path: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let instance = Instance::parse(&text).with_context(|| format!("parsing {}", path.display()))?;
    let start = Instant::now();
    let solution = solver::solve(&instance);
    let solve_ms = start.elapsed().as_secs_f64() * 1000.0;
    let assignment: Vec<Option<usize>> = solution
        .assignment
        .iter()
        .map(|a| a.map(|j| j as usize))
        .collect();
    println!("{}", answer_json(solution.objective, &assignment, solve_ms));
    Ok(())
}

/// Plans a round as the site does (same loading, same planner), writes its full instance to `path`, and prints
/// the round's answer; newcomer `i` and mentor `j` of the answer are those of the instance. Nothing is stored.
async fn plan_round(config: &Config, kind: RoundKind, path: &Path) -> anyhow::Result<()> {
    let db = database::connect(&config.database_url).await?;
    database::migrate(&db).await?;
    let cfg = config.matching();
    let planned = rounds::plan_from_db(&db, kind, &cfg, Utc::now()).await?;
    let instance = planned.full_instance(&cfg);
    std::fs::write(path, instance.to_text())
        .with_context(|| format!("writing {}", path.display()))?;
    let plan = &planned.plan;
    println!(
        "{}",
        answer_json(plan.objective, &plan.assignment, plan.solve_ms)
    );
    Ok(())
}

/// The v1 answer (FORMAT.md): objective, matched, solve time and each newcomer's mentor, -1 for none.
fn answer_json(objective: i64, assignment: &[Option<usize>], solve_ms: f64) -> serde_json::Value {
    let matched = assignment.iter().flatten().count();
    let assignment: Vec<i64> = assignment
        .iter()
        .map(|a| a.map_or(-1, |j| j as i64))
        .collect();
    serde_json::json!({
        "objective": objective,
        "matched": matched,
        "solve_ms": (solve_ms * 1000.0).round() / 1000.0,
        "assignment": assignment,
    })
}

pub fn init_tracing(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
