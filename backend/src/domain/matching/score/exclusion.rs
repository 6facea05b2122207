//! Why a pair is ruled out (the hard constraints, in the order they are checked), and why a newcomer ends up
//! with nothing: the furthest check any of their pairs reached.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::MatchingConfig;
use super::people::Newcomer;
use super::reasons::hours_text;
use crate::domain::task::{Difficulty, TaskState};

/// A hard constraint that removes a pair. Each has its own reason, and a stage: the order the checks run in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Exclusion {
    /// The newcomer is also this mentor.
    SamePerson,
    NoSharedLanguage,
    TooFarApart {
        minutes_apart: u32,
        limit_hours: u32,
    },
    /// The mentor declined a proposal for this newcomer before.
    DeclinedBefore,
    MentorNotApproved,
    MentorNotAccepting,
    MentorFull {
        capacity: u32,
    },
    TaskNotOpen {
        state: TaskState,
    },
    /// Prerequisites are not done; the slugs it waits for.
    Blocked {
        waits_for: Vec<String>,
    },
    FarAboveExperience {
        difficulty: Difficulty,
        ready_for: Difficulty,
    },
}

impl Exclusion {
    /// The order of the checks: a pair excluded at stage `s` passed every check before `s`.
    pub fn stage(&self) -> u8 {
        match self {
            Exclusion::SamePerson | Exclusion::TaskNotOpen { .. } => 0,
            Exclusion::NoSharedLanguage | Exclusion::Blocked { .. } => 1,
            Exclusion::TooFarApart { .. } | Exclusion::FarAboveExperience { .. } => 2,
            Exclusion::DeclinedBefore => 3,
            Exclusion::MentorNotApproved
            | Exclusion::MentorNotAccepting
            | Exclusion::MentorFull { .. } => 4,
        }
    }

    pub fn sentence(&self) -> String {
        match self {
            Exclusion::SamePerson => "is the newcomer themself".into(),
            Exclusion::NoSharedLanguage => "no spoken language in common".into(),
            Exclusion::TooFarApart {
                minutes_apart,
                limit_hours,
            } => format!(
                "{} apart, more than the {limit_hours} h limit",
                hours_text(*minutes_apart)
            ),
            Exclusion::DeclinedBefore => "declined them before".into(),
            Exclusion::MentorNotApproved => "mentor is not approved".into(),
            Exclusion::MentorNotAccepting => "mentor is not accepting newcomers".into(),
            Exclusion::MentorFull { capacity } => {
                format!("mentor is full ({capacity} of {capacity} places taken)")
            }
            Exclusion::TaskNotOpen { state } => format!("task is {state}"),
            Exclusion::Blocked { waits_for } => format!("waits for {}", waits_for.join(", ")),
            Exclusion::FarAboveExperience {
                difficulty,
                ready_for,
            } => format!(
                "{difficulty} task, far above their experience (ready for {ready_for} tasks)"
            ),
        }
    }
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// Whether a newcomer is matched with mentors or with tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Mentors,
    Tasks,
}

/// Why a newcomer was left out of a round, or why they have no suggestion of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Unplaced {
    NoMentors,
    NoLanguageListed,
    NoSharedLanguage,
    TooFarApart {
        limit_hours: u32,
    },
    OnlyDeclined,
    NoMentorAvailable,
    /// Acceptable mentors existed, but the round gave their places to others.
    MentorsTaken {
        acceptable: u32,
    },
    NoTasks,
    TasksBlocked,
    TasksTooHard,
    /// Acceptable tasks existed, but the round gave them to others.
    TasksTaken {
        acceptable: u32,
    },
}

impl Unplaced {
    /// A stable name for counting by reason (the serde tag).
    pub fn code(&self) -> &'static str {
        match self {
            Unplaced::NoMentors => "no_mentors",
            Unplaced::NoLanguageListed => "no_language_listed",
            Unplaced::NoSharedLanguage => "no_shared_language",
            Unplaced::TooFarApart { .. } => "too_far_apart",
            Unplaced::OnlyDeclined => "only_declined",
            Unplaced::NoMentorAvailable => "no_mentor_available",
            Unplaced::MentorsTaken { .. } => "mentors_taken",
            Unplaced::NoTasks => "no_tasks",
            Unplaced::TasksBlocked => "tasks_blocked",
            Unplaced::TasksTooHard => "tasks_too_hard",
            Unplaced::TasksTaken { .. } => "tasks_taken",
        }
    }

    pub fn sentence(&self) -> String {
        match self {
            Unplaced::NoMentors => "no mentor is available".into(),
            Unplaced::NoLanguageListed => "has not listed a spoken language".into(),
            Unplaced::NoSharedLanguage => "no mentor shares a spoken language".into(),
            Unplaced::TooFarApart { limit_hours } => {
                format!("no mentor who shares a language is within {limit_hours} h")
            }
            Unplaced::OnlyDeclined => "every mentor who fits declined them before".into(),
            Unplaced::NoMentorAvailable => "every mentor who fits is full or not accepting".into(),
            Unplaced::MentorsTaken { .. } => "every acceptable mentor is full".into(),
            Unplaced::NoTasks => "no open task is available".into(),
            Unplaced::TasksBlocked => "every open task waits for prerequisites".into(),
            Unplaced::TasksTooHard => "every open task is far above their experience".into(),
            Unplaced::TasksTaken { .. } => "every suitable task went to someone else".into(),
        }
    }
}

impl fmt::Display for Unplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// Follows one newcomer through the checks against every candidate, to say afterwards why they were not placed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Funnel {
    /// The furthest stage at which any candidate was excluded.
    furthest: Option<u8>,
    /// Candidates that passed every check.
    acceptable: u32,
}

impl Funnel {
    pub fn exclude(&mut self, e: &Exclusion) {
        let s = e.stage();
        self.furthest = Some(self.furthest.map_or(s, |f| f.max(s)));
    }

    pub fn accept(&mut self) {
        self.acceptable += 1;
    }

    pub fn acceptable(&self) -> u32 {
        self.acceptable
    }

    /// Why a newcomer ended up with nothing on this side. With acceptable candidates, they went to others.
    pub fn unplaced(&self, side: Side, newcomer: &Newcomer, cfg: &MatchingConfig) -> Unplaced {
        match side {
            Side::Mentors if self.acceptable > 0 => Unplaced::MentorsTaken {
                acceptable: self.acceptable,
            },
            Side::Mentors => match self.furthest {
                None | Some(0) => Unplaced::NoMentors,
                Some(1) if newcomer.languages.is_empty() => Unplaced::NoLanguageListed,
                Some(1) => Unplaced::NoSharedLanguage,
                Some(2) => Unplaced::TooFarApart {
                    limit_hours: cfg.max_tz_hours,
                },
                Some(3) => Unplaced::OnlyDeclined,
                Some(_) => Unplaced::NoMentorAvailable,
            },
            Side::Tasks if self.acceptable > 0 => Unplaced::TasksTaken {
                acceptable: self.acceptable,
            },
            Side::Tasks => match self.furthest {
                None | Some(0) => Unplaced::NoTasks,
                Some(1) => Unplaced::TasksBlocked,
                Some(_) => Unplaced::TasksTooHard,
            },
        }
    }
}
