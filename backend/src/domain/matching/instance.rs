//! A capacitated assignment instance and its plain-text format, `onramp-matching-instance v1`
//! (described in `shared/bench/matching/FORMAT.md`):
//!
//! ```text
//! onramp-matching-instance v1
//! newcomers N
//! mentors M
//! capacities c_0 c_1 ... c_{M-1}
//! unassigned_penalty P
//! edges E
//! i j cost            <- E lines
//! ```
//!
//! Instances reach half a million edge lines, so the parser scans bytes by hand instead of
//! splitting into `String`s; every error names the 1-based line it was found on.

use std::fmt;

/// The first line of every v1 file.
pub const MAGIC: &str = "onramp-matching-instance v1";

/// Largest accepted edge cost and penalty magnitude. Keeping every number well inside `i64`
/// lets the solver add costs, penalties and dual prices without overflow checks in its loops.
pub const MAX_COST: i64 = 1_000_000_000_000;

/// Line number of the first edge line: the six header lines come before it.
const FIRST_EDGE_LINE: usize = 7;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    pub newcomers: usize,
    pub mentors: usize,
    /// `capacities[j]` is how many newcomers mentor `j` can take; 0 is allowed.
    pub capacities: Vec<u32>,
    /// Cost of leaving one newcomer unassigned.
    pub unassigned_penalty: i64,
    /// Candidate pairs; the same pair may appear more than once (the cheapest counts).
    pub edges: Vec<Edge>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub newcomer: u32,
    pub mentor: u32,
    pub cost: i64,
}

/// Why a text is not a valid instance, with the line it was noticed on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceError {
    /// 1-based line number; 0 when the problem is not tied to a line (an `Instance` built in
    /// code and checked with [`Instance::validate`]).
    pub line: usize,
    pub message: String,
}

impl InstanceError {
    fn new(line: usize, message: impl Into<String>) -> Self {
        InstanceError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for InstanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "invalid matching instance: {}", self.message)
        } else {
            write!(
                f,
                "invalid matching instance, line {}: {}",
                self.line, self.message
            )
        }
    }
}

impl std::error::Error for InstanceError {}

impl Instance {
    /// Parses the v1 text format. Accepts `\r\n` line ends, runs of spaces or tabs between
    /// numbers and blank lines after the last edge; anything else that deviates is an error.
    pub fn parse(text: &str) -> Result<Instance, InstanceError> {
        let mut lines = Lines::new(text.as_bytes());

        let (line, magic) = lines.next_line().ok_or_else(|| {
            InstanceError::new(
                1,
                format!("empty input, expected the header line `{MAGIC}`"),
            )
        })?;
        if trim(magic) != MAGIC.as_bytes() {
            return Err(InstanceError::new(
                line,
                format!("expected the header line `{MAGIC}`"),
            ));
        }

        let newcomers = header_count(&mut lines, "newcomers")?;
        let mentors = header_count(&mut lines, "mentors")?;

        let (line, rest) = header(&mut lines, "capacities")?;
        let mut capacities = Vec::with_capacity(mentors.min(rest.len() / 2 + 1));
        let mut cursor = Cursor::new(rest, line);
        while cursor.skip_blanks() {
            if capacities.len() == mentors {
                return Err(InstanceError::new(
                    line,
                    format!("more than {mentors} capacities (one per mentor expected)"),
                ));
            }
            let c = cursor.unsigned("capacity", u64::from(u32::MAX))?;
            capacities.push(c as u32);
        }
        if capacities.len() != mentors {
            return Err(InstanceError::new(
                line,
                format!(
                    "{} capacities given, expected {mentors} (one per mentor)",
                    capacities.len()
                ),
            ));
        }

        let (line, rest) = header(&mut lines, "unassigned_penalty")?;
        let mut cursor = Cursor::new(rest, line);
        cursor.skip_blanks();
        let unassigned_penalty = cursor.signed("unassigned_penalty", MAX_COST)?;
        cursor.expect_end("unassigned_penalty")?;

        let edge_count = header_count(&mut lines, "edges")?;
        // Every edge line takes at least six bytes ("0 0 0\n"): a bogus huge count must not
        // make us reserve memory the text cannot fill.
        let mut edges = Vec::with_capacity(edge_count.min(text.len() / 6 + 1));
        for k in 0..edge_count {
            let Some((line, bytes)) = lines.next_line() else {
                return Err(InstanceError::new(
                    lines.line + 1,
                    format!("input ends after {k} edge lines, expected {edge_count}"),
                ));
            };
            let mut cursor = Cursor::new(bytes, line);
            cursor.skip_blanks();
            let newcomer = cursor.unsigned("newcomer index", u64::from(u32::MAX))?;
            if newcomer >= newcomers as u64 {
                return Err(InstanceError::new(
                    line,
                    format!("newcomer index {newcomer} out of range (there are {newcomers})"),
                ));
            }
            cursor.skip_blanks();
            let mentor = cursor.unsigned("mentor index", u64::from(u32::MAX))?;
            if mentor >= mentors as u64 {
                return Err(InstanceError::new(
                    line,
                    format!("mentor index {mentor} out of range (there are {mentors})"),
                ));
            }
            cursor.skip_blanks();
            if cursor.peek() == Some(b'-') {
                return Err(InstanceError::new(line, "negative cost"));
            }
            let cost = cursor.unsigned("cost", MAX_COST as u64)?;
            cursor.expect_end("an edge line (`newcomer mentor cost`)")?;
            edges.push(Edge {
                newcomer: newcomer as u32,
                mentor: mentor as u32,
                cost: cost as i64,
            });
        }
        while let Some((line, bytes)) = lines.next_line() {
            if !trim(bytes).is_empty() {
                return Err(InstanceError::new(
                    line,
                    format!("more edge lines than the {edge_count} declared"),
                ));
            }
        }

        let instance = Instance {
            newcomers,
            mentors,
            capacities,
            unassigned_penalty,
            edges,
        };
        instance.check_magnitudes()?;
        Ok(instance)
    }

