//! Everyone's progress, kept for a minute: deriving it for the whole programme reads most of it (about 0.3 s at
//! 10,000 newcomers), and the pages that need all of it at once (the people list filtered by a derived state)
//! can show figures a minute old. Pages about one person derive theirs fresh.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::state::{NewcomerProgress, Scope, progress_of};
use crate::domain::progress::ProgressPolicy;
use crate::services::ServiceResult;

/// How long everyone's progress is kept before it is derived again.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// Every newcomer's progress, by user id.
pub type Everyone = Arc<HashMap<i32, NewcomerProgress>>;

#[derive(Default)]
pub struct ProgressCache {
    kept: Mutex<Option<(Instant, Everyone)>>,
}

impl ProgressCache {
    /// Every newcomer's progress, derived again when the kept copy is older than `MAX_AGE`.
    pub async fn everyone(
        &self,
        db: &impl ConnectionTrait,
        policy: &ProgressPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<Everyone> {
        if let Some((at, all)) = self.kept.lock().expect("progress cache lock").as_ref()
            && at.elapsed() < MAX_AGE
        {
            return Ok(all.clone());
        }
        // Two requests may derive it at once; both get correct figures and the last one stays.
        let all = Arc::new(progress_of(db, &Scope::AllNewcomers, policy, now).await?);
        *self.kept.lock().expect("progress cache lock") = Some((Instant::now(), all.clone()));
        Ok(all)
    }
}
