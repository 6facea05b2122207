//! What a report's period held, read from the newcomer's events when the period ends: the milestones recorded and
//! verified, the check-ins (and what blocked them), and what happened to their claims. Kept with the report as it
//! was drafted, so a later change to the timeline does not rewrite a report already written.

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};

use crate::domain::events::EventKind;
use crate::services::ServiceResult;
use crate::services::events::timeline_between;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub milestones: Vec<DraftLine>,
    pub check_ins: u32,
    /// What the period's check-ins said blocked the newcomer.
    pub blockers: Vec<String>,
    pub replies: u32,
    pub claims: Vec<DraftLine>,
}

/// One thing that happened: "nina recorded the milestone Send the patch".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    pub at: DateTime<Utc>,
    pub text: String,
}

pub async fn draft(
    db: &impl ConnectionTrait,
    newcomer: i32,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> ServiceResult<Draft> {
    let mut draft = Draft::default();
    for e in timeline_between(db, newcomer, start, end).await? {
        let line = |subject: Option<&String>| DraftLine {
            at: e.at,
            text: [
                e.actor.as_deref(),
                Some(e.sentence),
                subject.map(String::as_str),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        };
        match e.kind {
            EventKind::MilestoneRecorded
            | EventKind::MilestoneVerified
            | EventKind::MilestoneQuestioned
            | EventKind::MilestoneAnswered => draft.milestones.push(line(e.milestone.as_ref())),
            EventKind::CheckedIn => {
                draft.check_ins += 1;
                if let Some(on) = e.blockers.clone() {
                    draft.blockers.push(on);
                }
            }
            EventKind::CheckInReplied => draft.replies += 1,
            EventKind::Claimed
            | EventKind::Released
            | EventKind::ForceReleased
            | EventKind::Expiring
            | EventKind::Expired
            | EventKind::Extended
            | EventKind::Completed
            | EventKind::Confirmed => draft.claims.push(line(e.task_title.as_ref())),
            _ => {}
        }
    }
    Ok(draft)
}
