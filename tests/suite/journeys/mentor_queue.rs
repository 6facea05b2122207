//! A mentor opens their queue, passes on one newcomer and claims another, who then finds their mentor on the
//! dashboard and ends the mentorship with a reason; a second newcomer asks the mentor, who accepts with a word.

use super::describe;
use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn a_mentor_claims_from_the_queue_and_a_newcomer_asks_for_a_mentor() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira").create().await;
    describe(&app, mira.id, &["en", "fi"], &["pci"], "Europe/Helsinki").await;
    let nina = factory::newcomer(&app, "nina").create().await;
    describe(&app, nina.id, &["fi"], &["pci"], "Europe/Helsinki").await;
    let dora = factory::newcomer(&app, "dora").create().await;
    describe(&app, dora.id, &["en"], &["pci"], "Europe/Berlin").await;
    let pia = factory::newcomer(&app, "pia").create().await;
    describe(&app, pia.id, &["en"], &["pci"], "Europe/Berlin").await;

    journey("mentor-queue", app, |b| async move {
        b.step("queue");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Queue']").await;
        assert_eq!(b.text("h1").await, "Your queue");
        let cards = b.texts(".queue-card h2").await;
        assert_eq!(cards.len(), 3, "{cards:?}");
        assert!(
            cards[0].starts_with("nina (test)"),
            "the best fit first: {cards:?}"
        );

        b.step("passed");
        b.follow("//li[h2[starts-with(., 'dora (test)')]]//button[normalize-space()='Pass']")
            .await;
        assert!(b.text("[role=status]").await.starts_with("Passed"));
        assert_eq!(b.texts(".queue-card h2").await.len(), 2);

        b.step("claimed");
        b.follow("//button[normalize-space()='Claim nina (test)']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("You are their mentor now")
        );
        assert_eq!(b.text(".queue-room").await, "You mentor 1 of 3.");
        b.sign_out().await;

        b.step("newcomer-ends");
        b.sign_in_as("nina (test)").await;
        assert!(
            b.text(".my-mentor p")
                .await
                .starts_with("mira (test) mira mentors you")
        );
        b.click("//summary[normalize-space()='End this mentorship']")
            .await;
        b.fill("Reason", "I found a task closer to my work").await;
        b.follow("//button[normalize-space()='End the mentorship']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("Mentorship ended.")
        );
        assert!(
            b.text(".my-mentor p")
                .await
                .contains("I found a task closer to my work")
        );
        b.sign_out().await;

        b.step("newcomer-asks");
        b.sign_in_as("pia (test)").await;
        b.click("//summary[normalize-space()='Ask mira (test) to mentor you']")
            .await;
        b.fill(
            "A word about what you hope to do (optional)",
            "I want to learn the PCI bindings.",
        )
        .await;
        b.follow("//button[normalize-space()='Send the request']")
            .await;
        assert!(b.text("[role=status]").await.starts_with("Request sent."));
        b.sign_out().await;

        b.step("mentor-accepts");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Proposals']").await;
        assert_eq!(
            b.text(".request-message").await,
            "I want to learn the PCI bindings."
        );
        b.fill("A word for pia (test) (optional)", "Happy to help!")
            .await;
        b.follow("//button[normalize-space()='Accept']").await;
        assert_eq!(b.text("[role=status]").await, "Proposal accepted.");
        assert_eq!(b.texts("li.mentee strong").await, ["pia (test)"]);
    })
    .await;
}
