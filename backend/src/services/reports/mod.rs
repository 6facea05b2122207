//! Progress reports: each active mentorship gets one per period, drafted by a recurring job from the period's
//! milestones, check-ins and claims (`sweep`, `draft`); the mentor completes it with an assessment, the newcomer
//! adds their view, and organizers review it and act from it (`work`); the pages' read models are in `views`.
//!
//! Every change writes its audit row in the change's transaction; the actions an organizer takes from a report
//! (pausing the newcomer, another mentor, more time on the claim, ending it) go through the services that own
//! them, and name the report in the audit log.

mod draft;
mod sweep;
mod views;
mod work;

use sea_orm::{ConnectionTrait, EntityTrait};

pub use draft::{Draft, DraftLine};
pub use sweep::{REPORTS_JOB, draft_due_reports, schedule_next_pass};
pub use views::{
    ReportCard, ReportPage, ReviewQueue, report_page, reports_due_for_mentor, reports_of_newcomer,
    review_queue,
};
pub use work::{
    add_newcomer_view, extend_claim, pause_newcomer, reassign_mentor, record_action, release_claim,
    review_report, submit_report,
};

use crate::db::progress_reports;
use crate::services::progress::{Access, Looker};
use crate::services::{ServiceError, ServiceResult};

async fn find(db: &impl ConnectionTrait, id: i32) -> ServiceResult<progress_reports::Model> {
    progress_reports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// How `looker` stands to a report: its newcomer, its mentor (the one who wrote it, even after the mentorship
/// ended), or an organizer; NotFound for anyone else.
fn access(report: &progress_reports::Model, looker: Looker) -> ServiceResult<Access> {
    if looker.id == report.newcomer_id {
        Ok(Access::Own)
    } else if looker.id == report.mentor_id {
        Ok(Access::Mentor)
    } else if looker.organizer {
        Ok(Access::Organizer)
    } else {
        Err(ServiceError::NotFound)
    }
}
