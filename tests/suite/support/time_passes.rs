//! Time passing, written straight into the session rows. No service of ours moves a session's clock (the
//! store only ever stamps "now"), so a test that needs a session to be days old, or a sign-in to have waited
//! at GitHub for minutes, rewinds the stored timestamps here, in one place.

use chrono::{DateTime, Duration, Utc};
use onramp::db::sessions;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};

use super::TestApp;

async fn row(app: &TestApp, id: &str) -> sessions::Model {
    sessions::Entity::find_by_id(id.to_string())
        .one(&app.db)
        .await
        .expect("read the session")
        .unwrap_or_else(|| panic!("no session {id}"))
}

/// The session `id` now expires at `at`.
pub async fn session_expires_at(app: &TestApp, id: &str, at: DateTime<Utc>) -> sessions::Model {
    let mut am = row(app, id).await.into_active_model();
    am.expires_at = Set(at);
    am.update(&app.db).await.expect("move the expiry")
}

/// A quiet day went by since session `id` was last used: it expires in `left`, and its daily "seen" mark is
/// from another day (the mark is what makes the next request save, and so extend, the session).
pub async fn quiet_day_passed(app: &TestApp, id: &str, left: Duration) {
    let row = row(app, id).await;
    let data = row.data.replace("seen_day", "seen_day_old");
    let mut am = row.into_active_model();
    am.expires_at = Set(Utc::now() + left);
    am.data = Set(data);
    am.update(&app.db).await.expect("age the session");
}

/// Session `id` began `days` ago and was last used an hour ago.
pub async fn session_began_days_ago(app: &TestApp, id: &str, days: i64) {
    let mut am = row(app, id).await.into_active_model();
    am.created_at = Set(Utc::now() - Duration::days(days));
    am.expires_at = Set(Utc::now() + Duration::days(14) - Duration::hours(1));
    am.update(&app.db).await.expect("age the session");
}

/// The GitHub sign-in pending in session `id` was started `by` earlier than it was.
pub async fn pending_github_signin_aged(app: &TestApp, id: &str, by: Duration) {
    let row = row(app, id).await;
    let mut data: serde_json::Value =
        serde_json::from_str(&row.data).expect("session data is JSON");
    let started = &mut data["github_signin"]["started_at"];
    let at = started
        .as_i64()
        .expect("a GitHub sign-in is pending in this session");
    *started = (at - by.num_seconds()).into();
    let mut am = row.into_active_model();
    am.data = Set(data.to_string());
    am.update(&app.db).await.expect("age the pending sign-in");
}

/// Person `id` signed up `days` ago (no service moves a sign-up date; a test of what happens weeks into the
/// programme starts here, then acts through the services at the times it needs).
pub async fn signed_up_days_ago(app: &TestApp, id: i32, days: i64) {
    let user = onramp::db::users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read the person")
        .expect("the person exists");
    let mut am = user.into_active_model();
    am.created_at = Set(Utc::now() - Duration::days(days));
    am.update(&app.db).await.expect("age the sign-up");
}

/// The active mentorship of `newcomer` began `days` ago (it is `accepted_at` that its report periods count
/// from; no service moves it).
pub async fn mentorship_began_days_ago(app: &TestApp, newcomer: i32, days: i64) {
    use onramp::db::mentorships;
    use sea_orm::{ColumnTrait, QueryFilter};
    let m = mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(newcomer))
        .filter(mentorships::Column::State.eq(mentorships::MentorshipState::Active))
        .one(&app.db)
        .await
        .expect("read the mentorship")
        .expect("an active mentorship");
    let mut am = m.into_active_model();
    am.accepted_at = Set(Some(Utc::now() - Duration::days(days)));
    am.proposed_at = Set(Utc::now() - Duration::days(days));
    am.update(&app.db).await.expect("age the mentorship");
}
