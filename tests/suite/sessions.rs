//! Sessions: demo sign-in, cookies, expiry in the database, surviving a restart, sign-out.

use onramp::db::sessions;
use onramp::db::user_roles::Role;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestApp, time_passes};

#[tokio::test]
async fn demo_sign_in_lists_the_demo_people_and_signs_in() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    let page = anon.get("/signin").await;
    assert_eq!(page.status, 200);
    assert!(
        page.select_text(".demo-banner").starts_with("Demo mode:"),
        "{}",
        page.body
    );
    // Each demo person is a form of their own; the first one's login is who we sign in as.
    let logins = page.attrs(
        "form[action=\"/signin/demo\"] input[name=\"login\"]",
        "value",
    );
    let login = logins.first().expect("a demo person to choose").clone();
    assert!(!login.is_empty(), "{logins:?}");
    let res = anon
        .post_form(
            "/signin/demo",
            &[("login", &login), ("next", "/catalog?kind=driver")],
        )
        .await;
    assert_eq!(res.status, 303);
    assert_eq!(res.location(), Some("/catalog?kind=driver"));
    let cookie = res.header("set-cookie").expect("session cookie");
    assert!(cookie.starts_with("onramp_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert_eq!(anon.get("/dashboard").await.signed_in_as(), login);
}

#[tokio::test]
async fn pages_that_need_a_person_send_anonymous_visitors_to_sign_in_and_back() {
    let app = TestApp::start().await;
    let page = app.anonymous().get("/dashboard").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/signin?next=%2Fdashboard"));
    let signin = app.anonymous().get("/signin?next=%2Fdashboard").await;
    let nexts = signin.attrs(
        "form[action=\"/signin/demo\"] input[name=\"next\"]",
        "value",
    );
    assert!(
        !nexts.is_empty() && nexts.iter().all(|n| n == "/dashboard"),
        "every demo sign-in comes back to /dashboard: {nexts:?}"
    );
}

#[tokio::test]
async fn next_never_leads_off_the_site() {
    let app = TestApp::start().await;
    app.create_user("wanderer", &[Role::Newcomer]).await;
    for bad in ["https://evil.example/", "//evil.example", "/\\evil.example"] {
        let actor = app.anonymous();
        let res = actor
            .post_form("/signin/demo", &[("login", "wanderer"), ("next", bad)])
            .await;
        assert_eq!(res.location(), Some("/dashboard"), "{bad}");
    }
}

#[tokio::test]
async fn unknown_demo_people_are_refused_clearly() {
    let app = TestApp::start().await;
    let page = app
        .anonymous()
        .post_form("/signin/demo", &[("login", "nobody-at-all")])
        .await;
    assert_eq!(page.status, 400);
    page.assert_error_page(
        "That did not work",
        "There is no demo person called \"nobody-at-all\".",
    );
}

#[tokio::test]
async fn sessions_live_in_the_database_survive_a_restart_and_end_at_sign_out() {
    let app = TestApp::start().await;
    let actor = app.newcomer("ana").await;
    let user_id = actor.user_id.unwrap();
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);

    // A second instance over the same database knows the session: nothing lives in process memory.
    let second = app.another_instance().await;
    let page = actor.on(&second.base).get("/dashboard").await;
    assert_eq!(page.status, 200, "{}", page.body);

    let res = actor.post_form("/signout", &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(actor.get("/dashboard").await.status, 303);
    let rows = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn sessions_expire_extend_with_use_and_are_cleaned_up() {
    use chrono::{Duration, Utc};
    use onramp::auth::session_store::DbSessionStore;
    use tower_sessions::session_store::ExpiredDeletion;

    let app = TestApp::start().await;
    let actor = app.newcomer("ana").await;
    let user_id = actor.user_id.unwrap();
    let row = sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let lifetime = row.expires_at - Utc::now();
    assert!(
        lifetime > Duration::days(13) && lifetime <= Duration::days(14),
        "{lifetime}"
    );
    let user = onramp::db::users::Entity::find_by_id(user_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(user.last_seen_at.is_some());

    // Use after a quiet day extends the session (the daily mark is what makes it save).
    time_passes::quiet_day_passed(&app, &row.id, Duration::days(3)).await;
    assert_eq!(actor.get("/dashboard").await.status, 200);
    let extended = sessions::Entity::find_by_id(row.id.clone())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        extended.expires_at - Utc::now() > Duration::days(13),
        "extended to {}",
        extended.expires_at
    );

    // Past its expiry a session is worthless, and the cleanup removes it.
    time_passes::session_expires_at(&app, &extended.id, Utc::now() - Duration::minutes(1)).await;
    let page = actor.get("/dashboard").await;
    assert_eq!(page.status, 303, "expired session no longer signs in");
    DbSessionStore::new(app.db.clone(), app.state.config.session_max_age())
        .delete_expired()
        .await
        .unwrap();
    assert!(
        sessions::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

async fn session_of(app: &TestApp, user_id: i32) -> sessions::Model {
    sessions::Entity::find()
        .filter(sessions::Column::UserId.eq(user_id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a session row")
}

/// Make the session look as if it began `days` ago and was last used an hour ago.
async fn began_days_ago(app: &TestApp, row: &sessions::Model, days: i64) {
    time_passes::session_began_days_ago(app, &row.id, days).await;
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_often_it_is_used() {
    use chrono::{Duration, Utc};
    use onramp::auth::session_store::DbSessionStore;
    use tower_sessions::session_store::ExpiredDeletion;

    let app = TestApp::start().await;
    let ana = app.newcomer("ana").await;
    let row = session_of(&app, ana.user_id.unwrap()).await;
    assert!(
        Utc::now() - row.created_at < Duration::minutes(1),
        "began at sign-in"
    );

    // 29 days in, and used within the hour: still good (the default lifetime is 30 days).
    began_days_ago(&app, &row, 29).await;
    assert_eq!(ana.get("/dashboard").await.status, 200);

    // 31 days in, used within the hour all along: refused, and the row is gone at once.
    began_days_ago(&app, &row, 31).await;
    let page = ana.get("/dashboard").await;
    assert_eq!(page.status, 303, "an old session no longer signs in");
    assert!(
        sessions::Entity::find_by_id(row.id.clone())
            .one(&app.db)
            .await
            .unwrap()
            .is_none(),
        "the refused session was removed"
    );

    // The hourly sweep removes old sessions nobody used again, too.
    let ben = app.newcomer("ben").await;
    let ben_row = session_of(&app, ben.user_id.unwrap()).await;
    began_days_ago(&app, &ben_row, 31).await;
    DbSessionStore::new(app.db.clone(), app.state.config.session_max_age())
        .delete_expired()
        .await
        .unwrap();
    assert!(
        sessions::Entity::find_by_id(ben_row.id)
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn the_absolute_lifetime_is_configurable_and_counts_from_sign_in() {
    let app = TestApp::builder()
        .config(|c| c.session_max_age_days = 2)
        .start()
        .await;
    let ana = app.newcomer("ana").await;
    let row = session_of(&app, ana.user_id.unwrap()).await;
    began_days_ago(&app, &row, 1).await;
    assert_eq!(ana.get("/dashboard").await.status, 200);
    began_days_ago(&app, &row, 3).await;
    assert_eq!(ana.get("/dashboard").await.status, 303);

    // Signing in again starts a new session with a new lifetime.
    let again = ana
        .post_form("/signin/demo", &[("login", "ana"), ("next", "/dashboard")])
        .await;
    assert_eq!(again.status, 303);
    assert_eq!(ana.get("/dashboard").await.status, 200);
    let fresh = session_of(&app, ana.user_id.unwrap()).await;
    assert_ne!(fresh.id, row.id);
}
