//! What a programme filter's form offers (see `services::programme`): the months in which newcomers signed up,
//! the areas, and the mentors who mentor someone now.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use crate::db::mentorships::MentorshipState;
use crate::db::user_roles::Role;
use crate::db::{mentorships, user_roles, users};
use crate::domain::calendar::Cohort;
use crate::services::ServiceResult;
use crate::services::catalog::{self, AreaOption};

#[derive(Debug, Clone, Serialize)]
pub struct MentorOption {
    pub id: i32,
    pub github_login: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FilterChoices {
    /// Newest first.
    pub cohorts: Vec<Cohort>,
    pub areas: Vec<AreaOption>,
    /// By login.
    pub mentors: Vec<MentorOption>,
}

pub async fn filter_choices(db: &impl ConnectionTrait) -> ServiceResult<FilterChoices> {
    // Sign-up times rather than a GROUP BY on the month, which SQLite and PostgreSQL spell differently; ten
    // thousand timestamps are a few hundred kilobytes for a moment.
    let newcomers = Query::select()
        .column(user_roles::Column::UserId)
        .from(user_roles::Entity)
        .and_where(user_roles::Column::Role.eq(Role::Newcomer))
        .to_owned();
    let signed_up: Vec<DateTime<Utc>> = users::Entity::find()
        .select_only()
        .column(users::Column::CreatedAt)
        .filter(users::Column::Id.in_subquery(newcomers))
        .into_tuple()
        .all(db)
        .await?;
    let cohorts: BTreeSet<Cohort> = signed_up.into_iter().map(Cohort::of).collect();
    let mentoring = Query::select()
        .column(mentorships::Column::MentorId)
        .from(mentorships::Entity)
        .and_where(mentorships::Column::State.eq(MentorshipState::Active))
        .to_owned();
    let mentors = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .filter(users::Column::Id.in_subquery(mentoring))
        .order_by_asc(users::Column::GithubLogin)
        .into_tuple::<(i32, String, Option<String>)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, github_login, name)| MentorOption {
            id,
            github_login,
            name,
        })
        .collect();
    Ok(FilterChoices {
        cohorts: cohorts.into_iter().rev().collect(),
        areas: catalog::areas(db).await?,
        mentors,
    })
}
