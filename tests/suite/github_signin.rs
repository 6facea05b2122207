//! Sign-up and sign-in with GitHub, end to end against the fake GitHub on loopback: the happy path, every way
//! it can fail (each leaving nothing half-made), organizers from the configuration, demo mode, rate limits.

use std::time::Duration;

use axum::http::StatusCode;
use onramp::auth::github::GithubUser;
use onramp::config::ConfiguredOrganizer;
use onramp::db::user_roles::Role;
use onramp::db::{audit_log, sessions, user_roles, users};
use onramp::services::signin;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::fake_github::{Email, FakeGithub};
use crate::support::{Actor, Page, TestApp, factory, time_passes};

async fn app_with(fake: &FakeGithub) -> TestApp {
    TestApp::builder().with_github(fake).start().await
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The path and query of an absolute URL on the app.
fn local(app: &TestApp, url: &str) -> String {
    url.strip_prefix(&app.base)
        .unwrap_or_else(|| panic!("{url} leads back to the app at {}", app.base))
        .to_string()
}

/// Click "Sign in with GitHub" with this `next`: the app's redirect to GitHub.
async fn start(actor: &Actor, next: &str) -> Page {
    let page = actor
        .get(&format!("/auth/github?next={}", encode(next)))
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    page
}

/// Start, approve on the fake GitHub, and come back: the callback's answer.
async fn sign_in(app: &TestApp, fake: &FakeGithub, actor: &Actor, next: &str) -> Page {
    let to_github = start(actor, next).await;
    let back = fake.visit(to_github.location().unwrap()).await;
    actor.get(&local(app, &back)).await
}

/// The callback URL the fake sends this actor back to, without visiting it yet.
async fn approved_callback(app: &TestApp, fake: &FakeGithub, actor: &Actor) -> String {
    let to_github = start(actor, "/dashboard").await;
    local(app, &fake.visit(to_github.location().unwrap()).await)
}

fn session_cookie(page: &Page) -> String {
    page.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("onramp_session="))
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("a session cookie is set: {:?}", page.headers))
        .to_string()
}

fn with_param(path: &str, key: &str, value: &str) -> String {
    let mut url = url::Url::parse(&format!("http://x{path}")).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != key)
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    if !value.is_empty() {
        url.query_pairs_mut().append_pair(key, value);
    }
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

async fn user_count(app: &TestApp) -> u64 {
    users::Entity::find().count(&app.db).await.unwrap()
}

