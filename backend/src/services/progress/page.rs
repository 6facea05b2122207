//! One newcomer's progress as a page shows it, to them, their mentor and organizers: where they stand, the
//! milestone ladder with each record and its conversation, their check-ins with the replies, and their timeline.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use super::state::{NewcomerProgress, Scope, progress_of};
use super::{Access, Looker, access};
use crate::db::progress_events::MilestoneState;
use crate::db::{
    check_in_replies, check_ins, milestones, progress_comments, progress_events, users,
};
use crate::domain::evidence::{EvidenceRule, classify};
use crate::domain::progress::ProgressPolicy;
use crate::services::events::{TimelineEntry, timeline};
use crate::services::reports::{ReportCard, reports_of_newcomer};
use crate::services::{ServiceError, ServiceResult};

/// How many check-ins and events the page shows, newest first.
const CHECK_INS_SHOWN: u64 = 26;
const EVENTS_SHOWN: u64 = 200;

#[derive(Debug, Clone, Serialize)]
pub struct ProgressPage {
    pub newcomer_id: i32,
    pub login: String,
    pub name: String,
    pub access: Access,
    pub may_review: bool,
    pub progress: NewcomerProgress,
    pub mentor: Option<String>,
    pub ladder: Vec<LadderStep>,
    /// The first milestone without a record: where to go next.
    pub next_step: Option<String>,
    pub verified: usize,
    pub check_ins: Vec<CheckInView>,
    /// When the next weekly check-in is due (now, when they have never checked in).
    pub check_in_due: DateTime<Utc>,
    pub history: Vec<TimelineEntry>,
    /// Their progress reports, newest first.
    pub reports: Vec<ReportCard>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LadderStep {
    pub slug: String,
    pub position: i32,
    pub title: String,
    pub description: String,
    /// What fits as evidence, when not any link ("a lore.kernel.org message or a patchwork patch").
    pub evidence_hint: Option<String>,
    pub evidence_required: bool,
    pub record: Option<RecordView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecordView {
    pub id: i32,
    pub state: MilestoneState,
    pub evidence_url: Option<String>,
    /// "a lore.kernel.org message", for the link's label.
    pub evidence_kind: Option<&'static str>,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub comments: Vec<CommentView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub author: String,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckInView {
    pub id: i32,
    pub body: String,
    pub blockers: Option<String>,
    pub next_steps: Option<String>,
    pub created_at: DateTime<Utc>,
    pub replies: Vec<CommentView>,
    /// Someone other than the newcomer replied.
    pub answered: bool,
}

pub async fn progress_page(
    db: &impl ConnectionTrait,
    looker: Looker,
    newcomer: i32,
    policy: &ProgressPolicy,
    now: DateTime<Utc>,
) -> ServiceResult<ProgressPage> {
    let access = access(db, looker, newcomer).await?;
    let person = users::Entity::find_by_id(newcomer)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let progress = progress_of(db, &Scope::Only(vec![newcomer]), policy, now)
        .await?
        .remove(&newcomer)
        .ok_or(ServiceError::NotFound)?;

    let ladder_rows = milestones::Entity::find()
        .order_by_asc(milestones::Column::Position)
        .all(db)
        .await?;
    let records = progress_events::Entity::find()
        .filter(progress_events::Column::NewcomerId.eq(newcomer))
        .all(db)
        .await?;
    let record_ids: Vec<i32> = records.iter().map(|r| r.id).collect();
    let comments = progress_comments::Entity::find()
        .filter(progress_comments::Column::ProgressEventId.is_in(record_ids))
        .order_by_asc(progress_comments::Column::CreatedAt)
        .order_by_asc(progress_comments::Column::Id)
        .all(db)
        .await?;
    let check_in_rows = check_ins::Entity::find()
        .filter(check_ins::Column::NewcomerId.eq(newcomer))
        .order_by_desc(check_ins::Column::CreatedAt)
        .order_by_desc(check_ins::Column::Id)
        .limit(CHECK_INS_SHOWN)
        .all(db)
        .await?;
    let check_in_ids: Vec<i32> = check_in_rows.iter().map(|c| c.id).collect();
    let replies = check_in_replies::Entity::find()
        .filter(check_in_replies::Column::CheckInId.is_in(check_in_ids))
        .order_by_asc(check_in_replies::Column::CreatedAt)
        .order_by_asc(check_in_replies::Column::Id)
        .all(db)
        .await?;

    // Everyone named on the page, in one query.
    let mut ids: Vec<i32> = comments.iter().map(|c| c.author_id).collect();
    ids.extend(replies.iter().map(|r| r.author_id));
    ids.extend(records.iter().filter_map(|r| r.verified_by));
    ids.extend(progress.mentor_id);
    let logins: HashMap<i32, String> = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .column(users::Column::GithubLogin)
        .filter(users::Column::Id.is_in(ids))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let login = |id: i32| logins.get(&id).cloned().unwrap_or_else(|| "someone".into());

    let mut comments_of: HashMap<i32, Vec<CommentView>> = HashMap::new();
    for c in comments {
        comments_of
            .entry(c.progress_event_id)
            .or_default()
            .push(CommentView {
                author: login(c.author_id),
                body: c.body,
                at: c.created_at,
            });
    }
    let mut records: HashMap<i32, RecordView> = records
        .into_iter()
        .map(|r| {
            let view = RecordView {
                id: r.id,
                state: r.state,
                evidence_kind: r
                    .evidence_url
                    .as_deref()
                    .and_then(|u| classify(u).ok())
                    .map(|k| k.label()),
                evidence_url: r.evidence_url,
                note: r.note,
                created_at: r.created_at,
                verified_by: r.verified_by.map(login),
                verified_at: r.verified_at,
                comments: comments_of.remove(&r.id).unwrap_or_default(),
            };
            (r.milestone_id, view)
        })
        .collect();
    let ladder: Vec<LadderStep> = ladder_rows
        .into_iter()
        .map(|m| {
            let rule = EvidenceRule::from_stored(&m.evidence_kinds, m.evidence_required);
            LadderStep {
                record: records.remove(&m.id),
                evidence_hint: rule.describe(),
                evidence_required: rule.required,
                slug: m.slug,
                position: m.position,
                title: m.title,
                description: m.description,
            }
        })
        .collect();
    let next_step = ladder
        .iter()
        .find(|s| s.record.is_none())
        .map(|s| s.slug.clone());
    let verified = ladder
        .iter()
        .filter(|s| {
            s.record
                .as_ref()
                .is_some_and(|r| r.state == MilestoneState::Verified)
        })
        .count();

    let mut replies_of: HashMap<i32, Vec<(i32, CommentView)>> = HashMap::new();
    for r in replies {
        replies_of.entry(r.check_in_id).or_default().push((
            r.author_id,
            CommentView {
                author: login(r.author_id),
                body: r.body,
                at: r.created_at,
            },
        ));
    }
    let check_in_due = check_in_rows
        .first()
        .map(|c| c.created_at + Duration::days(i64::from(policy.check_in_days)))
        .unwrap_or(now);
    let check_ins = check_in_rows
        .into_iter()
        .map(|c| {
            let replies = replies_of.remove(&c.id).unwrap_or_default();
            CheckInView {
                answered: replies.iter().any(|(author, _)| *author != newcomer),
                replies: replies.into_iter().map(|(_, v)| v).collect(),
                id: c.id,
                body: c.body,
                blockers: c.blockers,
                next_steps: c.next_steps,
                created_at: c.created_at,
            }
        })
        .collect();

    Ok(ProgressPage {
        newcomer_id: newcomer,
        name: person
            .name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| person.github_login.clone()),
        login: person.github_login,
        may_review: access.may_review(),
        access,
        mentor: progress.mentor_id.map(login),
        progress,
        ladder,
        next_step,
        verified,
        check_ins,
        check_in_due,
        history: timeline(db, newcomer, EVENTS_SHOWN).await?,
        reports: reports_of_newcomer(db, newcomer, now).await?,
    })
}
