//! The matching pages, driven through real browsers: an organizer starts, reviews and sends a mentor round over
//! the demo people and a few made here; mentors answer their proposals (and only theirs); a newcomer with a
//! complete profile sees suggestions with reasons on the dashboard, never a blocked task.

use onramp::db::mentorships::MentorshipState;
use onramp::db::{areas, mentorships, tasks};
use onramp::services::catalog;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::support::{Actor, Page, TestApp, copy_catalog, factory, snapshot};

/// A signed-in newcomer with the languages, areas and time zone matching looks at.
async fn newcomer(
    app: &TestApp,
    login: &str,
    languages: &[&str],
    areas: &[&str],
    tz: &str,
) -> Actor {
    factory::newcomer(app, login)
        .languages(languages)
        .areas(areas)
        .timezone(tz)
        .sign_in()
        .await
}

/// A signed-in, approved mentor with the languages, expertise and time zone matching looks at.
async fn mentor(app: &TestApp, login: &str, languages: &[&str], areas: &[&str], tz: &str) -> Actor {
    factory::mentor(app, login)
        .languages(languages)
        .areas(areas)
        .timezone(tz)
        .sign_in()
        .await
}

/// The names of the people in the rows of a round's table (`proposals-table`, or the unplaced rows).
fn names_in(page: &Page, rows: &str) -> Vec<String> {
    page.select_all(&format!("{rows} td strong"))
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

/// The cells of the row of `rows` whose first cell is test person `login` ("name" then login).
#[track_caller]
fn row_of(page: &Page, rows: &str, login: &str) -> Vec<String> {
    let all = page.rows(rows);
    all.iter()
        .find(|cells| {
            cells
                .first()
                .is_some_and(|c| *c == format!("{login} (test) {login}"))
        })
        .unwrap_or_else(|| panic!("{login} has a row in {rows}: {all:?}"))
        .clone()
}

#[tokio::test]
async fn an_organizer_runs_a_mentor_round_and_mentors_answer_their_proposals() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    // Nina and Dora speak only Finnish: Mira is the only mentor who can take them.
    let mira = mentor(&app, "mira", &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    let nina = newcomer(&app, "nina", &["fi"], &["pci"], "Europe/Helsinki").await;
    let dora = newcomer(&app, "dora", &["fi"], &["gpu-nova"], "Europe/Helsinki").await;
    // Nobody speaks Swahili here.
    newcomer(&app, "lone", &["sw"], &["pci"], "Africa/Nairobi").await;
    let otto = mentor(&app, "otto", &["en"], &["pci"], "Europe/Berlin").await;

    app.anonymous()
        .get("/organizer/rounds")
        .await
        .location()
        .expect("anonymous visitors are sent to sign in");
    let list = organizer.get("/organizer/rounds").await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.select_all(".round-start button"),
        ["Start a mentor round", "Start a task round"]
    );
    assert_eq!(list.input_values("kind"), ["mentors", "tasks"]);
    assert_eq!(list.select_text("p.empty"), "No rounds yet.");

    let round = start_round(&organizer, "mentors").await;
    let review = organizer.get(&round).await;
    assert_eq!(review.status, 200, "{}", review.body);
    assert_eq!(
        review.select_text("form.send-round button"),
        "Send proposals"
    );
    assert!(
        review
            .select_all("h3")
            .contains(&"Score distribution".to_string())
    );
    assert!(
        review
            .select_text(".optimality")
            .starts_with("This round is optimal over all"),
        "{}",
        review.select_text(".optimality")
    );
    let placed = names_in(&review, ".proposals-table");
    // Demo people are in the round too.
    assert!(placed.contains(&"Ana Ferreira".to_string()), "{placed:?}");
    // Newcomer, mentor, score, why.
    let nina_row = row_of(&review, ".proposals-table tbody tr", "nina");
    assert_eq!(nina_row[1], "mira (test) mira", "{nina_row:?}");
    assert!(nina_row[3].contains("both speak Finnish"), "{nina_row:?}");
    let unplaced = row_of(&review, "tr.unplaced", "lone");
    assert_eq!(unplaced[1], "no mentor shares a spoken language");
    let list = organizer.get("/organizer/rounds").await;
    assert_eq!(list.links(".rounds-table"), std::slice::from_ref(&round));
    assert_eq!(list.select_text(".rounds-table .badge"), "draft");
    list.assert_no_selector("p.empty");

    // Sending proposes the mentorships and says so.
    let sent = organizer.post_form(&format!("{round}/send"), &[]).await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let after = organizer.get(sent.location().unwrap()).await;
    assert_eq!(after.status, 200);
    let notice = after.select_text("[role=status]");
    assert!(
        notice.starts_with("Round sent:") && notice.contains("proposed"),
        "{notice}"
    );
    after.assert_no_selector("form.send-round");
    assert!(
        after
            .select_all(".proposals-table .badge")
            .iter()
            .all(|b| b == "proposed")
    );
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
    let proposals = desk.select_all("li.proposal h3");
    assert!(
        proposals.contains(&"nina (test) nina".to_string()),
        "{proposals:?}"
    );
    assert!(
        proposals.contains(&"dora (test) dora".to_string()),
        "{proposals:?}"
    );
    let facts = desk.select_all("li.proposal .facts dd");
    assert!(facts.contains(&"Finnish".to_string()), "{facts:?}");
    assert!(facts.contains(&"Europe/Helsinki".to_string()), "{facts:?}");
    assert!(facts.contains(&pci.name), "{facts:?}");
    assert!(
        desk.select_all("li.proposal .reasons li")
            .contains(&"both speak Finnish".to_string())
    );
    assert!(
        desk.attrs("li.proposal form", "action")
            .contains(&format!("/mentor/proposals/{}", nina_m.id))
    );
    assert_eq!(
        desk.select_text("section.desk-mentees p.empty"),
        "You have no active mentees yet."
    );

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
    let others = otto
        .get("/mentor/proposals")
        .await
        .select_all("li.proposal h3");
    assert!(
        !others.iter().any(|p| p.starts_with("nina (test)")),
        "{others:?}"
    );
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
    assert_eq!(desk.select_text("[role=status]"), "Proposal declined.");
    assert_eq!(desk.select_all("li.mentee strong"), ["nina (test)"]);
    let open = desk.attrs("li.proposal form", "action");
    for answered in [nina_m.id, dora_m.id] {
        assert!(
            !open.contains(&format!("/mentor/proposals/{answered}")),
            "{open:?}"
        );
    }
    // An answered proposal cannot be answered again.
    let page = mira
        .post_form(
            &format!("/mentor/proposals/{}", nina_m.id),
            &[("response", "decline")],
        )
        .await;
    assert_eq!(page.status, 409);

    // The round page follows the answers.
    let mut states = organizer
        .get(&round)
        .await
        .select_all(".proposals-table .badge");
    states.sort();
    states.dedup();
    assert!(
        states.contains(&"active".to_string()) && states.contains(&"ended".to_string()),
        "{states:?}"
    );

    // Dora is back in the pool, but never again with Mira; Nina, who has a mentor, is not.
    let next = start_round(&organizer, "mentors").await;
    let review = organizer.get(&next).await;
    let dora_row = row_of(&review, "tr.unplaced", "dora");
    assert_eq!(dora_row[1], "every mentor who fits declined them before");
    review.assert_no_text("nina (test)");
}