    /// Checks what `parse` guarantees, for an instance built in code: one capacity per mentor,
    /// indices in range, costs in `0..=MAX_COST`, `|penalty| <= MAX_COST`, and sizes for which
    /// the objective fits in an `i64`. Errors name the edge's line in the text form.
    pub fn validate(&self) -> Result<(), InstanceError> {
        if self.capacities.len() != self.mentors {
            return Err(InstanceError::new(
                0,
                format!(
                    "{} capacities for {} mentors",
                    self.capacities.len(),
                    self.mentors
                ),
            ));
        }
        if !(-MAX_COST..=MAX_COST).contains(&self.unassigned_penalty) {
            return Err(InstanceError::new(
                5,
                format!("unassigned_penalty beyond +-{MAX_COST}"),
            ));
        }
        for (k, e) in self.edges.iter().enumerate() {
            let line = FIRST_EDGE_LINE + k;
            if e.newcomer as usize >= self.newcomers {
                return Err(InstanceError::new(
                    line,
                    format!("newcomer index {} out of range", e.newcomer),
                ));
            }
            if e.mentor as usize >= self.mentors {
                return Err(InstanceError::new(
                    line,
                    format!("mentor index {} out of range", e.mentor),
                ));
            }
            if e.cost < 0 {
                return Err(InstanceError::new(line, "negative cost"));
            }
            if e.cost > MAX_COST {
                return Err(InstanceError::new(
                    line,
                    format!("cost {} beyond {MAX_COST}", e.cost),
                ));
            }
        }
        self.check_magnitudes()
    }

    /// Sizes whose objective could leave `i64`, or whose counts leave the `u32` indices the
    /// solver uses, are refused up front rather than failing inside the solver.
    fn check_magnitudes(&self) -> Result<(), InstanceError> {
        if self.newcomers > u32::MAX as usize - 1 || self.mentors > u32::MAX as usize - 1 {
            return Err(InstanceError::new(
                0,
                "more than 2^32 - 2 newcomers or mentors",
            ));
        }
        if self.edges.len() > u32::MAX as usize - 1 {
            return Err(InstanceError::new(0, "more than 2^32 - 2 edges"));
        }
        let max_cost = self.edges.iter().map(|e| e.cost).max().unwrap_or(0);
        let worst = (self.newcomers as i128 + 1)
            * i128::from(max_cost.max(self.unassigned_penalty.abs()))
            * 4;
        if worst > i128::from(i64::MAX) {
            return Err(InstanceError::new(
                0,
                "costs and sizes so large that the objective could overflow a 64-bit integer",
            ));
        }
        Ok(())
    }

