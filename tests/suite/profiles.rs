//! Profile forms and roles: validation next to each field with input kept, saving, pausing, mentor
//! applications decided by organizers, promotion and demotion, all in the audit log.

use onramp::db::mentor_profiles::MentorStatus;
use onramp::db::newcomer_profiles::NewcomerStatus;
use onramp::db::user_roles::Role;
use onramp::db::{
    audit_log, mentor_profiles, newcomer_profiles, user_areas, user_languages, user_roles, users,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{Actor, TestApp};

fn newcomer_form<'a>(goals: &'a str, tz: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("interests", "pci"),
        ("interests", "gpu-nova"),
        ("rust", "2"),
        ("c", "1"),
        ("kernel", "0"),
        ("languages", "en"),
        ("languages", "pt"),
        ("timezone", tz),
        ("hours_per_week", "6"),
        ("goals", goals),
        ("status", "active"),
    ]
}

async fn fresh_newcomer(app: &TestApp, login: &str) -> Actor {
    // A person who just signed up: the newcomer role and nothing else.
    let user = app.create_user(login, &[]).await;
    onramp::services::roles::grant_as(
        &app.db,
        None,
        user.id,
        Role::Newcomer,
        "test",
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let actor = app.anonymous();
    assert_eq!(
        actor
            .post_form("/signin/demo", &[("login", login)])
            .await
            .status,
        303
    );
    actor.with_user_id(user.id)
}

#[tokio::test]
async fn a_newcomer_fills_in_and_edits_their_profile() {
    let app = TestApp::start().await;
    let ana = fresh_newcomer(&app, "ana").await;
    assert_eq!(
        ana.get("/dashboard")
            .await
            .select_text("main a.button[href=\"/profile\"]"),
        "Complete your profile"
    );
    let form = ana.get("/profile").await;
    assert_eq!(form.status, 200);
    assert!(
        form.attrs("input[type=checkbox][name=interests]", "value")
            .contains(&"gpu-nova".to_string()),
        "Nova is one of the interests to choose: {}",
        form.body
    );
    assert!(
        form.attrs("datalist#timezones option", "value")
            .contains(&"Europe/Lisbon".to_string()),
        "Lisbon is one of the time zones offered"
    );

    let res = ana
        .post_form(
            "/profile",
            &newcomer_form("<b>Land</b> a patch", "Europe/Lisbon"),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(res.location(), Some("/profile?saved=1"));
    let id = ana.user_id.unwrap();
    let p = newcomer_profiles::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("profile saved");
    assert_eq!(
        (
            p.rust_experience,
            p.c_experience,
            p.kernel_experience,
            p.hours_per_week
        ),
        (2, 1, 0, 6)
    );
    assert_eq!(p.status, NewcomerStatus::Active);
    assert_eq!(
        user_areas::Entity::find()
            .filter(user_areas::Column::UserId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        user_languages::Entity::find()
            .filter(user_languages::Column::UserId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
    let u = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.timezone.as_deref(), Some("Europe/Lisbon"));

    let page = ana.get("/profile?saved=1").await;
    assert_eq!(page.notices(), ["Saved."]);
    let mut interests = page.input_values("interests");
    interests.sort();
    assert_eq!(
        interests,
        ["gpu-nova", "pci"],
        "the chosen areas are checked"
    );
    assert_eq!(
        page.input_value("goals").as_deref(),
        Some("<b>Land</b> a patch")
    );
    page.assert_escaped("<b>Land</b>");
    let next_step = ana.get("/dashboard").await.select_text("main section p");
    assert!(
        next_step.starts_with("Your profile is complete"),
        "{next_step}"
    );

    // Pausing is an edit like any other.
    let mut paused = newcomer_form("Back in spring", "Europe/Lisbon");
    paused.retain(|(k, _)| *k != "status");
    paused.push(("status", "paused"));
    assert_eq!(ana.post_form("/profile", &paused).await.status, 303);
    let p = newcomer_profiles::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, NewcomerStatus::Paused);
    assert_eq!(p.goals, "Back in spring");
}

#[tokio::test]
async fn bad_input_is_explained_beside_each_field_kept_and_loses_nothing() {
    let app = TestApp::start().await;
    let ana = fresh_newcomer(&app, "ana").await;
    assert_eq!(
        ana.post_form("/profile", &newcomer_form("first goals", "Europe/Lisbon"))
            .await
            .status,
        303
    );

    let bad = [
        ("interests", "astrology"),
        ("rust", "9"),
        ("c", "1"),
        ("kernel", ""),
        ("timezone", "Mars/Olympus_Mons"),
        ("hours_per_week", "lots"),
        ("goals", "typed <carefully>"),
    ];
    let page = ana.post_form("/profile", &bad).await;
    assert_eq!(page.status, 422);
    let says = |field: &str, what: &str| {
        let error = page
            .field_error(field)
            .unwrap_or_else(|| panic!("a note beside {field}: {}", page.body));
        assert!(error.contains(what), "beside {field}: {error}");
    };
    says(
        "interests",
        "\"astrology\" is not one of the catalog's areas.",
    );
    says("timezone", "\"Mars/Olympus_Mons\" is not a time zone name");
    for field in ["rust", "kernel", "languages", "hours_per_week"] {
        assert!(page.field_error(field).is_some(), "a note beside {field}");
    }
    assert_eq!(page.field_error("c"), None, "a good answer has no note");
    // What was typed comes back.
    assert_eq!(
        page.input_value("timezone").as_deref(),
        Some("Mars/Olympus_Mons")
    );
    assert_eq!(page.input_value("hours_per_week").as_deref(), Some("lots"));
    assert_eq!(
        page.input_value("goals").as_deref(),
        Some("typed <carefully>")
    );
    page.assert_escaped("typed <carefully>");
    // The saved profile is untouched.
    let p = newcomer_profiles::Entity::find_by_id(ana.user_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.goals, "first goals");
    let u = users::Entity::find_by_id(ana.user_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.timezone.as_deref(), Some("Europe/Lisbon"));
}

#[tokio::test]
async fn a_newcomer_only_ever_sees_their_own_profile() {
    let app = TestApp::start().await;
    let ana = fresh_newcomer(&app, "ana").await;
    let bo = fresh_newcomer(&app, "bo").await;
    assert_eq!(
        ana.post_form(
            "/profile",
            &newcomer_form("Ana's secret plan", "Europe/Lisbon")
        )
        .await
        .status,
        303
    );
    let page = bo.get("/profile").await;
    page.assert_no_text("Ana's secret plan");
    assert_ne!(
        page.input_value("goals").as_deref(),
        Some("Ana's secret plan")
    );
    assert_ne!(
        page.input_value("timezone").as_deref(),
        Some("Europe/Lisbon")
    );
    assert_eq!(
        bo.post_form("/profile", &newcomer_form("Bo's plan", "Asia/Tokyo"))
            .await
            .status,
        303
    );
    let p = newcomer_profiles::Entity::find_by_id(ana.user_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.goals, "Ana's secret plan");
}

fn mentor_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("expertise", "pci"),
        ("languages", "de"),
        ("timezone", "Europe/Berlin"),
        ("capacity", "3"),
        ("accepting", "on"),
        ("bio", "I review PCI abstractions."),
    ]
}

#[tokio::test]
async fn mentors_apply_and_organizers_decide_with_an_audit_trail() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let max = fresh_newcomer(&app, "max").await;
    let max_id = max.user_id.unwrap();

    let form = max.get("/mentor/profile").await;
    assert_eq!(form.heading(), "Apply to mentor");
    let res = max.post_form("/mentor/profile", &mentor_form()).await;
    assert_eq!(res.status, 303, "{}", res.body);
    let p = mentor_profiles::Entity::find_by_id(max_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, MentorStatus::Applied);
    assert!(
        user_roles::Entity::find_by_id((max_id, Role::Mentor))
            .one(&app.db)
            .await
            .unwrap()
            .is_none(),
        "not yet a mentor"
    );
    assert_eq!(
        max.get("/mentor/profile").await.notices(),
        ["Your application is waiting for an organizer. You can still edit it."]
    );

    // Only organizers decide.
    let denied = max
        .post_form(
            &format!("/organizer/people/{max_id}/mentor"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(denied.status, 403);

    let people = org.get("/organizer/people").await;
    let rows = people.rows("table.people-table tbody tr");
    let max_row = rows
        .iter()
        .find(|cells| cells[0].ends_with(" max"))
        .unwrap_or_else(|| panic!("max is listed: {rows:?}"));
    assert!(
        max_row[3].starts_with("applied") && max_row[3].contains("I review PCI abstractions."),
        "the application and its bio: {max_row:?}"
    );
    assert!(
        people
            .attrs("td.actions form", "action")
            .contains(&format!("/organizer/people/{max_id}/mentor")),
        "an organizer can decide max's application"
    );
    let res = org
        .post_form(
            &format!("/organizer/people/{max_id}/mentor"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let p = mentor_profiles::Entity::find_by_id(max_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.status, MentorStatus::Approved);
    assert_eq!(p.decided_by, org.user_id);
    assert!(
        user_roles::Entity::find_by_id((max_id, Role::Mentor))
            .one(&app.db)
            .await
            .unwrap()
            .is_some()
    );
    // Max never filled in a newcomer profile: he came to mentor.
    assert!(
        user_roles::Entity::find_by_id((max_id, Role::Newcomer))
            .one(&app.db)
            .await
            .unwrap()
            .is_none()
    );

    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Subject.eq(format!("user:{max_id}")))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|a| a.action.as_str()).collect();
    assert!(
        actions.contains(&"mentor.approved")
            && actions.contains(&"role.grant")
            && actions.contains(&"role.revoke"),
        "{actions:?}"
    );
    assert!(
        audit
            .iter()
            .filter(|a| a.action != "role.grant" || a.details.contains("mentor"))
            .all(|a| a.actor_id == org.user_id)
    );
    let entries = org.get("/organizer/audit").await.rows("tbody tr");
    assert!(
        entries
            .iter()
            .any(|e| e[1] == "olga" && e[2] == "mentor.approved"),
        "the log shows olga approved the mentor: {entries:?}"
    );

    // Deciding twice is a clear conflict, not a silent change.
    let again = org
        .post_form(
            &format!("/organizer/people/{max_id}/mentor"),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(again.status, 409);
    again.assert_error_page("That changed meanwhile", "already approved");
}

#[tokio::test]
async fn organizers_promote_and_demote_but_never_the_last_one() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    // The demo people include an organizer; this test is about a programme whose only organizer is Olga.
    user_roles::Entity::delete_many()
        .filter(user_roles::Column::Role.eq(Role::Organizer))
        .filter(user_roles::Column::UserId.ne(org.user_id.unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    let ana = fresh_newcomer(&app, "ana").await;
    let ana_id = ana.user_id.unwrap();
    let grant = [("role", "organizer"), ("action", "grant")];
    assert_eq!(
        org.post_form(&format!("/organizer/people/{ana_id}/roles"), &grant)
            .await
            .status,
        303
    );
    assert_eq!(
        ana.get("/organizer/people").await.status,
        200,
        "ana is an organizer now"
    );

    let revoke = [("role", "organizer"), ("action", "revoke")];
    assert_eq!(
        ana.post_form(
            &format!("/organizer/people/{}/roles", org.user_id.unwrap()),
            &revoke
        )
        .await
        .status,
        303
    );
    assert_eq!(
        org.get("/organizer/people").await.status,
        403,
        "olga was demoted"
    );
    let last = ana
        .post_form(&format!("/organizer/people/{ana_id}/roles"), &revoke)
        .await;
    assert_eq!(last.status, 409);
    last.assert_error_page("That changed meanwhile", "last organizer");

    // The mentor role comes only through an approved application.
    let mentor = ana
        .post_form(
            &format!("/organizer/people/{ana_id}/roles"),
            &[("role", "mentor"), ("action", "grant")],
        )
        .await;
    assert_eq!(mentor.status, 409);
    let nonsense = ana
        .post_form(
            &format!("/organizer/people/{ana_id}/roles"),
            &[("role", "wizard"), ("action", "grant")],
        )
        .await;
    assert_eq!(nonsense.status, 400);
    let nobody = ana
        .post_form("/organizer/people/999999/roles", &grant)
        .await;
    assert_eq!(nobody.status, 404);
    let grants = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("role.revoke"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(grants, 1);
}
