//! An organizer finds people among many: follows the waiting mentor applications, approves one and comes back to
//! the same filtered list, searches and filters by role, pages through the results with the search kept, and
//! finds the approval in the audit log by its action.

use onramp::services::synthetic;

use crate::support::TestApp;
use crate::support::browser::journey;

#[tokio::test]
async fn an_organizer_searches_filters_and_pages_through_people() {
    let app = TestApp::start().await;
    // Sixty people more than a page holds with the demo people, and one mentor application.
    synthetic::seed_synthetic(&app.db, 60, 0, 5)
        .await
        .expect("seed people");
    let zara = app.newcomer("zara").await;
    let applied = zara
        .post_form(
            "/mentor/profile",
            &[
                ("expertise", "pci"),
                ("languages", "en"),
                ("timezone", "Europe/Berlin"),
                ("capacity", "2"),
                ("bio", "I review PCI abstractions."),
            ],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);

    journey("organizer-people", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("Olivia Grant").await;

        b.step("applications");
        b.follow("//nav//a[normalize-space()='People']").await;
        assert_eq!(b.text("h1").await, "People");
        b.follow("//p[@class='applications']/a").await;
        assert_eq!(b.path().await, "/organizer/people?state=applied");
        assert_eq!(
            b.texts(".people-table tbody td:first-child strong").await,
            ["zara (test)"]
        );

        b.step("approved");
        b.follow("//button[normalize-space()='Approve mentor']")
            .await;
        assert_eq!(
            b.path().await,
            "/organizer/people?state=applied",
            "back to the same filtered list"
        );
        assert_eq!(
            b.text(".people-table td.empty").await,
            "No one matches these filters. Show everyone"
        );

        b.step("search");
        b.fill("Search", "synthetic-n-0004").await;
        b.choose("State", "any").await;
        b.choose("Role", "newcomer").await;
        b.follow("//button[normalize-space()='Find']").await;
        assert_eq!(b.text("p.count").await, "10 people match.");
        assert_eq!(
            b.texts(".people-table tbody td:first-child small a")
                .await
                .len(),
            10
        );

        b.step("pages");
        b.fill("Search", "synthetic").await;
        b.follow("//button[normalize-space()='Find']").await;
        assert_eq!(b.text("p.count").await, "60 people match.");
        assert_eq!(
            b.text("nav[aria-label=Pages] p").await,
            "Page 1 of 2 (1–50 of 60)"
        );
        b.follow("//nav[@aria-label='Pages']//a[normalize-space()='Next page']")
            .await;
        assert_eq!(
            b.text("nav[aria-label=Pages] p").await,
            "Page 2 of 2 (51–60 of 60)"
        );
        assert_eq!(b.value_of("Search").await, "synthetic");
        assert_eq!(b.value_of("Role").await, "newcomer");
        let path = b.path().await;
        assert!(
            path.contains("q=synthetic")
                && path.contains("role=newcomer")
                && path.ends_with("page=2"),
            "{path}"
        );

        b.step("audit");
        b.visit("/organizer/audit").await;
        b.choose("Action", "mentor.approved").await;
        b.follow("//button[normalize-space()='Find']").await;
        assert_eq!(b.text("p.count").await, "1 entry matches, newest first.");
        assert!(
            b.text(".audit-table tbody td:nth-child(4)")
                .await
                .contains("(zara)"),
            "the subject is named"
        );
    })
    .await;
}
