//! The command line: start the service, migrate, import the catalog, solve a matching instance, seed synthetic
//! people.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::config::{Cli, Command, Config, LogFormat, MatchCommand};
use crate::domain::matching::{instance::Instance, solver};
use crate::services::{catalog_import, synthetic};
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
        Command::Match(MatchCommand::Solve { file }) => solve_file(&file),
        Command::Seed {
            synthetic: _,
            newcomers,
            mentors,
            seed,
        } => seed_synthetic(&config, newcomers, mentors, seed).await,
    }
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
    let assignment: Vec<i64> = solution
        .assignment
        .iter()
        .map(|a| a.map_or(-1, i64::from))
        .collect();
    let out = serde_json::json!({
        "objective": solution.objective,
        "matched": solution.matched,
        "solve_ms": (solve_ms * 1000.0).round() / 1000.0,
        "assignment": assignment,
    });
    println!("{out}");
    Ok(())
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
