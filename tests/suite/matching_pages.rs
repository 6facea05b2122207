//! The matching pages, driven through real browsers: an organizer starts, reviews and sends a mentor round over
//! the demo people and a few made here; mentors answer their proposals (and only theirs); a newcomer with a
//! complete profile sees suggestions with reasons on the dashboard, never a blocked task.

use onramp::db::mentorships::MentorshipState;
use onramp::db::{areas, mentorships, tasks, user_areas, user_languages, users};
use onramp::services::catalog;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};

use crate::support::{Actor, TestApp, html_escape};

/// Give a signed-in person the languages, areas and time zone matching looks at.
async fn describe(app: &TestApp, who: &Actor, languages: &[&str], area_slugs: &[&str], tz: &str) {
    let id = who.user_id.expect("signed in");
    let user = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am = user.into_active_model();
    am.timezone = Set(Some(tz.to_string()));
    am.update(&app.db).await.expect("set time zone");
    for l in languages {
        user_languages::ActiveModel {
            user_id: Set(id),
            language: Set(l.to_string()),
        }
        .insert(&app.db)
        .await
        .expect("add language");
    }
    for slug in area_slugs {
        let area = area(app, slug).await;
        user_areas::ActiveModel {
            user_id: Set(id),
            area_id: Set(area.id),
        }
        .insert(&app.db)
        .await
        .expect("add area");
    }
}

async fn area(app: &TestApp, slug: &str) -> areas::Model {
    areas::Entity::find()
        .filter(areas::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("the catalog has area {slug}"))
}

/// Start a round of `kind` as `organizer`; returns the round's page path.
async fn start_round(organizer: &Actor, kind: &str) -> String {
    let page = organizer
        .post_form("/organizer/rounds", &[("kind", kind)])
        .await;
    assert_eq!(
        page.status, 303,
        "starting a round redirects: {}",
        page.body
    );
    let location = page.location().expect("a location").to_string();
    assert!(
        location.starts_with("/organizer/rounds/"),
        "to the round: {location}"
    );
    location
}

async fn mentorship_of(app: &TestApp, newcomer: &Actor) -> mentorships::Model {
    mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(newcomer.user_id.unwrap()))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a mentorship")
}

async fn state_of(app: &TestApp, id: i32) -> MentorshipState {
    mentorships::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .state
}

