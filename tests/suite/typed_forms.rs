//! Form values that name an enumerated thing (a round's kind, a role, a decision, an answer) arrive as that
//! enum: a value that names nothing gets a 400 page saying what to choose, a missing field a 422 naming it, and
//! neither changes anything. Also: the demo sign-in records when the person was last seen.

use chrono::Utc;
use onramp::db::mentor_profiles::MentorStatus;
use onramp::db::user_roles::Role;
use onramp::db::{matching_rounds, mentor_profiles, user_roles, users};
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::support::TestApp;

#[tokio::test]
async fn an_unknown_round_kind_is_refused_with_the_choices_and_starts_nothing() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;

    let page = org
        .post_form("/organizer/rounds", &[("kind", "pizzas")])
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "That did not work",
        "There is no round kind called \"pizzas\": choose mentors or tasks.",
    );

    let page = org.post_form("/organizer/rounds", &[]).await;
    assert_eq!(page.status, 422, "{}", page.body);
    page.assert_error_page("That did not work", "kind");

    let rounds = matching_rounds::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rounds, 0, "no round was started");
}

#[tokio::test]
async fn an_unknown_role_or_action_is_refused_and_grants_nothing() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let nora = app.newcomer("nora").await;
    let path = format!("/organizer/people/{}/roles", nora.user_id.unwrap());

    let page = org
        .post_form(&path, &[("role", "wizard"), ("action", "grant")])
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "That did not work",
        "There is no role called \"wizard\": choose newcomer, mentor or organizer.",
    );

    let page = org
        .post_form(&path, &[("role", "organizer"), ("action", "crown")])
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "That did not work",
        "There is no role action called \"crown\": choose grant or revoke.",
    );

    let nora_roles: Vec<Role> = user_roles::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| Some(r.user_id) == nora.user_id)
        .map(|r| r.role)
        .collect();
    assert_eq!(nora_roles, [Role::Newcomer], "nothing was granted");
}

#[tokio::test]
async fn an_unknown_decision_leaves_the_mentor_application_waiting() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let max = app.newcomer("max").await;
    let max_id = max.user_id.unwrap();
    let applied = max
        .post_form(
            "/mentor/profile",
            &[
                ("expertise", "pci"),
                ("languages", "de"),
                ("timezone", "Europe/Berlin"),
                ("capacity", "3"),
                ("bio", "I review PCI abstractions."),
            ],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);

    let page = org
        .post_form(
            &format!("/organizer/people/{max_id}/mentor"),
            &[("decision", "maybe")],
        )
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "That did not work",
        "There is no decision called \"maybe\": choose approve or decline.",
    );

    let profile = mentor_profiles::Entity::find_by_id(max_id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the application");
    assert_eq!(profile.status, MentorStatus::Applied);
    assert_eq!(profile.decided_by, None);
}

#[tokio::test]
async fn an_unknown_answer_to_a_proposal_is_refused() {
    let app = TestApp::start().await;
    let mentor = app.mentor("mia").await;
    let page = mentor
        .post_form("/mentor/proposals/1", &[("response", "perhaps")])
        .await;
    assert_eq!(page.status, 400, "{}", page.body);
    page.assert_error_page(
        "That did not work",
        "There is no answer called \"perhaps\": choose accept or decline.",
    );
    // An unknown `answered` note after a redirect is ignored, not an error.
    let desk = mentor.get("/mentor/proposals?answered=perhaps").await;
    assert_eq!(desk.status, 200);
}

#[tokio::test]
async fn the_demo_sign_in_records_when_the_person_was_last_seen() {
    let app = TestApp::start().await;
    let user = app.create_user("dora", &[Role::Newcomer]).await;
    assert_eq!(user.last_seen_at, None);
    let before = Utc::now();
    let page = app
        .anonymous()
        .post_form("/signin/demo", &[("login", "dora")])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let seen = users::Entity::find_by_id(user.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .last_seen_at
        .expect("last seen is recorded");
    // PostgreSQL keeps microseconds: allow for the rounding.
    assert!(
        seen >= before - chrono::Duration::milliseconds(1) && seen <= Utc::now(),
        "{seen} is the sign-in's time (from {before})"
    );
}
