//! A person's notification settings: each kind they can receive on or off, a snooze of everything until a day,
//! and the digest's frequency. The one-click unsubscribe of an email turns its kind off, without signing in.

use std::collections::HashSet;

use chrono::{DateTime, NaiveTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Serialize;
use serde_json::json;

use crate::db::notification_preferences::{self, DigestFrequency};
use crate::db::notification_settings;
use crate::db::users;
use crate::domain::email::EmailKind;
use crate::domain::notification_form::NotificationChoice;
use crate::mail::unsubscribe::Unsubscribe;
use crate::services::nudges::kinds_for;
use crate::services::users::UserWithRoles;
use crate::services::{ServiceError, ServiceResult, audit};

/// One kind as the settings page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct KindSetting {
    pub kind: EmailKind,
    pub label: &'static str,
    pub on: bool,
    /// Account email cannot be turned off.
    pub can_turn_off: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub kinds: Vec<KindSetting>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub digest: DigestFrequency,
    /// Only mentors and organizers get a digest.
    pub gets_digest: bool,
}

/// The kinds this person can receive (by their roles).
pub fn offered(user: &UserWithRoles) -> Vec<EmailKind> {
    kinds_for(&user.roles)
}

pub async fn settings(
    db: &impl ConnectionTrait,
    user: &UserWithRoles,
    now: DateTime<Utc>,
) -> ServiceResult<Settings> {
    let off: HashSet<EmailKind> = notification_settings::Entity::find()
        .filter(notification_settings::Column::UserId.eq(user.id))
        .filter(notification_settings::Column::Enabled.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.kind)
        .collect();
    let prefs = notification_preferences::Entity::find_by_id(user.id)
        .one(db)
        .await?;
    let kinds: Vec<EmailKind> = offered(user);
    Ok(Settings {
        gets_digest: kinds.contains(&EmailKind::Digest),
        kinds: kinds
            .into_iter()
            .map(|kind| KindSetting {
                kind,
                label: kind.label(),
                on: !kind.can_turn_off() || !off.contains(&kind),
                can_turn_off: kind.can_turn_off(),
            })
            .collect(),
        snoozed_until: prefs
            .as_ref()
            .and_then(|p| p.snoozed_until)
            .filter(|t| *t > now),
        digest: prefs.map_or(DigestFrequency::Weekly, |p| p.digest),
    })
}

/// Turn `kind` on or off for `user`.
async fn set_kind(
    db: &impl ConnectionTrait,
    user: i32,
    kind: EmailKind,
    on: bool,
) -> ServiceResult<()> {
    notification_settings::Entity::insert(notification_settings::ActiveModel {
        user_id: Set(user),
        kind: Set(kind),
        enabled: Set(on),
        snoozed_until: Set(None),
    })
    .on_conflict(
        OnConflict::columns([
            notification_settings::Column::UserId,
            notification_settings::Column::Kind,
        ])
        .update_column(notification_settings::Column::Enabled)
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Save the settings form's choice (the kinds not in `choice.on` are turned off).
pub async fn save(
    db: &impl ConnectionTrait,
    user: &UserWithRoles,
    choice: &NotificationChoice,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    for kind in offered(user).into_iter().filter(|k| k.can_turn_off()) {
        set_kind(db, user.id, kind, choice.on.contains(&kind)).await?;
    }
    let snoozed_until = choice
        .snooze_until
        .map(|d| d.and_time(NaiveTime::MIN).and_utc());
    notification_preferences::Entity::insert(notification_preferences::ActiveModel {
        user_id: Set(user.id),
        snoozed_until: Set(snoozed_until),
        digest: Set(choice.digest),
        updated_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(notification_preferences::Column::UserId)
            .update_columns([
                notification_preferences::Column::SnoozedUntil,
                notification_preferences::Column::Digest,
                notification_preferences::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// What an unsubscribe link's page says: whose mail, which kind, and whether it is off already.
#[derive(Debug, Clone, Serialize)]
pub struct UnsubscribeView {
    pub kind: EmailKind,
    pub label: &'static str,
    pub login: String,
    pub off: bool,
}

pub async fn unsubscribe_view(
    db: &impl ConnectionTrait,
    link: Unsubscribe,
) -> ServiceResult<UnsubscribeView> {
    let user = users::Entity::find_by_id(link.user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let off = notification_settings::Entity::find_by_id((link.user_id, link.kind))
        .one(db)
        .await?
        .is_some_and(|s| !s.enabled);
    Ok(UnsubscribeView {
        kind: link.kind,
        label: link.kind.label(),
        login: user.github_login,
        off,
    })
}

/// Turn off the kind an unsubscribe link names (the link's signature was checked by the caller). Doing it twice
/// changes nothing.
pub async fn unsubscribe(
    db: &impl ConnectionTrait,
    link: Unsubscribe,
    now: DateTime<Utc>,
) -> ServiceResult<UnsubscribeView> {
    let view = unsubscribe_view(db, link).await?;
    if !view.off {
        set_kind(db, link.user_id, link.kind, false).await?;
        audit::record(
            db,
            Some(link.user_id),
            "email.unsubscribe",
            format!("user:{}", link.user_id),
            json!({ "kind": link.kind }),
            now,
        )
        .await?;
    }
    Ok(UnsubscribeView { off: true, ..view })
}
