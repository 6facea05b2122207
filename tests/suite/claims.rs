//! Task claims through the site: claiming from the task page, the limit per newcomer, prerequisites, releasing,
//! marking work done with evidence and confirming it, expiry by the job queue with one extension, organizers
//! ending a claim, and many newcomers racing for one task.

use chrono::{Duration, Utc};
use onramp::db::claims::ClaimState;
use onramp::db::tasks::{self, TaskState};
use onramp::db::user_roles::Role;
use onramp::db::{events, task_prerequisites};
use onramp::domain::events::EventKind;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::support::{Actor, Page, TestApp, assert_one_winner, factory};

async fn task(app: &TestApp, slug: &str) -> tasks::Model {
    tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// The claim id a redirect to the claim page names.
fn claim_id(page: &Page) -> i32 {
    assert_eq!(page.status, 303, "{}", page.body);
    let loc = page.location().expect("a redirect");
    loc.trim_start_matches("/claims/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("not a claim page: {loc}"))
}

async fn claim_from_task_page(who: &Actor, slug: &str) -> Page {
    let page = who.get(&format!("/tasks/{slug}")).await;
    page.assert_selector(&format!("form[action=\"/tasks/{slug}/claim\"] button"));
    who.post_form(&format!("/tasks/{slug}/claim"), &[]).await
}

async fn event_kinds(app: &TestApp, claim: i32) -> Vec<EventKind> {
    events::Entity::find()
        .filter(events::Column::ClaimId.eq(claim))
        .order_by_asc(events::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// Mira mentoring Nina (the mentorship made by a sent round and accepted), both signed in.
async fn mentor_and_mentee(app: &TestApp) -> (Actor, Actor) {
    let org = factory::organizer(app, "olga").create().await;
    let mentor = factory::mentor(app, "mira")
        .languages(&["en"])
        .sign_in()
        .await;
    let nina = factory::newcomer(app, "nina")
        .languages(&["en"])
        .sign_in()
        .await;
    factory::accepted_mentorship(app, org.id, nina.user_id.unwrap(), mentor.user_id.unwrap()).await;
    (mentor, nina)
}

#[tokio::test]
async fn a_newcomer_claims_a_task_holds_one_at_a_time_and_releases_it() {
    let app = TestApp::start().await;
    let nina = app.newcomer("nina").await;
    let free = factory::claimable_tasks(&app).await;
    let (first, second) = (&free[0], &free[1]);

    let id = claim_id(&claim_from_task_page(&nina, &first.slug).await);
    let page = nina.get(&format!("/claims/{id}?did=claimed")).await;
    assert_eq!(page.heading(), format!("Claim on {}", first.title));
    assert!(page.notices()[0].starts_with("The task is yours."));
    assert_eq!(page.select_text(".claim-status"), "active");
    assert_eq!(task(&app, &first.slug).await.state, TaskState::Claimed);
    // The task page and the dashboard say so; the catalog shows it claimed to everyone.
    let page = nina.get(&format!("/tasks/{}", first.slug)).await;
    assert_eq!(page.links(".claim-box"), [format!("/claims/{id}")]);
    let page = nina.get("/dashboard").await;
    assert_eq!(
        page.select_all(".my-claims li a"),
        std::slice::from_ref(&first.title)
    );
    let page = app.anonymous().get(&format!("/tasks/{}", first.slug)).await;
    page.assert_no_selector(".claim-box form");
    assert_eq!(page.select_text(".claim-box p"), "This task is claimed.");

    // One active claim per newcomer by default: the second task says why, and claiming it anyway is refused.
    let page = nina.get(&format!("/tasks/{}", second.slug)).await;
    page.assert_no_selector(".claim-box form");
    assert!(
        page.select_text(".claim-box p")
            .starts_with("You hold 1 active claim")
    );
    let refused = nina
        .post_form(&format!("/tasks/{}/claim", second.slug), &[])
        .await;
    assert_eq!(refused.status, 409);
    refused.assert_error_page("That changed meanwhile", "You already hold 1 active claim");

    // Releasing opens the task again, and the newcomer may claim another.
    let page = nina.post_form(&format!("/claims/{id}/release"), &[]).await;
    assert_eq!(
        page.location(),
        Some(format!("/claims/{id}?did=released").as_str())
    );
    let page = nina.get(&format!("/claims/{id}")).await;
    assert_eq!(page.select_text(".claim-status"), "released");
    page.assert_no_selector(".claim-forms");
    assert_eq!(task(&app, &first.slug).await.state, TaskState::Open);
    claim_id(&claim_from_task_page(&nina, &second.slug).await);
    assert_eq!(
        event_kinds(&app, id).await,
        [EventKind::Claimed, EventKind::Released]
    );
}

#[tokio::test]
async fn a_task_that_waits_for_another_cannot_be_claimed_until_that_one_is_done() {
    let app = TestApp::start().await;
    let (required, waiting) = factory::prerequisite_pair(&app).await;
    let nina = app.newcomer("nina").await;
    let page = nina.get(&format!("/tasks/{}", waiting.slug)).await;
    page.assert_no_selector(".claim-box form");
    let refused = nina
        .post_form(&format!("/tasks/{}/claim", waiting.slug), &[])
        .await;
    assert_eq!(refused.status, 409);
    // The refusal names what it waits for by title.
    refused.assert_error_page("That changed meanwhile", &required.title);
    assert_eq!(task(&app, &waiting.slug).await.state, TaskState::Open);
}

#[tokio::test]
async fn work_marked_done_with_evidence_is_confirmed_by_the_mentor_and_unblocks_what_waited() {
    let app = TestApp::start_without_demo_people().await;
    let (mentor, nina) = mentor_and_mentee(&app).await;
    // A required task that waits for nothing itself, and a task that waits only for it.
    let edges = task_prerequisites::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let free = factory::claimable_tasks(&app).await;
    let (required, waiting) = edges
        .iter()
        .find_map(|e| {
            let only = edges.iter().filter(|o| o.task_id == e.task_id).count() == 1;
            let req = free.iter().find(|t| t.id == e.requires_id)?;
            only.then_some((req.clone(), e.task_id))
        })
        .expect("a task that waits for one claimable task");
    let waiting = tasks::Entity::find_by_id(waiting)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();

    let id = claim_id(&claim_from_task_page(&nina, &required.slug).await);
    // A bad link is refused beside its field, with what was typed kept and nothing changed.
    let page = nina
        .post_form(
            &format!("/claims/{id}/done"),
            &[("evidence_url", "lore.kernel.org/patch")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("evidence_url")
            .unwrap()
            .contains("https://")
    );
    assert_eq!(
        page.input_value("evidence_url").as_deref(),
        Some("lore.kernel.org/patch")
    );
    assert_eq!(factory::claim_row(&app, id).await.done_at, None);

    let evidence = "https://lore.kernel.org/rust-for-linux/20261202.1@example.org/";
    let page = nina
        .post_form(&format!("/claims/{id}/done"), &[("evidence_url", evidence)])
        .await;
    assert_eq!(page.status, 303);
    let page = mentor.get(&format!("/claims/{id}")).await;
    assert_eq!(page.select_text(".claim-status"), "awaiting confirmation");
    assert_eq!(page.links(".claim-facts dd.long"), [evidence]);
    // The mentor's desk lists it; the mentor confirms.
    let desk = mentor.get("/mentor/proposals").await;
    assert_eq!(desk.links(".claim-list"), [format!("/claims/{id}")]);
    let page = mentor
        .post_form(&format!("/claims/{id}/confirm"), &[])
        .await;
    assert_eq!(
        page.location(),
        Some(format!("/claims/{id}?did=confirmed").as_str())
    );
    assert_eq!(
        factory::claim_row(&app, id).await.state,
        ClaimState::Completed
    );
    assert_eq!(task(&app, &required.slug).await.state, TaskState::Done);
    // The task that waited is unblocked, and the newcomer may claim it.
    let page = nina.get(&format!("/tasks/{}", waiting.slug)).await;
    page.assert_no_selector(".notice.blocked");
    page.assert_selector(&format!("form[action=\"/tasks/{}/claim\"]", waiting.slug));
    assert_eq!(
        event_kinds(&app, id).await,
        [
            EventKind::Claimed,
            EventKind::Completed,
            EventKind::Confirmed
        ]
    );
}

#[tokio::test]
async fn a_claim_without_progress_is_marked_expiring_extended_once_then_expires() {
    let app = TestApp::start_without_demo_people().await;
    let policy = app.state.config.claims();
    let (mentor, nina) = mentor_and_mentee(&app).await;
    let slug = factory::claimable_tasks(&app).await[0].slug.clone();
    let id = claim_id(&claim_from_task_page(&nina, &slug).await);
    let claimed = factory::claim_row(&app, id).await;
    assert_eq!(
        claimed.expires_at - claimed.claimed_at,
        Duration::days(policy.days.into())
    );

    // Nothing is due yet.
    app.run_jobs_at(Utc::now()).await;
    assert_eq!(factory::claim_row(&app, id).await.warned_at, None);
    // At the warning time the claim is marked as expiring, and the newcomer's page says so.
    let warn_at = claimed.expires_at - Duration::days(policy.warning_days.into());
    app.run_jobs_at(warn_at + Duration::minutes(1)).await;
    let page = nina.get(&format!("/claims/{id}")).await;
    assert_eq!(page.select_text(".claim-status"), "expiring");
    assert!(
        page.select_text(".notice.blocked")
            .starts_with("This claim expires on")
    );

    // The mentor extends it, once, with a reason; an empty reason is refused beside its field.
    let page = mentor
        .post_form(&format!("/claims/{id}/extend"), &[("reason", " ")])
        .await;
    assert_eq!(page.status, 422);
    assert!(page.field_error("extend_reason").is_some());
    let page = mentor
        .post_form(
            &format!("/claims/{id}/extend"),
            &[("reason", "Waiting for hardware")],
        )
        .await;
    assert_eq!(page.status, 303);
    let extended = factory::claim_row(&app, id).await;
    assert_eq!(
        extended.expires_at,
        claimed.expires_at + Duration::days(policy.extension_days.into())
    );
    assert_eq!(extended.warned_at, None);
    let again = mentor
        .post_form(
            &format!("/claims/{id}/extend"),
            &[("reason", "Still waiting")],
        )
        .await;
    assert_eq!(again.status, 409);
    again.assert_error_page("That changed meanwhile", "already been extended once");

    // The old expiry passes without effect; the new one expires the claim and opens the task.
    app.run_jobs_at(claimed.expires_at + Duration::hours(1))
        .await;
    assert_eq!(factory::claim_row(&app, id).await.state, ClaimState::Active);
    app.run_jobs_at(extended.expires_at + Duration::hours(1))
        .await;
    assert_eq!(
        factory::claim_row(&app, id).await.state,
        ClaimState::Expired
    );
    assert_eq!(task(&app, &slug).await.state, TaskState::Open);
    assert_eq!(
        event_kinds(&app, id).await,
        [
            EventKind::Claimed,
            EventKind::Expiring,
            EventKind::Extended,
            EventKind::Expiring,
            EventKind::Expired
        ]
    );
    // Running the queue again changes nothing: each step ran once.
    app.run_jobs_at(extended.expires_at + Duration::days(30))
        .await;
    assert_eq!(event_kinds(&app, id).await.len(), 5);
}

#[tokio::test]
async fn an_organizer_sees_who_holds_what_and_ends_a_claim_with_a_reason() {
    let app = TestApp::start().await;
    let org = app.organizer("olga").await;
    let nina = app.newcomer("nina").await;
    let slug = factory::claimable_tasks(&app).await[0].slug.clone();
    let id = claim_id(&claim_from_task_page(&nina, &slug).await);

    let page = org.get("/organizer/claims").await;
    let rows = page.rows(".claims-table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0][1].starts_with("nina"));
    let page = org.get(&format!("/tasks/{slug}")).await;
    assert_eq!(page.links(".claim-box"), [format!("/claims/{id}")]);

    let page = org
        .post_form(&format!("/claims/{id}/end"), &[("reason", "")])
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("end_reason")
            .unwrap()
            .starts_with("Give a reason")
    );
    assert_eq!(factory::claim_row(&app, id).await.state, ClaimState::Active);
    let reason = "No activity since the kick-off call";
    let page = org
        .post_form(&format!("/claims/{id}/end"), &[("reason", reason)])
        .await;
    assert_eq!(page.status, 303);
    let row = factory::claim_row(&app, id).await;
    assert_eq!(
        (row.state, row.ended_reason.as_deref()),
        (ClaimState::Released, Some(reason))
    );
    // The newcomer reads the reason on their claim and in its history.
    let page = nina.get(&format!("/claims/{id}")).await;
    assert!(page.select_text(".claim-facts").contains(reason));
    assert_eq!(page.select_text(".event-force_released q"), reason);
    assert!(
        org.get("/organizer/claims")
            .await
            .rows(".claims-table tbody tr")
            .is_empty()
    );
}

#[tokio::test]
async fn fifty_newcomers_claiming_one_task_at_once_give_exactly_one_claim() {
    let app = TestApp::start().await;
    let slug = factory::claimable_tasks(&app).await[0].slug.clone();
    let mut people = Vec::new();
    for n in 0..50 {
        people.push(app.person(&format!("racer-{n}"), &[Role::Newcomer]).await);
    }
    let path = format!("/tasks/{slug}/claim");
    let pages = futures::future::join_all(people.iter().map(|p| p.post_form(&path, &[]))).await;
    assert_one_winner(&pages, "Someone else claimed this task");
    let active = onramp::db::claims::Entity::find()
        .filter(onramp::db::claims::Column::State.eq(ClaimState::Active))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(active.len(), 1);
}

#[tokio::test]
async fn a_task_rounds_placements_become_offers_that_newcomers_take_or_decline() {
    let app = TestApp::start_without_demo_people().await;
    let org = factory::organizer(&app, "olga").create().await;
    let nina = factory::newcomer(&app, "nina")
        .languages(&["en"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let dora = factory::newcomer(&app, "dora")
        .languages(&["en"])
        .areas(&["pci"])
        .sign_in()
        .await;
    let (round, sent) = factory::sent_task_round(&app, org.id).await;
    assert_eq!(sent.proposed, 2, "{sent:?}");

    // Each newcomer finds their offer on the dashboard, with why it fits them.
    let page = nina.get("/dashboard").await;
    let offered = page.select_all(".offers li.offer > a");
    assert_eq!(offered.len(), 1);
    assert!(!page.select_all(".offers .reasons li").is_empty());
    let nina_offer = page.attrs(".offers form", "action")[0].clone();
    let dora_offer = dora.get("/dashboard").await.attrs(".offers form", "action")[0].clone();
    // Nobody answers another's offer.
    let other = dora.post_form(&nina_offer, &[("answer", "accept")]).await;
    assert_eq!(other.status, 404);

    // Nina takes hers: it becomes her claim. Dora declines: her task stays open.
    let page = nina.post_form(&nina_offer, &[("answer", "accept")]).await;
    let id = claim_id(&page);
    let claim = factory::claim_row(&app, id).await;
    let task_title = tasks::Entity::find_by_id(claim.task_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .title;
    assert_eq!(offered, [task_title]);
    assert_eq!(
        event_kinds(&app, id).await,
        [EventKind::Claimed, EventKind::OfferAccepted]
    );
    nina.get("/dashboard").await.assert_no_selector(".offers");
    let page = dora.post_form(&dora_offer, &[("answer", "decline")]).await;
    assert_eq!(page.location(), Some("/dashboard?did=declined"));
    let dash = dora.get("/dashboard?did=declined").await;
    assert!(dash.notices()[0].starts_with("Offer declined."));
    dash.assert_no_selector(".offers");
    let again = dora.post_form(&dora_offer, &[("answer", "accept")]).await;
    assert_eq!(again.status, 409);
    // The round's page shows where each offer stands.
    let organizer = factory::organizer(&app, "otto").sign_in().await;
    let page = organizer.get(&format!("/organizer/rounds/{round}")).await;
    let mut states = page.select_all(".proposals-table tbody td:last-child .badge");
    states.sort();
    assert_eq!(states, ["accepted", "declined"]);
    page.assert_no_selector(".skipped-list");
}

#[tokio::test]
async fn an_offer_is_withdrawn_when_someone_else_claims_its_task_first() {
    let app = TestApp::start_without_demo_people().await;
    let org = factory::organizer(&app, "olga").create().await;
    let dora = factory::newcomer(&app, "dora")
        .languages(&["en"])
        .areas(&["pci"])
        .sign_in()
        .await;
    factory::sent_task_round(&app, org.id).await;
    let page = dora.get("/dashboard").await;
    let offer = page.attrs(".offers form", "action")[0].clone();
    let task_path = page.links(".offers li.offer")[0].clone();
    let slug = task_path.trim_start_matches("/tasks/").to_string();

    // Zoe, who was offered nothing, claims that task from its page first.
    let zoe = app.newcomer("zoe").await;
    claim_id(&zoe.post_form(&format!("/tasks/{slug}/claim"), &[]).await);
    dora.get("/dashboard").await.assert_no_selector(".offers");
    let late = dora.post_form(&offer, &[("answer", "accept")]).await;
    assert_eq!(late.status, 409);
    late.assert_error_page("That changed meanwhile", "already been answered");
}
