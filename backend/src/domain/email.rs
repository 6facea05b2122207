//! The email the service sends: its kinds (each with a template directory of the same name under
//! `frontend/templates/email/`), who may turn each off, where an outbox row stands on its way out, and how often
//! a person wants their digest.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum OutboxState ("outbox state") {
        /// Waiting for its time (the recipient's daytime, or the next try after a failure).
        Pending = "pending",
        Sent = "sent",
        /// Tried as often as it may be, or refused for good by the mail server; the row keeps the error.
        Failed = "failed",
        /// Not sent: the recipient turned the kind off or snoozed email after it was queued.
        Cancelled = "cancelled",
    }
}

domain_enum! {
    pub enum EmailKind ("email kind") {
        /// Sent once, when an account is made.
        Welcome = "welcome",
        /// The newcomer has not finished their profile.
        ProfileUnfinished = "profile_unfinished",
        /// The newcomer has done nothing for a while.
        Stalled = "stalled",
        /// To the mentor: their mentee has done nothing for longer.
        MenteeStalled = "mentee_stalled",
        /// To the organizers: a newcomer has done nothing for longer still.
        NewcomerStalled = "newcomer_stalled",
        /// To the mentor: a round's proposal or a newcomer's request waits for their answer.
        WaitingForMentor = "waiting_for_mentor",
        /// To the mentor: a mentee's check-in has had no reply.
        CheckInUnanswered = "check_in_unanswered",
        /// To the mentor: a progress report is due soon.
        ReportDue = "report_due",
        /// To the mentor: a progress report is past due.
        ReportOverdue = "report_overdue",
        /// To the organizers: submitted reports wait for their review.
        ReportsToReview = "reports_to_review",
        /// To the newcomer: their claim will expire soon unless they show progress.
        ClaimExpiring = "claim_expiring",
        /// A claim expired or was released.
        ClaimEnded = "claim_ended",
        /// To the newcomer: they have a mentor, or a round offers them a task.
        Matched = "matched",
        /// To the mentor: their mentee marked a task done and waits for confirmation.
        TaskCompleted = "task_completed",
        /// To the newcomer: their work on a task was confirmed.
        TaskConfirmed = "task_confirmed",
        /// The weekly (or daily) digest for mentors and organizers.
        Digest = "digest",
    }
}

impl EmailKind {
    /// Account and security email is always sent; everything else can be turned off, and carries an unsubscribe.
    pub fn can_turn_off(self) -> bool {
        !matches!(self, EmailKind::Welcome)
    }

    /// Nudges wait for the recipient's daytime; account email goes at once (they just signed up).
    pub fn waits_for_daytime(self) -> bool {
        self.can_turn_off()
    }

    /// What the settings page and the unsubscribe page call it ("… about a claim about to expire").
    pub fn label(self) -> &'static str {
        match self {
            EmailKind::Welcome => "Welcome to Onramp",
            EmailKind::ProfileUnfinished => "Reminders to finish your profile",
            EmailKind::Stalled => "Reminders when you have been quiet for a while",
            EmailKind::MenteeStalled => "A mentee has been quiet for a while",
            EmailKind::NewcomerStalled => "A newcomer has been quiet for a long time (organizers)",
            EmailKind::WaitingForMentor => "Proposals and requests waiting for your answer",
            EmailKind::CheckInUnanswered => "Check-ins waiting for your reply",
            EmailKind::ReportDue => "Progress reports due soon",
            EmailKind::ReportOverdue => "Progress reports past due",
            EmailKind::ReportsToReview => "Reports waiting for review (organizers)",
            EmailKind::ClaimExpiring => "A claim about to expire",
            EmailKind::ClaimEnded => "A claim expired or released",
            EmailKind::Matched => "A mentor or a task for you",
            EmailKind::TaskCompleted => "A mentee's task waiting for confirmation",
            EmailKind::TaskConfirmed => "Your work confirmed",
            EmailKind::Digest => "The digest",
        }
    }

    /// The template directory: `email/<kind>/{subject.txt,text.txt,html.html}`.
    pub fn template(self, part: EmailPart) -> String {
        format!("email/{}/{}", self.as_str(), part.file())
    }
}

/// The three templates of an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailPart {
    Subject,
    Text,
    Html,
}

impl EmailPart {
    fn file(self) -> &'static str {
        match self {
            EmailPart::Subject => "subject.txt",
            EmailPart::Text => "text.txt",
            EmailPart::Html => "html.html",
        }
    }
}

domain_enum! {
    pub enum DigestFrequency ("digest frequency") {
        Daily = "daily",
        Weekly = "weekly",
        Never = "never",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_account_mail_cannot_be_turned_off() {
        let always: Vec<_> = EmailKind::ALL
            .iter()
            .filter(|k| !k.can_turn_off())
            .collect();
        assert_eq!(always, [&EmailKind::Welcome]);
        assert!(!EmailKind::Welcome.waits_for_daytime());
        assert!(EmailKind::Stalled.waits_for_daytime());
    }

    #[test]
    fn each_kind_names_its_template_directory() {
        assert_eq!(
            EmailKind::ClaimExpiring.template(EmailPart::Html),
            "email/claim_expiring/html.html"
        );
        assert_eq!(
            EmailKind::Welcome.template(EmailPart::Subject),
            "email/welcome/subject.txt"
        );
    }
}