    /// Writes the v1 text format; `Instance::parse(&inst.to_text())` gives `inst` back.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(96 + 8 * self.capacities.len() + 20 * self.edges.len());
        out.push_str(MAGIC);
        out.push_str("\nnewcomers ");
        push_int(&mut out, self.newcomers as i64);
        out.push_str("\nmentors ");
        push_int(&mut out, self.mentors as i64);
        out.push_str("\ncapacities");
        for &c in &self.capacities {
            out.push(' ');
            push_int(&mut out, i64::from(c));
        }
        out.push_str("\nunassigned_penalty ");
        push_int(&mut out, self.unassigned_penalty);
        out.push_str("\nedges ");
        push_int(&mut out, self.edges.len() as i64);
        out.push('\n');
        for e in &self.edges {
            push_int(&mut out, i64::from(e.newcomer));
            out.push(' ');
            push_int(&mut out, i64::from(e.mentor));
            out.push(' ');
            push_int(&mut out, e.cost);
            out.push('\n');
        }
        out
    }
}

/// `format!` per number is several times slower than this on 1.5 million numbers.
fn push_int(out: &mut String, v: i64) {
    let mut buf = [0u8; 20];
    let mut pos = buf.len();
    let mut u = v.unsigned_abs();
    loop {
        pos -= 1;
        buf[pos] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    // The buffer holds ASCII digits only.
    out.push_str(std::str::from_utf8(&buf[pos..]).unwrap_or_default());
}

fn trim(bytes: &[u8]) -> &[u8] {
    bytes.trim_ascii()
}

/// Reads `KEY VALUE` where VALUE is a count.
fn header_count(lines: &mut Lines<'_>, key: &str) -> Result<usize, InstanceError> {
    let (line, rest) = header(lines, key)?;
    let mut cursor = Cursor::new(rest, line);
    cursor.skip_blanks();
    let value = cursor.unsigned(key, u64::from(u32::MAX) - 2)?;
    cursor.expect_end(key)?;
    Ok(value as usize)
}

/// Takes the next line, checks it starts with `key` and returns what follows the key.
fn header<'a>(lines: &mut Lines<'a>, key: &str) -> Result<(usize, &'a [u8]), InstanceError> {
    let Some((line, bytes)) = lines.next_line() else {
        return Err(InstanceError::new(
            lines.line + 1,
            format!("input ends before the `{key}` header line"),
        ));
    };
    let k = key.as_bytes();
    let bytes = bytes.trim_ascii_start();
    let follows_key =
        bytes.starts_with(k) && bytes.get(k.len()).is_none_or(|b| *b == b' ' || *b == b'\t');
    if !follows_key {
        return Err(InstanceError::new(
            line,
            format!("expected the `{key}` header line"),
        ));
    }
    Ok((line, &bytes[k.len()..]))
}

/// Splits the text into lines, counting them, without allocating.
struct Lines<'a> {
    rest: &'a [u8],
    line: usize,
    done: bool,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Lines {
            rest: bytes,
            line: 0,
            done: false,
        }
    }

    fn next_line(&mut self) -> Option<(usize, &'a [u8])> {
        if self.done {
            return None;
        }
        let (line, rest) = match self.rest.iter().position(|&b| b == b'\n') {
            Some(p) => (&self.rest[..p], &self.rest[p + 1..]),
            None => {
                self.done = true;
                if self.rest.is_empty() {
                    return None;
                }
                (self.rest, &self.rest[self.rest.len()..])
            }
        };
        self.rest = rest;
        self.line += 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Some((self.line, line))
    }
}

