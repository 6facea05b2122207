//! The programme dashboard for organizers: the funnel from sign-up to a merged patch, who is stalled, blocked or
//! waiting, mentors' load and how fast they answer, tasks by area and state, and activity per week, all for the
//! newcomers a `ProgrammeFilter` keeps. Counts are grouped queries; the states come from `progress::progress_of`.
//!
//! Computing it reads most of the programme (about 0.3 s at 10,000 newcomers), so each filter's dashboard is
//! kept for up to `MAX_AGE` and the page says how old it is: the figures of a programme move over days, and a
//! minute's delay lets an organizer click through filters without waiting on every view.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use serde::Serialize;

use crate::db::mentorships::MentorshipState;
use crate::db::progress_events::MilestoneState;
use crate::db::tasks::TaskState;
use crate::db::{
    areas, check_in_replies, check_ins, claims, events, mentor_profiles, mentorships, milestones,
    newcomer_profiles, progress_events, tasks, user_areas, user_languages, users,
};
use crate::domain::catalog::{MERGED_MILESTONE, PATCH_SENT_MILESTONE};
use crate::domain::charts::{BarChart, ColumnChart, bars, columns};
use crate::domain::progress::{ProgressPolicy, ProgressState};
use crate::services::ServiceResult;
use crate::services::programme::ProgrammeFilter;
use crate::services::progress::{NewcomerProgress, Scope, progress_of};

