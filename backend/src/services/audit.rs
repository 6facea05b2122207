//! The audit log: who did what to whom, written in the same transaction as the change.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Set,
};
use serde::Serialize;

use crate::db::{audit_log, users};
use crate::domain::calendar::Day;
use crate::domain::paging::{PageQuery, Window};
use crate::services::search::contains_any;

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
    /// The login of the person a `user:N` subject names, when they still exist.
    pub subject_login: Option<String>,
    pub details: String,
}

/// Which entries to list. Everything left empty lists every entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Found in the subject (or the login of the person it names) or the details, whatever the case.
    pub q: String,
    /// Exactly this action (`role.grant`).
    pub action: Option<String>,
    /// Done by the person with this login, whatever the case.
    pub actor: String,
    /// On or after this day.
    pub from: Option<Day>,
    /// On or before this day.
    pub to: Option<Day>,
}

/// One page of the entries a filter finds, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub window: Window,
}

fn matching(filter: &AuditFilter) -> Select<audit_log::Entity> {
    let mut q = audit_log::Entity::find();
    let subject_of_login = Expr::cust(r#"'user:' || CAST("users"."id" AS TEXT)"#);
    if let Some(text) = contains_any(
        &filter.q,
        [
            (audit_log::Entity, audit_log::Column::Subject),
            (audit_log::Entity, audit_log::Column::Details),
        ],
    ) {
        // The subject names a person by id; a search by their login finds them too.
        let named = users::Entity::find()
            .select_only()
            .column_as(subject_of_login, "subject")
            .filter(
                contains_any(&filter.q, [(users::Entity, users::Column::GithubLogin)])
                    .expect("the same text"),
            )
            .into_query();
        q = q.filter(text.add(audit_log::Column::Subject.in_subquery(named)));
    }
    if let Some(action) = &filter.action {
        q = q.filter(audit_log::Column::Action.eq(action.as_str()));
    }
    let actor = filter.actor.trim();
    if !actor.is_empty() {
        let ids = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(
                Expr::from(Func::lower(Expr::col((
                    users::Entity,
                    users::Column::GithubLogin,
                ))))
                .eq(actor.to_lowercase()),
            )
            .into_query();
        q = q.filter(audit_log::Column::ActorId.in_subquery(ids));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_log::Column::At.gte(from.start()));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_log::Column::At.lt(to.end()));
    }
    q
}

/// A page of the entries `filter` finds, newest first. A page past the end is the last.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &AuditFilter,
    paging: PageQuery,
) -> Result<AuditPage, DbErr> {
    let total = matching(filter).count(db).await?;
    let window = paging.within(total);
    let rows = matching(filter)
        .find_also_related(users::Entity)
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .offset(window.offset())
        .limit(window.limit())
        .all(db)
        .await?;
    let named: Vec<i32> = rows
        .iter()
        .filter_map(|(a, _)| a.subject.strip_prefix("user:")?.parse().ok())
        .collect();
    let logins: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(named))
        .into_tuple()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let entries = rows
        .into_iter()
        .map(|(a, u)| AuditEntry {
            at: a.at,
            actor: u.map(|u| u.github_login),
            subject_login: a
                .subject
                .strip_prefix("user:")
                .and_then(|id| id.parse().ok())
                .and_then(|id: i32| logins.get(&id).cloned()),
            action: a.action,
            subject: a.subject,
            details: a.details,
        })
        .collect();
    Ok(AuditPage { entries, window })
}

/// Every action the log holds, for the action filter.
pub async fn actions(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    audit_log::Entity::find()
        .select_only()
        .column(audit_log::Column::Action)
        .distinct()
        .order_by_asc(audit_log::Column::Action)
        .into_tuple()
        .all(db)
        .await
}