#[tokio::test]
async fn an_organizer_runs_a_mentor_round_and_mentors_answer_their_proposals() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    // Nina and Dora speak only Finnish: Mira is the only mentor who can take them.
    let mira = app.mentor("mira").await;
    describe(&app, &mira, &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    let nina = app.newcomer("nina").await;
    describe(&app, &nina, &["fi"], &["pci"], "Europe/Helsinki").await;
    let dora = app.newcomer("dora").await;
    describe(&app, &dora, &["fi"], &["gpu-nova"], "Europe/Helsinki").await;
    // Nobody speaks Swahili here.
    let lone = app.newcomer("lone").await;
    describe(&app, &lone, &["sw"], &["pci"], "Africa/Nairobi").await;
    let otto = app.mentor("otto").await;
    describe(&app, &otto, &["en"], &["pci"], "Europe/Berlin").await;

    app.anonymous()
        .get("/organizer/rounds")
        .await
        .location()
        .expect("anonymous visitors are sent to sign in");
    let list = organizer.get("/organizer/rounds").await;
    assert_eq!(list.status, 200);
    list.assert_contains("Start a mentor round")
        .assert_contains("Start a task round")
        .assert_contains("No rounds yet");

    let round = start_round(&organizer, "mentors").await;
    let review = organizer.get(&round).await;
    assert_eq!(review.status, 200, "{}", review.body);
    review
        .assert_contains("Send proposals")
        .assert_contains("Score distribution")
        .assert_contains("This round is optimal over all")
        .assert_contains("Not placed")
        // Demo people are in the round too.
        .assert_contains("Ana Ferreira")
        .assert_contains(&html_escape("nina (test)"))
        .assert_contains(&html_escape("mira (test)"))
        .assert_contains("both speak Finnish")
        .assert_contains(&html_escape("lone (test)"))
        .assert_contains("no mentor shares a spoken language");
    let list = organizer.get("/organizer/rounds").await;
    list.assert_contains(&format!("href=\"{round}\""))
        .assert_contains("draft")
        .assert_lacks("No rounds yet");

    // Sending proposes the mentorships and says so.
    let sent = organizer.post_form(&format!("{round}/send"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let after = organizer.get(sent.location().unwrap()).await;
    assert_eq!(after.status, 200);
    after
        .assert_contains("Round sent:")
        .assert_contains("proposed")
        .assert_lacks("Send proposals");
    // Sending twice is refused.
    let again = organizer.post_form(&format!("{round}/send"), &[]).await;
    assert_eq!(again.status, 409);

    let nina_m = mentorship_of(&app, &nina).await;
    let dora_m = mentorship_of(&app, &dora).await;
    assert_eq!(nina_m.mentor_id, mira.user_id.unwrap());
    assert_eq!(dora_m.mentor_id, mira.user_id.unwrap());
    assert_eq!(nina_m.state, MentorshipState::Proposed);

    // Mira sees both proposals with what she needs to decide.
    let pci = area(&app, "pci").await;
    let desk = mira.get("/mentor/proposals").await;
    assert_eq!(desk.status, 200, "{}", desk.body);
    desk.assert_contains(&html_escape("nina (test)"))
        .assert_contains(&html_escape("dora (test)"))
        .assert_contains("Finnish")
        .assert_contains(&html_escape("Europe/Helsinki"))
        .assert_contains(&html_escape(&pci.name))
        .assert_contains("both speak Finnish")
        .assert_contains(&format!("/mentor/proposals/{}", nina_m.id))
        .assert_contains("You have no active mentees yet");

    // Otto cannot answer Mira's proposal, either way.
    for response in ["accept", "decline"] {
        let page = otto
            .post_form(
                &format!("/mentor/proposals/{}", nina_m.id),
                &[("response", response)],
            )
            .await;
        assert_eq!(page.status, 404, "another mentor's proposal");
    }
    assert_eq!(state_of(&app, nina_m.id).await, MentorshipState::Proposed);
    otto.get("/mentor/proposals")
        .await
        .assert_lacks(&html_escape("nina (test)"));
    // Nor can a newcomer.
    let page = nina
        .post_form(
            &format!("/mentor/proposals/{}", nina_m.id),
            &[("response", "accept")],
        )
        .await;
    assert_eq!(page.status, 403);

    // Mira accepts Nina and declines Dora.
    let page = mira
        .post_form(
            &format!("/mentor/proposals/{}", nina_m.id),
            &[("response", "accept")],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), Some("/mentor/proposals?answered=accept"));
    assert_eq!(state_of(&app, nina_m.id).await, MentorshipState::Active);
    let page = mira
        .post_form(
            &format!("/mentor/proposals/{}", dora_m.id),
            &[("response", "decline")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(state_of(&app, dora_m.id).await, MentorshipState::Ended);
    let desk = mira.get(page.location().unwrap()).await;
    desk.assert_contains("Proposal declined")
        .assert_contains("Your mentees")
        .assert_lacks("You have no active mentees yet")
        .assert_lacks(&format!("/mentor/proposals/{}\"", nina_m.id))
        .assert_lacks(&format!("/mentor/proposals/{}\"", dora_m.id));
    // An answered proposal cannot be answered again.
    let page = mira
        .post_form(
            &format!("/mentor/proposals/{}", nina_m.id),
            &[("response", "decline")],
        )
        .await;
    assert_eq!(page.status, 409);

    // The round page follows the answers.
    organizer
        .get(&round)
        .await
        .assert_contains("state-active")
        .assert_contains("state-ended");

    // Dora is back in the pool, but never again with Mira; Nina, who has a mentor, is not.
    let next = start_round(&organizer, "mentors").await;
    let review = organizer.get(&next).await;
    review
        .assert_contains(&html_escape("dora (test)"))
        .assert_contains("every mentor who fits declined them before")
        .assert_lacks(&html_escape("nina (test)"));
}

#[tokio::test]
async fn sending_reports_who_was_skipped() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    let mira = app.mentor("mira").await;
    describe(&app, &mira, &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    let nina = app.newcomer("nina").await;
    describe(&app, &nina, &["fi"], &["pci"], "Europe/Helsinki").await;

    // Two drafts over the same people; the second is sent first, so the first finds Nina taken.
    let first = start_round(&organizer, "mentors").await;
    let second = start_round(&organizer, "mentors").await;
    assert_eq!(
        organizer
            .post_form(&format!("{second}/send"), &[])
            .await
            .status,
        303
    );
    let sent = organizer.post_form(&format!("{first}/send"), &[]).await;
    assert_eq!(sent.status, 303);
    let page = organizer.get(sent.location().unwrap()).await;
    page.assert_contains("Round sent: 0 mentorships proposed")
        .assert_contains("Skipped when sent")
        .assert_contains(&html_escape("nina (test)"))
        .assert_contains("skipped");
}

#[tokio::test]
async fn a_task_round_lists_task_proposals() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    let round = start_round(&organizer, "tasks").await;
    let page = organizer.get(&round).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.assert_contains("Round").assert_contains("tasks");
    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    for (id, _) in blocked {
        let task = tasks::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        page.assert_lacks(&format!("href=\"/tasks/{}\"", task.slug));
    }
    // A bad kind is refused.
    let bad = organizer
        .post_form("/organizer/rounds", &[("kind", "pizzas")])
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn only_organizers_reach_round_pages_and_only_mentors_the_proposals() {
    let app = TestApp::start().await;
    let newcomer = app.newcomer("nora").await;
    let mentor = app.mentor("max").await;
    let organizer = app.organizer("olga").await;
    let round = start_round(&organizer, "mentors").await;
    for who in [&newcomer, &mentor] {
        assert_eq!(who.get("/organizer/rounds").await.status, 403);
        assert_eq!(who.get(&round).await.status, 403);
        assert_eq!(
            who.post_form("/organizer/rounds", &[("kind", "mentors")])
                .await
                .status,
            403
        );
        assert_eq!(
            who.post_form(&format!("{round}/send"), &[]).await.status,
            403
        );
    }
    assert_eq!(newcomer.get("/mentor/proposals").await.status, 403);
    assert_eq!(organizer.get("/mentor/proposals").await.status, 403);
    // The round is still a draft.
    organizer
        .get(&round)
        .await
        .assert_contains("Send proposals");
    // Links: organizers see Rounds, mentors Proposals.
    organizer
        .get("/dashboard")
        .await
        .assert_contains("href=\"/organizer/rounds\"")
        .assert_lacks("Proposals");
}

#[tokio::test]
async fn a_complete_newcomer_sees_suggestions_with_reasons_and_never_a_blocked_task() {
    // More suggestions than the default five: the dashboard shows as many as configured.
    let app = TestApp::builder()
        .config(|c| c.match_suggestions = 7)
        .start()
        .await;
    let nova = app.newcomer("nova-fan").await;
    // Before the profile is complete (no languages or areas), no suggestions.
    nova.get("/dashboard")
        .await
        .assert_contains("Complete your profile")
        .assert_lacks("Mentors who fit you");
    describe(
        &app,
        &nova,
        &["en", "pt"],
        &["gpu-nova", "pci"],
        "Europe/Lisbon",
    )
    .await;

    let page = nova.get("/dashboard").await;
    assert_eq!(page.status, 200);
    page.assert_contains("Mentors who fit you")
        .assert_contains("Tasks that fit you")
        // Marta mentors Nova and PCI; the reasons say why.
        .assert_contains("Marta")
        .assert_contains("shares")
        // Reasons speak to the newcomer who reads them.
        .assert_contains("one of your interests")
        .assert_lacks("one of their interests")
        .assert_contains("Tasks waiting on others")
        .assert_contains("waits for <a href=\"/tasks/");

    // The suggested tasks (between the two headings) are never blocked ones; the blocked ones are listed below.
    let start = page.body.find("Tasks that fit you").unwrap();
    let end = page.body.find("Tasks waiting on others").unwrap();
    let suggested = &page.body[start..end];
    let waiting = &page.body[end..];
    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    let mut shown_blocked = 0;
    for (id, _) in blocked {
        let task = tasks::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let link = format!("href=\"/tasks/{}\"", task.slug);
        assert!(
            !suggested.contains(&link),
            "{} is blocked but suggested",
            task.slug
        );
        if waiting.contains(&link) {
            shown_blocked += 1;
        }
    }
    assert!(
        shown_blocked > 0,
        "a blocked task is shown with what it waits for"
    );
    let shown = suggested.matches("<li class=\"suggestion\">").count();
    assert!(shown > 5 && shown <= 7, "{shown} tasks suggested");

    // A mentor's dashboard links to their proposals; an organizer's gets no suggestions.
    let mentor = app.mentor("max").await;
    mentor
        .get("/dashboard")
        .await
        .assert_contains("href=\"/mentor/proposals\"")
        .assert_lacks("Mentors who fit you");
}
