//! The notification settings form: which kinds of email stay on, a date to snooze everything until, and how
//! often the digest comes. Read as typed, so a bad value comes back beside its field.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::email::{DigestFrequency, EmailKind};
use crate::domain::profile::FieldErrors;

/// The longest snooze: past that, turning kinds off says what is meant.
pub const MAX_SNOOZE_DAYS: i64 = 365;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NotificationForm {
    /// The kinds left checked.
    #[serde(default)]
    pub on: Vec<String>,
    /// `YYYY-MM-DD`, or blank for no snooze.
    #[serde(default)]
    pub snooze_until: String,
    #[serde(default)]
    pub digest: String,
}

/// What the form chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationChoice {
    pub on: Vec<EmailKind>,
    pub snooze_until: Option<NaiveDate>,
    pub digest: DigestFrequency,
}

impl NotificationForm {
    /// The choice, for a person offered `offered` kinds on a page shown on `today`.
    pub fn parse(
        &self,
        offered: &[EmailKind],
        today: NaiveDate,
    ) -> Result<NotificationChoice, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut on = Vec::new();
        for typed in &self.on {
            match typed.parse::<EmailKind>() {
                Ok(kind) if offered.contains(&kind) => on.push(kind),
                _ => errors.add("on", format!("{typed:?} is not a kind of email you get.")),
            }
        }
        let snooze_until = match self.snooze_until.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d <= today => {
                    errors.add(
                        "snooze_until",
                        "Choose a day after today, or leave it blank.",
                    );
                    None
                }
                Ok(d) if d > today + Duration::days(MAX_SNOOZE_DAYS) => {
                    errors.add(
                        "snooze_until",
                        "Snooze for a year at most; to stop a kind of email for good, untick it.",
                    );
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    errors.add(
                        "snooze_until",
                        "Write the day as YYYY-MM-DD, e.g. 2027-01-15.",
                    );
                    None
                }
            },
        };
        let digest = match self.digest.trim() {
            "" => DigestFrequency::Weekly,
            s => s.parse::<DigestFrequency>().unwrap_or_else(|e| {
                errors.add("digest", e.to_string());
                DigestFrequency::Weekly
            }),
        };
        if errors.is_empty() {
            Ok(NotificationChoice {
                on,
                snooze_until,
                digest,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(on: &[&str], snooze: &str, digest: &str) -> NotificationForm {
        NotificationForm {
            on: on.iter().map(|s| s.to_string()).collect(),
            snooze_until: snooze.into(),
            digest: digest.into(),
        }
    }

    #[test]
    fn reads_kinds_snooze_and_digest() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let offered = [EmailKind::Stalled, EmailKind::Matched];
        let choice = form(&["matched"], "2026-12-20", "daily")
            .parse(&offered, today)
            .unwrap();
        assert_eq!(choice.on, [EmailKind::Matched]);
        assert_eq!(choice.snooze_until, NaiveDate::from_ymd_opt(2026, 12, 20));
        assert_eq!(choice.digest, DigestFrequency::Daily);
        let none = form(&[], "", "").parse(&offered, today).unwrap();
        assert!(none.on.is_empty() && none.snooze_until.is_none());
        assert_eq!(none.digest, DigestFrequency::Weekly);
    }

    #[test]
    fn bad_values_get_a_message_beside_their_field() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let offered = [EmailKind::Stalled];
        let errors = form(&["digest", "nonsense"], "2026-12-02", "hourly")
            .parse(&offered, today)
            .unwrap_err();
        assert!(errors.0["on"].contains("\"digest\""), "{errors:?}");
        assert!(errors.0["snooze_until"].contains("after today"));
        assert!(errors.0["digest"].contains("daily"));
        let errors = form(&[], "15/01/2027", "")
            .parse(&offered, today)
            .unwrap_err();
        assert!(errors.0["snooze_until"].contains("YYYY-MM-DD"));
        let errors = form(&[], "2028-12-03", "")
            .parse(&offered, today)
            .unwrap_err();
        assert!(errors.0["snooze_until"].contains("a year"));
    }
}
