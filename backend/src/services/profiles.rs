//! Newcomer and mentor profiles: loading them into their forms and saving them, in one transaction each.
//! A mentor profile starts as an application that an organizer decides on (see `services::roles`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

use crate::db::{areas, mentor_profiles, newcomer_profiles, user_areas, user_languages, users};
use crate::domain::enums::Choice;
use crate::domain::profile::{MentorForm, MentorProfile, NewcomerForm, NewcomerProfile};
use crate::domain::roles::{MentorStatus, NewcomerStatus};
use crate::services::ServiceResult;

/// The slugs of every area, for validation and the forms' checkboxes.
pub async fn area_slugs(db: &impl ConnectionTrait) -> ServiceResult<Vec<String>> {
    Ok(areas::Entity::find()
        .select_only()
        .column(areas::Column::Slug)
        .order_by_asc(areas::Column::Slug)
        .into_tuple()
        .all(db)
        .await?)
}

async fn chosen_areas(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<String>, DbErr> {
    user_areas::Entity::find()
        .select_only()
        .column(areas::Column::Slug)
        .inner_join(areas::Entity)
        .filter(user_areas::Column::UserId.eq(user_id))
        .order_by_asc(areas::Column::Slug)
        .into_tuple()
        .all(db)
        .await
}

async fn chosen_languages(db: &impl ConnectionTrait, user_id: i32) -> Result<Vec<String>, DbErr> {
    user_languages::Entity::find()
        .select_only()
        .column(user_languages::Column::Language)
        .filter(user_languages::Column::UserId.eq(user_id))
        .order_by_asc(user_languages::Column::Language)
        .into_tuple()
        .all(db)
        .await
}

async fn user_timezone(db: &impl ConnectionTrait, user_id: i32) -> Result<String, DbErr> {
    Ok(users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .and_then(|u| u.timezone)
        .unwrap_or_default())
}

/// The newcomer form filled with what is saved, or empty with sensible starting values.
pub async fn newcomer_form(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> ServiceResult<(NewcomerForm, bool)> {
    let profile = newcomer_profiles::Entity::find_by_id(user_id)
        .one(db)
        .await?;
    let form = NewcomerForm {
        interests: chosen_areas(db, user_id).await?,
        languages: chosen_languages(db, user_id).await?,
        timezone: user_timezone(db, user_id).await?,
        rust: profile
            .as_ref()
            .map(|p| p.rust_experience.to_string())
            .unwrap_or_default(),
        c: profile
            .as_ref()
            .map(|p| p.c_experience.to_string())
            .unwrap_or_default(),
        kernel: profile
            .as_ref()
            .map(|p| p.kernel_experience.to_string())
            .unwrap_or_default(),
        hours_per_week: profile
            .as_ref()
            .map_or("5".into(), |p| p.hours_per_week.to_string()),
        goals: profile
            .as_ref()
            .map(|p| p.goals.clone())
            .unwrap_or_default(),
        status: Choice::Known(
            profile
                .as_ref()
                .map_or(NewcomerStatus::Active, |p| p.status),
        ),
    };
    Ok((form, profile.is_some()))
}

pub async fn save_newcomer(
    db: &DatabaseConnection,
    user_id: i32,
    p: &NewcomerProfile,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = db.begin().await?;
    set_timezone(&txn, user_id, &p.timezone).await?;
    replace_areas(&txn, user_id, &p.interests).await?;
    replace_languages(&txn, user_id, &p.languages).await?;
    upsert_newcomer(&txn, user_id, p, now).await?;
    Ok(txn.commit().await?)
}

/// The mentor form filled with what is saved, and the application's status if there is one.
pub async fn mentor_form(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> ServiceResult<(MentorForm, Option<MentorStatus>)> {
    let profile = mentor_profiles::Entity::find_by_id(user_id).one(db).await?;
    let form = MentorForm {
        expertise: chosen_areas(db, user_id).await?,
        languages: chosen_languages(db, user_id).await?,
        timezone: user_timezone(db, user_id).await?,
        capacity: profile
            .as_ref()
            .map_or("2".into(), |p| p.capacity.to_string()),
        accepting: profile
            .as_ref()
            .map_or(Some("on".into()), |p| p.accepting.then(|| "on".into())),
        bio: profile.as_ref().map(|p| p.bio.clone()).unwrap_or_default(),
    };
    Ok((form, profile.map(|p| p.status)))
}

/// Save a mentor profile: the first save is an application (status applied); later saves keep the status.
pub async fn save_mentor(
    db: &DatabaseConnection,
    user_id: i32,
    p: &MentorProfile,
    now: DateTime<Utc>,
) -> ServiceResult<MentorStatus> {
    let txn = db.begin().await?;
    set_timezone(&txn, user_id, &p.timezone).await?;
    replace_areas(&txn, user_id, &p.expertise).await?;
    replace_languages(&txn, user_id, &p.languages).await?;
    let status = upsert_mentor(&txn, user_id, p, MentorStatus::Applied, now).await?;
    txn.commit().await?;
    Ok(status)
}

pub async fn set_timezone(db: &impl ConnectionTrait, user_id: i32, tz: &str) -> ServiceResult<()> {
    users::Entity::update_many()
        .col_expr(
            users::Column::Timezone,
            sea_orm::sea_query::Expr::value(tz.to_string()),
        )
        .filter(users::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Replace a person's areas (interests or expertise) with these slugs; unknown slugs are ignored.
pub async fn replace_areas(
    db: &impl ConnectionTrait,
    user_id: i32,
    slugs: &[String],
) -> ServiceResult<()> {
    user_areas::Entity::delete_many()
        .filter(user_areas::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if slugs.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .filter(areas::Column::Slug.is_in(slugs.iter().cloned()))
        .into_tuple()
        .all(db)
        .await?;
    if !ids.is_empty() {
        user_areas::Entity::insert_many(ids.into_iter().map(|area_id| user_areas::ActiveModel {
            user_id: Set(user_id),
            area_id: Set(area_id),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn replace_languages(
    db: &impl ConnectionTrait,
    user_id: i32,
    codes: &[String],
) -> ServiceResult<()> {
    user_languages::Entity::delete_many()
        .filter(user_languages::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    if !codes.is_empty() {
        user_languages::Entity::insert_many(codes.iter().map(|l| user_languages::ActiveModel {
            user_id: Set(user_id),
            language: Set(l.clone()),
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

pub async fn upsert_newcomer(
    db: &impl ConnectionTrait,
    user_id: i32,
    p: &NewcomerProfile,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let row = newcomer_profiles::ActiveModel {
        user_id: Set(user_id),
        rust_experience: Set(p.rust),
        c_experience: Set(p.c),
        kernel_experience: Set(p.kernel),
        hours_per_week: Set(p.hours_per_week),
        goals: Set(p.goals.clone()),
        status: Set(p.status),
        created_at: Set(now),
        updated_at: Set(now),
    };
    use newcomer_profiles::Column as C;
    newcomer_profiles::Entity::insert(row)
        .on_conflict(
            OnConflict::column(C::UserId)
                .update_columns([
                    C::RustExperience,
                    C::CExperience,
                    C::KernelExperience,
                    C::HoursPerWeek,
                    C::Goals,
                    C::Status,
                    C::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Insert or update a mentor profile. A new profile gets `initial` status; an existing one keeps its status.
pub async fn upsert_mentor(
    db: &impl ConnectionTrait,
    user_id: i32,
    p: &MentorProfile,
    initial: MentorStatus,
    now: DateTime<Utc>,
) -> ServiceResult<MentorStatus> {
    match mentor_profiles::Entity::find_by_id(user_id).one(db).await? {
        Some(existing) => {
            let status = existing.status;
            let mut am = existing.into_active_model();
            am.capacity = Set(p.capacity);
            am.accepting = Set(p.accepting);
            am.bio = Set(p.bio.clone());
            am.updated_at = Set(now);
            am.update(db).await?;
            Ok(status)
        }
        None => {
            mentor_profiles::ActiveModel {
                user_id: Set(user_id),
                capacity: Set(p.capacity),
                accepting: Set(p.accepting),
                bio: Set(p.bio.clone()),
                status: Set(initial),
                decided_by: Set(None),
                decided_at: Set((initial != MentorStatus::Applied).then_some(now)),
                created_at: Set(now),
                updated_at: Set(now),
            }
            .insert(db)
            .await?;
            Ok(initial)
        }
    }
}

/// Where a person stands, for the dashboard: is their newcomer profile complete (a profile, interests, a
/// language and a time zone), and how is their mentor application doing.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProfileStatus {
    pub newcomer_complete: bool,
    pub mentor_status: Option<MentorStatus>,
    /// The newcomer profile's last change (as text), for caches keyed on it; None without a profile.
    pub newcomer_version: Option<String>,
}

/// One statement of four subqueries: the dashboard asks this on every visit.
pub async fn status(
    db: &impl ConnectionTrait,
    user: &crate::services::users::UserWithRoles,
) -> ServiceResult<ProfileStatus> {
    use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query, SimpleExpr, SubQueryStatement};
    let count = |table: Alias, column: &str| -> SimpleExpr {
        SimpleExpr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(
                Query::select()
                    .expr(Func::count(Expr::col(Alias::new(column))))
                    .from(table)
                    .and_where(Expr::col(Alias::new(column)).eq(user.id))
                    .to_owned(),
            )),
        )
    };
    let mentor_status = SimpleExpr::SubQuery(
        None,
        Box::new(SubQueryStatement::SelectStatement(
            Query::select()
                .column(mentor_profiles::Column::Status)
                .from(mentor_profiles::Entity)
                .and_where(mentor_profiles::Column::UserId.eq(user.id))
                .to_owned(),
        )),
    );
    let newcomer_version = SimpleExpr::SubQuery(
        None,
        Box::new(SubQueryStatement::SelectStatement(
            Query::select()
                .expr(Func::cast_as(
                    Expr::col(newcomer_profiles::Column::UpdatedAt),
                    Alias::new("TEXT"),
                ))
                .from(newcomer_profiles::Entity)
                .and_where(newcomer_profiles::Column::UserId.eq(user.id))
                .to_owned(),
        )),
    );
    let stmt = Query::select()
        .expr_as(
            count(Alias::new("newcomer_profiles"), "user_id"),
            Alias::new("profiles"),
        )
        .expr_as(
            count(Alias::new("user_areas"), "user_id"),
            Alias::new("areas"),
        )
        .expr_as(
            count(Alias::new("user_languages"), "user_id"),
            Alias::new("languages"),
        )
        .expr_as(mentor_status, Alias::new("mentor_status"))
        .expr_as(newcomer_version, Alias::new("newcomer_version"))
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("profile status".into()))?;
    let (profiles, areas, languages): (i64, i64, i64) = (
        row.try_get("", "profiles")?,
        row.try_get("", "areas")?,
        row.try_get("", "languages")?,
    );
    let mentor_status: Option<String> = row.try_get("", "mentor_status")?;
    let newcomer_complete = profiles > 0
        && areas > 0
        && languages > 0
        && user.timezone.as_deref().is_some_and(|t| !t.is_empty());
    let newcomer_version: Option<String> = row.try_get("", "newcomer_version")?;
    Ok(ProfileStatus {
        newcomer_complete,
        mentor_status: mentor_status.and_then(|s| s.parse().ok()),
        newcomer_version,
    })
}
