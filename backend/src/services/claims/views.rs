//! Claims as pages show them: a newcomer's own, a mentor's mentees', every active one for organizers, and what
//! the task page says about claiming its task.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};
use serde::Serialize;

use super::mentor_of;
use crate::db::claims::{self, ClaimState};
use crate::db::mentorships::{self, MentorshipState};
use crate::db::tasks::{self, TaskState};
use crate::db::users;
use crate::domain::claims::{ClaimPolicy, ClaimStatus};
use crate::domain::roles::Role;
use crate::services::catalog::TaskDetail;
use crate::services::events::{TimelineEntry, claim_history};
use crate::services::pool::{PersonRef, people_where};
use crate::services::users::UserWithRoles;
use crate::services::{ServiceError, ServiceResult};

/// A claim with its task and holder.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCard {
    pub id: i32,
    pub task_slug: String,
    pub task_title: String,
    pub holder: PersonRef,
    pub status: ClaimStatus,
    pub claimed_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub extended_at: Option<DateTime<Utc>>,
    pub extend_reason: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub evidence_url: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended_reason: Option<String>,
    /// Why the mentor cannot extend it, when they cannot.
    pub cannot_extend: Option<&'static str>,
}

/// How many ended claims a newcomer's page lists under their active ones.
const ENDED_LISTED: u64 = 10;

async fn cards(
    db: &impl ConnectionTrait,
    select: Select<claims::Entity>,
) -> ServiceResult<Vec<ClaimCard>> {
    let rows = select
        .find_also_related(tasks::Entity)
        .order_by_asc(claims::Column::ExpiresAt)
        .order_by_asc(claims::Column::Id)
        .all(db)
        .await?;
    let holders: Vec<i32> = rows.iter().map(|(c, _)| c.newcomer_id).collect();
    let people = people_where(db, Condition::all().add(users::Column::Id.is_in(holders))).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(c, task)| {
            let task = task?;
            let facts = c.facts();
            Some(ClaimCard {
                id: c.id,
                task_slug: task.slug,
                task_title: task.title,
                holder: people
                    .get(&c.newcomer_id)
                    .cloned()
                    .unwrap_or_else(|| PersonRef::unknown(c.newcomer_id)),
                status: facts.status(),
                claimed_at: c.claimed_at,
                expires_at: c.expires_at,
                extended_at: c.extended_at,
                extend_reason: c.extend_reason,
                done_at: c.done_at,
                evidence_url: c.evidence_url,
                ended_at: c.ended_at,
                ended_reason: c.ended_reason,
                cannot_extend: facts.cannot_extend(),
            })
        })
        .collect())
}

/// The newcomer's claims: the active ones (soonest to expire first), then the latest ended ones.
pub async fn claims_of_newcomer(
    db: &impl ConnectionTrait,
    newcomer: i32,
) -> ServiceResult<Vec<ClaimCard>> {
    let mine = claims::Entity::find().filter(claims::Column::NewcomerId.eq(newcomer));
    let mut active = cards(
        db,
        mine.clone()
            .filter(claims::Column::State.eq(ClaimState::Active)),
    )
    .await?;
    let ended_ids: Vec<i32> = mine
        .filter(claims::Column::State.ne(ClaimState::Active))
        .select_only()
        .column(claims::Column::Id)
        .order_by_desc(claims::Column::EndedAt)
        .order_by_desc(claims::Column::Id)
        .limit(ENDED_LISTED)
        .into_tuple()
        .all(db)
        .await?;
    let mut ended = cards(
        db,
        claims::Entity::find().filter(claims::Column::Id.is_in(ended_ids)),
    )
    .await?;
    ended.sort_by(|a, b| b.ended_at.cmp(&a.ended_at).then(b.id.cmp(&a.id)));
    active.extend(ended);
    Ok(active)
}

/// The active claims of the mentor's active mentees.
pub async fn claims_of_mentees(
    db: &impl ConnectionTrait,
    mentor: i32,
) -> ServiceResult<Vec<ClaimCard>> {
    let mentees = Query::select()
        .column(mentorships::Column::NewcomerId)
        .from(mentorships::Entity)
        .and_where(mentorships::Column::MentorId.eq(mentor))
        .and_where(mentorships::Column::State.eq(MentorshipState::Active))
        .to_owned();
    cards(
        db,
        claims::Entity::find()
            .filter(claims::Column::State.eq(ClaimState::Active))
            .filter(claims::Column::NewcomerId.in_subquery(mentees)),
    )
    .await
}

