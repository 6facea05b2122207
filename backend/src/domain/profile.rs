//! Profile forms as people fill them in, and their validation: every problem is reported next to its field, and
//! the input comes back as typed so nothing is lost. No I/O: the known areas are passed in.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::enums::Choice;
use crate::domain::roles::NewcomerStatus;

pub use super::languages::{LANGUAGES, language_name};

/// The experience scale shared by the forms, the seed data and matching.
pub const EXPERIENCE: &[(i16, &str)] = &[
    (0, "None yet"),
    (1, "Tutorials and small programs"),
    (2, "Shipped real code"),
    (3, "Expert"),
];

pub const MAX_TEXT: usize = 2000;

/// Problems by field name, shown next to each field.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<&'static str, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.entry(field).or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The newcomer form as submitted (strings, so a bad number can be shown back as typed).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NewcomerForm {
    #[serde(default)]
    pub interests: Vec<String>,
    #[serde(default)]
    pub rust: String,
    #[serde(default)]
    pub c: String,
    #[serde(default)]
    pub kernel: String,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub hours_per_week: String,
    #[serde(default)]
    pub goals: String,
    #[serde(default)]
    pub status: Choice<NewcomerStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewcomerProfile {
    pub interests: Vec<String>,
    pub rust: i16,
    pub c: i16,
    pub kernel: i16,
    pub languages: Vec<String>,
    pub timezone: String,
    pub hours_per_week: i16,
    pub goals: String,
    pub status: NewcomerStatus,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MentorForm {
    #[serde(default)]
    pub expertise: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub capacity: String,
    /// A checkbox: present ("on") when ticked, absent otherwise.
    #[serde(default)]
    pub accepting: Option<String>,
    #[serde(default)]
    pub bio: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MentorProfile {
    pub expertise: Vec<String>,
    pub languages: Vec<String>,
    pub timezone: String,
    pub capacity: i16,
    pub accepting: bool,
    pub bio: String,
}

fn areas(
    errors: &mut FieldErrors,
    field: &'static str,
    chosen: &[String],
    known: &[String],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in chosen.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        if !known.iter().any(|k| k == a) {
            errors.add(field, format!("{a:?} is not one of the catalog's areas."));
        } else if !out.iter().any(|o| o == a) {
            out.push(a.to_string());
        }
    }
    if out.is_empty() {
        errors.add(field, "Choose at least one area.");
    } else if out.len() > 12 {
        errors.add(
            field,
            "Choose at most 12 areas, the ones you care about most.",
        );
    }
    out
}

fn languages(errors: &mut FieldErrors, chosen: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in chosen.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if language_name(l).is_none() {
            errors.add("languages", format!("{l:?} is not a language on the list."));
        } else if !out.iter().any(|o| o == l) {
            out.push(l.to_string());
        }
    }
    if out.is_empty() {
        errors.add(
            "languages",
            "Choose at least one language you are happy to speak with a mentor.",
        );
    }
    out
}

fn timezone(errors: &mut FieldErrors, tz: &str) -> String {
    let tz = tz.trim();
    if tz.is_empty() {
        errors.add(
            "timezone",
            "Give your time zone, for example Europe/Berlin or America/Sao_Paulo.",
        );
    } else if tz.parse::<chrono_tz::Tz>().is_err() {
        errors.add(
            "timezone",
            format!("{tz:?} is not a time zone name; use one like Europe/Berlin or Asia/Tokyo."),
        );
    }
    tz.to_string()
}

fn number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    range: std::ops::RangeInclusive<i16>,
    what: &str,
) -> i16 {
    match value.trim().parse::<i16>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            errors.add(
                field,
                format!("{what} ({} to {}).", range.start(), range.end()),
            );
            *range.start()
        }
    }
}

fn text(errors: &mut FieldErrors, field: &'static str, value: &str, required: bool) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.add(field, "Please write a few words here.");
    } else if v.chars().count() > MAX_TEXT {
        errors.add(
            field,
            format!("Please keep this under {MAX_TEXT} characters."),
        );
    }
    v.to_string()
}

