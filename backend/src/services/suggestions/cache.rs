//! The pool kept between requests. Loading it is seven queries over every approved mentor and open task; the
//! dashboard needs it on every view. It only changes when the catalog, a mentor profile or a mentorship changes
//! (each of those writes moves a timestamp), or when the hour turns (time-zone offsets), so one small statement
//! tells whether the kept copy is still right, across every instance sharing the database.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbErr};

use super::{Pool, Suggestions, load_pool, suggest_from_pool};
use crate::domain::matching::score::MatchingConfig;
use crate::services::ServiceResult;
use crate::services::pool::{Which, load_newcomers};

/// Counts and newest timestamps of everything the pool is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStamp {
    values: Vec<Option<String>>,
    hour: i64,
}

pub async fn pool_stamp(db: &impl ConnectionTrait, now: DateTime<Utc>) -> ServiceResult<PoolStamp> {
    use sea_orm::sea_query::{Alias, Expr, Func, Query, SimpleExpr, SubQueryStatement};
    let aggregate = |table: &str, f: SimpleExpr| -> SimpleExpr {
        SimpleExpr::SubQuery(
            None,
            Box::new(SubQueryStatement::SelectStatement(
                Query::select().expr(f).from(Alias::new(table)).to_owned(),
            )),
        )
    };
    let max = |column: &str| SimpleExpr::from(Func::max(Expr::col(Alias::new(column))));
    let count = || SimpleExpr::from(Func::count(Expr::col(sea_orm::sea_query::Asterisk)));
    let parts = [
        aggregate("tasks", count()),
        aggregate("tasks", max("updated_at")),
        aggregate("areas", count()),
        aggregate("mentor_profiles", count()),
        aggregate("mentor_profiles", max("updated_at")),
        aggregate("mentorships", count()),
        aggregate("mentorships", max("proposed_at")),
        aggregate("mentorships", max("accepted_at")),
        aggregate("mentorships", max("ended_at")),
    ];
    let mut stmt = Query::select();
    for (i, p) in parts.into_iter().enumerate() {
        // Compared as text: the same on both databases, and only equality matters.
        stmt.expr_as(
            Func::cast_as(p, Alias::new("TEXT")),
            Alias::new(format!("v{i}")),
        );
    }
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("pool stamp".into()))?;
    let values = (0..9)
        .map(|i| row.try_get::<Option<String>>("", &format!("v{i}")))
        .collect::<Result<_, _>>()?;
    Ok(PoolStamp {
        values,
        hour: now.timestamp().div_euclid(3600),
    })
}

/// The kept pool; see the note above.
#[derive(Default)]
pub struct PoolCache {
    current: std::sync::RwLock<Option<(PoolStamp, std::sync::Arc<Pool>)>>,
}

impl PoolCache {
    /// The pool for a stamp the caller has just read.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        stamp: PoolStamp,
        now: DateTime<Utc>,
    ) -> ServiceResult<std::sync::Arc<Pool>> {
        if let Some((s, pool)) = self.current.read().expect("pool cache lock").as_ref()
            && *s == stamp
        {
            return Ok(pool.clone());
        }
        let pool = std::sync::Arc::new(load_pool(db, now).await?);
        *self.current.write().expect("pool cache lock") = Some((stamp, pool.clone()));
        Ok(pool)
    }
}

/// Each newcomer's suggestions, kept while neither the pool (its stamp) nor their own profile (its version, the
/// profile's `updated_at`, moved by every save) has changed: the dashboard shows them on every view.
#[derive(Default)]
pub struct SuggestionCache {
    kept: std::sync::Mutex<std::collections::HashMap<i32, KeptSuggestions>>,
}

/// The pool stamp and profile version the suggestions were computed for, and the suggestions.
type KeptSuggestions = (PoolStamp, String, std::sync::Arc<Suggestions>);

/// Bounds the kept suggestions; past it the map starts afresh (they are cheap to recompute).
const KEPT_SUGGESTIONS: usize = 20_000;

/// Suggestions for a newcomer whose profile version the caller has just read: one query (the pool stamp) when
/// nothing changed since they were last computed.
pub async fn suggestions_kept(
    db: &impl ConnectionTrait,
    pool: &PoolCache,
    kept: &SuggestionCache,
    newcomer_id: i32,
    profile_version: &str,
    cfg: &MatchingConfig,
    now: DateTime<Utc>,
) -> ServiceResult<Option<std::sync::Arc<Suggestions>>> {
    let stamp = pool_stamp(db, now).await?;
    if let Some((s, v, found)) = kept
        .kept
        .lock()
        .expect("suggestion cache lock")
        .get(&newcomer_id)
        && *s == stamp
        && v == profile_version
    {
        return Ok(Some(found.clone()));
    }
    let Some((newcomer, _)) = load_newcomers(db, Which::One(newcomer_id), now)
        .await?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let pool = pool.get(db, stamp.clone(), now).await?;
    let found = std::sync::Arc::new(suggest_from_pool(&pool, &newcomer, cfg));
    let mut map = kept.kept.lock().expect("suggestion cache lock");
    if map.len() >= KEPT_SUGGESTIONS {
        map.clear();
    }
    map.insert(
        newcomer_id,
        (stamp, profile_version.to_string(), found.clone()),
    );
    Ok(Some(found))
}
