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

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::db::tasks::{Difficulty, TaskState};

/// Area id to display name, for the reasons.
pub type AreaNames = HashMap<i32, String>;

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

fn level(d: Difficulty) -> i32 {
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

    /// A short sentence for people: "shares 2 interests: PCI, DMA", "3 h apart", "both speak Portuguese".
    pub fn sentence(&self) -> String {
        match self {
            Reason::SharedInterests { areas, count, .. } => {
                let names = areas.join(", ");
                let more = (*count as usize).saturating_sub(areas.len());
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                if *count == 1 {
                    format!("shares 1 interest: {names}")
                } else {
                    format!("shares {count} interests: {names}{tail}")
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
            Reason::SharedLanguage { name, .. } => format!("both speak {name}"),
            Reason::MentorRoom { free, capacity, .. } => {
                let places = if *capacity == 1 { "place" } else { "places" };
                format!("mentor has {free} of {capacity} {places} free")
            }
            Reason::TaskArea {
                area, interested, ..
            } => {
                if *interested {
                    format!("in {area}, one of their interests")
                } else {
                    format!("in {area}, outside their listed interests")
                }
            }
            Reason::Experience {
                difficulty,
                fit,
                new_to_kernel,
                ..
            } => match (difficulty, fit) {
                (Difficulty::Starter, _) if *new_to_kernel => {
                    "starter task for someone new to the kernel".into()
                }
                (_, ExperienceFit::Right) => {
                    format!("{difficulty} task, right for their experience")
                }
                (_, ExperienceFit::Easy) => {
                    format!("{difficulty} task, well within their experience")
                }
                (_, ExperienceFit::Stretch) => {
                    format!("{difficulty} task, a stretch above their experience")
                }
            },
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// "3 h", "5 h 30 min".
fn hours_text(minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

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

/// Minutes between two UTC offsets the short way round the clock: UTC+11 and UTC-11 are 2 h apart, not 22.
pub fn minutes_apart(a: i32, b: i32) -> u32 {
    let d = (a - b).rem_euclid(24 * 60) as u32;
    d.min(24 * 60 - d)
}

/// The components of an acceptable newcomer–mentor pair. Cheap to make; [`MentorFit::reasons`] explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MentorFit<'a> {
    /// The first shared areas (up to [`AREAS_COUNTED`]), in ascending id order.
    shared_areas: [i32; AREAS_COUNTED],
    /// All shared areas, counted or not.
    shared_count: u32,
    language: &'a str,
    minutes_apart: Option<u32>,
    free: u32,
    capacity: u32,
    area_points: i64,
    tz_points: i64,
    language_points: i64,
    load_points: i64,
}

impl MentorFit<'_> {
    pub fn score(&self) -> i64 {
        self.area_points + self.tz_points + self.language_points + self.load_points
    }

    /// Most telling first: interests, time zone, language, room.
    pub fn reasons(&self, areas: &AreaNames) -> Vec<Reason> {
        let mut out = Vec::with_capacity(4);
        if self.shared_count == 0 {
            out.push(Reason::NoSharedInterests);
        } else {
            let counted = (self.shared_count as usize).min(AREAS_COUNTED);
            out.push(Reason::SharedInterests {
                areas: self.shared_areas[..counted]
                    .iter()
                    .map(|id| area_name(areas, *id))
                    .collect(),
                count: self.shared_count,
                points: self.area_points,
            });
        }
        out.push(match self.minutes_apart {
            Some(m) => Reason::TimeZone {
                minutes_apart: m,
                points: self.tz_points,
            },
            None => Reason::TimeZoneUnknown,
        });
        out.push(Reason::SharedLanguage {
            language: self.language.to_string(),
            name: language_name(self.language),
            points: self.language_points,
        });
        out.push(Reason::MentorRoom {
            free: self.free,
            capacity: self.capacity,
            points: self.load_points,
        });
        out
    }
}

fn area_name(areas: &AreaNames, id: i32) -> String {
    areas
        .get(&id)
        .cloned()
        .unwrap_or_else(|| format!("area {id}"))
}

/// Score a newcomer against a mentor, or say which hard constraint rules the pair out. The checks run in
/// [`Exclusion::stage`] order: who they are, language, time zone, history, then the mentor's availability.
pub fn score_mentor<'a>(
    n: &'a Newcomer,
    m: &Mentor,
    cfg: &MatchingConfig,
) -> Result<MentorFit<'a>, Exclusion> {
    if n.id == m.id {
        return Err(Exclusion::SamePerson);
    }
    let language =
        shared_language(&n.languages, &m.languages).ok_or(Exclusion::NoSharedLanguage)?;
    let minutes = match (n.utc_offset_minutes, m.utc_offset_minutes) {
        (Some(a), Some(b)) => Some(minutes_apart(a, b)),
        // Unknown is not a reason to exclude: the pair simply earns no time-zone points.
        _ => None,
    };
    let limit = cfg.max_tz_hours.saturating_mul(60);
    if let Some(d) = minutes
        && d > limit
    {
        return Err(Exclusion::TooFarApart {
            minutes_apart: d,
            limit_hours: cfg.max_tz_hours,
        });
    }
    if n.declined_by.binary_search(&m.id).is_ok() {
        return Err(Exclusion::DeclinedBefore);
    }
    if !m.approved {
        return Err(Exclusion::MentorNotApproved);
    }
    if !m.accepting {
        return Err(Exclusion::MentorNotAccepting);
    }
    let free = m.free();
    if free == 0 {
        return Err(Exclusion::MentorFull {
            capacity: m.capacity,
        });
    }

    let mut shared_areas = [0; AREAS_COUNTED];
    let shared_count = intersect(&n.areas, &m.areas, &mut shared_areas);
    let area_points = cfg.weight_area * i64::from(shared_count.min(AREAS_COUNTED as u32));
    let tz_points = match minutes {
        None => 0,
        Some(_) if limit == 0 => cfg.weight_time_zone,
        Some(d) => cfg.weight_time_zone * i64::from(limit - d) / i64::from(limit),
    };
    let language_points = if language == "en" {
        0
    } else {
        cfg.weight_language
    };
    let load_points = cfg.weight_load * i64::from(free) / i64::from(m.capacity);
    Ok(MentorFit {
        shared_areas,
        shared_count,
        language,
        minutes_apart: minutes,
        free,
        capacity: m.capacity,
        area_points,
        tz_points,
        language_points,
        load_points,
    })
}

/// The language a pair will talk in: the first shared language other than English, else English
/// (or whatever else they share).
fn shared_language<'a>(newcomer: &'a [String], mentor: &[String]) -> Option<&'a str> {
    let mut fallback = None;
    for l in newcomer {
        if mentor.iter().any(|m| m == l) {
            if l != "en" {
                return Some(l);
            }
            fallback = Some(l.as_str());
        }
    }
    fallback
}

