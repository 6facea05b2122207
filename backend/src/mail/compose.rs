//! From an outbox row to a message: the kind's three templates rendered with the row's context, and the headers
//! every email carries (From, To, Date, a Message-ID, and for a kind that can be turned off, the RFC 8058
//! one-click unsubscribe). The HTML part escapes what it shows (minijinja escapes `.html` templates); the plain
//! part and the subject do not need to.

use std::sync::Arc;

use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use minijinja::Value;
use url::Url;

use super::outbox::NewEmail;
use super::unsubscribe::Signer;
use crate::domain::email::{EmailKind, EmailPart};
use crate::templates::Templates;

/// What is needed to write an email.
pub struct Composer {
    templates: Arc<Templates>,
    from: Mailbox,
    site: Url,
    signer: Signer,
}

/// An email ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
    pub message_id: String,
    /// The one-click unsubscribe link, for kinds that can be turned off.
    pub unsubscribe: Option<String>,
}

/// The parts of an outbox row an email is written from.
pub struct Draft<'a> {
    pub id: i32,
    pub recipient_id: Option<i32>,
    pub kind: EmailKind,
    pub dedup_key: &'a str,
    pub context: &'a str,
}

impl Composer {
    pub fn new(templates: Arc<Templates>, from: Mailbox, site: Url, signer: Signer) -> Composer {
        Composer {
            templates,
            from,
            site,
            signer,
        }
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The page that unsubscribes `user` from `kind` (a GET shows it, a POST does it).
    pub fn unsubscribe_url(&self, user_id: i32, kind: EmailKind) -> String {
        self.link(&format!(
            "/unsubscribe/{}",
            self.signer.token(user_id, kind)
        ))
    }

    fn link(&self, path: &str) -> String {
        format!("{}{path}", self.site.as_str().trim_end_matches('/'))
    }

    pub fn render(&self, draft: &Draft) -> Result<Rendered, String> {
        let context: serde_json::Value = serde_json::from_str(draft.context)
            .map_err(|e| format!("the email's context is not JSON: {e}"))?;
        let unsubscribe = match draft.recipient_id {
            Some(user) if draft.kind.can_turn_off() => Some(self.unsubscribe_url(user, draft.kind)),
            _ => None,
        };
        let ctx = minijinja::context! {
            site => self.site.as_str().trim_end_matches('/'),
            settings_url => self.link("/settings/notifications"),
            unsubscribe_url => unsubscribe.clone(),
            kind_label => draft.kind.label(),
            ..Value::from(minijinja::value::Serde(&context))
        };
        let part = |part: EmailPart, ctx: Value| {
            self.templates
                .render(&draft.kind.template(part), ctx)
                .map_err(|e| format!("rendering {}: {e:#}", draft.kind.template(part)))
        };
        let subject = part(EmailPart::Subject, ctx.clone())?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // The HTML part's title is the subject, escaped there like everything else the HTML shows.
        let with_subject = minijinja::context! { subject => subject.clone(), ..ctx.clone() };
        Ok(Rendered {
            text: part(EmailPart::Text, ctx)?,
            html: part(EmailPart::Html, with_subject)?,
            subject,
            message_id: self.message_id(draft),
            unsubscribe,
        })
    }

    /// An email not queued yet (the nudge preview), written for the recipient called `name`.
    pub fn render_new(&self, email: &NewEmail, name: &str) -> Result<Rendered, String> {
        let mut context = email.context.clone();
        context["recipient_name"] = name.into();
        self.render(&Draft {
            id: 0,
            recipient_id: Some(email.recipient_id),
            kind: email.kind,
            dedup_key: &email.dedup_key,
            context: &context.to_string(),
        })
    }

    /// The same row always gets the same Message-ID, so a copy sent twice in the at-least-once window is one
    /// message to mail clients that deduplicate.
    fn message_id(&self, draft: &Draft) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, draft.dedup_key.as_bytes());
        let hex: String = digest.as_ref()[..12]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let host = self.site.host_str().unwrap_or("onramp.invalid");
        format!("<onramp.{}.{hex}@{host}>", draft.id)
    }

    /// The message to send to `to`: multipart/alternative, plain text first, as RFC 2046 orders them.
    pub fn message(&self, to: &str, rendered: &Rendered) -> Result<Message, String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("the address {to:?} cannot be sent to: {e}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .message_id(Some(rendered.message_id.clone()))
            .date_now();
        if let Some(url) = &rendered.unsubscribe {
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        builder
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(rendered.text.clone()),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(rendered.html.clone()),
                    ),
            )
            .map_err(|e| format!("building the message: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::assets::Assets;

    fn composer() -> Composer {
        Composer::new(
            Arc::new(Templates::new(&Assets::load())),
            "Onramp <onramp@example.org>".parse().unwrap(),
            "https://onramp.example.org/".parse().unwrap(),
            Signer::new(b"test"),
        )
    }

    /// A context of the shape each kind's sender writes (see `services::notifications` and `services::nudges`).
    fn sample(kind: EmailKind) -> serde_json::Value {
        let event = |event: &str| {
            json!({
                "event": event, "newcomer_name": "Ana <ana>", "newcomer_id": 3, "mentor_name": "Kenji",
                "actor_name": "Kenji", "by_newcomer": false, "task_title": "Rust & PCI bindings",
                "task_path": "/tasks/pci", "claim_path": "/claims/7", "to_mentor": false,
                "details": { "reason": "It moved upstream", "evidence_url": "https://lore.kernel.org/x/1" },
            })
        };
        let mut ctx = match kind {
            EmailKind::Welcome => json!({ "login": "ana" }),
            EmailKind::ProfileUnfinished => json!({ "missing": ["your time zone"], "step": 0 }),
            EmailKind::Stalled | EmailKind::MenteeStalled | EmailKind::CheckInUnanswered => json!({
                "newcomer_name": "Ana", "newcomer_id": 3, "quiet_for": "8 days", "waiting_for": "6 days",
                "mentor_name": "Kenji", "progress_path": "/people/3/progress",
            }),
            EmailKind::NewcomerStalled => json!({ "count": 1, "newcomers": [
                { "newcomer_name": "Ana", "quiet_for": "22 days", "progress_path": "/people/3/progress" }
            ]}),
            EmailKind::WaitingForMentor => json!({
                "newcomer_name": "Ana", "mentor_name": "Kenji", "origin": "request", "waiting_for": "3 days",
                "message": "Hello <b>there</b>",
            }),
            EmailKind::ReportDue | EmailKind::ReportOverdue => json!({
                "newcomer_name": "Ana", "report_path": "/reports/2", "due_at": "2026-12-09T00:00:00Z",
                "due_in": "3 days", "late_by": "1 day",
            }),
            EmailKind::ReportsToReview => json!({ "count": 2, "waiting_for": "1 day" }),
            EmailKind::ClaimExpiring | EmailKind::TaskCompleted | EmailKind::TaskConfirmed => {
                event("completed")
            }
            EmailKind::ClaimEnded => event("force_released"),
            EmailKind::Matched => event("mentorship_started"),
            EmailKind::Digest => json!({
                "audience": "mentor", "period": "2026-W49", "proposals": 1, "reports": 1,
                "mentees": [{ "name": "Ana", "state": "Stalled", "reason": "No activity.", "needs_you": true,
                              "progress_path": "/people/3/progress" }],
            }),
        };
        ctx["recipient_name"] = "Kenji".into();
        ctx
    }

    #[test]
    fn every_kind_renders_its_three_parts_and_escapes_its_html() {
        let composer = composer();
        for &kind in EmailKind::ALL {
            let context = sample(kind).to_string();
            let draft = Draft {
                id: 9,
                recipient_id: Some(3),
                kind,
                dedup_key: "k",
                context: &context,
            };
            let r = composer
                .render(&draft)
                .unwrap_or_else(|e| panic!("{kind}: {e}"));
            assert!(
                !r.subject.is_empty() && !r.subject.contains('\n'),
                "{kind}: {r:?}"
            );
            assert!(
                r.text.contains("Kenji") && r.html.contains("Kenji"),
                "{kind}"
            );
            assert!(
                !r.html.contains("<ana>") && !r.html.contains("<b>there"),
                "{kind}: {}",
                r.html
            );
            assert!(
                r.text
                    .contains("https://onramp.example.org/settings/notifications"),
                "{kind}"
            );
            assert_eq!(r.unsubscribe.is_some(), kind.can_turn_off(), "{kind}");
            if let Some(url) = &r.unsubscribe {
                assert!(
                    url.starts_with("https://onramp.example.org/unsubscribe/3."),
                    "{url}"
                );
                assert!(
                    r.text.contains(url.as_str()),
                    "{kind}: the text part has the link"
                );
            }
        }
    }

    #[test]
    fn a_message_is_multipart_with_the_one_click_headers() {
        let composer = composer();
        let context = sample(EmailKind::Stalled).to_string();
        let draft = Draft {
            id: 9,
            recipient_id: Some(3),
            kind: EmailKind::Stalled,
            dedup_key: "stalled:3:quiet:1:step:0",
            context: &context,
        };
        let rendered = composer.render(&draft).unwrap();
        let again = composer.render(&draft).unwrap();
        assert_eq!(
            rendered.message_id, again.message_id,
            "the same row, the same Message-ID"
        );
        assert!(rendered.message_id.ends_with("@onramp.example.org>"));
        let raw = String::from_utf8(
            composer
                .message("ana@example.org", &rendered)
                .unwrap()
                .formatted(),
        )
        .unwrap();
        for header in [
            "From: Onramp <onramp@example.org>",
            "To: ana@example.org",
            "Date: ",
            "Message-ID: <onramp.9.",
            "List-Unsubscribe: <https://onramp.example.org/unsubscribe/3.stalled.",
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
            "Content-Type: multipart/alternative",
            "Content-Type: text/plain",
            "Content-Type: text/html",
        ] {
            assert!(raw.contains(header), "{header} missing from\n{raw}");
        }
        assert!(composer.message("not an address", &rendered).is_err());
    }
}