async fn roles_of(app: &TestApp, user_id: i32) -> Vec<Role> {
    let mut roles: Vec<Role> = user_roles::Entity::find()
        .filter(user_roles::Column::UserId.eq(user_id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.role)
        .collect();
    roles.sort_by_key(|r| r.as_str());
    roles
}

async fn github_user(app: &TestApp, github_id: i64) -> Option<users::Model> {
    users::Entity::find()
        .filter(users::Column::GithubId.eq(github_id))
        .one(&app.db)
        .await
        .unwrap()
}

/// Nothing was made: no user, no role, no audit entry, and nobody signed in.
async fn assert_untouched(app: &TestApp, page: &Page) {
    assert_eq!(
        user_count(app).await,
        0,
        "no user was created: {}",
        page.body
    );
    assert_eq!(user_roles::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(audit_log::Entity::find().count(&app.db).await.unwrap(), 0);
    let signed_in = sessions::Entity::find()
        .filter(sessions::Column::UserId.is_not_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(signed_in, 0, "nobody is signed in");
}

#[tokio::test]
async fn a_new_person_signs_up_as_a_newcomer_under_a_fresh_session_and_no_token_is_kept() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    assert_eq!(
        user_count(&app).await,
        0,
        "no demo people outside demo mode"
    );
    let actor = app.anonymous();

    let to_github = start(&actor, "/catalog?kind=driver").await;
    let before = session_cookie(&to_github);
    let authorize = url::Url::parse(to_github.location().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = authorize.query_pairs().into_owned().collect();
    assert_eq!(
        q["redirect_uri"],
        format!("{}/auth/github/callback", app.base)
    );
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["scope"], "read:user user:email");

    let back = fake.visit(to_github.location().unwrap()).await;
    let page = actor.get(&local(&app, &back)).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), Some("/catalog?kind=driver"));
    let after = session_cookie(&page);
    assert_ne!(before, after, "signing in rotates the session id");
    assert!(
        sessions::Entity::find_by_id(before)
            .one(&app.db)
            .await
            .unwrap()
            .is_none(),
        "the pre-sign-in session is gone"
    );

    let user = github_user(&app, 4242).await.expect("the user was created");
    assert_eq!(user.github_login, "octo-newcomer");
    assert_eq!(user.name.as_deref(), Some("Octo Newcomer"));
    assert_eq!(user.email.as_deref(), Some("octo@example.org"));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some("https://avatars.githubusercontent.com/u/4242?v=4")
    );
    assert!(!user.is_demo);
    assert!(user.last_seen_at.is_some());
    assert_eq!(roles_of(&app, user.id).await, vec![Role::Newcomer]);

    let session = sessions::Entity::find_by_id(after)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the new session is stored");
    assert_eq!(session.user_id, Some(user.id));

    let dashboard = actor.get("/dashboard").await;
    assert_eq!(dashboard.heading(), "Welcome, Octo Newcomer");
    assert_eq!(dashboard.signed_in_as(), "octo-newcomer");
    assert_eq!(
        dashboard.select_text("main a.button[href=\"/profile\"]"),
        "Complete your profile"
    );

    // Neither the token nor the PKCE verifier outlives the sign-in: every stored row, as text, is searched.
    let tokens = fake.issued_tokens();
    assert_eq!(tokens.len(), 1);
    let stored: Vec<String> = sessions::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.data)
        .chain(
            users::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
                .into_iter()
                .map(|u| serde_json::to_string(&u).unwrap()),
        )
        .chain(
            audit_log::Entity::find()
                .all(&app.db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.details),
        )
        .collect();
    for row in &stored {
        assert!(!row.contains(&tokens[0]), "a token was stored: {row}");
        assert!(
            !row.contains("github_signin"),
            "the pending sign-in was kept: {row}"
        );
    }
}

#[tokio::test]
async fn signing_in_again_updates_the_profile_and_never_duplicates() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let page = sign_in(&app, &fake, &app.anonymous(), "/dashboard").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let first = github_user(&app, 4242).await.unwrap();

    // Renamed on GitHub, new name and address: the same account (matched on GitHub's id) follows.
    fake.set_profile(4242, "octo-renamed", Some("Octo Renamed"));
    fake.set_emails(vec![Email::new("renamed@example.org", true, true)]);
    let browser = app.anonymous();
    let page = sign_in(&app, &fake, &browser, "/dashboard").await;
    assert_eq!(page.status, 303, "{}", page.body);

    assert_eq!(user_count(&app).await, 1);
    let again = github_user(&app, 4242).await.unwrap();
    assert_eq!(again.id, first.id);
    assert_eq!(again.github_login, "octo-renamed");
    assert_eq!(again.name.as_deref(), Some("Octo Renamed"));
    assert_eq!(again.email.as_deref(), Some("renamed@example.org"));
    assert_eq!(again.created_at, first.created_at);
    assert_eq!(roles_of(&app, again.id).await, vec![Role::Newcomer]);
    assert_eq!(
        browser.get("/dashboard").await.signed_in_as(),
        "octo-renamed"
    );
    // One welcome, queued with the account; signing in again sends none.
    let welcomes = onramp::db::email_outbox::Entity::find()
        .filter(onramp::db::email_outbox::Column::RecipientId.eq(first.id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(welcomes.len(), 1);
    assert_eq!(
        welcomes[0].kind,
        onramp::db::email_outbox::EmailKind::Welcome
    );
}

#[tokio::test]
async fn a_login_taken_over_from_someone_who_renamed_does_not_clash() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    fake.set_profile(1, "shared-login", Some("First Holder"));
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    // The first holder renamed on GitHub without signing in since; someone else now owns the login.
    fake.set_profile(2, "shared-login", Some("Second Holder"));
    let page = sign_in(&app, &fake, &app.anonymous(), "/").await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(user_count(&app).await, 2);
    assert_eq!(
        github_user(&app, 2).await.unwrap().github_login,
        "shared-login"
    );
    let stale = github_user(&app, 1).await.unwrap();
    assert_ne!(stale.github_login, "shared-login");
    // Their next sign-in brings their current login back.
    fake.set_profile(1, "first-renamed", Some("First Holder"));
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    assert_eq!(
        github_user(&app, 1).await.unwrap().github_login,
        "first-renamed"
    );
}

