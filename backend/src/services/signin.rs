//! Signing in with GitHub: the callback's code becomes a person. One transaction creates or updates the user,
//! gives a new one the newcomer role and makes configured organizers organizers, so a failure anywhere leaves
//! nothing half-made.
//!
//! A login in ONRAMP_ORGANIZERS names whoever holds it on GitHub today, and logins are freed by renames and
//! taken by others. So a configured login is claimed by the first GitHub account (by numeric id) that signs in
//! with it (`organizer_logins`), and counts for that account only: another account signing in under it later
//! gets no organizer role, and the refusal is in the audit log. A numeric id (`id:12345`) in the list never
//! moves and needs no claim.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set, SqlErr,
};
use serde_json::json;

use crate::auth::github::{GithubClient, GithubEmail, GithubError, GithubUser};
use crate::config::{Config, ConfiguredOrganizer};
use crate::db::user_roles::Role;
use crate::db::{organizer_logins, user_roles, users};
use crate::services::transaction::begin_write;
use crate::services::{audit, roles};

/// GitHub's stand-in address for people who hide theirs: verified, but nobody reads it.
const NOREPLY_SUFFIX: &str = "@users.noreply.github.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: i32,
    /// A new account was made.
    pub created: bool,
    /// The configuration made them an organizer just now.
    pub granted_organizer: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Github(#[from] GithubError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Exchange `code`, read who it is, and create or update them. The access token is dropped inside `github`.
pub async fn with_github(
    db: &DatabaseConnection,
    github: &GithubClient,
    code: String,
    pkce_verifier: String,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<SignedIn, SignInError> {
    let identity = github.identity(code, pkce_verifier).await?;
    let email = verified_email(&identity.emails).ok_or(GithubError::NoVerifiedEmail)?;
    let organizer = config.configured_organizer(identity.user.id, &identity.user.login);
    Ok(upsert_github_user(db, &identity.user, email, organizer.as_ref(), now).await?)
}

/// The primary address if GitHub verified it, else another verified one that reaches a person: nudges must go
/// to an address its owner proved is theirs.
pub fn verified_email(emails: &[GithubEmail]) -> Option<&str> {
    emails
        .iter()
        .find(|e| e.primary && e.verified)
        .or_else(|| {
            emails
                .iter()
                .find(|e| e.verified && !e.email.ends_with(NOREPLY_SUFFIX))
        })
        .map(|e| e.email.as_str())
}

/// Create the person behind `user` (matched on GitHub's id, which survives renames) or refresh what GitHub says
/// about them; `organizer` (how the configuration lists them) grants that role if they lack it and the listing
/// is theirs, with an audit entry naming the configuration.
pub async fn upsert_github_user(
    db: &DatabaseConnection,
    user: &GithubUser,
    email: &str,
    organizer: Option<&ConfiguredOrganizer>,
    now: DateTime<Utc>,
) -> Result<SignedIn, DbErr> {
    match try_upsert(db, user, email, organizer, now).await {
        // Two sign-ins of the same new person racing: the loser's transaction rolled back, and on a second try
        // it finds the winner's row and updates it.
        Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            try_upsert(db, user, email, organizer, now).await
        }
        other => other,
    }
}

async fn try_upsert(
    db: &DatabaseConnection,
    user: &GithubUser,
    email: &str,
    organizer: Option<&ConfiguredOrganizer>,
    now: DateTime<Utc>,
) -> Result<SignedIn, DbErr> {
    // SQLite: take the write lock up front, so two sign-ins of one person queue rather than both reading "no
    // such user" and one failing on upgrade. PostgreSQL ignores the mode; the unique github_id and the retry
    // above do the same job there.
    let txn = begin_write(db).await?;
    let existing = users::Entity::find()
        .filter(users::Column::GithubId.eq(user.id))
        .one(&txn)
        .await?;
    release_login(&txn, &user.login, existing.as_ref().map(|u| u.id)).await?;
    let name = user
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    let created = existing.is_none();
    let saved = match existing {
        Some(row) => {
            let mut am: users::ActiveModel = row.into();
            am.github_login = Set(user.login.clone());
            am.name = Set(name);
            am.email = Set(Some(email.to_string()));
            am.avatar_url = Set(user.avatar_url.clone());
            am.last_seen_at = Set(Some(now));
            am.update(&txn).await?
        }
        None => {
            let row = users::ActiveModel {
                github_id: Set(Some(user.id)),
                github_login: Set(user.login.clone()),
                name: Set(name),
                email: Set(Some(email.to_string())),
                avatar_url: Set(user.avatar_url.clone()),
                timezone: Set(None),
                is_demo: Set(false),
                created_at: Set(now),
                last_seen_at: Set(Some(now)),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            // Everyone starts as a newcomer; that is the default, not a decision worth an audit entry.
            user_roles::ActiveModel {
                user_id: Set(row.id),
                role: Set(Role::Newcomer),
                granted_by: Set(None),
                granted_at: Set(now),
            }
            .insert(&txn)
            .await?;
            crate::services::notifications::welcome(&txn, row.id, &row.github_login, now).await?;
            row
        }
    };
    // A no-op for someone who is an organizer already; otherwise the grant and its audit entry (no actor: the
    // configuration did it).
    let granted_organizer = match organizer {
        Some(listed) if listing_is_theirs(&txn, listed, user.id, saved.id, now).await? => {
            roles::grant_as(&txn, None, saved.id, Role::Organizer, "configuration", now).await?
        }
        _ => false,
    };
    txn.commit().await?;
    Ok(SignedIn {
        user_id: saved.id,
        created,
        granted_organizer,
    })
}

/// Whether the configuration's listing is this account's: always for an id; for a login, if this account claimed
/// it, now or before. The claim is an insert that does nothing when the login is claimed already, so of two
/// accounts racing for it the database lets exactly one in; the other's refusal goes to the audit log.
async fn listing_is_theirs(
    txn: &impl ConnectionTrait,
    listed: &ConfiguredOrganizer,
    github_id: i64,
    user_id: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let ConfiguredOrganizer::Login(login) = listed else {
        return Ok(true);
    };
    organizer_logins::Entity::insert(organizer_logins::ActiveModel {
        login: Set(login.clone()),
        github_id: Set(github_id),
        claimed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(organizer_logins::Column::Login)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    let claim = organizer_logins::Entity::find_by_id(login.clone())
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("the claim on {login}")))?;
    if claim.github_id == github_id {
        return Ok(true);
    }
    tracing::warn!(
        user = user_id,
        login,
        claimed_by = claim.github_id,
        "a configured organizer login is signed in with by another GitHub account: no organizer role"
    );
    audit::record(
        txn,
        None,
        "role.refuse",
        roles::subject(user_id),
        json!({
            "role": Role::Organizer,
            "source": "configuration",
            "login": login,
            "claimed_by_github_id": claim.github_id,
        }),
        now,
    )
    .await?;
    Ok(false)
}

/// GitHub logins move: whoever renamed away from `login` and has not signed in since still holds it here. Their
/// row keeps its place under a name no GitHub login can have ('~' is not allowed), until their next sign-in
/// brings their current login.
async fn release_login(
    db: &impl ConnectionTrait,
    login: &str,
    owner: Option<i32>,
) -> Result<(), DbErr> {
    let holder = users::Entity::find()
        .filter(users::Column::GithubLogin.eq(login))
        .one(db)
        .await?;
    if let Some(holder) = holder.filter(|h| Some(h.id) != owner) {
        tracing::info!(
            user = holder.id,
            login,
            "GitHub login moved to another account"
        );
        let stale = format!("{login}~{}", holder.id);
        let mut am: users::ActiveModel = holder.into();
        am.github_login = Set(stale);
        am.update(db).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email(email: &str, primary: bool, verified: bool) -> GithubEmail {
        GithubEmail {
            email: email.into(),
            primary,
            verified,
        }
    }

    #[test]
    fn the_primary_verified_address_wins() {
        let emails = [
            email("old@example.org", false, true),
            email("main@example.org", true, true),
        ];
        assert_eq!(verified_email(&emails), Some("main@example.org"));
    }

    #[test]
    fn an_unverified_primary_falls_back_to_a_verified_address_that_reaches_someone() {
        let emails = [
            email("main@example.org", true, false),
            email("1+ana@users.noreply.github.com", false, true),
            email("work@example.org", false, true),
        ];
        assert_eq!(verified_email(&emails), Some("work@example.org"));
    }

    #[test]
    fn nothing_verified_means_no_address() {
        let emails = [
            email("main@example.org", true, false),
            email("1+ana@users.noreply.github.com", false, true),
        ];
        assert_eq!(verified_email(&emails), None);
        assert_eq!(verified_email(&[]), None);
    }
}
