//! Mentorship outside rounds: a mentor's queue (claim or pass), a newcomer asking a mentor from their
//! suggestions and the mentor's answer, ending a mentorship, and the races the database settles: many mentors
//! claiming one newcomer, many accepts for a mentor's last free place.

use chrono::{Duration, Utc};
use onramp::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use onramp::db::user_roles::Role;
use onramp::domain::events::EventKind;
use onramp::services::mentorships as mentoring;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{TestApp, assert_one_winner, factory};

async fn open_mentorships(app: &TestApp, newcomer: i32) -> Vec<mentorships::Model> {
    mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(newcomer))
        .filter(mentorships::Column::State.ne(MentorshipState::Ended))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mentor_claims_a_newcomer_from_their_queue_and_passes_on_another() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira")
        .languages(&["en", "fi"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let nina = factory::newcomer(&app, "nina")
        .languages(&["fi"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let dora = factory::newcomer(&app, "dora")
        .languages(&["en"])
        .create()
        .await;
    // Shares no language with Mira: never in her queue.
    factory::newcomer(&app, "pia")
        .languages(&["pt"])
        .create()
        .await;

    let page = mira.get("/mentor/queue").await;
    assert_eq!(page.heading(), "Your queue");
    // Best fit first: Nina shares an interest with Mira.
    assert_eq!(
        page.select_all(".queue-card h2"),
        ["nina (test) nina", "dora (test) dora"]
    );
    let reasons = page.select_all(".queue-card:first-child .reasons li");
    assert!(
        reasons.iter().any(|r| r.contains("both speak Finnish")),
        "{reasons:?}"
    );
    let facts = page.select_all(".queue-card:first-child .facts dd");
    assert!(
        facts.contains(&"Land a first patch.".to_string()),
        "{facts:?}"
    );
    assert_eq!(page.select_text(".queue-room"), "You mentor 0 of 3.");

    let nina_id = nina.user_id.unwrap();
    let page = mira
        .post_form(&format!("/mentor/queue/{nina_id}/claim"), &[])
        .await;
    assert_eq!(page.location(), Some("/mentor/queue?did=claimed"));
    let m = open_mentorships(&app, nina_id).await;
    assert_eq!(m.len(), 1);
    assert_eq!(
        (m[0].state, m[0].origin, m[0].mentor_id),
        (
            MentorshipState::Active,
            MentorshipOrigin::Queue,
            mira.user_id.unwrap()
        )
    );
    let page = mira.get("/mentor/queue?did=claimed").await;
    assert!(page.notices()[0].starts_with("You are their mentor now"));
    assert_eq!(page.select_all(".queue-card h2"), ["dora (test) dora"]);
    assert_eq!(page.select_text(".queue-room"), "You mentor 1 of 3.");
    // Nina's dashboard names her mentor.
    let dash = nina.get("/dashboard").await;
    assert!(
        dash.select_text(".my-mentor p")
            .starts_with("mira (test) mira mentors you since")
    );

    // Passing on Dora keeps her out of the queue for the configured days, then she is back.
    let page = mira
        .post_form(&format!("/mentor/queue/{}/pass", dora.id), &[])
        .await;
    assert_eq!(page.location(), Some("/mentor/queue?did=passed"));
    assert!(
        mira.get("/mentor/queue")
            .await
            .select_all(".queue-card h2")
            .is_empty()
    );
    let cfg = app.state.config.matching();
    let days = i64::from(app.state.config.queue_pass_days);
    let later = mentoring::mentor_queue(
        &app.db,
        mira.user_id.unwrap(),
        &cfg,
        Utc::now() + Duration::days(days) + Duration::hours(1),
    )
    .await
    .unwrap();
    assert_eq!(
        later
            .cards
            .iter()
            .map(|c| c.newcomer.id)
            .collect::<Vec<_>>(),
        [dora.id]
    );
    // Claiming someone who already has a mentor is refused as taken.
    let otto = factory::mentor(&app, "otto")
        .languages(&["fi"])
        .sign_in()
        .await;
    let page = otto
        .post_form(&format!("/mentor/queue/{nina_id}/claim"), &[])
        .await;
    assert_eq!(page.status, 409);
    page.assert_error_page("Already taken", "Another mentor took this newcomer");
}

#[tokio::test]
async fn a_full_mentor_sees_their_queue_but_cannot_claim() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira")
        .languages(&["en"])
        .capacity(1)
        .sign_in()
        .await;
    let first = factory::newcomer(&app, "first")
        .languages(&["en"])
        .create()
        .await;
    let second = factory::newcomer(&app, "second")
        .languages(&["en"])
        .create()
        .await;
    mentoring::claim_newcomer(&app.db, mira.user_id.unwrap(), first.id, Utc::now())
        .await
        .unwrap();
    let page = mira.get("/mentor/queue").await;
    assert_eq!(page.select_all(".queue-card h2"), ["second (test) second"]);
    page.assert_no_selector(".queue-card form[action$=\"/claim\"]");
    assert!(page.select_text(".queue-room").contains("You are full"));
    let page = mira
        .post_form(&format!("/mentor/queue/{}/claim", second.id), &[])
        .await;
    assert_eq!(page.status, 409);
    page.assert_error_page("Already taken", "as many as your capacity of 1");
    assert!(open_mentorships(&app, second.id).await.is_empty());
}

#[tokio::test]
async fn a_newcomer_asks_a_suggested_mentor_who_accepts_with_a_message_and_either_can_end_it() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira")
        .languages(&["en"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let nina = factory::newcomer(&app, "nina")
        .languages(&["en"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let mira_id = mira.user_id.unwrap();
    let nina_id = nina.user_id.unwrap();

    let dash = nina.get("/dashboard").await;
    assert_eq!(
        dash.attrs(".ask-mentor form", "action"),
        [format!("/mentors/{mira_id}/request")]
    );
    let hello = "I would like to write the PCI bindings' docs.";
    let page = nina
        .post_form(
            &format!("/mentors/{mira_id}/request"),
            &[("message", hello)],
        )
        .await;
    assert_eq!(page.location(), Some("/dashboard?did=requested"));
    let dash = nina.get("/dashboard?did=requested").await;
    assert!(dash.notices()[0].starts_with("Request sent."));
    let waiting = dash.select_text(".my-mentor p");
    assert!(
        waiting.starts_with("You asked mira (test)")
            && waiting.ends_with("waiting for their answer."),
        "{waiting}"
    );
    dash.assert_no_selector(".ask-mentor");
    // One request at a time.
    let otto = factory::mentor(&app, "otto")
        .languages(&["en"])
        .create()
        .await;
    let again = nina
        .post_form(&format!("/mentors/{}/request", otto.id), &[])
        .await;
    assert_eq!(again.status, 409);
    again.assert_error_page("That changed meanwhile", "You already have a mentor");

    // Mira reads the request and its message on her desk, and accepts with a word back.
    let desk = mira.get("/mentor/proposals").await;
    assert_eq!(desk.select_text("li.proposal h3 .badge"), "asked for you");
    assert_eq!(desk.select_text("li.proposal .request-message"), hello);
    let request = open_mentorships(&app, nina_id).await[0].id;
    let page = mira
        .post_form(
            &format!("/mentor/proposals/{request}"),
            &[("response", "accept"), ("message", "Welcome aboard!")],
        )
        .await;
    assert_eq!(page.status, 303);
    let dash = nina.get("/dashboard").await;
    assert_eq!(dash.select_text(".my-mentor q"), "Welcome aboard!");

    // Nina ends it with a reason: she is back in the pool, and Mira's place is free again.
    let page = nina
        .post_form(
            &format!("/mentorships/{request}/end"),
            &[
                ("reason", "Moving to another project"),
                ("next", "/dashboard"),
            ],
        )
        .await;
    assert_eq!(page.location(), Some("/dashboard?did=ended"));
    assert!(open_mentorships(&app, nina_id).await.is_empty());
    let dash = nina.get("/dashboard?did=ended").await;
    assert!(
        dash.select_text(".my-mentor p")
            .contains("Moving to another project")
    );
    let queue = mira.get("/mentor/queue").await;
    assert_eq!(queue.select_all(".queue-card h2"), ["nina (test) nina"]);
    assert_eq!(queue.select_text(".queue-room"), "You mentor 0 of 3.");
    let timeline = onramp::services::events::timeline(&app.db, nina_id, 10)
        .await
        .unwrap();
    let kinds: Vec<EventKind> = timeline.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::MentorshipEnded,
            EventKind::MentorshipStarted,
            EventKind::MentorshipRequested
        ]
    );
    // Ending twice, or ending someone else's, is refused.
    let twice = mira
        .post_form(&format!("/mentorships/{request}/end"), &[("reason", "x")])
        .await;
    assert_eq!(twice.status, 409);
    let stranger = app.person("stranger", &[Role::Mentor]).await;
    let other = stranger
        .post_form(&format!("/mentorships/{request}/end"), &[("reason", "x")])
        .await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn fifty_mentors_claiming_one_newcomer_at_once_give_exactly_one_mentorship() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina")
        .languages(&["en"])
        .create()
        .await;
    let mut mentors = Vec::new();
    for n in 0..50 {
        mentors.push(
            factory::mentor(&app, &format!("mentor-{n}"))
                .languages(&["en"])
                .sign_in()
                .await,
        );
    }
    let path = format!("/mentor/queue/{}/claim", nina.id);
    let pages = futures::future::join_all(mentors.iter().map(|m| m.post_form(&path, &[]))).await;
    assert_one_winner(&pages, "Another mentor took this newcomer");
    assert_eq!(open_mentorships(&app, nina.id).await.len(), 1);
}

#[tokio::test]
async fn twenty_accepts_at_once_for_a_mentors_last_place_never_exceed_the_capacity() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira")
        .languages(&["en"])
        .capacity(2)
        .sign_in()
        .await;
    let mira_id = mira.user_id.unwrap();
    // One place taken already; twenty newcomers ask for the other.
    let first = factory::newcomer(&app, "first")
        .languages(&["en"])
        .create()
        .await;
    mentoring::claim_newcomer(&app.db, mira_id, first.id, Utc::now())
        .await
        .unwrap();
    let mut requests = Vec::new();
    for n in 0..20 {
        let who = factory::newcomer(&app, &format!("asker-{n}"))
            .languages(&["en"])
            .create()
            .await;
        requests.push(factory::requested_mentorship(&app, who.id, mira_id).await);
    }
    let paths: Vec<String> = requests
        .iter()
        .map(|id| format!("/mentor/proposals/{id}"))
        .collect();
    let pages = futures::future::join_all(
        paths
            .iter()
            .map(|p| mira.post_form(p, &[("response", "accept")])),
    )
    .await;
    assert_one_winner(&pages, "as many as your capacity of 2");
    let active = mentorships::Entity::find()
        .filter(mentorships::Column::MentorId.eq(mira_id))
        .filter(mentorships::Column::State.eq(MentorshipState::Active))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(active.len(), 2);
}