#[tokio::test]
async fn two_sign_ins_of_one_new_person_at_once_make_one_account() {
    let app = TestApp::start().await;
    let user = GithubUser {
        id: 5150,
        login: "racer".into(),
        name: None,
        avatar_url: None,
    };
    let now = chrono::Utc::now();
    let listed = ConfiguredOrganizer::login("racer");
    let (a, b) = tokio::join!(
        signin::upsert_github_user(&app.db, &user, "racer@example.org", Some(&listed), now),
        signin::upsert_github_user(&app.db, &user, "racer@example.org", Some(&listed), now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.user_id, b.user_id);
    assert!(
        a.created != b.created,
        "exactly one of them created the account"
    );
    assert!(a.granted_organizer != b.granted_organizer);
    let rows = users::Entity::find()
        .filter(users::Column::GithubId.eq(5150))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    assert_eq!(
        roles_of(&app, a.user_id).await,
        vec![Role::Newcomer, Role::Organizer]
    );
    assert_eq!(audit_log::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(
        onramp::db::email_outbox::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1,
        "one welcome: the losing sign-in's rolled back with its transaction"
    );
}

#[tokio::test]
async fn configured_organizers_become_organizers_once_with_an_audit_entry() {
    let fake = FakeGithub::start().await;
    fake.set_profile(77, "Octo-Organizer", Some("Olga Organizer"));
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.organizers = vec!["".into(), " octo-ORGANIZER ".into()])
        .start()
        .await;
    let actor = app.anonymous();
    let page = sign_in(&app, &fake, &actor, "/dashboard").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let user = github_user(&app, 77).await.unwrap();
    assert_eq!(
        roles_of(&app, user.id).await,
        vec![Role::Newcomer, Role::Organizer]
    );
    let audit = audit_log::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_id, None, "the configuration did it");
    assert_eq!(audit[0].action, "role.grant");
    assert_eq!(audit[0].subject, format!("user:{}", user.id));
    let details: serde_json::Value = serde_json::from_str(&audit[0].details).unwrap();
    assert_eq!(
        details,
        serde_json::json!({ "role": "organizer", "source": "configuration" })
    );
    let dashboard = actor.get("/dashboard").await;
    assert!(
        dashboard
            .select_all("main h2")
            .contains(&"Organizing".to_string()),
        "the dashboard has the organizer's section: {}",
        dashboard.body
    );

    // Already an organizer: signing in again grants and records nothing more.
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    assert_eq!(audit_log::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(roles_of(&app, user.id).await.len(), 2);

    // Someone not listed gets no such role.
    fake.set_profile(78, "octo-organizer-not", None);
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    let other = github_user(&app, 78).await.unwrap();
    assert_eq!(roles_of(&app, other.id).await, vec![Role::Newcomer]);
    assert_eq!(audit_log::Entity::find().count(&app.db).await.unwrap(), 1);
}

/// The audit entries with this action, oldest first.
async fn audit_entries(app: &TestApp, action: &str) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_configured_login_makes_only_the_first_github_account_behind_it_an_organizer() {
    let fake = FakeGithub::start().await;
    fake.set_profile(501, "Lead-Org", Some("First Lead"));
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.organizers = vec!["lead-org".into()])
        .start()
        .await;
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    let first = github_user(&app, 501).await.unwrap();
    assert_eq!(
        roles_of(&app, first.id).await,
        vec![Role::Newcomer, Role::Organizer]
    );

    // The first account renamed on GitHub; another account registered the freed login and signs in with it.
    fake.set_profile(502, "lead-org", Some("Someone Else"));
    let page = sign_in(&app, &fake, &app.anonymous(), "/").await;
    assert_eq!(page.status, 303, "{}", page.body);
    let second = github_user(&app, 502).await.unwrap();
    assert_eq!(
        roles_of(&app, second.id).await,
        vec![Role::Newcomer],
        "a login taken over after a rename grants nothing"
    );
    let refusals = audit_entries(&app, "role.refuse").await;
    assert_eq!(refusals.len(), 1);
    assert_eq!(refusals[0].actor_id, None);
    assert_eq!(refusals[0].subject, format!("user:{}", second.id));
    let details: serde_json::Value = serde_json::from_str(&refusals[0].details).unwrap();
    assert_eq!(
        details,
        serde_json::json!({
            "role": "organizer",
            "source": "configuration",
            "login": "lead-org",
            "claimed_by_github_id": 501,
        })
    );

    // The first account keeps its role under its new name, and may come back to the old one.
    fake.set_profile(501, "lead-org", Some("First Lead"));
    let again = sign_in(&app, &fake, &app.anonymous(), "/").await;
    assert_eq!(again.status, 303, "{}", again.body);
    assert_eq!(
        roles_of(&app, first.id).await,
        vec![Role::Newcomer, Role::Organizer]
    );
    assert_eq!(audit_entries(&app, "role.grant").await.len(), 1);
}

