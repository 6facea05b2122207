//! The signed token in an unsubscribe link: whose mail and which kind, with an HMAC-SHA256 over both under the
//! configured secret. The link works without signing in (a mail client's one-click POST carries no session),
//! so the signature is the only thing that stops anyone from turning off someone else's mail.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;

use crate::domain::email::EmailKind;

/// Signs and checks unsubscribe tokens.
pub struct Signer {
    key: hmac::Key,
}

/// What a valid token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscribe {
    pub user_id: i32,
    pub kind: EmailKind,
}

impl Signer {
    pub fn new(secret: &[u8]) -> Signer {
        Signer {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        }
    }

    /// `<user>.<kind>.<signature>`: readable, URL-safe, and tied to this one person and kind.
    pub fn token(&self, user_id: i32, kind: EmailKind) -> String {
        let tag = hmac::sign(&self.key, message(user_id, kind).as_bytes());
        format!("{user_id}.{kind}.{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// The person and kind a token names, if its signature is right (checked in constant time).
    pub fn verify(&self, token: &str) -> Option<Unsubscribe> {
        let mut parts = token.splitn(3, '.');
        let user_id: i32 = parts.next()?.parse().ok()?;
        let kind: EmailKind = parts.next()?.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(parts.next()?).ok()?;
        hmac::verify(&self.key, message(user_id, kind).as_bytes(), &tag).ok()?;
        kind.can_turn_off().then_some(Unsubscribe { user_id, kind })
    }
}

/// What is signed; the version prefix lets a later format be told apart.
fn message(user_id: i32, kind: EmailKind) -> String {
    format!("onramp-unsubscribe-v1:{user_id}:{kind}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_one_person_and_kind_and_cannot_be_forged() {
        let signer = Signer::new(b"a secret of the deployment");
        let token = signer.token(42, EmailKind::Stalled);
        assert!(token.starts_with("42.stalled."), "{token}");
        assert_eq!(
            signer.verify(&token),
            Some(Unsubscribe {
                user_id: 42,
                kind: EmailKind::Stalled
            })
        );
        // Another person, another kind, or another secret: refused.
        let sig = token.rsplit('.').next().unwrap();
        assert_eq!(signer.verify(&format!("43.stalled.{sig}")), None);
        assert_eq!(signer.verify(&format!("42.digest.{sig}")), None);
        assert_eq!(Signer::new(b"another").verify(&token), None);
        for bad in [
            "",
            "42",
            "42.stalled",
            "x.stalled.abc",
            "42.nope.abc",
            "42.stalled.!!",
        ] {
            assert_eq!(signer.verify(bad), None, "{bad}");
        }
        // Account mail has no unsubscribe, even with a right signature.
        assert_eq!(signer.verify(&signer.token(42, EmailKind::Welcome)), None);
    }
}