#[tokio::test]
async fn sending_reports_who_was_skipped() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    mentor(&app, "mira", &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    newcomer(&app, "nina", &["fi"], &["pci"], "Europe/Helsinki").await;

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
    assert!(
        page.select_text("[role=status]")
            .starts_with("Round sent: 0 mentorships proposed")
    );
    assert!(
        page.select_all("h2")
            .contains(&"Skipped when sent".to_string())
    );
    // The demo people were in both rounds too, so they are skipped beside Nina.
    let skipped = page.select_all("ul.skipped-list li");
    assert!(
        skipped.contains(&"nina (test) (nina)".to_string()),
        "{skipped:?}"
    );
    let nina_row = row_of(&page, ".proposals-table tbody tr", "nina");
    assert_eq!(
        nina_row.last().map(String::as_str),
        Some("skipped"),
        "the mentorship column: {nina_row:?}"
    );
}

#[tokio::test]
async fn a_task_round_lists_task_proposals() {
    let app = TestApp::start().await;
    let organizer = app.organizer("olga").await;
    let round = start_round(&organizer, "tasks").await;
    let page = organizer.get(&round).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.select_text("h1").ends_with(": tasks"), "{}", page.body);
    let proposed = page.links(".proposals-table");
    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    for (id, _) in blocked {
        let task = tasks::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert!(
            !proposed.contains(&format!("/tasks/{}", task.slug)),
            "{} is blocked",
            task.slug
        );
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
        .assert_selector("form.send-round");
    // Links: organizers see Rounds, mentors Proposals.
    let nav = organizer.get("/dashboard").await.links(".site-header nav");
    assert!(nav.contains(&"/organizer/rounds".to_string()), "{nav:?}");
    assert!(!nav.contains(&"/mentor/proposals".to_string()), "{nav:?}");
}

