//! Scoring a newcomer against a mentor or a task: an integer score with the reasons behind it, or the one hard
//! constraint that rules the pair out. Pure: the services load people and tasks into the plain structs below.
//!
//! A pair is scored as a [`MentorFit`] or [`TaskFit`]: small values that hold the score's components, so the
//! thousands of pairs a round or a suggestion looks at cost no allocation; only the pairs someone will see are
//! turned into [`Reason`]s (structured, serialisable) and from there into short sentences.
//!
//! The checks that rule a pair out run in a fixed order, the [`Exclusion::stage`]. Across all the pairs of one
//! newcomer, the furthest stage any pair reached tells an organizer why that newcomer could not be placed: if no
//! mentor got past the language check, "no mentor shares a spoken language"; see [`Funnel`].

mod config;
mod exclusion;
mod mentor;
mod people;
mod reasons;
mod task;

pub use config::{AREAS_COUNTED, MatchingConfig};
pub use exclusion::{Exclusion, Funnel, Side, Unplaced};
pub use mentor::{MentorFit, minutes_apart, score_mentor};
pub use people::{AreaNames, Experience, Mentor, Newcomer, Task};
pub use reasons::{Audience, ExperienceFit, Explanation, Reason};
pub use task::{TaskFit, score_task, score_task_ignoring_prerequisites};

#[cfg(test)]
mod tests;
