//! What happened to a claim, an offer or a mentorship: every state change writes one event, in the same
//! transaction as the change. Timelines show them; the email work turns them into notifications.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum EventKind ("event kind") {
        /// A newcomer claimed a task.
        Claimed = "claimed",
        /// The newcomer let their claim go.
        Released = "released",
        /// An organizer ended a claim, with a reason.
        ForceReleased = "force_released",
        /// The claim saw no progress for long enough that it will soon expire.
        Expiring = "expiring",
        /// The claim expired; the task is open again.
        Expired = "expired",
        /// The mentor gave the claim more time, with a reason.
        Extended = "extended",
        /// The newcomer marked the task done, with an evidence link.
        Completed = "completed",
        /// The mentor or an organizer confirmed the work: the task is done.
        Confirmed = "confirmed",
        /// A task round offered a task to the newcomer.
        OfferMade = "offer_made",
        OfferAccepted = "offer_accepted",
        OfferDeclined = "offer_declined",
        /// A newcomer asked a mentor to mentor them.
        MentorshipRequested = "mentorship_requested",
        /// The mentor declined a request or a round's proposal.
        MentorshipDeclined = "mentorship_declined",
        MentorshipStarted = "mentorship_started",
        MentorshipEnded = "mentorship_ended",
        /// The newcomer recorded a milestone, with evidence and a note.
        MilestoneRecorded = "milestone_recorded",
        /// The mentor (or an organizer) verified a milestone.
        MilestoneVerified = "milestone_verified",
        /// The mentor questioned a milestone, with a comment.
        MilestoneQuestioned = "milestone_questioned",
        /// The newcomer answered the question on a milestone.
        MilestoneAnswered = "milestone_answered",
        /// The newcomer wrote a check-in.
        CheckedIn = "checked_in",
        /// Someone replied to a check-in.
        CheckInReplied = "check_in_replied",
        /// An organizer paused the newcomer (from a progress report), with a reason.
        Paused = "paused",
    }
}

impl EventKind {
    /// How a timeline says it, after the actor's name ("nina claimed …").
    pub fn sentence(self) -> &'static str {
        match self {
            EventKind::Claimed => "claimed the task",
            EventKind::Released => "released the claim on the task",
            EventKind::ForceReleased => "ended the claim on the task",
            EventKind::Expiring => "Claim expiring soon on the task",
            EventKind::Expired => "Claim expired on the task",
            EventKind::Extended => "extended the claim on the task",
            EventKind::Completed => "marked the task done",
            EventKind::Confirmed => "confirmed the work on the task",
            EventKind::OfferMade => "Offered the task",
            EventKind::OfferAccepted => "accepted the offer of the task",
            EventKind::OfferDeclined => "declined the offer of the task",
            EventKind::MentorshipRequested => "asked for a mentorship",
            EventKind::MentorshipDeclined => "declined the mentorship",
            EventKind::MentorshipStarted => "started the mentorship",
            EventKind::MentorshipEnded => "ended the mentorship",
            EventKind::MilestoneRecorded => "recorded the milestone",
            EventKind::MilestoneVerified => "verified the milestone",
            EventKind::MilestoneQuestioned => "questioned the milestone",
            EventKind::MilestoneAnswered => "answered the question on the milestone",
            EventKind::CheckedIn => "checked in",
            EventKind::CheckInReplied => "replied to a check-in",
            EventKind::Paused => "paused the newcomer",
        }
    }
}