/// Two accounts signing in under one configured login at the same moment: the claim lets exactly one in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_racing_for_one_configured_login_make_one_organizer() {
    let app = TestApp::start().await;
    let listed = ConfiguredOrganizer::login("contested");
    let account = |id: i64| GithubUser {
        id,
        login: "contested".into(),
        name: None,
        avatar_url: None,
    };
    let now = chrono::Utc::now();
    let (first, second) = (account(601), account(602));
    let (a, b) = tokio::join!(
        signin::upsert_github_user(&app.db, &first, "a@example.org", Some(&listed), now),
        signin::upsert_github_user(&app.db, &second, "b@example.org", Some(&listed), now),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(
        a.granted_organizer != b.granted_organizer,
        "exactly one of them is made an organizer"
    );
    let organizers = user_roles::Entity::find()
        .filter(user_roles::Column::Role.eq(Role::Organizer))
        .filter(user_roles::Column::UserId.is_in([a.user_id, b.user_id]))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(organizers, 1);
    assert_eq!(audit_entries(&app, "role.refuse").await.len(), 1);
}

#[tokio::test]
async fn a_numeric_github_id_in_the_organizer_list_grants_whatever_the_login() {
    let fake = FakeGithub::start().await;
    fake.set_profile(503, "any-name-at-all", None);
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.organizers = vec!["id:503".into(), "id:504".into()])
        .start()
        .await;
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    let user = github_user(&app, 503).await.unwrap();
    assert_eq!(
        roles_of(&app, user.id).await,
        vec![Role::Newcomer, Role::Organizer]
    );
    let grants = audit_entries(&app, "role.grant").await;
    assert_eq!(grants.len(), 1);
    assert_eq!(grants[0].subject, format!("user:{}", user.id));

    // A login that looks like an entry is not one: only the id counts.
    fake.set_profile(505, "id:504", None);
    assert_eq!(
        sign_in(&app, &fake, &app.anonymous(), "/").await.status,
        303
    );
    let other = github_user(&app, 505).await.unwrap();
    assert_eq!(roles_of(&app, other.id).await, vec![Role::Newcomer]);
}

