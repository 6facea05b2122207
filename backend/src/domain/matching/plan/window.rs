//! Mentors ordered by UTC offset, to find those within the time-zone limit of a newcomer without scoring the
//! rest (half or more of the pool, for most newcomers). Mentors with no known zone are always near.

use super::super::score::Mentor;

pub struct ByOffset {
    /// (offset in 0..1440, candidate index), ascending.
    known: Vec<(i32, usize)>,
    unknown: Vec<usize>,
    limit_minutes: i32,
}

impl ByOffset {
    const DAY: i32 = 24 * 60;

    pub fn new(mentors: &[Mentor], max_tz_hours: u32) -> ByOffset {
        let mut known = Vec::with_capacity(mentors.len());
        let mut unknown = Vec::new();
        for (j, m) in mentors.iter().enumerate() {
            match m.utc_offset_minutes {
                Some(o) => known.push((o.rem_euclid(Self::DAY), j)),
                None => unknown.push(j),
            }
        }
        known.sort_unstable();
        ByOffset {
            known,
            unknown,
            limit_minutes: i32::try_from(max_tz_hours.saturating_mul(60)).unwrap_or(i32::MAX),
        }
    }

    /// Fills `out` with the mentors within the limit of `offset` (the short way round the clock) and those of
    /// unknown zone. Returns false, leaving `out` unspecified, when the limit spans the whole clock.
    pub fn near(&self, offset: i32, out: &mut Vec<usize>) -> bool {
        if self.limit_minutes.saturating_mul(2) >= Self::DAY {
            return false;
        }
        out.clear();
        out.extend_from_slice(&self.unknown);
        let lo = (offset - self.limit_minutes).rem_euclid(Self::DAY);
        let hi = (offset + self.limit_minutes).rem_euclid(Self::DAY);
        let from = |x: i32| self.known.partition_point(|&(o, _)| o < x);
        let to = |x: i32| self.known.partition_point(|&(o, _)| o <= x);
        let ranges = if lo <= hi {
            [(from(lo), to(hi)), (0, 0)]
        } else {
            // The window wraps past midnight: [lo, 1440) and [0, hi].
            [(from(lo), self.known.len()), (0, to(hi))]
        };
        for (a, b) in ranges {
            out.extend(self.known[a..b].iter().map(|&(_, j)| j));
        }
        true
    }
}
