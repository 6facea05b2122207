//! Long lists a page at a time: which page a request asks for, which rows that is once the list's length is
//! known, and the links between pages, which keep the list's other parameters (a search, a filter).
//!
//! A page number that is blank is the first page, 0 is the first page too, and one past the end is the last
//! page (the page says so); text that is no number is refused with a message. A page size is clamped to
//! [`MIN_PAGE_SIZE`]..=[`MAX_PAGE_SIZE`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

/// Rows on a page unless the request asks for another size.
pub const PAGE_SIZE: u64 = 50;
pub const MIN_PAGE_SIZE: u64 = 10;
/// Large enough to read through quickly, small enough that a page of the longest rows stays light.
pub const MAX_PAGE_SIZE: u64 = 100;

/// A `page` or `size` parameter that is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotANumber {
    what: &'static str,
    value: String,
}

impl fmt::Display for NotANumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "There is no {} {:?}: it is a number, from 1.",
            self.what, self.value
        )
    }
}

impl std::error::Error for NotANumber {}

fn number(what: &'static str, typed: &str) -> Result<Option<u64>, NotANumber> {
    match typed.trim() {
        "" => Ok(None),
        s => s.parse::<u64>().map(Some).map_err(|_| NotANumber {
            what,
            value: typed.to_string(),
        }),
    }
}

/// The page a request asks for, counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNumber(u64);

impl PageNumber {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl Default for PageNumber {
    fn default() -> Self {
        PageNumber(1)
    }
}

impl FromStr for PageNumber {
    type Err = NotANumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(PageNumber(number("page", s)?.unwrap_or(1).max(1)))
    }
}

/// How many rows a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u64);

impl PageSize {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        PageSize(PAGE_SIZE)
    }
}

impl FromStr for PageSize {
    type Err = NotANumber;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(PageSize(
            number("page size", s)?
                .unwrap_or(PAGE_SIZE)
                .clamp(MIN_PAGE_SIZE, MAX_PAGE_SIZE),
        ))
    }
}

macro_rules! deserialize_from_str {
    ($t:ty) => {
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d)?
                    .parse()
                    .map_err(serde::de::Error::custom)
            }
        }
    };
}

deserialize_from_str!(PageNumber);
deserialize_from_str!(PageSize);

/// The page and size a list's query string asks for. Each list's query type holds one (flattened), so every
/// list reads `page` and `size` the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    pub page: PageNumber,
    #[serde(default)]
    pub size: PageSize,
}

impl PageQuery {
    /// Which rows of a list of `total` these are: a page past the end is the last page.
    pub fn within(self, total: u64) -> Window {
        let size = self.size.get();
        let pages = total.div_ceil(size).max(1);
        Window {
            number: self.page.get().min(pages),
            asked: self.page.get(),
            size,
            total,
            pages,
        }
    }
}

/// One page of a list whose length is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Window {
    /// The page shown, from 1.
    pub number: u64,
    /// The page asked for, when it was past the end.
    pub asked: u64,
    pub size: u64,
    /// Rows in the whole list.
    pub total: u64,
    /// Pages in the whole list (an empty list has one, empty, page).
    pub pages: u64,
}

impl Window {
    /// Rows to skip (SQL OFFSET).
    pub fn offset(&self) -> u64 {
        (self.number - 1) * self.size
    }

    /// Rows to take (SQL LIMIT).
    pub fn limit(&self) -> u64 {
        self.size
    }

    /// The pager for this page of the list at `path`, whose other parameters are `params` (blank ones are left
    /// out of the links).
    pub fn pager(&self, path: &str, params: &[(&str, &str)]) -> Pager {
        let default_size = self.size == PAGE_SIZE;
        let link = |n: u64| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in params.iter().filter(|(_, v)| !v.trim().is_empty()) {
                query.append_pair(k, v);
            }
            if n > 1 {
                query.append_pair("page", &n.to_string());
            }
            if !default_size {
                query.append_pair("size", &self.size.to_string());
            }
            let query = query.finish();
            if query.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{query}")
            }
        };
        let first_row = if self.total == 0 {
            0
        } else {
            self.offset() + 1
        };
        Pager {
            here: link(self.number),
            number: self.number,
            pages: self.pages,
            total: self.total,
            first_row,
            last_row: (self.offset() + self.size).min(self.total),
            first: (self.number > 2).then(|| link(1)),
            prev: (self.number > 1).then(|| link(self.number - 1)),
            next: (self.number < self.pages).then(|| link(self.number + 1)),
            last: (self.number + 1 < self.pages).then(|| link(self.pages)),
            past_the_end: (self.asked > self.pages).then_some(self.asked),
        }
    }
}

