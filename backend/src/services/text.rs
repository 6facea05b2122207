//! What people type as a reason, a message or a link: trimmed, required or not, and kept under a limit, with the
//! message the form shows when it is not.

use crate::services::{ServiceError, ServiceResult};

/// Longest reason or evidence link kept.
pub const MAX_REASON: usize = 500;
/// Longest message between a newcomer and a mentor kept.
pub const MAX_MESSAGE: usize = 1000;

/// The text, trimmed; None when nothing was typed. `what` names it in the message ("the message").
pub fn optional(text: &str, max: usize, what: &str) -> ServiceResult<Option<String>> {
    let text = text.trim();
    if text.chars().count() > max {
        return Err(ServiceError::Invalid(format!(
            "Keep {what} under {max} characters."
        )));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The text, trimmed, which must be given. `what` names it in the message ("a reason for the extension").
pub fn required(text: &str, max: usize, what: &str) -> ServiceResult<String> {
    optional(text, max, what)?.ok_or_else(|| ServiceError::Invalid(format!("Give {what}.")))
}

/// `required`, for the one text field of a form: the message goes beside `field`.
pub fn required_field(
    text: &str,
    max: usize,
    what: &str,
    field: &'static str,
) -> Result<String, crate::domain::profile::FieldErrors> {
    required(text, max, what).map_err(|e| {
        let mut errors = crate::domain::profile::FieldErrors::default();
        errors.add(field, e.to_string());
        errors
    })
}
