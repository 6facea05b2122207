//! Why a pair scores what it does: structured reasons, stored as JSON, and the short sentences people read.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::exclusion::Unplaced;
use crate::domain::task::Difficulty;

/// Why a pair scores what it does. Serialised with a `kind` tag for explanations stored as JSON; [`Reason::sentence`]
/// is the short text people read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// Interest areas the newcomer shares with the mentor (names, at most [`AREAS_COUNTED`] of them) and how
    /// many are shared in all.
    SharedInterests {
        areas: Vec<String>,
        count: u32,
        points: i64,
    },
    NoSharedInterests,
    /// Time-zone distance the short way round the clock.
    TimeZone {
        minutes_apart: u32,
        points: i64,
    },
    /// One side has no time zone, so distance could not count either way.
    TimeZoneUnknown,
    /// The language they will talk in; points only when it is not English (see [`MatchingConfig::weight_language`]).
    SharedLanguage {
        language: String,
        name: String,
        points: i64,
    },
    MentorRoom {
        free: u32,
        capacity: u32,
        points: i64,
    },
    /// The task's area, and whether the newcomer listed it among their interests.
    TaskArea {
        area: String,
        interested: bool,
        points: i64,
    },
    /// The task's difficulty against what the newcomer is ready for.
    Experience {
        difficulty: Difficulty,
        fit: ExperienceFit,
        new_to_kernel: bool,
        points: i64,
    },
}

/// How a task's difficulty sits against a newcomer's experience (far above is an [`Exclusion`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExperienceFit {
    /// Below what they are ready for.
    Easy,
    /// Exactly what they are ready for.
    Right,
    /// One level above: a stretch, allowed.
    Stretch,
}

impl Reason {
    /// Points this reason contributed to the score.
    pub fn points(&self) -> i64 {
        match self {
            Reason::SharedInterests { points, .. }
            | Reason::TimeZone { points, .. }
            | Reason::SharedLanguage { points, .. }
            | Reason::MentorRoom { points, .. }
            | Reason::TaskArea { points, .. }
            | Reason::Experience { points, .. } => *points,
            Reason::NoSharedInterests | Reason::TimeZoneUnknown => 0,
        }
    }

    /// A short sentence about the newcomer in the third person, as mentors and organizers read it: "shares 2
    /// interests: PCI, DMA", "3 h apart", "both speak Portuguese".
    pub fn sentence(&self) -> String {
        self.sentence_for(Audience::Others)
    }

    /// A short sentence worded for who reads it: the newcomer is "you" on their own pages.
    pub fn sentence_for(&self, audience: Audience) -> String {
        let yours = audience == Audience::Newcomer;
        let their = if yours { "your" } else { "their" };
        match self {
            Reason::SharedInterests { areas, count, .. } => {
                let names = areas.join(", ");
                let more = (*count as usize).saturating_sub(areas.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                match (*count == 1, yours) {
                    (true, false) => format!("shares 1 interest: {names}"),
                    (false, false) => format!("shares {count} interests: {names}{tail}"),
                    (true, true) => format!("shares 1 of your interests: {names}"),
                    (false, true) => format!("shares {count} of your interests: {names}{tail}"),
                }
            }
            Reason::NoSharedInterests => "no interest area in common".into(),
            Reason::TimeZone { minutes_apart, .. } => {
                if *minutes_apart == 0 {
                    "same time zone".into()
                } else {
                    format!("{} apart", hours_text(*minutes_apart))
                }
            }
            Reason::TimeZoneUnknown => "time zone not given".into(),
            Reason::SharedLanguage { name, .. } if yours => format!("you both speak {name}"),
            Reason::SharedLanguage { name, .. } => format!("both speak {name}"),
            Reason::MentorRoom { free, capacity, .. } => {
                let places = if *capacity == 1 { "place" } else { "places" };
                format!("mentor has {free} of {capacity} {places} free")
            }
            Reason::TaskArea {
                area, interested, ..
            } => {
                if *interested {
                    format!("in {area}, one of {their} interests")
                } else {
                    format!("in {area}, outside {their} listed interests")
                }
            }
            Reason::Experience {
                difficulty,
                fit,
                new_to_kernel,
                ..
            } => match (difficulty, fit) {
                (Difficulty::Starter, _) if *new_to_kernel && yours => {
                    "starter task, a good first step into the kernel".into()
                }
                (Difficulty::Starter, _) if *new_to_kernel => {
                    "starter task for someone new to the kernel".into()
                }
                (_, ExperienceFit::Right) => {
                    format!("{difficulty} task, right for {their} experience")
                }
                (_, ExperienceFit::Easy) => {
                    format!("{difficulty} task, well within {their} experience")
                }
                (_, ExperienceFit::Stretch) => {
                    format!("{difficulty} task, a stretch above {their} experience")
                }
            },
        }
    }
}

/// Who reads a reason: the newcomer themself, or a mentor or organizer reading about them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Newcomer,
    Others,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// "3 h", "5 h 30 min".
pub(super) fn hours_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// What a proposal or mentorship stores as its `explanation` JSON: the reasons of a placed pair, or why the
/// newcomer could not be placed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<Reason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unplaced: Option<Unplaced>,
}

impl Explanation {
    /// Reads a stored explanation; text that is not one (hand-written rows, older formats) explains nothing.
    pub fn parse(json: &str) -> Explanation {
        serde_json::from_str(json).unwrap_or_default()
    }

    /// The reasons in the third person, for mentors and organizers.
    pub fn sentences(&self) -> Vec<String> {
        self.reasons.iter().map(Reason::sentence).collect()
    }
}
