//! The weights and limits of matching, from the configuration.

use serde::{Deserialize, Serialize};

/// Shared interest areas beyond this many add no points: three areas in common already make a close fit, and
/// without a cap a mentor listing every area would outrank everyone.
pub const AREAS_COUNTED: usize = 3;

/// The weights and limits of matching. Weights are the most points a component can give, except
/// `weight_area`, which is given per shared area (at most [`AREAS_COUNTED`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchingConfig {
    /// Mentor and newcomer time zones further apart than this (in hours, the short way round the clock) never pair.
    pub max_tz_hours: u32,
    /// Points per shared interest area (mentors), or for a task in one of the newcomer's areas.
    pub weight_area: i64,
    /// Points for the same time zone, falling linearly to 0 at `max_tz_hours` apart.
    pub weight_time_zone: i64,
    /// Points for sharing a spoken language other than English: mentoring in one's own language is easier, and
    /// English is the programme's common language, so sharing it tells nothing apart.
    pub weight_language: i64,
    /// Points for a mentor with every place free, in proportion to the share of places free.
    pub weight_load: i64,
    /// Points for a task whose difficulty is right for the newcomer's experience; less when it is easy for them.
    pub weight_experience: i64,
    /// A round keeps only each newcomer's best this-many candidates, which keeps the instance small.
    pub candidates_per_newcomer: usize,
    /// How many mentors and how many tasks an instant suggestion lists.
    pub suggestions: usize,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        MatchingConfig {
            max_tz_hours: 6,
            weight_area: 30,
            weight_time_zone: 30,
            weight_language: 10,
            weight_load: 20,
            weight_experience: 40,
            candidates_per_newcomer: 50,
            suggestions: 5,
        }
    }
}

impl MatchingConfig {
    /// The highest score a newcomer–mentor pair can get: a round's costs are this minus the score, so >= 0.
    pub fn max_mentor_score(&self) -> i64 {
        self.weight_area * AREAS_COUNTED as i64
            + self.weight_time_zone
            + self.weight_language
            + self.weight_load
    }

    /// The highest score a newcomer–task pair can get.
    pub fn max_task_score(&self) -> i64 {
        self.weight_area + self.weight_experience
    }
}
