//! Transactions for use cases that read, decide and write.

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};

/// A write transaction that holds SQLite's write lock from its first statement, so its reads and writes are not
/// interleaved with another writer's (PostgreSQL ignores the mode; there, row locks and constraints do this).
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}
