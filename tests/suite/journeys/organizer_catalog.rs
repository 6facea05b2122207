//! An organizer keeps the catalog and the programme in the site: edits a task's prerequisites (a cycle is refused
//! with the cycle named, then fixed), retires a task, ends a newcomer's claim with a reason from the held tasks,
//! and ends a mentorship from the mentorships list.

use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn an_organizer_edits_the_catalog_ends_a_claim_and_a_mentorship() {
    let app = TestApp::start_without_demo_people().await;
    factory::organizer(&app, "olga").create().await;
    let nina = factory::newcomer(&app, "nina")
        .languages(&["en"])
        .create()
        .await;
    let mira = factory::mentor(&app, "mira")
        .languages(&["en"])
        .create()
        .await;
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    let free = factory::claimable_tasks(&app).await;
    let (required, waiting) = factory::prerequisite_pair(&app).await;
    let held = free.iter().find(|t| t.id != required.id).unwrap().clone();
    factory::claim(&app, &held.slug, nina.id).await;
    let to_retire = free
        .iter()
        .find(|t| t.id != required.id && t.id != held.id)
        .unwrap()
        .clone();

    journey("organizer-catalog", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("olga (test)").await;

        b.step("edit");
        b.visit(&format!("/tasks/{}", required.slug)).await;
        b.follow("//a[normalize-space()='Edit this task']").await;
        assert_eq!(b.text("h1").await, "Edit the task");
        b.fill(
            "Waits for (slugs of catalog tasks, comma-separated)",
            &waiting.slug,
        )
        .await;

        b.step("cycle");
        b.follow("//button[normalize-space()='Save the task']")
            .await;
        let note = b.text("#prerequisites-error").await;
        assert!(
            note.contains(&format!("{} → {}", required.title, waiting.title)),
            "{note}"
        );

        b.step("saved");
        b.fill("Waits for (slugs of catalog tasks, comma-separated)", "")
            .await;
        b.fill("Skills (comma-separated)", "rust, documentation")
            .await;
        b.follow("//button[normalize-space()='Save the task']")
            .await;
        assert_eq!(b.text("[role=status]").await, "Task saved.");
        assert_eq!(
            b.text(".organizer-actions .badge").await,
            "edited in the site"
        );

        b.step("retired");
        b.visit(&format!("/tasks/{}", to_retire.slug)).await;
        b.follow("//button[normalize-space()='Retire']").await;
        assert!(b.text("[role=status]").await.starts_with("Task retired"));

        b.step("held");
        b.follow("//nav//a[normalize-space()='Held tasks']").await;
        b.follow(&format!("//a[normalize-space()='{}']", held.title))
            .await;
        b.fill(
            "Reason, for the newcomer",
            "No news for a month; the task goes back to the pool",
        )
        .await;
        b.follow("//button[normalize-space()='End the claim']")
            .await;
        assert!(b.text("[role=status]").await.starts_with("Claim ended"));
        assert_eq!(b.text(".claim-status").await, "released");

        b.step("mentorships");
        b.visit("/organizer/mentorships").await;
        assert_eq!(b.texts(".mentorships-table tbody tr").await.len(), 1);
        b.fill(
            "Reason for ending the mentorship of nina (test)",
            "Mentor on leave",
        )
        .await;
        b.follow("//button[normalize-space()='End']").await;
        assert_eq!(b.text("[role=status]").await, "Mentorship ended.");
        assert!(b.find_all(".mentorships-table").await.is_empty());
    })
    .await;
}
