//! User journeys in headless Chromium (see `support/browser`): what a person does and what they see, with every
//! page they pass checked for valid HTML, accessibility, and a layout that fits a phone and a desktop.

mod catalog;
mod email;
mod mentor_proposal;
mod mentor_queue;
mod newcomer_signup;
mod organizer_catalog;
mod organizer_exports;
mod organizer_people;
mod organizer_round;
mod page_checks;
mod progress;
mod progress_report;
mod task_claim;
mod task_offer;

use onramp::services::profiles;

use crate::support::TestApp;

/// Give a person the languages, areas and time zone that matching reads, as their profile form would.
async fn describe(app: &TestApp, user_id: i32, languages: &[&str], areas: &[&str], tz: &str) {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    profiles::set_timezone(&app.db, user_id, tz)
        .await
        .expect("set the time zone");
    profiles::replace_languages(&app.db, user_id, &owned(languages))
        .await
        .expect("set the languages");
    profiles::replace_areas(&app.db, user_id, &owned(areas))
        .await
        .expect("set the areas");
}
