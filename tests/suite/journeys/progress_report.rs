//! A mentor completes a progress report (after a note on a missing assessment), the newcomer adds their view, and
//! an organizer finds it in the review queue, reads it beside the timeline and marks it reviewed and pauses the newcomer, then looks at
//! the programme dashboard for the newcomer's area.

use super::describe;
use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn a_mentor_completes_a_report_the_newcomer_adds_a_view_and_an_organizer_reviews_it() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").create().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    factory::organizer(&app, "olga").create().await;
    describe(&app, mira.id, &["en"], &["pci"], "Europe/Berlin").await;
    describe(&app, nina.id, &["en"], &["pci"], "Europe/Berlin").await;
    let report = factory::report(&app, nina.id, mira.id).await;

    journey("progress-report", app, |b| async move {
        b.step("mentees");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Mentees']").await;
        assert_eq!(b.texts("#due-title").await, ["Reports to write"]);
        b.follow(&format!("//a[@href='/reports/{report}']")).await;
        assert_eq!(b.text("h1").await, "Progress report: nina");

        b.step("submit-invalid");
        b.fill("Your comment", "A quiet first month").await;
        b.follow("//button[normalize-space()='Submit the report']")
            .await;
        assert!(
            b.text("#assessment-error")
                .await
                .starts_with("Choose how the period went")
        );
        assert_eq!(b.value_of("Your comment").await, "A quiet first month");

        b.step("submit");
        b.tick("Needs help").await;
        b.follow("//button[normalize-space()='Submit the report']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("Report submitted.")
        );
        assert_eq!(
            b.text(".report-facts .badge[class*='assessment-']").await,
            "Needs help"
        );
        b.sign_out().await;

        b.step("view");
        b.sign_in_as("nina (test)").await;
        b.follow("//nav//a[normalize-space()='Progress']").await;
        b.follow(&format!("//a[@href='/reports/{report}']")).await;
        b.fill(
            "How the period went for you",
            "Setting up took longer than I thought",
        )
        .await;
        b.follow("//button[normalize-space()='Save your view']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("Your view is added")
        );
        b.sign_out().await;

        b.step("queue");
        b.sign_in_as("olga (test)").await;
        b.follow("//nav//a[normalize-space()='Reports']").await;
        assert_eq!(b.text("h1").await, "Progress reports");
        b.follow(&format!("//a[@href='/reports/{report}']")).await;
        assert!(
            b.text("main")
                .await
                .contains("Setting up took longer than I thought")
        );

        b.step("review");
        b.fill("Your note", "Offer a pairing session").await;
        b.follow("//button[normalize-space()='Mark reviewed']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("Report reviewed.")
        );
        assert!(b.text(".report-state").await.starts_with("reviewed"));

        b.step("pause");
        b.fill("Reason, for the newcomer", "Exams until January")
            .await;
        b.follow("//button[normalize-space()='Pause']").await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("The newcomer is paused")
        );
        assert_eq!(
            b.text(".report-facts .badge[class*='progress-']").await,
            "Paused"
        );

        b.step("programme");
        b.follow("//nav//a[normalize-space()='Programme']").await;
        assert_eq!(b.text("h1").await, "Programme");
        assert_eq!(
            b.texts("#funnel-title ~ table tbody th").await[0],
            "Signed up"
        );
        b.choose("Area of interest", "PCI").await;
        b.follow("//form[contains(@class,'filters')]//button[normalize-space()='Apply']")
            .await;
        assert!(b.path().await.contains("area=pci"), "{}", b.path().await);
        // Nina is interested in PCI, so the filtered funnel counts her.
        let signed_up: i64 = b.texts("#funnel-title ~ table tbody td").await[0]
            .parse()
            .unwrap();
        assert!(signed_up >= 1);
    })
    .await;
}
