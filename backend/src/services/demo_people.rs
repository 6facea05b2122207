//! Demo people: written from `seed-data/people.toml` at start-up in demo mode, updated by login each time.

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};

use crate::db::mentor_profiles::MentorStatus;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::{
    areas, mentor_profiles, newcomer_profiles, user_areas, user_languages, user_roles, users,
};
use crate::domain::catalog::Source;
use crate::domain::people::{self, Person};

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
    let txn = db.begin().await?;
    for p in &people {
        upsert(&txn, p, &area_rows, now).await?;
    }
    txn.commit().await?;
    Ok(people.len())
}

async fn upsert(
    txn: &impl ConnectionTrait,
    p: &Person,
    area_rows: &[areas::Model],
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
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
    user_areas::Entity::delete_many()
        .filter(user_areas::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    let area_ids: Vec<i32> = area_rows
        .iter()
        .filter(|a| p.areas.contains(&a.slug))
        .map(|a| a.id)
        .collect();
    if !area_ids.is_empty() {
        user_areas::Entity::insert_many(area_ids.into_iter().map(|area_id| {
            user_areas::ActiveModel {
                user_id: Set(id),
                area_id: Set(area_id),
            }
        }))
        .exec(txn)
        .await?;
    }
    user_languages::Entity::delete_many()
        .filter(user_languages::Column::UserId.eq(id))
        .exec(txn)
        .await?;
    if !p.languages.is_empty() {
        user_languages::Entity::insert_many(p.languages.iter().map(|l| {
            user_languages::ActiveModel {
                user_id: Set(id),
                language: Set(l.clone()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if let Some(n) = &p.newcomer {
        let row = newcomer_profiles::ActiveModel {
            user_id: Set(id),
            rust_experience: Set(n.rust),
            c_experience: Set(n.c),
            kernel_experience: Set(n.kernel),
            hours_per_week: Set(n.hours_per_week),
            goals: Set(n.goals.trim().to_string()),
            status: Set(NewcomerStatus::Active),
            created_at: Set(now),
            updated_at: Set(now),
        };
        newcomer_profiles::Entity::insert(row)
            .on_conflict(
                OnConflict::column(newcomer_profiles::Column::UserId)
                    .update_columns([
                        newcomer_profiles::Column::RustExperience,
                        newcomer_profiles::Column::CExperience,
                        newcomer_profiles::Column::KernelExperience,
                        newcomer_profiles::Column::HoursPerWeek,
                        newcomer_profiles::Column::Goals,
                        newcomer_profiles::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    if let Some(m) = &p.mentor {
        let row = mentor_profiles::ActiveModel {
            user_id: Set(id),
            capacity: Set(m.capacity),
            accepting: Set(m.accepting),
            bio: Set(m.bio.trim().to_string()),
            status: Set(MentorStatus::Approved),
            decided_by: Set(None),
            decided_at: Set(Some(now)),
            created_at: Set(now),
            updated_at: Set(now),
        };
        mentor_profiles::Entity::insert(row)
            .on_conflict(
                OnConflict::column(mentor_profiles::Column::UserId)
                    .update_columns([
                        mentor_profiles::Column::Capacity,
                        mentor_profiles::Column::Accepting,
                        mentor_profiles::Column::Bio,
                        mentor_profiles::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