/// Every active claim, for organizers: who holds which task.
pub async fn active_claims(db: &impl ConnectionTrait) -> ServiceResult<Vec<ClaimCard>> {
    cards(
        db,
        claims::Entity::find().filter(claims::Column::State.eq(ClaimState::Active)),
    )
    .await
}

/// One claim's page: the claim, its history, and what the viewer may do with it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimPage {
    pub claim: ClaimCard,
    pub history: Vec<TimelineEntry>,
    pub is_holder: bool,
    /// The viewer is the holder's current mentor.
    pub is_mentor: bool,
    pub is_organizer: bool,
}

/// The claim `claim_id` as `viewer` sees it: its holder, the holder's mentor and organizers may; for anyone else
/// it does not exist.
pub async fn claim_page(
    db: &impl ConnectionTrait,
    claim_id: i32,
    viewer: i32,
    is_organizer: bool,
) -> ServiceResult<ClaimPage> {
    let claim = cards(
        db,
        claims::Entity::find().filter(claims::Column::Id.eq(claim_id)),
    )
    .await?
    .pop()
    .ok_or(ServiceError::NotFound)?;
    let is_holder = claim.holder.id == viewer;
    let is_mentor = !is_holder && mentor_of(db, claim.holder.id).await? == Some(viewer);
    if !(is_holder || is_mentor || is_organizer) {
        return Err(ServiceError::NotFound);
    }
    let history = claim_history(db, claim_id).await?;
    Ok(ClaimPage {
        claim,
        history,
        is_holder,
        is_mentor,
        is_organizer,
    })
}

/// What the task page says about claiming the task, for the person looking.
#[derive(Debug, Clone, Serialize)]
pub struct TaskClaimView {
    /// The viewer's own active claim on this task.
    pub mine: Option<ClaimCard>,
    /// The active claim, shown to organizers only.
    pub held: Option<ClaimCard>,
    /// Whether the viewer may claim the task now.
    pub can_claim: bool,
    /// Why not, when the viewer is a newcomer who cannot.
    pub why_not: Option<String>,
}

/// The claim view of `task` for `viewer` (None: nobody signed in).
pub async fn task_claim_view(
    db: &impl ConnectionTrait,
    task: &TaskDetail,
    viewer: Option<&UserWithRoles>,
    policy: &ClaimPolicy,
) -> ServiceResult<TaskClaimView> {
    let mut view = TaskClaimView {
        mine: None,
        held: None,
        can_claim: false,
        why_not: None,
    };
    let Some(user) = viewer else {
        return Ok(view);
    };
    let (viewer, is_newcomer, is_organizer) =
        (user.id, user.has(Role::Newcomer), user.has(Role::Organizer));
    let active = cards(
        db,
        claims::Entity::find()
            .filter(claims::Column::TaskId.eq(task.id))
            .filter(claims::Column::State.eq(ClaimState::Active)),
    )
    .await?
    .pop();
    if let Some(card) = active {
        if card.holder.id == viewer {
            view.mine = Some(card);
        } else if is_organizer {
            view.held = Some(card);
        }
        return Ok(view);
    }
    if !is_newcomer {
        return Ok(view);
    }
    // The page already read the task and what it waits for; only the viewer's own claims are left to count.
    view.why_not = if task.task.state != TaskState::Open {
        Some(match task.task.state {
            TaskState::Done => "This task is done.".to_owned(),
            TaskState::Retired => "This task is retired.".to_owned(),
            _ => "This task is taken.".to_owned(),
        })
    } else if !task.task.waits_for.is_empty() {
        Some("It can be claimed once the tasks it waits for are done.".to_owned())
    } else {
        let held = claims::Entity::find()
            .filter(claims::Column::NewcomerId.eq(viewer))
            .filter(claims::Column::State.eq(ClaimState::Active))
            .count(db)
            .await?;
        (held >= u64::from(policy.limit)).then(|| {
            format!(
                "You hold {held} active claim{}, the most at once; finish or release one first.",
                if held == 1 { "" } else { "s" }
            )
        })
    };
    view.can_claim = view.why_not.is_none();
    Ok(view)
}
