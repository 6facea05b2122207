//! Pure logic with no I/O: the catalog's validation, demo people, matching. Most unit tests live here.

pub mod catalog;
pub mod languages;
pub mod matching;
pub mod people;
pub mod profile;
