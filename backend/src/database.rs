//! Opening the database: a SQLite file (created with its directory, WAL, busy timeout) or PostgreSQL (with
//! timeouts, so a missing server is a quick, clear error rather than a 30-second hang).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use onramp_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Connect to `url`; for SQLite the file and its directory are created when missing.
pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10));
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = Path::new(&path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the database directory {}", dir.display()))?;
        }
        opts.map_sqlx_sqlite_opts(|o| {
            // WAL lets readers proceed while a writer commits; the busy timeout makes concurrent writers wait
            // for each other instead of failing with "database is locked".
            o.create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
        // SQLite has one writer at a time; a small pool keeps read concurrency without piling up writers.
        opts.max_connections(8).min_connections(1);
    } else if url.starts_with("postgres") {
        opts.max_connections(16).min_connections(1);
    } else {
        bail!("unsupported database URL {url:?}: expected sqlite:// or postgres://");
    }
    Database::connect(opts)
        .await
        .with_context(|| format!("connecting to the database at {}", redact(url)))
}

/// Apply every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .context("applying database migrations")
}

/// The file path of a sqlite:// URL (without its query), or None for other databases.
fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// A database URL fit for a log line or an error message: the password is replaced.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Write a consistent copy of the SQLite database behind `db` to `to` (a new file), while the service may be
/// writing: `VACUUM INTO` reads one snapshot of the database and writes it compacted. PostgreSQL has its own tools.
pub async fn backup(db: &DatabaseConnection, url: &str, to: &Path) -> anyhow::Result<()> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if sqlite_path(url).is_none() {
        bail!(
            "`onramp backup` copies a SQLite database; for PostgreSQL use pg_dump (or the server's own backups)"
        );
    }
    if to.exists() {
        bail!(
            "{} exists already; choose a new file for the copy",
            to.display()
        );
    }
    let target = to
        .to_str()
        .with_context(|| format!("{} is not a path SQLite can write", to.display()))?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "VACUUM INTO ?",
        [target.into()],
    ))
    .await
    .with_context(|| format!("copying the database to {}", to.display()))?;
    Ok(())
}

/// Whether the service can work: the database answers, and no migration of this build is pending (the message
/// says what is wrong, for a probe's body).
pub async fn readiness(db: &DatabaseConnection) -> Result<(), String> {
    db.ping()
        .await
        .map_err(|e| format!("the database does not answer: {e}"))?;
    let pending = Migrator::get_pending_migrations(db)
        .await
        .map_err(|e| format!("cannot read the migrations: {e}"))?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!("{} migration(s) not applied yet", pending.len()))
    }
}

/// A write transaction that holds SQLite's write lock from its first statement, so its reads and writes are not
/// interleaved with another writer's (PostgreSQL ignores the mode; there, row locks and constraints do this).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/onramp.db").as_deref(),
            Some("data/onramp.db")
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/d"), None);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h/d"), "postgres://u:***@h/d");
        assert_eq!(redact("sqlite://data/onramp.db"), "sqlite://data/onramp.db");
    }
}
