//! Whole rendered pages compared with their committed insta snapshots (`tests/suite/snapshots/`).
//!
//! What changes from run to run, or between SQLite and PostgreSQL, is masked before comparing, so one
//! snapshot holds on both databases. With `CI` set insta never writes a snapshot: a difference fails the test.
//! After an intended change to a page, `INSTA_UPDATE=always cargo test -p onramp-tests --test suite NAME`
//! (or `cargo insta review`) rewrites it; the diff is reviewed with the change.

use insta::Settings;

/// The masks, in order; each is a regular expression and what replaces its matches.
const MASKS: &[(&str, &str)] = &[
    // Asset URLs carry a hash of the file's content.
    (r"\?v=[0-9A-Za-z_-]+", "?v=[hash]"),
    // Request ids (UUIDs), on error pages.
    (
        r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[uuid]",
    ),
    // Dates and times, with or without seconds and zone.
    (
        r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}| UTC)?",
        "[datetime]",
    ),
    // Database ids in the paths and headings of rounds: sequences may skip numbers on PostgreSQL.
    (r"/organizer/rounds/\d+", "/organizer/rounds/[id]"),
    (r"Round \d+", "Round [id]"),
    (r"/mentor/proposals/\d+", "/mentor/proposals/[id]"),
    // How long the solver took.
    (r"\b\d+(\.\d+)? ?ms\b", "[ms]"),
    // The sign-up months a filter offers: this month, when the test runs.
    (
        r#"<option value="\d{4}-\d{2}"( selected)?>[A-Z][a-z]+ \d{4}</option>"#,
        "<option value=\"[month]\"$1>[month]</option>",
    ),
];

/// Settings that apply the masks; use as `snapshot::settings().bind(|| insta::assert_snapshot!(..))`,
/// so the snapshot is named after, and stored beside, the test file that takes it.
pub fn settings() -> Settings {
    let mut settings = Settings::clone_current();
    for (pattern, replacement) in MASKS {
        settings.add_filter(pattern, *replacement);
    }
    settings
}

#[test]
fn the_masks_hide_what_varies_and_keep_the_rest() {
    let page = "<link href=\"/static/app.css?v=3fa9c2d1\">\n\
                Request id: <code>0193a6f2-7c1e-7b3a-9d4e-5f6a7b8c9d0e</code>\n\
                created 2026-11-24 10:00 · sent 2026-11-24T10:05:07.123456Z\n\
                <a href=\"/organizer/rounds/12\">Round 12: mentors</a> solved in 3 ms\n\
                <form action=\"/mentor/proposals/7\"> 12 of 40 newcomers placed, score 87\n\
                <option value=\"2026-12\" selected>December 2026</option>";
    settings().bind(|| {
        insta::assert_snapshot!(page, @r#"
        <link href="/static/app.css?v=[hash]">
        Request id: <code>[uuid]</code>
        created [datetime] · sent [datetime]
        <a href="/organizer/rounds/[id]">Round [id]: mentors</a> solved in [ms]
        <form action="/mentor/proposals/[id]"> 12 of 40 newcomers placed, score 87
        <option value="[month]" selected>[month]</option>
        "#)
    });
}