/// Counts the common elements of two ascending lists, writing the first few into `first`.
fn intersect(a: &[i32], b: &[i32], first: &mut [i32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if let Some(slot) = first.get_mut(n as usize) {
                    *slot = a[i];
                }
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// The components of an acceptable newcomer–task pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFit {
    area_id: i32,
    interested: bool,
    difficulty: Difficulty,
    fit: ExperienceFit,
    new_to_kernel: bool,
    area_points: i64,
    experience_points: i64,
}

impl TaskFit {
    pub fn score(&self) -> i64 {
        self.area_points + self.experience_points
    }

    pub fn reasons(&self, areas: &AreaNames) -> Vec<Reason> {
        vec![
            Reason::TaskArea {
                area: area_name(areas, self.area_id),
                interested: self.interested,
                points: self.area_points,
            },
            Reason::Experience {
                difficulty: self.difficulty,
                fit: self.fit,
                new_to_kernel: self.new_to_kernel,
                points: self.experience_points,
            },
        ]
    }
}

/// Score a newcomer against a task, or say why it cannot be proposed: not open, blocked by prerequisites (with
/// what it waits for), or far above their experience (see [`Experience::ready_for`]).
pub fn score_task(n: &Newcomer, t: &Task, cfg: &MatchingConfig) -> Result<TaskFit, Exclusion> {
    if t.state != TaskState::Open {
        return Err(Exclusion::TaskNotOpen { state: t.state });
    }
    if !t.waits_for.is_empty() {
        return Err(Exclusion::Blocked {
            waits_for: t.waits_for.clone(),
        });
    }
    score_task_ignoring_prerequisites(n, t, cfg)
}

/// [`score_task`] as if the prerequisites were done: how much a newcomer would like a blocked task.
pub fn score_task_ignoring_prerequisites(
    n: &Newcomer,
    t: &Task,
    cfg: &MatchingConfig,
) -> Result<TaskFit, Exclusion> {
    let ready_for = n.experience.ready_for();
    let gap = level(t.difficulty) - level(ready_for);
    if gap >= 2 {
        return Err(Exclusion::FarAboveExperience {
            difficulty: t.difficulty,
            ready_for,
        });
    }
    let (fit, experience_points) = match gap {
        1 => (ExperienceFit::Stretch, 0),
        0 => (ExperienceFit::Right, cfg.weight_experience),
        -1 => (ExperienceFit::Easy, cfg.weight_experience / 2),
        _ => (ExperienceFit::Easy, cfg.weight_experience / 4),
    };
    let interested = n.areas.binary_search(&t.area_id).is_ok();
    Ok(TaskFit {
        area_id: t.area_id,
        interested,
        difficulty: t.difficulty,
        fit,
        new_to_kernel: n.experience.kernel == 0,
        area_points: if interested { cfg.weight_area } else { 0 },
        experience_points,
    })
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

    pub fn sentences(&self) -> Vec<String> {
        self.reasons.iter().map(Reason::sentence).collect()
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

/// English names of the languages people list most; other codes are shown as they are.
pub fn language_name(code: &str) -> String {
    let name = match code {
        "ar" => "Arabic",
        "bn" => "Bengali",
        "ca" => "Catalan",
        "cs" => "Czech",
        "da" => "Danish",
        "de" => "German",
        "el" => "Greek",
        "en" => "English",
        "es" => "Spanish",
        "fa" => "Persian",
        "fi" => "Finnish",
        "fr" => "French",
        "he" => "Hebrew",
        "hi" => "Hindi",
        "hu" => "Hungarian",
        "id" => "Indonesian",
        "it" => "Italian",
        "ja" => "Japanese",
        "ko" => "Korean",
        "ms" => "Malay",
        "nb" => "Norwegian",
        "nl" => "Dutch",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ro" => "Romanian",
        "ru" => "Russian",
        "sv" => "Swedish",
        "sw" => "Swahili",
        "ta" => "Tamil",
        "th" => "Thai",
        "tr" => "Turkish",
        "uk" => "Ukrainian",
        "vi" => "Vietnamese",
        "zh" => "Chinese",
        other => return other.to_string(),
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> MatchingConfig {
        MatchingConfig::default()
    }

    fn newcomer() -> Newcomer {
        Newcomer {
            id: 1,
            areas: vec![10, 20, 30],
            languages: vec!["en".into(), "pt".into()],
            utc_offset_minutes: Some(0),
            experience: Experience {
                rust: 1,
                c: 1,
                kernel: 0,
            },
            declined_by: vec![],
        }
    }

    fn mentor() -> Mentor {
        Mentor {
            id: 2,
            areas: vec![20, 30, 40],
            languages: vec!["en".into()],
            utc_offset_minutes: Some(180),
            capacity: 3,
            load: 1,
            approved: true,
            accepting: true,
        }
    }

    fn task(difficulty: Difficulty) -> Task {
        Task {
            id: 7,
            area_id: 20,
            difficulty,
            state: TaskState::Open,
            waits_for: vec![],
        }
    }

    fn names() -> AreaNames {
        [(10, "GPU"), (20, "PCI"), (30, "DMA"), (40, "USB")]
            .into_iter()
            .map(|(id, n)| (id, n.to_string()))
            .collect()
    }

    fn sentences(reasons: &[Reason]) -> Vec<String> {
        reasons.iter().map(Reason::sentence).collect()
    }

    #[test]
    fn defaults_match_the_configuration_defaults() {
        assert_eq!(crate::config::Config::defaults().matching(), cfg());
    }

    #[test]
    fn a_good_mentor_pair_is_scored_and_explained() {
        let (n, m) = (newcomer(), mentor());
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        // 2 shared areas * 30, 3 h of 6 h -> 15, English only -> nothing, 2 of 3 free -> 13.
        assert_eq!(fit.score(), 60 + 15 + 13);
        let reasons = fit.reasons(&names());
        assert_eq!(
            sentences(&reasons),
            [
                "shares 2 interests: PCI, DMA",
                "3 h apart",
                "both speak English",
                "mentor has 2 of 3 places free"
            ]
        );
        assert_eq!(reasons.iter().map(Reason::points).sum::<i64>(), fit.score());
        assert!(fit.score() <= cfg().max_mentor_score());
    }

    #[test]
    fn shared_interests_count_at_most_three() {
        let mut n = newcomer();
        let mut m = mentor();
        n.areas = vec![1, 2, 3, 4, 5];
        m.areas = vec![1, 2, 3, 4, 5, 6];
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        let reasons = fit.reasons(&AreaNames::new());
        assert_eq!(
            reasons[0],
            Reason::SharedInterests {
                areas: vec!["area 1".into(), "area 2".into(), "area 3".into()],
                count: 5,
                points: 90
            }
        );
        assert_eq!(
            reasons[0].sentence(),
            "shares 5 interests: area 1, area 2, area 3 and 2 more"
        );
        m.areas = vec![99];
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[0], Reason::NoSharedInterests);
    }

    #[test]
    fn time_zone_distance_wraps_around_the_clock() {
        assert_eq!(minutes_apart(11 * 60, -11 * 60), 120);
        assert_eq!(minutes_apart(-600, 600), 240);
        assert_eq!(minutes_apart(330, 0), 330);
        assert_eq!(minutes_apart(0, 12 * 60), 720);
        let mut n = newcomer();
        let mut m = mentor();
        n.utc_offset_minutes = Some(13 * 60); // Pacific/Apia
        m.utc_offset_minutes = Some(-10 * 60); // Pacific/Honolulu: one hour away across the date line
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[1].sentence(), "1 h apart");
        assert_eq!(fit.reasons(&names())[1].points(), 25);
        m.utc_offset_minutes = Some(13 * 60);
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[1].sentence(), "same time zone");
        assert_eq!(fit.reasons(&names())[1].points(), 30);
        m.utc_offset_minutes = Some(13 * 60 - 330);
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[1].sentence(), "5 h 30 min apart");
    }

    #[test]
    fn time_zones_beyond_the_limit_exclude_the_pair() {
        let mut n = newcomer(); // the mentor is at UTC+3
        n.utc_offset_minutes = Some(10 * 60);
        assert_eq!(
            score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
            Exclusion::TooFarApart {
                minutes_apart: 420,
                limit_hours: 6
            }
        );
        assert_eq!(
            score_mentor(&n, &mentor(), &cfg()).unwrap_err().sentence(),
            "7 h apart, more than the 6 h limit"
        );
        // Exactly at the limit is allowed, with no time-zone points.
        n.utc_offset_minutes = Some(9 * 60);
        let fit = score_mentor(&n, &mentor(), &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[1].points(), 0);
        // A limit of 0 allows the same offset only.
        let strict = MatchingConfig {
            max_tz_hours: 0,
            ..cfg()
        };
        assert!(score_mentor(&n, &mentor(), &strict).is_err());
        n.utc_offset_minutes = Some(180);
        assert_eq!(
            score_mentor(&n, &mentor(), &strict)
                .unwrap()
                .reasons(&names())[1]
                .points(),
            30
        );
    }

    #[test]
    fn an_unknown_time_zone_neither_excludes_nor_scores() {
        let mut n = newcomer();
        n.utc_offset_minutes = None;
        let fit = score_mentor(&n, &mentor(), &cfg()).unwrap();
        assert_eq!(fit.reasons(&names())[1], Reason::TimeZoneUnknown);
        assert_eq!(fit.reasons(&names())[1].sentence(), "time zone not given");
    }

    #[test]
    fn no_shared_language_excludes_the_pair() {
        let mut n = newcomer();
        n.languages = vec!["ja".into()];
        let e = score_mentor(&n, &mentor(), &cfg()).unwrap_err();
        assert_eq!(e, Exclusion::NoSharedLanguage);
        assert_eq!(e.sentence(), "no spoken language in common");
        n.languages.clear();
        assert_eq!(
            score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
            Exclusion::NoSharedLanguage
        );
    }

    #[test]
    fn a_shared_language_other_than_english_earns_points_and_is_named() {
        let n = newcomer();
        let mut m = mentor();
        m.languages = vec!["pt".into(), "en".into()];
        let fit = score_mentor(&n, &m, &cfg()).unwrap();
        let reasons = fit.reasons(&names());
        assert_eq!(reasons[2].sentence(), "both speak Portuguese");
        assert_eq!(reasons[2].points(), 10);
        assert_eq!(language_name("xx"), "xx");
    }

    #[test]
    fn mentors_with_more_room_score_higher() {
        let n = newcomer();
        let mut m = mentor();
        m.load = 0;
        let empty = score_mentor(&n, &m, &cfg()).unwrap();
        m.load = 2;
        let nearly_full = score_mentor(&n, &m, &cfg()).unwrap();
        assert!(empty.score() > nearly_full.score());
        assert_eq!(
            nearly_full.reasons(&names())[3].sentence(),
            "mentor has 1 of 3 places free"
        );
        m.capacity = 1;
        m.load = 0;
        assert_eq!(
            score_mentor(&n, &m, &cfg()).unwrap().reasons(&names())[3].sentence(),
            "mentor has 1 of 1 place free"
        );
    }

    #[test]
    fn unavailable_mentors_are_excluded_each_with_its_reason() {
        let n = newcomer();
        let mut m = mentor();
        m.load = 3;
        assert_eq!(
            score_mentor(&n, &m, &cfg()).unwrap_err(),
            Exclusion::MentorFull { capacity: 3 }
        );
        // A capacity lowered below the current load is full, not an overflow.
        m.capacity = 1;
        assert_eq!(m.free(), 0);
        assert!(score_mentor(&n, &m, &cfg()).is_err());
        let mut m = mentor();
        m.accepting = false;
        assert_eq!(
            score_mentor(&n, &m, &cfg()).unwrap_err(),
            Exclusion::MentorNotAccepting
        );
        m.approved = false;
        assert_eq!(
            score_mentor(&n, &m, &cfg()).unwrap_err(),
            Exclusion::MentorNotApproved
        );
        let mut m = mentor();
        m.capacity = 0;
        m.load = 0;
        assert_eq!(
            score_mentor(&n, &m, &cfg()).unwrap_err().sentence(),
            "mentor is full (0 of 0 places taken)"
        );
    }

    #[test]
    fn a_mentor_who_declined_is_never_proposed_again_nor_oneself() {
        let mut n = newcomer();
        n.declined_by = vec![2, 5];
        assert_eq!(
            score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
            Exclusion::DeclinedBefore
        );
        let mut n = newcomer();
        n.id = 2;
        assert_eq!(
            score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
            Exclusion::SamePerson
        );
    }

    #[test]
    fn the_experience_rule() {
        let e = |rust, c, kernel| Experience { rust, c, kernel }.ready_for();
        assert_eq!(e(0, 0, 0), Difficulty::Starter);
        assert_eq!(e(1, 1, 0), Difficulty::Starter);
        assert_eq!(e(2, 1, 0), Difficulty::Intermediate);
        assert_eq!(e(1, 0, 1), Difficulty::Intermediate);
        assert_eq!(e(3, 3, 0), Difficulty::Intermediate); // no kernel experience: never advanced
        assert_eq!(e(2, 2, 1), Difficulty::Intermediate);
        assert_eq!(e(3, 2, 1), Difficulty::Advanced);
        assert_eq!(e(1, 1, 3), Difficulty::Advanced);
        assert_eq!(e(9, 9, 9), Difficulty::Advanced);
    }

    #[test]
    fn tasks_are_scored_against_experience_and_interest() {
        let mut n = newcomer(); // ready for starter tasks, new to the kernel
        let fit = score_task(&n, &task(Difficulty::Starter), &cfg()).unwrap();
        assert_eq!(fit.score(), 30 + 40);
        assert_eq!(fit.score(), cfg().max_task_score());
        assert_eq!(
            sentences(&fit.reasons(&names())),
            [
                "in PCI, one of their interests",
                "starter task for someone new to the kernel"
            ]
        );
        let stretch = score_task(&n, &task(Difficulty::Intermediate), &cfg()).unwrap();
        assert_eq!(stretch.score(), 30);
        assert_eq!(
            stretch.reasons(&names())[1].sentence(),
            "intermediate task, a stretch above their experience"
        );
        n.experience = Experience {
            rust: 3,
            c: 2,
            kernel: 1,
        };
        n.areas = vec![10];
        let easy = score_task(&n, &task(Difficulty::Starter), &cfg()).unwrap();
        assert_eq!(easy.score(), 10);
        assert_eq!(
            sentences(&easy.reasons(&names())),
            [
                "in PCI, outside their listed interests",
                "starter task, well within their experience"
            ]
        );
        let right = score_task(&n, &task(Difficulty::Advanced), &cfg()).unwrap();
        assert_eq!(
            right.reasons(&names())[1].sentence(),
            "advanced task, right for their experience"
        );
        let middle = score_task(&n, &task(Difficulty::Intermediate), &cfg()).unwrap();
        assert_eq!(middle.score(), 20);
    }

    #[test]
    fn a_task_far_above_experience_is_excluded() {
        let n = newcomer();
        let e = score_task(&n, &task(Difficulty::Advanced), &cfg()).unwrap_err();
        assert_eq!(
            e,
            Exclusion::FarAboveExperience {
                difficulty: Difficulty::Advanced,
                ready_for: Difficulty::Starter
            }
        );
        assert_eq!(
            e.sentence(),
            "advanced task, far above their experience (ready for starter tasks)"
        );
    }

    #[test]
    fn a_blocked_task_is_excluded_and_says_what_it_waits_for() {
        let n = newcomer();
        let mut t = task(Difficulty::Starter);
        t.waits_for = vec!["spi-binding".into(), "gpio-binding".into()];
        let e = score_task(&n, &t, &cfg()).unwrap_err();
        assert_eq!(e.sentence(), "waits for spi-binding, gpio-binding");
        assert_eq!(e.stage(), 1);
        // How much they would like it once unblocked.
        assert_eq!(
            score_task_ignoring_prerequisites(&n, &t, &cfg())
                .unwrap()
                .score(),
            70
        );
        t.state = TaskState::Claimed;
        assert_eq!(
            score_task(&n, &t, &cfg()).unwrap_err().sentence(),
            "task is claimed"
        );
    }

    #[test]
    fn the_funnel_names_the_furthest_check_reached() {
        let n = newcomer();
        let c = cfg();
        let mut f = Funnel::default();
        assert_eq!(f.unplaced(Side::Mentors, &n, &c), Unplaced::NoMentors);
        f.exclude(&Exclusion::NoSharedLanguage);
        assert_eq!(
            f.unplaced(Side::Mentors, &n, &c).sentence(),
            "no mentor shares a spoken language"
        );
        let mut quiet = newcomer();
        quiet.languages.clear();
        assert_eq!(
            f.unplaced(Side::Mentors, &quiet, &c),
            Unplaced::NoLanguageListed
        );
        f.exclude(&Exclusion::TooFarApart {
            minutes_apart: 600,
            limit_hours: 6,
        });
        f.exclude(&Exclusion::NoSharedLanguage);
        assert_eq!(
            f.unplaced(Side::Mentors, &n, &c).sentence(),
            "no mentor who shares a language is within 6 h"
        );
        f.exclude(&Exclusion::DeclinedBefore);
        assert_eq!(f.unplaced(Side::Mentors, &n, &c), Unplaced::OnlyDeclined);
        f.exclude(&Exclusion::MentorFull { capacity: 2 });
        assert_eq!(
            f.unplaced(Side::Mentors, &n, &c).sentence(),
            "every mentor who fits is full or not accepting"
        );
        f.accept();
        assert_eq!(
            f.unplaced(Side::Mentors, &n, &c).sentence(),
            "every acceptable mentor is full"
        );

        let mut t = Funnel::default();
        assert_eq!(t.unplaced(Side::Tasks, &n, &c), Unplaced::NoTasks);
        t.exclude(&Exclusion::Blocked { waits_for: vec![] });
        assert_eq!(t.unplaced(Side::Tasks, &n, &c), Unplaced::TasksBlocked);
        t.exclude(&Exclusion::FarAboveExperience {
            difficulty: Difficulty::Advanced,
            ready_for: Difficulty::Starter,
        });
        assert_eq!(t.unplaced(Side::Tasks, &n, &c).code(), "tasks_too_hard");
    }

    #[test]
    fn reasons_and_exclusions_serialise_with_a_kind_tag() {
        let r = Reason::TimeZone {
            minutes_apart: 180,
            points: 15,
        };
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "time_zone", "minutes_apart": 180, "points": 15})
        );
        assert_eq!(serde_json::from_value::<Reason>(json).unwrap(), r);
        let e = Exclusion::Blocked {
            waits_for: vec!["a".into()],
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"kind": "blocked", "waits_for": ["a"]})
        );
        let u = Unplaced::MentorsTaken { acceptable: 3 };
        assert_eq!(serde_json::to_value(&u).unwrap()["kind"], u.code());
    }

    #[test]
    fn scores_never_exceed_the_maximum() {
        let c = cfg();
        let mut n = newcomer();
        let mut m = mentor();
        n.areas = (1..10).collect();
        m.areas = (1..10).collect();
        m.languages = vec!["pt".into()];
        m.utc_offset_minutes = Some(0);
        m.load = 0;
        let fit = score_mentor(&n, &m, &c).unwrap();
        assert_eq!(fit.score(), c.max_mentor_score());
    }
}
