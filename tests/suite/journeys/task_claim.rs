//! A newcomer claims a task from its page, marks the work done (after a note on a link that is not one), and
//! their mentor confirms it from their desk.

use super::describe;
use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn a_newcomer_claims_a_task_marks_it_done_and_the_mentor_confirms() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").create().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    describe(&app, mira.id, &["en"], &["pci"], "Europe/Berlin").await;
    describe(&app, nina.id, &["en"], &["pci"], "Europe/Berlin").await;
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    let task = factory::claimable_tasks(&app).await.remove(0);

    journey("task-claim", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("nina (test)").await;

        b.step("task");
        b.visit(&format!("/tasks/{}", task.slug)).await;
        assert_eq!(b.text("h1").await, task.title);
        b.follow("//button[normalize-space()='Claim this task']")
            .await;
        assert_eq!(b.text("h1").await, format!("Claim on {}", task.title));
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("The task is yours.")
        );
        assert_eq!(b.text(".claim-status").await, "active");

        b.step("done-invalid");
        b.fill(
            "Link to the evidence (the patch on lore.kernel.org, the merged commit)",
            "ftp://lore.kernel.org/patch",
        )
        .await;
        b.follow("//button[normalize-space()='Mark done']").await;
        assert!(b.text("#evidence_url-error").await.contains("https://"));
        assert_eq!(
            b.value_of("Link to the evidence (the patch on lore.kernel.org, the merged commit)")
                .await,
            "ftp://lore.kernel.org/patch",
            "what was typed is kept"
        );

        b.step("done");
        let link = "https://lore.kernel.org/rust-for-linux/20261202.1@example.org/";
        b.fill(
            "Link to the evidence (the patch on lore.kernel.org, the merged commit)",
            link,
        )
        .await;
        b.follow("//button[normalize-space()='Mark done']").await;
        assert!(b.text("[role=status]").await.starts_with("Marked done."));
        assert_eq!(b.text(".claim-status").await, "awaiting confirmation");

        b.step("dashboard");
        b.follow("//nav//a[normalize-space()='Dashboard']").await;
        assert_eq!(
            b.texts(".my-claims li a").await,
            std::slice::from_ref(&task.title)
        );
        b.step("timeline");
        b.follow("//a[normalize-space()='Your timeline']").await;
        assert_eq!(b.text("h1").await, "Your timeline");
        let events = b.texts(".timeline li").await;
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(
            events[0].contains("nina marked the task done"),
            "{events:?}"
        );
        assert!(
            events[2].contains("mira started the mentorship"),
            "{events:?}"
        );
        b.sign_out().await;

        b.step("mentor");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Proposals']").await;
        b.follow(&format!(
            "//ul[@class='claim-list']//a[normalize-space()='{}']",
            task.title
        ))
        .await;
        assert_eq!(b.text(".claim-facts dd.long a").await, link);

        b.step("confirmed");
        b.follow("//button[normalize-space()='Confirm']").await;
        assert!(b.text("[role=status]").await.starts_with("Work confirmed"));
        assert_eq!(b.text(".claim-status").await, "completed");
        let history = b.texts(".timeline li").await;
        assert_eq!(history.len(), 3, "{history:?}");
        assert!(history[0].contains("confirmed the work"), "{history:?}");
    })
    .await;
}
