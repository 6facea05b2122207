//! A task round's offer: the newcomer takes the task offered on their dashboard; and a mentor gives a mentee's
//! expiring claim more time, with a reason.

use chrono::Duration;

use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn a_newcomer_takes_an_offered_task_and_a_mentor_extends_an_expiring_claim() {
    let app = TestApp::start_without_demo_people().await;
    let org = factory::organizer(&app, "olga").create().await;
    factory::newcomer(&app, "nina")
        .languages(&["en"])
        .areas(&["pci"])
        .create()
        .await;
    let (_, sent) = factory::sent_task_round(&app, org.id).await;
    assert_eq!(sent.proposed, 1);
    // Dora, mentored by Mira, holds a claim that has gone quiet long enough to be marked as expiring.
    let mira = factory::mentor(&app, "mira")
        .languages(&["en"])
        .create()
        .await;
    let dora = factory::newcomer(&app, "dora")
        .languages(&["en"])
        .create()
        .await;
    factory::claimed_from_queue(&app, mira.id, dora.id).await;
    let quiet = factory::claimable_tasks(&app).await.remove(0);
    let claim = factory::claim(&app, &quiet.slug, dora.id).await;
    let policy = app.state.config.claims();
    app.run_jobs_at(
        claim.expires_at - Duration::days(policy.warning_days.into()) + Duration::hours(1),
    )
    .await;

    journey("task-offer", app, |b| async move {
        b.step("offer");
        b.sign_in_as("nina (test)").await;
        assert_eq!(b.text(".offers h2").await, "Tasks offered to you");
        let offered = b.text(".offers li.offer > a").await;
        assert!(
            !b.texts(".offers .reasons li").await.is_empty(),
            "the offer says why"
        );

        b.step("taken");
        b.follow("//button[normalize-space()='Take this task']")
            .await;
        assert_eq!(b.text("h1").await, format!("Claim on {offered}"));
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("The task is yours.")
        );
        b.sign_out().await;

        b.step("mentor");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Proposals']").await;
        b.follow(&format!(
            "//ul[@class='claim-list']//a[normalize-space()='{}']",
            quiet.title
        ))
        .await;
        assert_eq!(b.text(".claim-status").await, "expiring");

        b.step("extended");
        b.fill("Why", "Waiting for the test board to arrive").await;
        b.follow("//button[normalize-space()='Extend']").await;
        assert_eq!(b.text("[role=status]").await, "Claim extended.");
        assert_eq!(b.text(".claim-status").await, "active");
        assert!(
            b.find_all("//button[normalize-space()='Extend']")
                .await
                .is_empty(),
            "only once"
        );
    })
    .await;
}
