//! Roles: organizers decide mentor applications and promote or demote people. Every change is written to the
//! audit log with who did it, in the same transaction.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;

use crate::db::mentor_profiles::MentorStatus;
use crate::db::mentorships::MentorshipState;
use crate::db::user_roles::Role;
use crate::db::{mentor_profiles, mentorships, newcomer_profiles, user_roles, users};
use crate::services::audit;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult};

/// Why a waiting proposal ended when its mentor stopped being one.
pub const MENTOR_REVOKED: &str = "mentor role revoked";

/// Approve or decline a mentor application. Approval grants the mentor role; someone who never filled in a
/// newcomer profile stops being listed as a newcomer, since they came to mentor. Declining someone approved
/// before also ends their mentoring, as revoking the role does.
pub async fn decide_mentor(
    db: &DatabaseConnection,
    organizer_id: i32,
    user_id: i32,
    approve: bool,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    let profile = mentor_profiles::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let status = if approve {
        MentorStatus::Approved
    } else {
        MentorStatus::Declined
    };
    if profile.status == status {
        return Err(ServiceError::Conflict(format!(
            "This application is already {}.",
            status.as_str()
        )));
    }
    set_mentor_status(&txn, profile, organizer_id, status, json!({}), now).await?;
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
        withdraw_proposals(&txn, organizer_id, user_id, now).await?;
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
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if role == Role::Mentor {
        let approved = mentor_profiles::Entity::find_by_id(user_id)
            .one(&txn)
            .await?
            .is_some_and(|p| p.status == MentorStatus::Approved);
        if !approved {
            return Err(ServiceError::Conflict(
                "A mentor needs an approved mentor profile: approve their application instead."
                    .into(),
            ));
        }
    }
    grant_in(&txn, actor, user_id, role, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Revoke a role, in one transaction with everything it entails:
/// - organizer: the last organizer cannot be removed, so the programme is never left without one, even when two
///   organizers remove each other at the same moment;
/// - mentor: their mentor profile is no longer approved (so matching proposes nobody to them) and their
///   proposals still waiting for an answer are withdrawn, which returns those newcomers to the pool. Mentorships
///   under way continue until an organizer ends them.
pub async fn revoke(
    db: &DatabaseConnection,
    actor: i32,
    user_id: i32,
    role: Role,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    users::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    match role {
        Role::Organizer => {
            // Lock every organizer's row, in one order, before counting: of two removals racing on PostgreSQL
            // the second waits, then counts without the row the first removed. (On SQLite the write
            // transaction already makes them take turns.)
            let organizers: Vec<i32> = user_roles::Entity::find()
                .filter(user_roles::Column::Role.eq(Role::Organizer))
                .order_by_asc(user_roles::Column::UserId)
                .lock_exclusive()
                .all(&txn)
                .await?
                .into_iter()
                .map(|r| r.user_id)
                .collect();
            if !organizers.contains(&actor) {
                return Err(ServiceError::Conflict(
                    "You are no longer an organizer, so you cannot remove one.".into(),
                ));
            }
            if organizers == [user_id] {
                return Err(ServiceError::Conflict(
                    "This is the last organizer; promote someone else first.".into(),
                ));
            }
            revoke_in(&txn, actor, user_id, role, now).await?;
        }
        Role::Mentor => {
            revoke_in(&txn, actor, user_id, role, now).await?;
            let profile = mentor_profiles::Entity::find_by_id(user_id)
                .one(&txn)
                .await?
                .filter(|p| p.status == MentorStatus::Approved);
            if let Some(profile) = profile {
                let why = json!({ "reason": MENTOR_REVOKED });
                set_mentor_status(&txn, profile, actor, MentorStatus::Declined, why, now).await?;
            }
            withdraw_proposals(&txn, actor, user_id, now).await?;
        }
        Role::Newcomer => revoke_in(&txn, actor, user_id, role, now).await?,
    }
    txn.commit().await?;
    Ok(())
}

/// An organizer's decision on a mentor profile, with its audit entry (`mentor.approved`, `mentor.declined`).
async fn set_mentor_status(
    txn: &impl ConnectionTrait,
    profile: mentor_profiles::Model,
    actor: i32,
    status: MentorStatus,
    details: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let user_id = profile.user_id;
    let mut am = profile.into_active_model();
    am.status = Set(status);
    am.decided_by = Set(Some(actor));
    am.decided_at = Set(Some(now));
    am.updated_at = Set(now);
    am.update(txn).await?;
    audit::record(
        txn,
        Some(actor),
        &format!("mentor.{}", status.as_str()),
        subject(user_id),
        details,
        now,
    )
    .await
}

/// End the proposals waiting for `mentor_id`'s answer, each with an audit entry. The rows are locked first, so a
/// mentor answering at the same moment either answered before (and the mentorship stands) or finds it withdrawn.
async fn withdraw_proposals(
    txn: &impl ConnectionTrait,
    actor: i32,
    mentor_id: i32,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let waiting = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mentor_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Proposed))
        .lock_exclusive()
        .all(txn)
        .await?;
    for m in waiting {
        let mut am = m.clone().into_active_model();
        am.state = Set(MentorshipState::Ended);
        am.ended_at = Set(Some(now));
        am.ended_reason = Set(Some(MENTOR_REVOKED.into()));
        am.update(txn).await?;
        audit::record(
            txn,
            Some(actor),
            "mentorship.withdraw",
            format!("mentorship:{}", m.id),
            json!({ "newcomer_id": m.newcomer_id, "mentor_id": mentor_id, "reason": MENTOR_REVOKED }),
            now,
        )
        .await?;
    }
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

/// How the audit log names a person.
pub fn subject(user_id: i32) -> String {
    format!("user:{user_id}")
}
