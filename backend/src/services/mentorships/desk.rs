//! The mentor's proposals page: pending proposals and active mentees, each newcomer with the languages and
//! interests a mentor wants to see before answering. A fixed number of queries (eight), whatever the numbers.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;

use super::{PendingProposal, of_mentor, pending_proposals};
use crate::db::mentorships;
use crate::db::mentorships::MentorshipState;
use crate::domain::languages::display_name;
use crate::domain::matching::score::AreaNames;
use crate::services::ServiceResult;
use crate::services::pool::{PersonRef, areas_of, languages_of, load_area_names};

/// A newcomer as the mentor's page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct MenteeDetails {
    /// Language names ("Portuguese"), in code order.
    pub languages: Vec<String>,
    /// Interest area names, sorted.
    pub interests: Vec<String>,
}

impl MenteeDetails {
    /// From the newcomer's interest area ids and language codes.
    pub fn from_ids(areas: &[i32], languages: &[String], names: &AreaNames) -> MenteeDetails {
        let mut interests: Vec<String> =
            areas.iter().filter_map(|a| names.get(a).cloned()).collect();
        interests.sort();
        MenteeDetails {
            languages: languages.iter().map(|code| display_name(code)).collect(),
            interests,
        }
    }
}

/// A pending proposal with the newcomer's details.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalCard {
    pub proposal: PendingProposal,
    pub details: MenteeDetails,
}

/// An active mentorship of the mentor.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveMentee {
    pub mentorship_id: i32,
    pub newcomer: PersonRef,
    pub accepted_at: Option<DateTime<Utc>>,
    pub details: MenteeDetails,
}

/// Everything the mentor's proposals page shows.
#[derive(Debug, Clone, Serialize)]
pub struct MentorDesk {
    pub proposals: Vec<ProposalCard>,
    pub mentees: Vec<ActiveMentee>,
}

/// The mentor `mentor_id`'s pending proposals (oldest first) and active mentees (longest-running first).
pub async fn mentor_desk(db: &impl ConnectionTrait, mentor_id: i32) -> ServiceResult<MentorDesk> {
    let pending = pending_proposals(db, mentor_id).await?;
    let open_newcomers = || {
        mentorships::Entity::find()
            .select_only()
            .column(mentorships::Column::NewcomerId)
            .filter(mentorships::Column::MentorId.eq(mentor_id))
            .filter(
                mentorships::Column::State
                    .is_in([MentorshipState::Proposed, MentorshipState::Active]),
            )
            .into_query()
    };
    let (active, people) = of_mentor(
        db,
        mentor_id,
        MentorshipState::Active,
        mentorships::Column::AcceptedAt,
    )
    .await?;
    let mut languages = languages_of(db, open_newcomers()).await?;
    let mut areas = areas_of(db, open_newcomers()).await?;
    let area_names = load_area_names(db).await?;
    let mut details: HashMap<i32, MenteeDetails> = HashMap::new();
    // A newcomer with both languages and interests is in both maps: visit each once.
    let everyone: std::collections::BTreeSet<i32> =
        languages.keys().chain(areas.keys()).copied().collect();
    for user in everyone {
        let user_areas = areas.remove(&user).unwrap_or_default();
        let user_languages = languages.remove(&user).unwrap_or_default();
        details.insert(
            user,
            MenteeDetails::from_ids(&user_areas, &user_languages, &area_names),
        );
    }
    let details_of = |id: i32| {
        details.get(&id).cloned().unwrap_or(MenteeDetails {
            languages: Vec::new(),
            interests: Vec::new(),
        })
    };
    Ok(MentorDesk {
        proposals: pending
            .into_iter()
            .map(|p| ProposalCard {
                details: details_of(p.newcomer.id),
                proposal: p,
            })
            .collect(),
        mentees: active
            .into_iter()
            .filter_map(|m| {
                Some(ActiveMentee {
                    mentorship_id: m.id,
                    newcomer: people.get(&m.newcomer_id)?.clone(),
                    accepted_at: m.accepted_at,
                    details: details_of(m.newcomer_id),
                })
            })
            .collect(),
    })
}
