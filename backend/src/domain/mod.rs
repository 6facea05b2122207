//! Pure logic with no I/O: the enumerations the rest of the code speaks in, the catalog's validation, demo
//! people, profile forms, matching. Most unit tests live here.

pub mod calendar;
pub mod catalog;
pub mod charts;
pub mod claims;
pub mod email;
pub mod enums;
pub mod events;
pub mod evidence;
pub mod graph_layout;
pub mod jobs;
pub mod languages;
pub mod matching;
pub mod mentorship;
pub mod notification_form;
pub mod nudges;
pub mod paging;
pub mod people;
pub mod profile;
pub mod progress;
pub mod reports;
pub mod roles;
pub mod rounds;
pub mod spreadsheet;
pub mod task;
pub mod task_form;
