//! Sessions kept in the `sessions` table, so they survive a restart and are shared by every instance of the
//! service. Written for tower-sessions because its SQL stores do not build with sea-orm 2 (see ECOSYSTEM.md).
//!
//! A session ends after a stretch without use (its `expires_at`, which use pushes forward) and, whatever the
//! use, `max_age` after it began (`created_at`): a stolen cookie cannot be kept alive forever. Signing in starts
//! a new session (a new id), so the lifetime counts from sign-in.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};

use crate::db::sessions;

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    max_age: Duration,
}

impl DbSessionStore {
    /// A store whose sessions last at most `max_age` from their start.
    pub fn new(db: DatabaseConnection, max_age: Duration) -> Self {
        DbSessionStore { db, max_age }
    }

    /// Sessions that began before this are over.
    fn oldest_start(&self) -> DateTime<Utc> {
        Utc::now() - self.max_age
    }

    /// The row to write; `created_at` only counts when the row is inserted (an update leaves it alone).
    fn row(record: &Record) -> session_store::Result<sessions::ActiveModel> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        let user_id = record
            .data
            .get(super::USER_ID_KEY)
            .and_then(|v| v.as_i64())
            .and_then(|v| i32::try_from(v).ok());
        Ok(sessions::ActiveModel {
            id: Set(record.id.to_string()),
            user_id: Set(user_id),
            data: Set(data),
            expires_at: Set(to_chrono(record.expiry_date)),
            created_at: Set(Utc::now()),
        })
    }
}

fn to_chrono(t: time::OffsetDateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond()).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

fn from_chrono(t: DateTime<Utc>) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

fn backend(err: sea_orm::DbErr) -> session_store::Error {
    session_store::Error::Backend(err.to_string())
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Ids are 128 random bits, so a collision is astronomically unlikely; still, never overwrite another
        // person's session: insert without upsert and draw a new id if the insert is refused.
        loop {
            let row = Self::row(record)?;
            let inserted = sessions::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(sessions::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    /// Only ever updates: a session that ended meanwhile (signed out, idle too long, past its lifetime) stays
    /// ended, rather than coming back under a fresh `created_at` from a request that loaded it just before.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let row = Self::row(record)?;
        sessions::Entity::update_many()
            .set(sessions::ActiveModel {
                user_id: row.user_id,
                data: row.data,
                expires_at: row.expires_at,
                ..Default::default()
            })
            .filter(sessions::Column::Id.eq(record.id.to_string()))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let row = sessions::Entity::find_by_id(id.to_string())
            .filter(sessions::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await
            .map_err(backend)?;
        let Some(row) = row else { return Ok(None) };
        if row.created_at <= self.oldest_start() {
            // Refused, and removed now rather than at the next sweep: nothing can revive it.
            self.delete(id).await?;
            return Ok(None);
        }
        let data = serde_json::from_str(&row.data)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: from_chrono(row.expires_at),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        sessions::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        sessions::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(sessions::Column::ExpiresAt.lte(Utc::now()))
                    .add(sessions::Column::CreatedAt.lte(self.oldest_start())),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
