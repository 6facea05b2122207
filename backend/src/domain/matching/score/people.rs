//! Newcomers, mentors and tasks as scoring sees them: plain structs the services load.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::domain::task::{Difficulty, TaskState};

/// Area id to display name, for the reasons.
pub type AreaNames = HashMap<i32, String>;

/// Self-assessed experience, each 0 (none), 1 (tutorials, small programs), 2 (has shipped real code) or 3 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Experience {
    pub rust: u8,
    pub c: u8,
    pub kernel: u8,
}

impl Experience {
    /// The hardest difficulty a newcomer is ready for. The rule, from readiness points
    /// `rust + c + 2 * kernel` (0..=12; kernel experience counts twice because it is what these tasks need most):
    ///
    /// - **advanced** from 7 points and some kernel experience (kernel >= 1): e.g. rust 3, c 2, kernel 1;
    /// - **intermediate** from 3 points: e.g. rust 2, c 1; or rust 1, kernel 1;
    /// - **starter** below that: e.g. rust 1, c 1, kernel 0.
    ///
    /// A task one level above is a stretch (allowed, no experience points); two levels above, an advanced task
    /// for someone ready for starter tasks, is far above their experience and never proposed.
    pub fn ready_for(&self) -> Difficulty {
        let points = u32::from(self.rust.min(3))
            + u32::from(self.c.min(3))
            + 2 * u32::from(self.kernel.min(3));
        if points >= 7 && self.kernel >= 1 {
            Difficulty::Advanced
        } else if points >= 3 {
            Difficulty::Intermediate
        } else {
            Difficulty::Starter
        }
    }
}

pub(super) fn level(d: Difficulty) -> i32 {
    match d {
        Difficulty::Starter => 0,
        Difficulty::Intermediate => 1,
        Difficulty::Advanced => 2,
    }
}

/// A newcomer as scoring sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Newcomer {
    pub id: i32,
    /// Interest area ids, sorted ascending.
    pub areas: Vec<i32>,
    /// Spoken languages (ISO 639-1, lower case), in a stable order (the database keeps no preference order).
    pub languages: Vec<String>,
    /// Offset from UTC in minutes at the time of matching; None when no time zone is known.
    pub utc_offset_minutes: Option<i32>,
    pub experience: Experience,
    /// Mentors who declined a proposal for this newcomer before, sorted ascending: never proposed again.
    pub declined_by: Vec<i32>,
}

/// A mentor as scoring sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mentor {
    pub id: i32,
    /// Expertise area ids, sorted ascending.
    pub areas: Vec<i32>,
    pub languages: Vec<String>,
    pub utc_offset_minutes: Option<i32>,
    pub capacity: u32,
    /// Proposed and active mentorships: both hold a place.
    pub load: u32,
    pub approved: bool,
    pub accepting: bool,
}

impl Mentor {
    /// Places left, never negative (capacity may have been lowered below the load).
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.load)
    }
}

/// A catalog task as scoring sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub id: i32,
    pub area_id: i32,
    pub difficulty: Difficulty,
    pub state: TaskState,
    /// Slugs of prerequisites that are not done: while any is left, the task is blocked.
    pub waits_for: Vec<String>,
}