#[tokio::test]
async fn a_complete_newcomer_sees_suggestions_with_reasons_and_never_a_blocked_task() {
    // More suggestions than the default five: the dashboard shows as many as configured.
    let app = TestApp::builder()
        .config(|c| c.match_suggestions = 7)
        .start()
        .await;
    // Before the profile is complete (no languages or areas), no suggestions.
    let half = app.newcomer("half-done").await;
    let page = half.get("/dashboard").await;
    assert_eq!(
        page.select_text("a.button[href=\"/profile\"]"),
        "Complete your profile"
    );
    page.assert_no_selector(".suggestions");
    let nova = newcomer(
        &app,
        "nova-fan",
        &["en", "pt"],
        &["gpu-nova", "pci"],
        "Europe/Lisbon",
    )
    .await;

    let page = nova.get("/dashboard").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        page.select_all(".suggestions h2"),
        [
            "Mentors who fit you",
            "Tasks that fit you",
            "Tasks waiting on others"
        ]
    );
    // Marta mentors Nova and PCI; the reasons say why.
    let marta = page
        .select_all(".suggestions li.suggestion")
        .into_iter()
        .find(|s| s.contains("Marta"))
        .expect("Marta is suggested");
    assert!(marta.contains("shares 2 of your interests"), "{marta}");
    // Suggested tasks carry their reasons too.
    let reasons =
        page.select_all(".suggestion-list:not(.blocked-list) > li.suggestion > a ~ .reasons li");
    assert!(
        reasons.iter().any(|r| r.contains("one of your interests")),
        "{reasons:?}"
    );
    assert!(
        !reasons.iter().any(|r| r.contains("one of their interests")),
        "reasons speak to the newcomer who reads them: {reasons:?}"
    );
    assert!(
        page.select_text(".blocked-list .waiting")
            .contains("waits for ")
    );
    // A task that waits names the other task by its title, with a link to it.
    let waits_for = page.attrs(".blocked-list .waiting a", "href");
    assert!(
        !waits_for.is_empty() && waits_for.iter().all(|h| h.starts_with("/tasks/")),
        "{waits_for:?}"
    );

    // The suggested tasks are never blocked ones; the blocked ones are listed apart.
    let suggested = page.attrs(
        ".suggestion-list:not(.blocked-list) > li.suggestion > a",
        "href",
    );
    let waiting = page.links(".blocked-list");
    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    let mut shown_blocked = 0;
    for (id, _) in blocked {
        let task = tasks::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let link = format!("/tasks/{}", task.slug);
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
    assert!(
        suggested.len() > 5 && suggested.len() <= 7,
        "{} tasks suggested: {suggested:?}",
        suggested.len()
    );

    // A mentor's dashboard links to their proposals and suggests nothing.
    let page = app.mentor("max").await.get("/dashboard").await;
    assert!(
        page.links("main")
            .contains(&"/mentor/proposals".to_string())
    );
    page.assert_no_selector(".suggestions");
}

#[tokio::test]
async fn a_round_review_over_a_fixed_set_of_people_renders_as_committed() {
    // The seed catalog without its demo people, so the round holds exactly the people made here.
    let catalog = copy_catalog();
    std::fs::write(catalog.path().join("people.toml"), "# No demo people.\n").unwrap();
    let app = TestApp::builder()
        .config(|c| c.catalog_dir = catalog.path().to_path_buf())
        .start()
        .await;
    let organizer = app.organizer("olga").await;
    mentor(&app, "mira", &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    mentor(
        &app,
        "otto",
        &["en", "de"],
        &["gpu-nova", "pci"],
        "Europe/Berlin",
    )
    .await;
    newcomer(&app, "nina", &["fi"], &["pci"], "Europe/Helsinki").await;
    newcomer(&app, "dora", &["fi"], &["gpu-nova"], "Europe/Helsinki").await;
    newcomer(&app, "emil", &["de"], &["gpu-nova"], "Europe/Vienna").await;
    newcomer(&app, "lone", &["sw"], &["pci"], "Africa/Nairobi").await;

    let round = start_round(&organizer, "mentors").await;
    let review = organizer.get(&round).await;
    assert_eq!(review.status, 200, "{}", review.body);
    // Its own snapshot file: a change to the review's wording is re-accepted on its own.
    snapshot::settings().bind(|| insta::assert_snapshot!("round_review", review.body));
}
