//! Synthetic people for benchmarks and for trying matching at scale: newcomers and approved mentors with areas,
//! languages, time zones, experience and capacity drawn from plausible, skewed distributions (a few areas are
//! far more popular than the rest; English is nearly universal; most people live in a handful of zones).
//!
//! Deterministic: the same seed on the same catalog gives the same people. Written with multi-row inserts in one
//! transaction, so 10,000 newcomers and 2,000 mentors take seconds on SQLite.

use std::collections::HashMap;
use std::time::Instant;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Serialize;

use crate::db::mentor_profiles::MentorStatus;
use crate::db::newcomer_profiles::NewcomerStatus;
use crate::db::user_roles::Role;
use crate::db::{
    areas, mentor_profiles, newcomer_profiles, user_areas, user_languages, user_roles, users,
};

/// Rows per multi-row INSERT, well inside SQLite's limit on bound parameters.
const CHUNK: usize = 500;

pub const NEWCOMER_PREFIX: &str = "synthetic-n-";
pub const MENTOR_PREFIX: &str = "synthetic-m-";

#[derive(Debug, Clone, Serialize)]
pub struct SeedReport {
    pub newcomers: usize,
    pub mentors: usize,
    pub area_rows: usize,
    pub language_rows: usize,
    pub elapsed_ms: f64,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "added {} newcomers and {} mentors ({} interest/expertise rows, {} language rows) in {:.0} ms",
            self.newcomers, self.mentors, self.area_rows, self.language_rows, self.elapsed_ms
        )
    }
}

/// SplitMix64: tiny, fast and good enough to make test data; not for anything secret.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total.max(1) as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// Time zones with rough weights: where contributors live, clustered in Europe, the Americas and Asia, plus a few
/// half- and quarter-hour offsets to keep the arithmetic honest.
const ZONES: &[(&str, u32)] = &[
    ("America/Los_Angeles", 8),
    ("America/Denver", 2),
    ("America/Chicago", 4),
    ("America/New_York", 10),
    ("America/Toronto", 3),
    ("America/Mexico_City", 3),
    ("America/Sao_Paulo", 5),
    ("America/Argentina/Buenos_Aires", 2),
    ("Europe/London", 8),
    ("Europe/Lisbon", 2),
    ("Europe/Paris", 6),
    ("Europe/Berlin", 12),
    ("Europe/Warsaw", 4),
    ("Europe/Kyiv", 3),
    ("Europe/Helsinki", 2),
    ("Africa/Lagos", 2),
    ("Africa/Nairobi", 2),
    ("Asia/Kolkata", 8),
    ("Asia/Kathmandu", 1),
    ("Asia/Shanghai", 6),
    ("Asia/Singapore", 2),
    ("Asia/Jakarta", 2),
    ("Asia/Seoul", 2),
    ("Asia/Tokyo", 4),
    ("Australia/Adelaide", 1),
    ("Australia/Sydney", 2),
    ("Pacific/Auckland", 1),
];

/// Languages besides English, with rough weights.
const OTHER_LANGUAGES: &[(&str, u32)] = &[
    ("es", 12),
    ("pt", 8),
    ("de", 10),
    ("fr", 8),
    ("zh", 9),
    ("hi", 7),
    ("ja", 5),
    ("ru", 5),
    ("pl", 3),
    ("it", 3),
    ("ko", 3),
    ("uk", 2),
    ("tr", 2),
    ("nl", 2),
    ("id", 2),
];

const FIRST: &[&str] = &[
    "Ada",
    "Bao",
    "Carla",
    "Dmitri",
    "Eun-ji",
    "Farah",
    "Gustavo",
    "Hana",
    "Ines",
    "Jonas",
    "Kavya",
    "Lars",
    "Mei",
    "Nikolai",
    "Oluwaseun",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tariq",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zofia",
];
const LAST: &[&str] = &[
    "Almeida", "Becker", "Chen", "Dubois", "Eriksen", "Fujita", "Garcia", "Haddad", "Ivanova",
    "Jansen", "Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Patel", "Quinn", "Rossi",
    "Singh", "Tanaka", "Usman", "Virtanen", "Wang", "Xu", "Yilmaz", "Zhang",
];
const GOALS: &[&str] = &[
    "Land a first patch in a Rust driver.",
    "Learn how the kernel's safe abstractions are built.",
    "Help a binding reach mainline.",
    "Understand the kernel well enough to review Rust code.",
];