#[tokio::test]
async fn an_existing_person_listed_as_organizer_gains_the_role_at_sign_in() {
    let fake = FakeGithub::start().await;
    fake.set_profile(90, "late-organizer", None);
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.organizers = vec!["late-organizer".into()])
        .start()
        .await;
    let existing = factory::mentor(&app, "late-organizer").create().await;
    let existing = factory::signed_up_with_github(&app, existing, 90).await;

    let page = sign_in(&app, &fake, &app.anonymous(), "/").await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(user_count(&app).await, 1);
    assert_eq!(
        roles_of(&app, existing.id).await,
        vec![Role::Mentor, Role::Organizer],
        "an existing person is not made a newcomer"
    );
    let audit = audit_log::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.subject, format!("user:{}", existing.id));
}

#[tokio::test]
async fn declining_on_github_says_so_and_creates_nothing() {
    let fake = FakeGithub::start().await;
    fake.deny_consent();
    let app = app_with(&fake).await;
    let page = sign_in(&app, &fake, &app.anonymous(), "/dashboard").await;
    assert_eq!(page.status, 403);
    page.assert_error_page(
        "Sign-in cancelled",
        "You did not allow Onramp to read your GitHub profile",
    );
    assert_untouched(&app, &page).await;
    assert!(fake.issued_tokens().is_empty());
}

#[tokio::test]
async fn a_callback_without_a_sign_in_started_in_this_browser_is_refused() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let callback = approved_callback(&app, &fake, &app.anonymous()).await;
    // A different browser (no session) brings the same answer: e.g. a link planted by someone else.
    let page = app.anonymous().get(&callback).await;
    assert_eq!(page.status, 400);
    page.assert_error_page(
        "This sign-in link is no longer valid",
        "start again from the sign-in page",
    );
    assert_untouched(&app, &page).await;
    assert!(fake.issued_tokens().is_empty(), "GitHub was never asked");
}

#[tokio::test]
async fn a_missing_or_wrong_state_is_refused_and_spends_the_attempt() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    for state in ["", "not-the-state-this-browser-was-given"] {
        let actor = app.anonymous();
        let callback = approved_callback(&app, &fake, &actor).await;
        let page = actor.get(&with_param(&callback, "state", state)).await;
        assert_eq!(page.status, 400, "state {state:?}: {}", page.body);
        page.assert_error_page("This sign-in link is not yours", "refused");
        assert_untouched(&app, &page).await;

        // The pending sign-in was used up: even the right answer is no good now.
        let retry = actor.get(&callback).await;
        assert_eq!(retry.status, 400);
        retry.assert_error_page("This sign-in link is no longer valid", "already used");
        assert_untouched(&app, &retry).await;
    }
    assert!(fake.issued_tokens().is_empty());
}

#[tokio::test]
async fn a_state_is_good_for_one_sign_in_only() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let actor = app.anonymous();
    let callback = approved_callback(&app, &fake, &actor).await;
    assert_eq!(actor.get(&callback).await.status, 303);
    let replay = actor.get(&callback).await;
    assert_eq!(replay.status, 400);
    replay.assert_error_page("This sign-in link is no longer valid", "already used");
    assert_eq!(user_count(&app).await, 1);
    assert_eq!(
        fake.issued_tokens().len(),
        1,
        "the replay never reached GitHub"
    );
}

#[tokio::test]
async fn a_sign_in_left_pending_longer_than_github_keeps_codes_is_refused() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let actor = app.anonymous();
    let to_github = start(&actor, "/dashboard").await;
    let id = session_cookie(&to_github);
    // Eleven minutes pass at GitHub's consent page.
    time_passes::pending_github_signin_aged(&app, &id, chrono::Duration::minutes(11)).await;

    let back = fake.visit(to_github.location().unwrap()).await;
    let page = actor.get(&local(&app, &back)).await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page("This sign-in took too long", "More than ten minutes passed");
    assert_untouched(&app, &page).await;
    assert!(fake.issued_tokens().is_empty());
}