/// What `partials/pager.html` shows: where this page is in the list, and links to its neighbours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pager {
    /// This page's own link (forms on the page come back to it).
    pub here: String,
    pub number: u64,
    pub pages: u64,
    pub total: u64,
    /// The rows shown, from 1 (both 0 for an empty list).
    pub first_row: u64,
    pub last_row: u64,
    /// Links, when there is such a page other than this one and its neighbours.
    pub first: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub last: Option<String>,
    /// The page asked for, when it was past the end and the last page is shown instead.
    pub past_the_end: Option<u64>,
}

/// `1234` as `1,234`, as pages write counts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Text typed into a search box as a SQL `LIKE` pattern that finds it anywhere, lower-cased (compare it with
/// `lower(column)`), with `\` escaping the pattern's own wildcards: use it with `ESCAPE '\'`. None for blank text.
pub fn contains_pattern(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let mut pattern = String::with_capacity(typed.len() + 2);
    pattern.push('%');
    for c in typed.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(page: &str, size: &str) -> PageQuery {
        PageQuery {
            page: page.parse().unwrap(),
            size: size.parse().unwrap(),
        }
    }

    #[test]
    fn blank_and_zero_are_the_first_page_and_text_is_refused() {
        assert_eq!("".parse::<PageNumber>().unwrap().get(), 1);
        assert_eq!(" 0 ".parse::<PageNumber>().unwrap().get(), 1);
        assert_eq!("7".parse::<PageNumber>().unwrap().get(), 7);
        let err = "two".parse::<PageNumber>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "There is no page \"two\": it is a number, from 1."
        );
        assert!("-1".parse::<PageNumber>().is_err());
        assert_eq!("".parse::<PageSize>().unwrap().get(), PAGE_SIZE);
        assert_eq!("1".parse::<PageSize>().unwrap().get(), MIN_PAGE_SIZE);
        assert_eq!("100000".parse::<PageSize>().unwrap().get(), MAX_PAGE_SIZE);
        assert!("lots".parse::<PageSize>().is_err());
    }

    #[test]
    fn a_page_past_the_end_is_the_last_and_an_empty_list_has_one_page() {
        let w = query("9", "").within(120);
        assert_eq!((w.number, w.pages, w.offset(), w.limit()), (3, 3, 100, 50));
        let p = w.pager("/x", &[]);
        assert_eq!(p.past_the_end, Some(9));
        assert_eq!((p.first_row, p.last_row), (101, 120));
        assert_eq!(p.next, None);
        let empty = query("", "").within(0);
        assert_eq!((empty.number, empty.pages, empty.offset()), (1, 1, 0));
        let p = empty.pager("/x", &[]);
        assert_eq!((p.first_row, p.last_row, p.past_the_end), (0, 0, None));
        assert_eq!((p.prev, p.next), (None, None));
    }

    #[test]
    fn links_keep_the_other_parameters_and_leave_out_blank_ones() {
        let w = query("3", "").within(1000);
        let p = w.pager(
            "/organizer/people",
            &[("q", "ana maria"), ("role", ""), ("state", "active")],
        );
        assert_eq!(
            p.prev.as_deref(),
            Some("/organizer/people?q=ana+maria&state=active&page=2")
        );
        assert_eq!(
            p.next.as_deref(),
            Some("/organizer/people?q=ana+maria&state=active&page=4")
        );
        assert_eq!(
            p.first.as_deref(),
            Some("/organizer/people?q=ana+maria&state=active")
        );
        assert_eq!(
            p.last.as_deref(),
            Some("/organizer/people?q=ana+maria&state=active&page=20")
        );
        let p = query("2", "20").within(1000).pager("/a", &[("q", "&")]);
        assert_eq!(p.prev.as_deref(), Some("/a?q=%26&size=20"));
        assert_eq!(p.first, None, "the first page is the previous one");
        assert_eq!(p.here, "/a?q=%26&page=2&size=20");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(12345678), "12,345,678");
    }

    #[test]
    fn search_text_becomes_an_escaped_lower_case_pattern() {
        assert_eq!(contains_pattern("  "), None);
        assert_eq!(contains_pattern(" Ana ").as_deref(), Some("%ana%"));
        assert_eq!(
            contains_pattern("50%_a\\b").as_deref(),
            Some("%50\\%\\_a\\\\b%")
        );
    }
}