fn name(rng: &mut Rng) -> String {
    format!(
        "{} {}",
        FIRST[rng.below(FIRST.len())],
        LAST[rng.below(LAST.len())]
    )
}

/// 1..=max distinct areas, popular ones far more likely (weights fall off as 1/rank).
fn pick_areas(rng: &mut Rng, ranked: &[i32], weights: &[u32], max: usize) -> Vec<i32> {
    let want = 1 + rng.below(max);
    let mut out = Vec::with_capacity(want);
    for _ in 0..want * 4 {
        if out.len() == want {
            break;
        }
        let a = ranked[rng.weighted(weights)];
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// English for most; one or two other languages for many; a few speak no English at all.
fn pick_languages(rng: &mut Rng) -> Vec<&'static str> {
    let weights: Vec<u32> = OTHER_LANGUAGES.iter().map(|(_, w)| *w).collect();
    let mut out = Vec::with_capacity(3);
    if rng.chance(93) {
        out.push("en");
    }
    let others = match rng.below(10) {
        0..=3 => 0,
        4..=8 => 1,
        _ => 2,
    }
    .max(usize::from(out.is_empty()));
    for _ in 0..others {
        let l = OTHER_LANGUAGES[rng.weighted(&weights)].0;
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

fn experience(rng: &mut Rng, weights: &[u32; 4]) -> i16 {
    rng.weighted(weights) as i16
}

/// Adds `newcomers` newcomers and `mentors` approved mentors. Logins continue after any synthetic people already
/// present, so seeding twice adds more people rather than failing. Needs the catalog's areas.
pub async fn seed_synthetic(
    db: &DatabaseConnection,
    newcomers: usize,
    mentors: usize,
    seed: u64,
) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    let now = Utc::now();
    let area_ids: Vec<i32> = areas::Entity::find()
        .select_only()
        .column(areas::Column::Id)
        .order_by_asc(areas::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(
        !area_ids.is_empty(),
        "the database has no areas: import the catalog first (onramp import-catalog)"
    );
    let mut rng = Rng(seed ^ 0x6f6e_7261_6d70); // "onramp"
    // Which areas are popular depends on the seed, not on their order in areas.toml.
    let mut ranked = area_ids.clone();
    for i in (1..ranked.len()).rev() {
        ranked.swap(i, rng.below(i + 1));
    }
    let area_weights: Vec<u32> = (0..ranked.len()).map(|r| 1000 / (r as u32 + 1)).collect();
    let zone_weights: Vec<u32> = ZONES.iter().map(|(_, w)| *w).collect();

    let first_newcomer = existing(db, NEWCOMER_PREFIX).await? + 1;
    let first_mentor = existing(db, MENTOR_PREFIX).await? + 1;
    let people: Vec<(String, bool)> = (0..newcomers)
        .map(|k| (format!("{NEWCOMER_PREFIX}{:05}", first_newcomer + k), false))
        .chain((0..mentors).map(|k| (format!("{MENTOR_PREFIX}{:05}", first_mentor + k), true)))
        .collect();

    let txn = db.begin().await?;
    let mut user_rows = Vec::with_capacity(people.len());
    for (login, _) in &people {
        // 3% never set a time zone: matching must cope with not knowing.
        let timezone = (!rng.chance(3)).then(|| ZONES[rng.weighted(&zone_weights)].0.to_string());
        user_rows.push(users::ActiveModel {
            github_id: Set(None),
            github_login: Set(login.clone()),
            name: Set(Some(name(&mut rng))),
            email: Set(Some(format!("{login}@example.org"))),
            avatar_url: Set(None),
            timezone: Set(timezone),
            is_demo: Set(false),
            created_at: Set(now),
            last_seen_at: Set(None),
            ..Default::default()
        });
    }
    insert_chunked(&txn, user_rows).await?;
    let ids = ids_by_login(&txn).await?;
    let id_of = |login: &str| -> anyhow::Result<i32> {
        ids.get(login)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("user {login} was not written"))
    };

    let mut roles = Vec::with_capacity(people.len());
    let mut newcomer_rows = Vec::with_capacity(newcomers);
    let mut mentor_rows = Vec::with_capacity(mentors);
    let mut area_rows = Vec::new();
    let mut language_rows = Vec::new();
    for (login, is_mentor) in &people {
        let id = id_of(login)?;
        roles.push(user_roles::ActiveModel {
            user_id: Set(id),
            role: Set(if *is_mentor {
                Role::Mentor
            } else {
                Role::Newcomer
            }),
            granted_by: Set(None),
            granted_at: Set(now),
        });
        let max_areas = if *is_mentor { 5 } else { 4 };
        for area_id in pick_areas(&mut rng, &ranked, &area_weights, max_areas) {
            area_rows.push(user_areas::ActiveModel {
                user_id: Set(id),
                area_id: Set(area_id),
            });
        }
        for language in pick_languages(&mut rng) {
            language_rows.push(user_languages::ActiveModel {
                user_id: Set(id),
                language: Set(language.to_string()),
            });
        }
        if *is_mentor {
            mentor_rows.push(mentor_profiles::ActiveModel {
                user_id: Set(id),
                capacity: Set(1 + rng.weighted(&[15, 30, 30, 15, 10]) as i16),
                accepting: Set(rng.chance(85)),
                bio: Set("Reviews Rust abstractions and drivers.".into()),
                status: Set(MentorStatus::Approved),
                decided_by: Set(None),
                decided_at: Set(Some(now)),
                created_at: Set(now),
                updated_at: Set(now),
            });
        } else {
            let status = match rng.below(100) {
                0..=93 => NewcomerStatus::Active,
                94..=97 => NewcomerStatus::Paused,
                98 => NewcomerStatus::Graduated,
                _ => NewcomerStatus::Withdrawn,
            };
            newcomer_rows.push(newcomer_profiles::ActiveModel {
                user_id: Set(id),
                rust_experience: Set(experience(&mut rng, &[25, 40, 25, 10])),
                c_experience: Set(experience(&mut rng, &[20, 35, 30, 15])),
                kernel_experience: Set(experience(&mut rng, &[60, 25, 12, 3])),
                hours_per_week: Set(2 + rng.below(14) as i16),
                goals: Set(GOALS[rng.below(GOALS.len())].to_string()),
                status: Set(status),
                created_at: Set(now),
                updated_at: Set(now),
            });
        }
    }
    let (area_count, language_count) = (area_rows.len(), language_rows.len());
    insert_chunked(&txn, roles).await?;
    insert_chunked(&txn, newcomer_rows).await?;
    insert_chunked(&txn, mentor_rows).await?;
    insert_chunked(&txn, area_rows).await?;
    insert_chunked(&txn, language_rows).await?;
    txn.commit().await?;
    Ok(SeedReport {
        newcomers,
        mentors,
        area_rows: area_count,
        language_rows: language_count,
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
    })
}

async fn insert_chunked<A>(db: &impl ConnectionTrait, rows: Vec<A>) -> Result<(), DbErr>
where
    A: ActiveModelTrait + Send,
{
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(CHUNK).collect();
        A::Entity::insert_many(chunk)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// How many synthetic logins with this prefix exist; they are numbered from 1 without gaps, so the next is this + 1.
async fn existing(db: &impl ConnectionTrait, prefix: &str) -> Result<usize, DbErr> {
    let count = users::Entity::find()
        .filter(users::Column::GithubLogin.starts_with(prefix))
        .count(db)
        .await?;
    Ok(count as usize)
}

/// Synthetic logins to ids: one query for all of them instead of one per inserted row.
async fn ids_by_login(db: &impl ConnectionTrait) -> Result<HashMap<String, i32>, DbErr> {
    let rows: Vec<(i32, String)> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::GithubLogin.starts_with("synthetic-"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(id, login)| (login, id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_and_in_range() {
        let mut a = Rng(7);
        let mut b = Rng(7);
        for _ in 0..1000 {
            assert_eq!(a.next(), b.next());
        }
        let mut r = Rng(1);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            assert!(r.weighted(&[0, 5, 0]) == 1);
        }
    }

    #[test]
    fn everyone_speaks_something_and_areas_are_distinct() {
        let mut r = Rng(3);
        let ranked: Vec<i32> = (1..=45).collect();
        let weights: Vec<u32> = (0..45).map(|k| 1000 / (k + 1)).collect();
        let mut english = 0;
        for _ in 0..2000 {
            let langs = pick_languages(&mut r);
            assert!(!langs.is_empty());
            english += usize::from(langs.contains(&"en"));
            let areas = pick_areas(&mut r, &ranked, &weights, 4);
            assert!((1..=4).contains(&areas.len()));
            let mut sorted = areas.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), areas.len());
        }
        assert!((1800..2000).contains(&english), "{english}");
    }
}