#[tokio::test]
async fn a_code_github_refuses_ends_on_a_clear_page() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let actor = app.anonymous();
    let callback = approved_callback(&app, &fake, &actor).await;
    let page = actor
        .get(&with_param(&callback, "code", "fakecode-forged"))
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page("GitHub did not accept this sign-in", "Nothing was saved");
    assert_eq!(fake.refusals(), vec!["bad_verification_code: code"]);
    assert_untouched(&app, &page).await;
}

#[tokio::test]
async fn a_code_injected_into_another_browser_fails_the_pkce_check() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    // The victim's browser started a sign-in; the attacker got a code for their own attempt and feeds it in.
    let victim = app.anonymous();
    let victim_callback = approved_callback(&app, &fake, &victim).await;
    let attacker_callback = approved_callback(&app, &fake, &app.anonymous()).await;
    let attacker_code = url::Url::parse(&format!("http://x{attacker_callback}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let page = victim
        .get(&with_param(&victim_callback, "code", &attacker_code))
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "GitHub did not accept this sign-in",
        "GitHub refused the sign-in code",
    );
    assert_eq!(
        fake.refusals(),
        vec!["bad_verification_code: code_verifier"]
    );
    assert_untouched(&app, &page).await;
}

#[tokio::test]
async fn an_account_without_a_verified_email_is_told_to_verify_one() {
    let fake = FakeGithub::start().await;
    fake.set_emails(vec![
        Email::new("octo@example.org", true, false),
        Email::new("4242+octo@users.noreply.github.com", false, true),
    ]);
    let app = app_with(&fake).await;
    let page = sign_in(&app, &fake, &app.anonymous(), "/dashboard").await;
    assert_eq!(page.status, 403);
    page.assert_error_page(
        "A verified email address is needed",
        "Verify an address in your GitHub settings",
    );
    assert_untouched(&app, &page).await;
}

#[tokio::test]
async fn a_slow_github_times_out_with_a_clear_page() {
    let fake = FakeGithub::start().await;
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.github_timeout_secs = 1)
        .start()
        .await;
    let actor = app.anonymous();
    let callback = approved_callback(&app, &fake, &actor).await;
    fake.set_delay(Duration::from_secs(4));
    let started = std::time::Instant::now();
    let page = actor.get(&callback).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the app gave up first"
    );
    assert_eq!(page.status, 504);
    page.assert_error_page("GitHub is taking too long", "nothing was saved");
    assert!(page.request_id().is_some(), "{}", page.body);
    assert_untouched(&app, &page).await;

    // The attempt is spent even though the response was a server error.
    let retry = actor.get(&callback).await;
    assert_eq!(retry.status, 400);
    retry.assert_error_page("This sign-in link is no longer valid", "already used");
}

#[tokio::test]
async fn github_api_errors_end_on_a_clear_page() {
    let fake = FakeGithub::start().await;
    fake.fail_api(StatusCode::SERVICE_UNAVAILABLE);
    let app = app_with(&fake).await;
    let page = sign_in(&app, &fake, &app.anonymous(), "/dashboard").await;
    assert_eq!(page.status, 502);
    page.assert_error_page("GitHub could not be reached", "nothing was saved")
        .assert_not_leaked("gho_fake");
    assert_untouched(&app, &page).await;
}

#[tokio::test]
async fn wrong_client_credentials_are_an_error_on_our_side() {
    let fake = FakeGithub::start().await;
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| c.github_client_secret = Some("rotated-and-forgotten".into()))
        .start()
        .await;
    let page = sign_in(&app, &fake, &app.anonymous(), "/dashboard").await;
    assert_eq!(page.status, 500);
    page.assert_error_page("Something went wrong on our side", "has been logged")
        .assert_not_leaked("rotated-and-forgotten")
        .assert_not_leaked("incorrect_client_credentials");
    assert!(page.request_id().is_some(), "{}", page.body);
    assert_eq!(
        fake.refusals(),
        vec!["incorrect_client_credentials: credentials"]
    );
    assert_untouched(&app, &page).await;
}