impl NewcomerForm {
    pub fn validate(&self, known_areas: &[String]) -> Result<NewcomerProfile, FieldErrors> {
        let mut e = FieldErrors::default();
        let profile = NewcomerProfile {
            interests: areas(&mut e, "interests", &self.interests, known_areas),
            rust: number(
                &mut e,
                "rust",
                &self.rust,
                0..=3,
                "Choose your Rust experience",
            ),
            c: number(&mut e, "c", &self.c, 0..=3, "Choose your C experience"),
            kernel: number(
                &mut e,
                "kernel",
                &self.kernel,
                0..=3,
                "Choose your kernel experience",
            ),
            languages: languages(&mut e, &self.languages),
            timezone: timezone(&mut e, &self.timezone),
            hours_per_week: number(
                &mut e,
                "hours_per_week",
                &self.hours_per_week,
                1..=40,
                "Hours a week, a whole number",
            ),
            goals: text(&mut e, "goals", &self.goals, false),
            // People pause and resume themselves; graduating and withdrawing are recorded elsewhere.
            status: match &self.status {
                Choice::Empty => NewcomerStatus::Active,
                Choice::Known(s @ (NewcomerStatus::Active | NewcomerStatus::Paused)) => *s,
                Choice::Known(other) => {
                    e.add(
                        "status",
                        format!("{:?} is not a status you can choose here.", other.as_str()),
                    );
                    NewcomerStatus::Active
                }
                Choice::Unknown(typed) => {
                    e.add(
                        "status",
                        format!("{:?} is not a status you can choose here.", typed.trim()),
                    );
                    NewcomerStatus::Active
                }
            },
        };
        if e.is_empty() { Ok(profile) } else { Err(e) }
    }
}

impl MentorForm {
    pub fn validate(&self, known_areas: &[String]) -> Result<MentorProfile, FieldErrors> {
        let mut e = FieldErrors::default();
        let profile = MentorProfile {
            expertise: areas(&mut e, "expertise", &self.expertise, known_areas),
            languages: languages(&mut e, &self.languages),
            timezone: timezone(&mut e, &self.timezone),
            capacity: number(
                &mut e,
                "capacity",
                &self.capacity,
                1..=10,
                "How many mentees at once",
            ),
            accepting: self.accepting.is_some(),
            bio: text(&mut e, "bio", &self.bio, true),
        };
        if e.is_empty() { Ok(profile) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        vec!["pci".into(), "gpu-nova".into()]
    }

    fn good() -> NewcomerForm {
        NewcomerForm {
            interests: vec!["pci".into(), "pci".into()],
            rust: "2".into(),
            c: "1".into(),
            kernel: "0".into(),
            languages: vec!["en".into(), "pt".into()],
            timezone: "Europe/Lisbon".into(),
            hours_per_week: "6".into(),
            goals: "  A merged patch.  ".into(),
            status: Choice::parse("paused"),
        }
    }

    #[test]
    fn a_good_newcomer_form_validates_and_is_tidied() {
        let p = good().validate(&known()).unwrap();
        assert_eq!(p.interests, ["pci"]);
        assert_eq!((p.rust, p.c, p.kernel, p.hours_per_week), (2, 1, 0, 6));
        assert_eq!(p.goals, "A merged patch.");
        assert_eq!(p.status, NewcomerStatus::Paused);
    }

    #[test]
    fn every_bad_field_gets_its_own_message() {
        let form = NewcomerForm {
            interests: vec!["gardening".into()],
            rust: "7".into(),
            c: "".into(),
            kernel: "x".into(),
            languages: vec![],
            timezone: "Mars/Olympus".into(),
            hours_per_week: "0".into(),
            goals: "g".repeat(MAX_TEXT + 1),
            status: Choice::parse("graduated"),
        };
        let e = form.validate(&known()).unwrap_err().0;
        for field in [
            "interests",
            "rust",
            "c",
            "kernel",
            "languages",
            "timezone",
            "hours_per_week",
            "goals",
            "status",
        ] {
            assert!(e.contains_key(field), "{field}: {e:?}");
        }
        assert!(e["interests"].contains("gardening"));
        assert!(e["timezone"].contains("Mars/Olympus"));
    }

    #[test]
    fn mentor_forms() {
        let form = MentorForm {
            expertise: vec!["gpu-nova".into()],
            languages: vec!["de".into()],
            timezone: "Europe/Berlin".into(),
            capacity: "3".into(),
            accepting: None,
            bio: "Maintains things.".into(),
        };
        let p = form.validate(&known()).unwrap();
        assert!(!p.accepting);
        assert_eq!(p.capacity, 3);
        let bad = MentorForm {
            capacity: "11".into(),
            bio: " ".into(),
            ..form
        };
        let e = bad.validate(&known()).unwrap_err().0;
        assert!(e.contains_key("capacity") && e.contains_key("bio"));
    }
}
