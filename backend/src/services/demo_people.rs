//! Demo people: written from `seed-data/people.toml` at start-up in demo mode, updated by login each time.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Set,
};

use crate::db::{areas, user_roles, users};
use crate::domain::catalog::Source;
use crate::domain::people::{self, Person};
use crate::domain::profile::{MentorProfile, NewcomerProfile};
use crate::domain::roles::{MentorStatus, NewcomerStatus};
use crate::services::{ServiceError, ServiceResult, profiles};

/// Read, validate and write the demo people; returns how many there are.
pub async fn import_file(
    db: &DatabaseConnection,
    path: &Path,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let source = Source {
        name: path.display().to_string(),
        text,
    };
    let area_rows = areas::Entity::find().all(db).await?;
    let slugs: Vec<String> = area_rows.iter().map(|a| a.slug.clone()).collect();
    let people = people::parse(&source, &slugs)?;
    // Two instances starting at once both write the demo people. On SQLite the write lock taken first queues
    // them; on PostgreSQL the one that loses the race on a unique login rolls back and tries again, finding the
    // winner's rows to update.
    match write_people(db, &people, &area_rows, now).await {
        Err(ServiceError::Internal(err))
            if err
                .downcast_ref::<DbErr>()
                .is_some_and(crate::services::claims::is_unique_violation) =>
        {
            write_people(db, &people, &area_rows, now).await?
        }
        other => other?,
    }
    Ok(people.len())
}

async fn write_people(
    db: &DatabaseConnection,
    people: &[Person],
    area_rows: &[areas::Model],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = crate::services::transaction::begin_write(db).await?;
    for p in people {
        upsert(&txn, p, area_rows, now).await?;
    }
    Ok(txn.commit().await?)
}

/// Write one demo person (the test suite's factories make their people with this too).
pub async fn upsert(
    txn: &impl ConnectionTrait,
    p: &Person,
    area_rows: &[areas::Model],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let existing = users::Entity::find()
        .filter(users::Column::GithubLogin.eq(&p.login))
        .one(txn)
        .await?;
    let user = match existing {
        Some(u) => {
            let mut am: users::ActiveModel = u.into();
            am.name = Set(Some(p.name.clone()));
            am.email = Set(Some(p.email.clone()));
            am.timezone = Set(Some(p.timezone.clone()));
            am.update(txn).await?
        }
        None => {
            users::ActiveModel {
                github_id: Set(None),
                github_login: Set(p.login.clone()),
                name: Set(Some(p.name.clone())),
                email: Set(Some(p.email.clone())),
                avatar_url: Set(None),
                timezone: Set(Some(p.timezone.clone())),
                is_demo: Set(true),
                created_at: Set(now),
                last_seen_at: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?
        }
    };
    let id = user.id;
    // Roles, areas and languages are replaced as a whole: the file is the truth for demo people.
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    user_roles::Entity::insert_many(p.roles.iter().map(|&role| user_roles::ActiveModel {
        user_id: Set(id),
        role: Set(role),
        granted_by: Set(None),
        granted_at: Set(now),
    }))
    .exec(txn)
    .await?;
    let known: Vec<String> = area_rows.iter().map(|a| a.slug.clone()).collect();
    let areas: Vec<String> = p
        .areas
        .iter()
        .filter(|a| known.contains(a))
        .cloned()
        .collect();
    profiles::replace_areas(txn, id, &areas).await?;
    profiles::replace_languages(txn, id, &p.languages).await?;
    if let Some(n) = &p.newcomer {
        let profile = NewcomerProfile {
            interests: areas.clone(),
            rust: n.rust,
            c: n.c,
            kernel: n.kernel,
            languages: p.languages.clone(),
            timezone: p.timezone.clone(),
            hours_per_week: n.hours_per_week,
            goals: n.goals.trim().to_string(),
            status: NewcomerStatus::Active,
        };
        profiles::upsert_newcomer(txn, id, &profile, now).await?;
    }
    if let Some(m) = &p.mentor {
        let profile = MentorProfile {
            expertise: areas.clone(),
            languages: p.languages.clone(),
            timezone: p.timezone.clone(),
            capacity: m.capacity,
            accepting: m.accepting,
            bio: m.bio.trim().to_string(),
        };
        profiles::upsert_mentor(txn, id, &profile, MentorStatus::Approved, now).await?;
    }
    Ok(())
}
