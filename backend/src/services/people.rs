//! The organizers' list of people, searched and filtered a page at a time in SQL: one count and one page of rows
//! (then the roles of that page's people), whatever the number of people. Mentor applications waiting for a
//! decision come first, then everyone by login.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, IntoCondition};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, RelationTrait, Select,
};
use serde::Serialize;

use crate::db::mentor_profiles::MentorStatus;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::user_roles::Role;
use crate::db::{mentor_profiles, newcomer_profiles, user_roles, users};
use crate::domain::calendar::Cohort;
use crate::domain::paging::{PageQuery, Window};
use crate::domain::roles::PersonState;
use crate::services::ServiceResult;
use crate::services::search::{contains_any, month_of};

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

/// Who to list. Everything left empty lists everyone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeopleFilter {
    /// Found in the login or the name, whatever the case.
    pub q: String,
    pub role: Option<Role>,
    pub state: Option<PersonState>,
    /// Signed up in this month.
    pub cohort: Option<Cohort>,
    /// For a derived progress state: the newcomers in it (the caller derives them, see `progress::ProgressCache`).
    pub in_state: Vec<i32>,
}

/// One page of the people a filter finds.
#[derive(Debug, Clone, Serialize)]
pub struct PeoplePage {
    pub people: Vec<PersonRow>,
    pub window: Window,
}

/// The people `filter` finds, with their profiles joined (every filter and the order need them).
fn matching(filter: &PeopleFilter) -> Select<users::Entity> {
    let mut q = users::Entity::find()
        .join(JoinType::LeftJoin, users::Relation::NewcomerProfiles.def())
        .join(JoinType::LeftJoin, users::Relation::MentorProfiles.def());
    if let Some(text) = contains_any(
        &filter.q,
        [
            (users::Entity, users::Column::GithubLogin),
            (users::Entity, users::Column::Name),
        ],
    ) {
        q = q.filter(text);
    }
    if let Some(role) = filter.role {
        let holders = user_roles::Entity::find()
            .select_only()
            .column(user_roles::Column::UserId)
            .filter(user_roles::Column::Role.eq(role))
            .into_query();
        q = q.filter(users::Column::Id.in_subquery(holders));
    }
    if let Some(state) = filter.state {
        q = q.filter(state_condition(state, &filter.in_state));
    }
    if let Some(cohort) = filter.cohort {
        q = q
            .filter(users::Column::CreatedAt.gte(cohort.start()))
            .filter(users::Column::CreatedAt.lt(cohort.end()));
    }
    q
}

/// The SQL condition for a state. The match is exhaustive on purpose: a new state (a derived progress state such
/// as "stalled") does not compile until it says here which people it is.
fn state_condition(state: PersonState, in_state: &[i32]) -> sea_orm::Condition {
    match state {
        PersonState::Active
        | PersonState::Paused
        | PersonState::Graduated
        | PersonState::Withdrawn => newcomer_profiles::Column::Status
            .eq(state.newcomer_status().expect("a newcomer status"))
            .into_condition(),
        PersonState::Applied => mentor_profiles::Column::Status
            .eq(MentorStatus::Applied)
            .into_condition(),
        PersonState::OnTrack
        | PersonState::Waiting
        | PersonState::Stalled
        | PersonState::Blocked => users::Column::Id
            .is_in(in_state.iter().copied())
            .into_condition(),
    }
}

/// A page of the people `filter` finds: applications first, then by login. A page past the end is the last.
pub async fn search(
    db: &impl ConnectionTrait,
    filter: &PeopleFilter,
    paging: PageQuery,
) -> ServiceResult<PeoplePage> {
    let total = matching(filter).count(db).await?;
    let window = paging.within(total);
    let applied_first = Expr::case(
        Expr::col((mentor_profiles::Entity, mentor_profiles::Column::Status))
            .eq(MentorStatus::Applied.as_str()),
        0,
    )
    .finally(1);
    type Row = (
        i32,
        String,
        Option<String>,
        DateTime<Utc>,
        Option<NewcomerStatus>,
        Option<MentorStatus>,
        Option<i16>,
        Option<String>,
    );
    let rows: Vec<Row> = matching(filter)
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .column(users::Column::Name)
        .column(users::Column::CreatedAt)
        .column_as(newcomer_profiles::Column::Status, "newcomer_status")
        .column_as(mentor_profiles::Column::Status, "mentor_status")
        .column(mentor_profiles::Column::Capacity)
        .column(mentor_profiles::Column::Bio)
        .order_by(Into::<Expr>::into(applied_first), Order::Asc)
        .order_by_asc(users::Column::GithubLogin)
        .order_by_asc(users::Column::Id)
        .offset(window.offset())
        .limit(window.limit())
        .into_tuple()
        .all(db)
        .await?;
    let ids: Vec<i32> = rows.iter().map(|r| r.0).collect();
    let mut roles: std::collections::HashMap<i32, Vec<Role>> = std::collections::HashMap::new();
    for r in user_roles::Entity::find()
        .filter(user_roles::Column::UserId.is_in(ids))
        .all(db)
        .await?
    {
        roles.entry(r.user_id).or_default().push(r.role);
    }
    let people = rows
        .into_iter()
        .map(
            |(id, github_login, name, created_at, newcomer, mentor, capacity, bio)| {
                let mut r = roles.remove(&id).unwrap_or_default();
                r.sort_by_key(|r| r.as_str());
                PersonRow {
                    id,
                    github_login,
                    name,
                    roles: r,
                    newcomer_status: newcomer,
                    mentor_status: mentor,
                    mentor_capacity: mentor.and(capacity),
                    mentor_bio: mentor.and(bio),
                    created_at,
                }
            },
        )
        .collect();
    Ok(PeoplePage { people, window })
}

/// How many mentor applications wait for a decision.
pub async fn applications(db: &impl ConnectionTrait) -> ServiceResult<u64> {
    Ok(mentor_profiles::Entity::find()
        .filter(mentor_profiles::Column::Status.eq(MentorStatus::Applied))
        .count(db)
        .await?)
}

/// The sign-up months that have people, newest first, for the cohort filter.
pub async fn cohorts(db: &impl ConnectionTrait) -> ServiceResult<Vec<Cohort>> {
    let months: Vec<String> = users::Entity::find()
        .select_only()
        .column_as(
            month_of(db.get_database_backend(), "users", "created_at"),
            "month",
        )
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let mut cohorts: Vec<Cohort> = months.iter().filter_map(|m| m.parse().ok()).collect();
    cohorts.sort_unstable_by(|a, b| b.cmp(a));
    Ok(cohorts)
}
