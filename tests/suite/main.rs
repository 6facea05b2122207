//! The integration suite: one test binary driving the real router, database and mail. Each test has its own
//! database: SQLite by default, PostgreSQL when ONRAMP_TEST_DATABASE_URL is set (see support/mod.rs).

mod support;

mod authz;
mod catalog_edit;
mod catalog_import;
mod claims;
mod errors;
mod exports;
mod github_signin;
mod jobs;
mod journeys;
mod mail;
mod mail_processes;
mod matching;
mod matching_pages;
mod mentoring;
mod nudges;
mod operations;
mod organizer_lists;
mod profiles;
mod programme;
mod progress;
mod public_pages;
mod reports;
mod roles;
mod security;
mod sessions;
mod typed_forms;