#[tokio::test]
async fn next_survives_the_round_trip_but_never_leads_off_the_site() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    for (next, lands) in [
        ("/tasks/some-task?tab=notes", "/tasks/some-task?tab=notes"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
    ] {
        let page = sign_in(&app, &fake, &app.anonymous(), next).await;
        assert_eq!(page.status, 303, "{next}: {}", page.body);
        assert_eq!(page.location(), Some(lands), "{next}");
    }
}

#[tokio::test]
async fn with_github_configured_the_sign_in_page_offers_github_and_demo_sign_in_is_gone() {
    let fake = FakeGithub::start().await;
    let app = app_with(&fake).await;
    let anon = app.anonymous();
    let page = anon.get("/signin?next=%2Fcatalog%3Fkind%3Ddriver").await;
    assert_eq!(page.status, 200);
    // `next` is URL-encoded into the link (and HTML-escaped in the markup, which parsing undoes).
    let github = page.attrs("main a.button", "href");
    assert_eq!(github, vec!["/auth/github?next=/catalog%3Fkind%3Ddriver"]);
    page.assert_no_selector("form[action=\"/signin/demo\"], a[href^=\"/signin/demo\"]");
    let demo = anon
        .post_form("/signin/demo", &[("login", "octo-newcomer")])
        .await;
    assert_eq!(demo.status, 404);
    assert_eq!(user_count(&app).await, 0);
}

#[tokio::test]
async fn in_demo_mode_the_github_routes_do_not_exist() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    for path in [
        "/auth/github?next=%2F",
        "/auth/github/callback?code=x&state=y",
    ] {
        let page = anon.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        page.assert_error_page("Page not found", "There is nothing at this address");
    }
}

/// A browser on another loopback address, to tell clients apart by address.
fn client_from(addr: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .local_address(addr.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap()
}

#[tokio::test]
async fn github_sign_in_is_rate_limited_per_address() {
    let fake = FakeGithub::start().await;
    let app = TestApp::builder()
        .with_github(&fake)
        .config(|c| {
            c.signin_burst = 3;
            c.signin_rate_per_minute = 1;
        })
        .start()
        .await;
    let actor = app.anonymous();
    // One full sign-in spends two attempts (the start and the callback).
    assert_eq!(sign_in(&app, &fake, &actor, "/").await.status, 303);
    assert_eq!(actor.get("/auth/github").await.status, 303);
    let limited = actor.get("/auth/github").await;
    assert_eq!(limited.status, 429);
    limited.assert_error_page("Too many sign-in attempts", "Please wait");
    let callback = actor.get("/auth/github/callback?code=x&state=y").await;
    assert_eq!(callback.status, 429, "the callback shares the budget");

    // Other pages are not limited, and another address has its own budget.
    assert_eq!(actor.get("/catalog").await.status, 200);
    let elsewhere = client_from("127.0.0.2")
        .get(format!("{}/auth/github", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.status(), 303);
}

#[tokio::test]
async fn demo_sign_in_is_rate_limited_too() {
    let app = TestApp::builder()
        .config(|c| {
            c.signin_burst = 2;
            c.signin_rate_per_minute = 1;
        })
        .start()
        .await;
    app.create_user("rate-tester", &[Role::Newcomer]).await;
    let anon = app.anonymous();
    for _ in 0..2 {
        let page = anon
            .post_form("/signin/demo", &[("login", "rate-tester")])
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
    }
    let page = anon
        .post_form("/signin/demo", &[("login", "rate-tester")])
        .await;
    assert_eq!(page.status, 429);
    page.assert_error_page("Too many sign-in attempts", "Please wait");
}