/// How many weeks the activity chart and the response times look back.
pub const WEEKS: i64 = 12;
/// How many people each attention list shows.
const LISTED: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct ProgrammeDashboard {
    /// When these figures were read.
    pub computed_at: DateTime<Utc>,
    pub newcomers: i64,
    pub funnel: Vec<Count>,
    pub funnel_chart: BarChart,
    pub states: Vec<Count>,
    pub stalled: Vec<Attention>,
    pub blocked: Vec<Attention>,
    pub waiting: Vec<Attention>,
    pub mentors: Vec<MentorLoad>,
    /// Median hours from a check-in or a milestone to the mentor's answer, over the last `WEEKS` weeks.
    pub median_response_hours: Option<f64>,
    pub tasks: Vec<AreaTasks>,
    pub tasks_chart: BarChart,
    pub weeks: Vec<Count>,
    pub activity_chart: ColumnChart,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// Someone who needs attention, with why and since when.
#[derive(Debug, Clone, Serialize)]
pub struct Attention {
    pub id: i32,
    pub login: String,
    pub reason: String,
    pub since: DateTime<Utc>,
    pub mentor: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MentorLoad {
    pub id: i32,
    pub login: String,
    pub active: i64,
    pub capacity: i64,
    pub answers: usize,
    pub median_response_hours: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaTasks {
    pub area: String,
    pub open: i64,
    pub claimed: i64,
    pub done: i64,
    pub retired: i64,
}

pub async fn programme_dashboard(
    db: &impl ConnectionTrait,
    filter: &ProgrammeFilter,
    policy: &ProgressPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<ProgrammeDashboard> {
    let who = filter.newcomer_ids();
    let since = now - Duration::weeks(WEEKS);
    let scope = Scope::Programme(filter.clone());
    // The parts read different tables: run them side by side on the pool's connections.
    let (progress, counts, (mentors, median_response_hours), tasks, weeks) = tokio::try_join!(
        progress_of(db, &scope, policy, now),
        funnel(db, &who),
        mentor_loads(db, filter, &who, since),
        tasks_by_area(db, filter),
        activity(db, &who, now),
    )?;
    let newcomers = progress.len() as i64;

    let funnel: Vec<Count> = std::iter::once(("Signed up", newcomers))
        .chain(counts)
        .map(|(label, count)| Count {
            label: label.into(),
            count,
        })
        .collect();
    let funnel_chart = bars(
        &funnel
            .iter()
            .map(|c| (c.label.clone(), vec![("funnel".to_owned(), c.count)]))
            .collect::<Vec<_>>(),
        640.0,
    );

    let mut states: HashMap<ProgressState, i64> = HashMap::new();
    for p in progress.values() {
        *states.entry(p.standing.state).or_default() += 1;
    }
    let states = ProgressState::ALL
        .iter()
        .map(|s| Count {
            label: s.label().to_owned(),
            count: states.get(s).copied().unwrap_or(0),
        })
        .collect();

    let mentor_ids: Vec<i32> = progress.values().filter_map(|p| p.mentor_id).collect();
    let logins = logins_of(
        db,
        progress
            .keys()
            .copied()
            .chain(mentor_ids.iter().copied())
            .collect(),
    )
    .await?;
    let attention = |state: ProgressState| -> Vec<Attention> {
        let mut list: Vec<&NewcomerProgress> = progress
            .values()
            .filter(|p| p.standing.state == state)
            .collect();
        list.sort_by_key(|p| (p.standing.since, p.id));
        list.into_iter()
            .take(LISTED)
            .map(|p| Attention {
                id: p.id,
                login: logins.get(&p.id).cloned().unwrap_or_default(),
                reason: p.standing.reason.clone(),
                since: p.standing.since,
                mentor: p.mentor_id.and_then(|m| logins.get(&m).cloned()),
            })
            .collect()
    };
    let stalled = attention(ProgressState::Stalled);
    let blocked = attention(ProgressState::Blocked);
    let waiting = attention(ProgressState::WaitingForMentor);

    let tasks_chart = bars(
        &tasks
            .iter()
            .map(|t| {
                (
                    t.area.clone(),
                    vec![
                        ("open".to_owned(), t.open),
                        ("claimed".to_owned(), t.claimed),
                        ("done".to_owned(), t.done),
                    ],
                )
            })
            .collect::<Vec<_>>(),
        640.0,
    );
    let activity_chart = columns(
        &weeks
            .iter()
            .map(|w| (w.label.clone(), w.count))
            .collect::<Vec<_>>(),
        640.0,
        180.0,
    );

    Ok(ProgrammeDashboard {
        computed_at: now,
        newcomers,
        funnel,
        funnel_chart,
        states,
        stalled,
        blocked,
        waiting,
        mentors,
        median_response_hours,
        tasks,
        tasks_chart,
        weeks,
        activity_chart,
    })
}

/// How long a dashboard is kept before it is read again.
pub const MAX_AGE: std::time::Duration = std::time::Duration::from_secs(60);
/// How many filters' dashboards are kept at once.
const KEPT: usize = 32;

/// Dashboards by filter, each kept for `MAX_AGE`.
#[derive(Default)]
pub struct DashboardCache {
    kept: std::sync::Mutex<
        HashMap<ProgrammeFilter, (std::time::Instant, std::sync::Arc<ProgrammeDashboard>)>,
    >,
}

impl DashboardCache {
    /// The filter's dashboard, read again when the kept one is older than `MAX_AGE` (or there is none).
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        filter: &ProgrammeFilter,
        policy: &ProgressPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<std::sync::Arc<ProgrammeDashboard>> {
        let fresh = |at: &std::time::Instant| at.elapsed() < MAX_AGE;
        if let Some((at, dash)) = self.kept.lock().expect("dashboard cache lock").get(filter)
            && fresh(at)
        {
            return Ok(dash.clone());
        }
        // Two requests may read it at once after it aged; both get correct figures and the last one stays.
        let dash = std::sync::Arc::new(programme_dashboard(db, filter, policy, now).await?);
        let mut kept = self.kept.lock().expect("dashboard cache lock");
        kept.retain(|_, (at, _)| fresh(at));
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(filter.clone(), (std::time::Instant::now(), dash.clone()));
        Ok(dash)
    }
}

/// After sign-up: profile complete → matched → task claimed → first patch sent → merged.
async fn funnel(
    db: &impl ConnectionTrait,
    who: &SelectStatement,
) -> ServiceResult<Vec<(&'static str, i64)>> {
    let kept = || users::Column::Id.in_subquery(who.clone());
    let ids = |q: SelectStatement| users::Column::Id.in_subquery(q);
    let complete = users::Entity::find()
        .filter(kept())
        .filter(ids(newcomer_profiles::Entity::find()
            .select_only()
            .column(newcomer_profiles::Column::UserId)
            .into_query()))
        .filter(ids(user_areas::Entity::find()
            .select_only()
            .column(user_areas::Column::UserId)
            .into_query()))
        .filter(ids(user_languages::Entity::find()
            .select_only()
            .column(user_languages::Column::UserId)
            .into_query()))
        .filter(users::Column::Timezone.is_not_null())
        .filter(users::Column::Timezone.ne(""))
        .count(db)
        .await? as i64;
    let matched = users::Entity::find()
        .filter(kept())
        .filter(ids(mentorships::Entity::find()
            .select_only()
            .column(mentorships::Column::NewcomerId)
            .filter(mentorships::Column::AcceptedAt.is_not_null())
            .into_query()))
        .count(db)
        .await? as i64;
    let claimed = users::Entity::find()
        .filter(kept())
        .filter(ids(claims::Entity::find()
            .select_only()
            .column(claims::Column::NewcomerId)
            .into_query()))
        .count(db)
        .await? as i64;
    let reached = |slug: &'static str, verified: bool| {
        let milestone = milestones::Entity::find()
            .select_only()
            .column(milestones::Column::Id)
            .filter(milestones::Column::Slug.eq(slug))
            .into_query();
        let mut records = progress_events::Entity::find()
            .select_only()
            .column(progress_events::Column::NewcomerId)
            .filter(progress_events::Column::MilestoneId.in_subquery(milestone));
        if verified {
            records = records.filter(progress_events::Column::State.eq(MilestoneState::Verified));
        }
        users::Entity::find()
            .filter(kept())
            .filter(ids(records.into_query()))
    };
    let sent = reached(PATCH_SENT_MILESTONE, false).count(db).await? as i64;
    let merged = reached(MERGED_MILESTONE, true).count(db).await? as i64;
    Ok(vec![
        ("Profile complete", complete),
        ("Matched with a mentor", matched),
        ("Claimed a task", claimed),
        ("Sent a first patch", sent),
        ("Patch merged", merged),
    ])
}

async fn logins_of(
    db: &impl ConnectionTrait,
    ids: Vec<i32>,
) -> ServiceResult<HashMap<i32, String>> {
    let mut map = HashMap::new();
    // In slices, so a programme of thousands stays under every database's limit on bound values.
    for chunk in ids.chunks(5000) {
        let rows: Vec<(i32, String)> = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .column(users::Column::GithubLogin)
            .filter(users::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        map.extend(rows);
    }
    Ok(map)
}

/// Mentors of the kept newcomers, with their load and how fast they answered check-ins and milestones since
/// `since`; the busiest first. Also the median over all of them.
async fn mentor_loads(
    db: &impl ConnectionTrait,
    filter: &ProgrammeFilter,
    who: &SelectStatement,
    since: DateTime<Utc>,
) -> ServiceResult<(Vec<MentorLoad>, Option<f64>)> {
    let active: Vec<(i32, i64)> = mentorships::Entity::find()
        .select_only()
        .column(mentorships::Column::MentorId)
        .column_as(mentorships::Column::Id.count(), "n")
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .filter(mentorships::Column::NewcomerId.in_subquery(who.clone()))
        .group_by(mentorships::Column::MentorId)
        .into_tuple()
        .all(db)
        .await?;
    let mut active: HashMap<i32, i64> = active.into_iter().collect();
    if let Some(m) = filter.mentor {
        active.entry(m).or_insert(0);
    }
    let capacity: HashMap<i32, i16> = mentor_profiles::Entity::find()
        .select_only()
        .column(mentor_profiles::Column::UserId)
        .column(mentor_profiles::Column::Capacity)
        .filter(mentor_profiles::Column::UserId.is_in(active.keys().copied()))
        .into_tuple::<(i32, i16)>()
        .all(db)
        .await?
        .into_iter()
        .collect();

    // Check-ins since `since` and their first answer by someone other than the newcomer.
    let asked: Vec<(i32, i32, DateTime<Utc>)> = check_ins::Entity::find()
        .select_only()
        .column(check_ins::Column::Id)
        .column(check_ins::Column::NewcomerId)
        .column(check_ins::Column::CreatedAt)
        .filter(check_ins::Column::NewcomerId.in_subquery(who.clone()))
        .filter(check_ins::Column::CreatedAt.gte(since))
        .into_tuple()
        .all(db)
        .await?;
    let asked_by: HashMap<i32, (i32, DateTime<Utc>)> =
        asked.into_iter().map(|(id, n, at)| (id, (n, at))).collect();
    let answers: Vec<(i32, i32, DateTime<Utc>)> = check_in_replies::Entity::find()
        .select_only()
        .column(check_in_replies::Column::CheckInId)
        .column(check_in_replies::Column::AuthorId)
        .column(check_in_replies::Column::CreatedAt)
        .filter(check_in_replies::Column::CreatedAt.gte(since))
        .filter(
            check_in_replies::Column::CheckInId.in_subquery(
                check_ins::Entity::find()
                    .select_only()
                    .column(check_ins::Column::Id)
                    .filter(check_ins::Column::NewcomerId.in_subquery(who.clone()))
                    .filter(check_ins::Column::CreatedAt.gte(since))
                    .into_query(),
            ),
        )
        .order_by_asc(check_in_replies::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut first: HashMap<i32, (i32, f64)> = HashMap::new();
    for (check_in, author, at) in answers {
        let Some((newcomer, asked_at)) = asked_by.get(&check_in) else {
            continue;
        };
        if author == *newcomer || first.contains_key(&check_in) {
            continue;
        }
        first.insert(check_in, (author, hours(at - *asked_at)));
    }
    let mut times: HashMap<i32, Vec<f64>> = HashMap::new();
    for (author, h) in first.into_values() {
        times.entry(author).or_default().push(h);
    }
    let verified: Vec<(i32, DateTime<Utc>, DateTime<Utc>)> = progress_events::Entity::find()
        .select_only()
        .column(progress_events::Column::VerifiedBy)
        .column(progress_events::Column::CreatedAt)
        .column(progress_events::Column::VerifiedAt)
        .filter(progress_events::Column::NewcomerId.in_subquery(who.clone()))
        .filter(progress_events::Column::VerifiedAt.gte(since))
        .filter(progress_events::Column::VerifiedBy.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for (by, recorded, at) in verified {
        times.entry(by).or_default().push(hours(at - recorded));
    }
    let mut all: Vec<f64> = times.values().flatten().copied().collect();
    let overall = median(&mut all);

    let logins = logins_of(db, active.keys().copied().collect()).await?;
    let mut loads: Vec<MentorLoad> = active
        .into_iter()
        .map(|(id, n)| {
            let mut mine = times.remove(&id).unwrap_or_default();
            MentorLoad {
                id,
                login: logins.get(&id).cloned().unwrap_or_default(),
                active: n,
                capacity: i64::from(capacity.get(&id).copied().unwrap_or(0)),
                answers: mine.len(),
                median_response_hours: median(&mut mine),
            }
        })
        .collect();
    loads.sort_by(|a, b| b.active.cmp(&a.active).then_with(|| a.login.cmp(&b.login)));
    Ok((loads, overall))
}

fn hours(d: Duration) -> f64 {
    d.num_minutes() as f64 / 60.0
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let m = if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    };
    Some((m * 10.0).round() / 10.0)
}

/// Tasks per area and state (of the filter's area, when it names one), areas by name.
async fn tasks_by_area(
    db: &impl ConnectionTrait,
    filter: &ProgrammeFilter,
) -> ServiceResult<Vec<AreaTasks>> {
    let mut query = tasks::Entity::find()
        .select_only()
        .column(areas::Column::Name)
        .column(tasks::Column::State)
        .column_as(tasks::Column::Id.count(), "n")
        .inner_join(areas::Entity)
        .group_by(areas::Column::Name)
        .group_by(tasks::Column::State);
    if let Some(area) = &filter.area {
        query = query.filter(areas::Column::Slug.eq(area.as_str()));
    }
    let rows: Vec<(String, TaskState, i64)> = query.into_tuple().all(db).await?;
    let mut by_area: std::collections::BTreeMap<String, AreaTasks> = Default::default();
    for (area, state, n) in rows {
        let row = by_area.entry(area.clone()).or_insert_with(|| AreaTasks {
            area,
            open: 0,
            claimed: 0,
            done: 0,
            retired: 0,
        });
        match state {
            TaskState::Open => row.open += n,
            TaskState::Claimed => row.claimed += n,
            TaskState::Done => row.done += n,
            TaskState::Retired => row.retired += n,
        }
    }
    Ok(by_area.into_values().collect())
}

/// Events on the kept newcomers' timelines per week (Monday to Sunday, UTC), the last `WEEKS` weeks.
async fn activity(
    db: &impl ConnectionTrait,
    who: &SelectStatement,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<Count>> {
    let this_monday =
        now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
    let first_monday = this_monday - Duration::weeks(WEEKS - 1);
    let start = first_monday
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let times: Vec<DateTime<Utc>> = events::Entity::find()
        .select_only()
        .column(events::Column::At)
        .filter(events::Column::PersonId.in_subquery(who.clone()))
        .filter(events::Column::At.gte(start))
        .into_tuple()
        .all(db)
        .await?;
    let mut counts = vec![0i64; WEEKS as usize];
    for at in times {
        let week = (at.date_naive() - first_monday).num_days() / 7;
        if let Some(c) = usize::try_from(week).ok().and_then(|w| counts.get_mut(w)) {
            *c += 1;
        }
    }
    Ok(counts
        .into_iter()
        .enumerate()
        .map(|(i, count)| Count {
            label: label_of(first_monday + Duration::weeks(i as i64)),
            count,
        })
        .collect())
}

/// "Nov 30": the week's Monday.
fn label_of(monday: NaiveDate) -> String {
    monday.format("%b %-d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5.0]), Some(5.0));
        assert_eq!(median(&mut [9.0, 1.0, 4.0]), Some(4.0));
        assert_eq!(median(&mut [1.0, 2.0, 10.0, 3.0]), Some(2.5));
        assert_eq!(
            label_of(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()),
            "Nov 30"
        );
    }
}
