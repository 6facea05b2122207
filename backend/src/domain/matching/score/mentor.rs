//! Scoring a newcomer against a mentor: shared interests, time zones, a shared language and the mentor's room.

use super::config::{AREAS_COUNTED, MatchingConfig};
use super::exclusion::Exclusion;
use super::people::{AreaNames, Mentor, Newcomer};
use super::reasons::Reason;
use crate::domain::languages::display_name;

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
            name: display_name(self.language),
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

pub(super) fn area_name(areas: &AreaNames, id: i32) -> String {
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
