//! An organizer gives a newcomer another mentor (from a progress report): the open mentorship ends with the
//! organizer's reason and the new one starts at once, in one transaction, so the newcomer is never left between
//! two mentors or without one when the new mentor turns out to be full.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};

use super::queue::{insert_open, lock_room, started};
use super::request::end_in;
use crate::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use crate::db::users;
use crate::services::transaction::begin_write;
use crate::services::{ServiceError, ServiceResult, text};

/// Returns the new mentorship's id.
pub async fn assign_mentor(
    db: &DatabaseConnection,
    organizer: i32,
    newcomer: i32,
    mentor: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let reason = text::required(
        reason,
        text::MAX_REASON,
        "a reason, for both mentors and the newcomer",
    )?;
    if mentor == newcomer {
        return Err(ServiceError::Invalid(
            "A newcomer cannot mentor themself.".into(),
        ));
    }
    let txn = begin_write(db).await?;
    let login = users::Entity::find_by_id(mentor)
        .one(&txn)
        .await?
        .map(|u| u.github_login)
        .ok_or_else(|| ServiceError::Invalid("Pick a mentor from the list.".into()))?;
    lock_room(&txn, mentor).await.map_err(|err| match err {
        ServiceError::Conflict(_) => {
            ServiceError::Invalid(format!("{login} is not an approved mentor; pick another."))
        }
        ServiceError::Taken(_) => ServiceError::Taken(format!(
            "{login} already mentors as many newcomers as their capacity allows; pick another mentor."
        )),
        other => other,
    })?;
    let open = mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(newcomer))
        .filter(
            mentorships::Column::State.is_in([MentorshipState::Active, MentorshipState::Proposed]),
        )
        .one(&txn)
        .await?;
    if let Some(m) = &open {
        if m.mentor_id == mentor && m.state == MentorshipState::Active {
            return Err(ServiceError::Conflict(format!(
                "{login} already mentors this newcomer."
            )));
        }
        end_in(&txn, m, organizer, &reason, now).await?;
    }
    let row = mentorships::ActiveModel {
        newcomer_id: Set(newcomer),
        mentor_id: Set(mentor),
        state: Set(MentorshipState::Active),
        score: Set(0),
        explanation: Set("[]".into()),
        proposed_at: Set(now),
        accepted_at: Set(Some(now)),
        origin: Set(MentorshipOrigin::Organizer),
        response_message: Set(Some(reason)),
        ..Default::default()
    };
    let mentorship = insert_open(&txn, row, || {
        ServiceError::Conflict(
            "This newcomer's mentorship changed a moment ago; reload the page.".into(),
        )
    })
    .await?;
    started(&txn, &mentorship, organizer, "mentorship.assign", now).await?;
    txn.commit().await?;
    Ok(mentorship.id)
}
