//! The audit log: who did what to whom, written in the same transaction as the change.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;

use crate::db::{audit_log, users};

/// Record an action. `actor` is None when the configuration did it (e.g. bootstrapped organizers).
pub async fn record(
    db: &impl ConnectionTrait,
    actor: Option<i32>,
    action: &str,
    subject: String,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::ActiveModel {
        actor_id: Set(actor),
        action: Set(action.to_string()),
        subject: Set(subject),
        details: Set(details.to_string()),
        at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    pub details: String,
}

/// The newest entries first.
pub async fn recent(db: &impl ConnectionTrait, limit: u64) -> Result<Vec<AuditEntry>, DbErr> {
    let rows = audit_log::Entity::find()
        .find_also_related(users::Entity)
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(a, u)| AuditEntry {
            at: a.at,
            actor: u.map(|u| u.github_login),
            action: a.action,
            subject: a.subject,
            details: a.details,
        })
        .collect())
}
