//! Roles: organizers decide mentor applications and promote or demote people. Every change is written to the
//! audit log with who did it, in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
};
use serde::Serialize;
use serde_json::json;

use crate::db::mentor_profiles::MentorStatus;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::user_roles::Role;
use crate::db::{mentor_profiles, newcomer_profiles, user_roles, users};
use crate::error::{AppError, AppResult};
use crate::services::audit;

/// One person as the organizers' people page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonRow {
    pub id: i32,
    pub github_login: String,
    pub name: Option<String>,
    pub roles: Vec<Role>,
    pub newcomer_status: Option<NewcomerStatus>,
    pub mentor_status: Option<MentorStatus>,
    pub mentor_capacity: Option<i16>,
    pub mentor_bio: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Everyone, with pending mentor applications first; four queries whatever the number of people.
pub async fn people(db: &impl ConnectionTrait) -> Result<Vec<PersonRow>, sea_orm::DbErr> {
    let users = users::Entity::find()
        .order_by_asc(users::Column::GithubLogin)
        .all(db)
        .await?;
    let mut roles: std::collections::HashMap<i32, Vec<Role>> = std::collections::HashMap::new();
    for r in user_roles::Entity::find().all(db).await? {
        roles.entry(r.user_id).or_default().push(r.role);
    }
    let newcomers: std::collections::HashMap<i32, NewcomerStatus> =
        newcomer_profiles::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p.status))
            .collect();
    let mentors: std::collections::HashMap<i32, mentor_profiles::Model> =
        mentor_profiles::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.user_id, p))
            .collect();
    let mut rows: Vec<PersonRow> = users
        .into_iter()
        .map(|u| {
            let mentor = mentors.get(&u.id);
            let mut r = roles.remove(&u.id).unwrap_or_default();
            r.sort_by_key(|r| r.as_str());
            PersonRow {
                id: u.id,
                roles: r,
                newcomer_status: newcomers.get(&u.id).copied(),
                mentor_status: mentor.map(|m| m.status),
                mentor_capacity: mentor.map(|m| m.capacity),
                mentor_bio: mentor.map(|m| m.bio.clone()),
                github_login: u.github_login,
                name: u.name,
                created_at: u.created_at,
            }
        })
        .collect();
    rows.sort_by_key(|p| p.mentor_status != Some(MentorStatus::Applied));
    Ok(rows)
}

/// Approve or decline a mentor application. Approval grants the mentor role; someone who never filled in a
/// newcomer profile stops being listed as a newcomer, since they came to mentor.
pub async fn decide_mentor(
    db: &DatabaseConnection,
    organizer_id: i32,
    user_id: i32,
    approve: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = db.begin().await?;
    let profile = mentor_profiles::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if approve {
        MentorStatus::Approved
    } else {
        MentorStatus::Declined
    };
    if profile.status == status {
        return Err(AppError::Conflict(format!(
            "This application is already {}.",
            status.as_str()
        )));
    }
    let mut am = profile.into_active_model();
    am.status = Set(status);
    am.decided_by = Set(Some(organizer_id));
    am.decided_at = Set(Some(now));
    am.updated_at = Set(now);
    am.update(&txn).await?;
    audit::record(
        &txn,
        Some(organizer_id),
        &format!("mentor.{}", status.as_str()),
        subject(user_id),
        json!({}),
        now,
    )
    .await?;
    if approve {
        grant_in(&txn, organizer_id, user_id, Role::Mentor, now).await?;
        let has_newcomer_profile = newcomer_profiles::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .is_some();
        if !has_newcomer_profile {
            revoke_in(&txn, organizer_id, user_id, Role::Newcomer, now).await?;
        }
    } else {
        revoke_in(&txn, organizer_id, user_id, Role::Mentor, now).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Grant a role (an organizer promoting someone). Granting a role someone has is a no-op.
pub async fn grant(
    db: &DatabaseConnection,
    actor: i32,
    user_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = db.begin().await?;
    users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if role == Role::Mentor {
        let approved = mentor_profiles::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .is_some_and(|p| p.status == MentorStatus::Approved);
        if !approved {
            return Err(AppError::Conflict(
                "A mentor needs an approved mentor profile: approve their application instead."
                    .into(),
            ));
        }
    }
    grant_in(&txn, actor, user_id, role, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Revoke a role. The last organizer cannot be removed, so the programme is never left without one.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: i32,
    user_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = db.begin().await?;
    users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if role == Role::Organizer {
        let organizers = user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(Role::Organizer))
            .count(&txn)
            .await?;
        let is_one = user_roles::Entity::find_by_id((user_id, Role::Organizer))
            .one(&txn)
            .await?
            .is_some();
        if is_one && organizers <= 1 {
            return Err(AppError::Conflict(
                "This is the last organizer; promote someone else first.".into(),
            ));
        }
    }
    revoke_in(&txn, actor, user_id, role, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Grant inside a transaction, with its audit row; `actor` None means the configuration.
pub async fn grant_as(
    txn: &impl ConnectionTrait,
    actor: Option<i32>,
    user_id: i32,
    role: Role,
    source: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let inserted = user_roles::Entity::insert(user_roles::ActiveModel {
        user_id: Set(user_id),
        role: Set(role),
        granted_by: Set(actor),
        granted_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([user_roles::Column::UserId, user_roles::Column::Role])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if inserted > 0 {
        audit::record(
            txn,
            actor,
            "role.grant",
            subject(user_id),
            json!({ "role": role, "source": source }),
            now,
        )
        .await?;
    }
    Ok(inserted > 0)
}

async fn grant_in(
    txn: &impl ConnectionTrait,
    actor: i32,
    user_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    grant_as(txn, Some(actor), user_id, role, "organizer", now).await
}

async fn revoke_in(
    txn: &impl ConnectionTrait,
    actor: i32,
    user_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let removed = user_roles::Entity::delete_by_id((user_id, role))
        .exec(txn)
        .await?
        .rows_affected;
    if removed > 0 {
        audit::record(
            txn,
            Some(actor),
            "role.revoke",
            subject(user_id),
            json!({ "role": role }),
            now,
        )
        .await?;
    }
    Ok(())
}

fn subject(user_id: i32) -> String {
    format!("user:{user_id}")
}
