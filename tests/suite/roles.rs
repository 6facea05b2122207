//! Role changes with consequences: a revoked mentor stops mentoring new people (their waiting proposals are
//! withdrawn and those newcomers go back to the pool), and two organizers removing each other at once never
//! leave the programme without one.

use chrono::Utc;
use onramp::db::matching_rounds::RoundKind;
use onramp::db::mentor_profiles::MentorStatus;
use onramp::db::mentorships::MentorshipState;
use onramp::db::user_roles::Role;
use onramp::db::{audit_log, mentor_profiles, mentorships, user_roles};
use onramp::domain::matching::score::MatchingConfig;
use onramp::services::rounds;
use onramp::services::{ServiceError, roles};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestApp, factory};

/// A test app without the demo people, so a matching round sees only the people a test makes.
async fn app() -> TestApp {
    TestApp::start_without_demo_people().await
}

/// Someone matching can pair: English-speaking, in Berlin (as the factory makes everyone).
async fn matchable(app: &TestApp, login: &str, role: Role) -> i32 {
    factory::person(app, login, &[role])
        .languages(&["en"])
        .create()
        .await
        .id
}

async fn mentorship_row(app: &TestApp, id: i32) -> mentorships::Model {
    mentorships::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

async fn mentor_status(app: &TestApp, id: i32) -> MentorStatus {
    mentor_profiles::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn has_role(app: &TestApp, id: i32, role: Role) -> bool {
    user_roles::Entity::find_by_id((id, role))
        .one(&app.db)
        .await
        .unwrap()
        .is_some()
}

async fn audit_count(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .unwrap()
}

/// A new draft mentor round, by its id.
async fn draft_round(app: &TestApp, organizer: i32) -> i32 {
    rounds::create_round(
        &app.db,
        organizer,
        RoundKind::Mentors,
        &MatchingConfig::default(),
        Utc::now(),
    )
    .await
    .expect("a round is made")
    .round_id
}

/// The mentor that round `round_id` pairs `newcomer` with, if any.
async fn placed_in(app: &TestApp, round_id: i32, newcomer: i32) -> Option<i32> {
    let review = rounds::review_round(&app.db, round_id)
        .await
        .expect("the round can be reviewed");
    review
        .placed
        .iter()
        .find(|p| p.newcomer.id == newcomer)
        .and_then(|p| p.mentor.as_ref())
        .map(|m| m.id)
}

/// The mentor a new mentor round pairs `newcomer` with, if any.
async fn placed_with(app: &TestApp, organizer: i32, newcomer: i32) -> Option<i32> {
    let round_id = draft_round(app, organizer).await;
    placed_in(app, round_id, newcomer).await
}

#[tokio::test]
async fn revoking_a_mentor_withdraws_their_waiting_proposals_and_the_newcomers_return_to_the_pool()
{
    let app = app().await;
    let org = app.organizer("olga").await;
    let org_id = org.user_id.unwrap();
    // Each pair is made by a round of its own, while the revoked mentor is the only mentor there is.
    let revoked = matchable(&app, "revoked-mentor", Role::Mentor).await;
    let waiting = matchable(&app, "waiting-newcomer", Role::Newcomer).await;
    let proposal = factory::proposed_mentorship(&app, org_id, waiting, revoked)
        .await
        .id;
    let mentee = matchable(&app, "active-mentee", Role::Newcomer).await;
    let active = factory::accepted_mentorship(&app, org_id, mentee, revoked)
        .await
        .id;
    let other = matchable(&app, "other-mentor", Role::Mentor).await;

    let res = org
        .post_form(
            &format!("/organizer/people/{revoked}/roles"),
            &[("role", "mentor"), ("action", "revoke")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    assert!(!has_role(&app, revoked, Role::Mentor).await);
    assert_ne!(
        mentor_status(&app, revoked).await,
        MentorStatus::Approved,
        "the mentor profile is no longer approved"
    );
    let withdrawn = mentorship_row(&app, proposal).await;
    assert_eq!(withdrawn.state, MentorshipState::Ended);
    assert_eq!(
        withdrawn.ended_reason.as_deref(),
        Some("mentor role revoked")
    );
    assert!(withdrawn.ended_at.is_some());
    assert_eq!(
        mentorship_row(&app, active).await.state,
        MentorshipState::Active,
        "a mentorship already under way is the organizers' to end, not a side effect"
    );
    assert_eq!(audit_count(&app, "role.revoke").await, 1);
    assert_eq!(audit_count(&app, "mentorship.withdraw").await, 1);

    // The newcomer whose proposal was withdrawn is in the pool again, and never with the revoked mentor.
    assert_eq!(
        placed_with(&app, org.user_id.unwrap(), waiting).await,
        Some(other)
    );
}

#[tokio::test]
async fn declining_an_approved_mentor_also_withdraws_their_waiting_proposals() {
    let app = app().await;
    let org = app.organizer("olga").await;
    let mentor = matchable(&app, "declined-mentor", Role::Mentor).await;
    let waiting = matchable(&app, "waiting-newcomer", Role::Newcomer).await;
    let proposal = factory::proposed_mentorship(&app, org.user_id.unwrap(), waiting, mentor)
        .await
        .id;

    let res = org
        .post_form(
            &format!("/organizer/people/{mentor}/mentor"),
            &[("decision", "decline")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert_eq!(mentor_status(&app, mentor).await, MentorStatus::Declined);
    assert!(!has_role(&app, mentor, Role::Mentor).await);
    assert_eq!(
        mentorship_row(&app, proposal).await.state,
        MentorshipState::Ended
    );
    assert_eq!(audit_count(&app, "mentorship.withdraw").await, 1);
}

/// Two organizers, each removing the other at the same moment: one wins, one is refused, and one organizer is
/// left. Repeated, because a race that is lost only sometimes is still lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_organizers_removing_each_other_at_once_leave_one() {
    let app = TestApp::start().await;
    for attempt in 0..5 {
        let a = app.organizer(&format!("organizer-a-{attempt}")).await;
        let b = app.organizer(&format!("organizer-b-{attempt}")).await;
        let (a_id, b_id) = (a.user_id.unwrap(), b.user_id.unwrap());
        user_roles::Entity::delete_many()
            .filter(user_roles::Column::Role.eq(Role::Organizer))
            .filter(user_roles::Column::UserId.is_not_in([a_id, b_id]))
            .exec(&app.db)
            .await
            .unwrap();
        warm_pool(&app).await;
        let revoke = [("role", "organizer"), ("action", "revoke")];
        let (a_path, b_path) = (
            format!("/organizer/people/{b_id}/roles"),
            format!("/organizer/people/{a_id}/roles"),
        );
        let (by_a, by_b) =
            tokio::join!(a.post_form(&a_path, &revoke), b.post_form(&b_path, &revoke));
        // The loser is refused either inside the transaction (409: it would remove the last organizer) or, when
        // the winner committed before its request was checked, at the door (403: no longer an organizer).
        let mut statuses = [by_a.status, by_b.status];
        statuses.sort();
        assert!(
            statuses == [303, 403] || statuses == [303, 409],
            "attempt {attempt}: one removal succeeds, the other is refused: {statuses:?}\n{}\n{}",
            by_a.body,
            by_b.body
        );
        let organizers = user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(Role::Organizer))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(organizers, 1, "attempt {attempt}");
    }
}

/// Open a few pooled connections ahead, so neither side of a race spends its head start connecting.
async fn warm_pool(app: &TestApp) {
    let ping = || {
        let db = app.db.clone();
        async move { db.ping().await.expect("ping") }
    };
    tokio::join!(ping(), ping(), ping(), ping());
}

/// The same race below the web layer, where no role check at the door can settle it first: the transaction
/// alone must refuse one of the two.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_organizer_check_holds_inside_the_transaction() {
    let app = TestApp::start().await;
    for attempt in 0..5 {
        let a = app
            .create_user(&format!("direct-a-{attempt}"), &[Role::Organizer])
            .await
            .id;
        let b = app
            .create_user(&format!("direct-b-{attempt}"), &[Role::Organizer])
            .await
            .id;
        user_roles::Entity::delete_many()
            .filter(user_roles::Column::Role.eq(Role::Organizer))
            .filter(user_roles::Column::UserId.is_not_in([a, b]))
            .exec(&app.db)
            .await
            .unwrap();
        warm_pool(&app).await;
        let now = Utc::now();
        let (db_a, db_b) = (app.db.clone(), app.db.clone());
        let (by_a, by_b) = tokio::join!(
            tokio::spawn(async move { roles::revoke(&db_a, a, b, Role::Organizer, now).await }),
            tokio::spawn(async move { roles::revoke(&db_b, b, a, Role::Organizer, now).await }),
        );
        let outcomes = [by_a.unwrap(), by_b.unwrap()];
        assert_eq!(
            outcomes.iter().filter(|r| r.is_ok()).count(),
            1,
            "attempt {attempt}: {outcomes:?}"
        );
        assert!(
            outcomes
                .iter()
                .any(|r| matches!(r, Err(ServiceError::Conflict(_)))),
            "attempt {attempt}: {outcomes:?}"
        );
        let organizers = user_roles::Entity::find()
            .filter(user_roles::Column::Role.eq(Role::Organizer))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(organizers, 1, "attempt {attempt}");
    }
}

#[tokio::test]
async fn a_round_made_before_a_revocation_proposes_nothing_for_the_revoked_mentor_when_sent() {
    let app = app().await;
    let org = app.organizer("olga").await;
    let revoked = matchable(&app, "revoked-mentor", Role::Mentor).await;
    let newcomer = matchable(&app, "waiting-newcomer", Role::Newcomer).await;
    let round_id = draft_round(&app, org.user_id.unwrap()).await;
    assert_eq!(
        placed_in(&app, round_id, newcomer).await,
        Some(revoked),
        "the draft pairs the newcomer with the mentor"
    );

    let res = org
        .post_form(
            &format!("/organizer/people/{revoked}/roles"),
            &[("role", "mentor"), ("action", "revoke")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);

    let report = rounds::send_round(&app.db, round_id, org.user_id.unwrap(), Utc::now())
        .await
        .expect("the round is sent");
    assert_eq!(report.proposed, 0);
    let skipped: Vec<_> = report
        .skipped
        .iter()
        .map(|s| (s.newcomer.id, s.reason))
        .collect();
    assert_eq!(skipped, [(newcomer, rounds::SkipReason::MentorUnavailable)]);
    let made = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(revoked))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(made, 0, "no proposal for a revoked mentor");
}
