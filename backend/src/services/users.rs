//! Users and their roles.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use crate::db::{user_roles, users};
use crate::domain::roles::Role;
use crate::services::{ServiceError, ServiceResult};

/// A signed-in person as pages see them.
#[derive(Debug, Clone, Serialize)]
pub struct UserWithRoles {
    pub id: i32,
    pub github_login: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub avatar_url: Option<String>,
    pub timezone: Option<String>,
    pub is_demo: bool,
    pub roles: Vec<Role>,
    pub created_at: DateTime<Utc>,
}

impl UserWithRoles {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or(&self.github_login)
    }
}

fn with_roles(u: users::Model, roles: Vec<user_roles::Model>) -> UserWithRoles {
    let mut roles: Vec<Role> = roles.into_iter().map(|r| r.role).collect();
    roles.sort_by_key(|r| r.as_str());
    UserWithRoles {
        id: u.id,
        github_login: u.github_login,
        name: u.name,
        email: u.email,
        avatar_url: u.avatar_url,
        timezone: u.timezone,
        is_demo: u.is_demo,
        roles,
        created_at: u.created_at,
    }
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> ServiceResult<Option<UserWithRoles>> {
    let Some((u, roles)) = users::Entity::find_by_id(id)
        .find_with_related(user_roles::Entity)
        .all(db)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    Ok(Some(with_roles(u, roles)))
}

/// Demo people, for the demo sign-in page, in name order.
pub async fn demo_people(db: &impl ConnectionTrait) -> ServiceResult<Vec<UserWithRoles>> {
    Ok(users::Entity::find()
        .filter(users::Column::IsDemo.eq(true))
        .order_by_asc(users::Column::GithubLogin)
        .find_with_related(user_roles::Entity)
        .all(db)
        .await?
        .into_iter()
        .map(|(u, r)| with_roles(u, r))
        .collect())
}

/// Signing in as the demo person `login` (demo mode only; the caller checks): records them as seen `now` and
/// returns their id for the session.
pub async fn demo_sign_in(
    db: &impl ConnectionTrait,
    login: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let user = users::Entity::find()
        .filter(users::Column::IsDemo.eq(true))
        .filter(users::Column::GithubLogin.eq(login))
        .one(db)
        .await?
        .ok_or_else(|| {
            ServiceError::Invalid(format!("There is no demo person called {login:?}."))
        })?;
    touch_last_seen(db, user.id, now).await?;
    Ok(user.id)
}

pub async fn touch_last_seen(
    db: &impl ConnectionTrait,
    id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    users::Entity::update_many()
        .col_expr(
            users::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(users::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
