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
        let part = |part: EmailPart| {
            self.templates
                .render(&draft.kind.template(part), ctx.clone())
                .map_err(|e| format!("rendering {}: {e:#}", draft.kind.template(part)))
        };
        let subject = part(EmailPart::Subject)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Rendered {
            subject,
            text: part(EmailPart::Text)?,
            html: part(EmailPart::Html)?,
            message_id: self.message_id(draft),
            unsubscribe,
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