/// Reads whitespace-separated integers from one line.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8], line: usize) -> Self {
        Cursor {
            bytes,
            pos: 0,
            line,
        }
    }

    /// Skips spaces and tabs; tells whether anything is left on the line.
    fn skip_blanks(&mut self) -> bool {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b != b' ' && b != b'\t' {
                return true;
            }
            self.pos += 1;
        }
        false
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Reads a decimal number in `0..=max` that must end at a blank or the end of the line.
    fn unsigned(&mut self, what: &str, max: u64) -> Result<u64, InstanceError> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !b.is_ascii_digit() {
                break;
            }
            value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
            self.pos += 1;
        }
        let token_end = self.bytes[self.pos..]
            .iter()
            .position(|&b| b == b' ' || b == b'\t')
            .map_or(self.bytes.len(), |p| self.pos + p);
        if self.pos == start || self.pos != token_end {
            let token = String::from_utf8_lossy(&self.bytes[start..token_end]);
            let message = if token.is_empty() {
                format!("missing {what}")
            } else {
                format!("{what}: `{token}` is not a non-negative integer")
            };
            return Err(InstanceError::new(self.line, message));
        }
        if value > max {
            return Err(InstanceError::new(
                self.line,
                format!(
                    "{what} {} is too large (at most {max})",
                    String::from_utf8_lossy(&self.bytes[start..self.pos])
                ),
            ));
        }
        Ok(value)
    }

    fn signed(&mut self, what: &str, max_abs: i64) -> Result<i64, InstanceError> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let v = self.unsigned(what, max_abs as u64)? as i64;
        Ok(if negative { -v } else { v })
    }

    fn expect_end(&mut self, what: &str) -> Result<(), InstanceError> {
        if self.skip_blanks() {
            return Err(InstanceError::new(
                self.line,
                format!(
                    "unexpected `{}` after {what}",
                    String::from_utf8_lossy(&self.bytes[self.pos..])
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "onramp-matching-instance v1\nnewcomers 3\nmentors 2\ncapacities 1 0\n\
                         unassigned_penalty 100\nedges 3\n0 0 5\n1 0 7\n2 1 0\n";

    fn err(text: &str) -> InstanceError {
        Instance::parse(text).expect_err("should be rejected")
    }

    #[test]
    fn parses_a_small_instance() {
        let inst = Instance::parse(SMALL).unwrap();
        assert_eq!(inst.newcomers, 3);
        assert_eq!(inst.mentors, 2);
        assert_eq!(inst.capacities, vec![1, 0]);
        assert_eq!(inst.unassigned_penalty, 100);
        assert_eq!(
            inst.edges,
            vec![
                Edge {
                    newcomer: 0,
                    mentor: 0,
                    cost: 5
                },
                Edge {
                    newcomer: 1,
                    mentor: 0,
                    cost: 7
                },
                Edge {
                    newcomer: 2,
                    mentor: 1,
                    cost: 0
                },
            ]
        );
        assert_eq!(inst.to_text(), SMALL);
        inst.validate().unwrap();
    }

    #[test]
    fn accepts_crlf_extra_blanks_and_trailing_blank_lines() {
        let text = "onramp-matching-instance v1\r\nnewcomers  3\r\nmentors\t2\r\ncapacities 1  0 \r\n\
                    unassigned_penalty -4\r\nedges 1\r\n 2\t1   9 \r\n\r\n\n";
        let inst = Instance::parse(text).unwrap();
        assert_eq!(inst.unassigned_penalty, -4);
        assert_eq!(
            inst.edges,
            vec![Edge {
                newcomer: 2,
                mentor: 1,
                cost: 9
            }]
        );
    }

    #[test]
    fn accepts_no_final_newline_and_empty_sides() {
        let inst = Instance::parse(
            "onramp-matching-instance v1\nnewcomers 0\nmentors 0\ncapacities\nunassigned_penalty 1\nedges 0",
        )
        .unwrap();
        assert_eq!(inst.newcomers + inst.mentors + inst.edges.len(), 0);
        assert_eq!(Instance::parse(&inst.to_text()).unwrap(), inst);
    }

    #[test]
    fn round_trips_through_text() {
        let inst = Instance {
            newcomers: 4,
            mentors: 3,
            capacities: vec![2, 0, 4_000_000_000],
            unassigned_penalty: -MAX_COST,
            edges: vec![
                Edge {
                    newcomer: 3,
                    mentor: 2,
                    cost: MAX_COST,
                },
                Edge {
                    newcomer: 3,
                    mentor: 2,
                    cost: 0,
                },
                Edge {
                    newcomer: 0,
                    mentor: 1,
                    cost: 12,
                },
            ],
        };
        assert_eq!(Instance::parse(&inst.to_text()).unwrap(), inst);
    }

    #[test]
    fn rejects_a_bad_magic_line() {
        let e = err(&SMALL.replace("v1", "v2"));
        assert_eq!(e.line, 1);
        assert!(e.message.contains("onramp-matching-instance v1"), "{e}");
        assert_eq!(err("").line, 1);
    }

    #[test]
    fn rejects_bad_headers() {
        let e = err(&SMALL.replace("newcomers 3", "newcomer 3"));
        assert_eq!(
            (e.line, e.message.as_str()),
            (2, "expected the `newcomers` header line")
        );
        let e = err(&SMALL.replace("mentors 2", "mentors two"));
        assert_eq!(e.line, 3);
        assert!(
            e.message.contains("`two` is not a non-negative integer"),
            "{e}"
        );
        let e = err(&SMALL.replace("mentors 2", "mentors 2 3"));
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unexpected `3`"), "{e}");
        let e = err(&SMALL.replace("edges 3", "edges"));
        assert_eq!((e.line, e.message.as_str()), (6, "missing edges"));
        let e = err(&SMALL.replace("unassigned_penalty 100", "unassigned_penalty 1e3"));
        assert_eq!(e.line, 5);
        let e = err("onramp-matching-instance v1\nnewcomers 3\n");
        assert_eq!(e.line, 3);
        assert!(e.message.contains("ends before the `mentors`"), "{e}");
    }

    #[test]
    fn rejects_a_wrong_number_of_capacities() {
        let e = err(&SMALL.replace("capacities 1 0", "capacities 1"));
        assert_eq!(e.line, 4);
        assert!(e.message.contains("1 capacities given, expected 2"), "{e}");
        let e = err(&SMALL.replace("capacities 1 0", "capacities 1 0 3"));
        assert_eq!(e.line, 4);
        assert!(e.message.contains("more than 2 capacities"), "{e}");
        let e = err(&SMALL.replace("capacities 1 0", "capacities 1 -1"));
        assert_eq!(e.line, 4);
    }

    #[test]
    fn rejects_out_of_range_indices() {
        let e = err(&SMALL.replace("1 0 7", "3 0 7"));
        assert_eq!(e.line, 8);
        assert!(e.message.contains("newcomer index 3 out of range"), "{e}");
        let e = err(&SMALL.replace("2 1 0", "2 2 0"));
        assert_eq!(e.line, 9);
        assert!(e.message.contains("mentor index 2 out of range"), "{e}");
        let e = err(&SMALL.replace("2 1 0", "99999999999999999999 1 0"));
        assert_eq!(e.line, 9);
        assert!(e.message.contains("too large"), "{e}");
    }

    #[test]
    fn rejects_negative_and_oversized_costs() {
        let e = err(&SMALL.replace("1 0 7", "1 0 -7"));
        assert_eq!((e.line, e.message.as_str()), (8, "negative cost"));
        let e = err(&SMALL.replace("1 0 7", "1 0 1000000000001"));
        assert_eq!(e.line, 8);
        assert!(e.message.contains("too large"), "{e}");
        let e = err(&SMALL.replace("1 0 7", "1 0 7.5"));
        assert_eq!(e.line, 8);
        assert!(e.message.contains("`7.5`"), "{e}");
    }

    #[test]
    fn rejects_malformed_edge_lines() {
        let e = err(&SMALL.replace("1 0 7", "1 0"));
        assert_eq!((e.line, e.message.as_str()), (8, "missing cost"));
        let e = err(&SMALL.replace("1 0 7", "1 0 7 8"));
        assert_eq!(e.line, 8);
        assert!(e.message.contains("unexpected `8`"), "{e}");
        let e = err(&SMALL.replace("1 0 7", ""));
        assert_eq!((e.line, e.message.as_str()), (8, "missing newcomer index"));
    }

    #[test]
    fn rejects_a_wrong_edge_count() {
        let e = err(&SMALL.replace("edges 3", "edges 4"));
        assert_eq!(e.line, 10);
        assert!(
            e.message.contains("ends after 3 edge lines, expected 4"),
            "{e}"
        );
        let e = err(&SMALL.replace("edges 3", "edges 2"));
        assert_eq!(e.line, 9);
        assert!(
            e.message.contains("more edge lines than the 2 declared"),
            "{e}"
        );
    }

    #[test]
    fn display_names_the_line() {
        let e = err(&SMALL.replace("1 0 7", "1 0 -7"));
        assert_eq!(
            e.to_string(),
            "invalid matching instance, line 8: negative cost"
        );
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert!(boxed.to_string().contains("line 8"));
    }

    #[test]
    fn validate_checks_hand_built_instances() {
        let mut inst = Instance::parse(SMALL).unwrap();
        inst.edges[1].cost = -1;
        assert_eq!(inst.validate().unwrap_err().line, 8);
        inst.edges[1].cost = 1;
        inst.edges[2].mentor = 5;
        assert!(
            inst.validate()
                .unwrap_err()
                .message
                .contains("mentor index 5")
        );
        inst.edges[2].mentor = 0;
        inst.capacities.pop();
        assert_eq!(inst.validate().unwrap_err().line, 0);
    }

    #[test]
    fn refuses_sizes_whose_objective_could_overflow() {
        let text = format!(
            "{MAGIC}\nnewcomers 4000000000\nmentors 0\ncapacities\nunassigned_penalty {MAX_COST}\nedges 0\n"
        );
        assert!(err(&text).message.contains("overflow"));
    }
}
