//! A newcomer checks in with a blocker and records a milestone (after a note on a link of the wrong kind); their
//! mentor finds them at the top of their mentees, replies and asks about the milestone; the newcomer answers and
//! the mentor verifies it.

use super::describe;
use crate::support::browser::journey;
use crate::support::{TestApp, factory};

#[tokio::test]
async fn a_newcomer_checks_in_and_records_a_milestone_that_the_mentor_questions_then_verifies() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").create().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    describe(&app, mira.id, &["en"], &["pci"], "Europe/Berlin").await;
    describe(&app, nina.id, &["en"], &["pci"], "Europe/Berlin").await;
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    let nina_id = nina.id;

    journey("progress", app, |b| async move {
        b.step("progress");
        b.sign_in_as("nina (test)").await;
        b.follow("//nav//a[normalize-space()='Progress']").await;
        assert_eq!(b.text("h1").await, "Your progress");
        assert_eq!(b.text(".progress-facts .badge").await, "On track");

        b.step("check-in");
        b.fill(
            "What you did since the last check-in",
            "Built the kernel with CONFIG_RUST",
        )
        .await;
        b.fill(
            "What blocks you (leave empty if nothing does)",
            "QEMU hangs at boot",
        )
        .await;
        b.fill("What comes next", "Load rust_minimal").await;
        b.follow("//button[normalize-space()='Check in']").await;
        assert!(b.text("[role=status]").await.starts_with("Check-in saved."));
        assert_eq!(b.text(".progress-facts .badge").await, "Blocked");
        assert_eq!(b.text(".check-in .blocked").await, "QEMU hangs at boot");

        b.step("milestone-invalid");
        b.click("//li[@id='m-patch-sent']//summary[normalize-space()='Record this milestone']")
            .await;
        let evidence =
            "Evidence for send the patch (a lore.kernel.org message or a patchwork patch)";
        let pr = "https://github.com/Rust-for-Linux/linux/pull/1050";
        b.fill(evidence, pr).await;
        b.fill("Note on send the patch", "v1 is on the list").await;
        b.follow("//li[@id='m-patch-sent']//button[normalize-space()='Record']")
            .await;
        assert!(
            b.text("#record-patch-sent-url-error")
                .await
                .ends_with("that link is a GitHub pull request.")
        );
        assert_eq!(b.value_of(evidence).await, pr, "what was typed is kept");

        b.step("milestone");
        let lore = "https://lore.kernel.org/rust-for-linux/20261202.1-1-nina@example.org/";
        b.fill(evidence, lore).await;
        b.follow("//li[@id='m-patch-sent']//button[normalize-space()='Record']")
            .await;
        assert!(
            b.text("[role=status]")
                .await
                .starts_with("Milestone recorded.")
        );
        assert_eq!(
            b.text("#m-patch-sent .badge").await,
            "waiting for the mentor"
        );
        b.sign_out().await;

        b.step("mentees");
        b.sign_in_as("mira (test)").await;
        b.follow("//nav//a[normalize-space()='Mentees']").await;
        assert_eq!(b.text("h1").await, "Your mentees");
        let row = b.texts(".mentees-table tbody tr td").await;
        assert!(row[1].starts_with("Blocked"), "{row:?}");
        assert_eq!(row[3], "1 check-in, 1 milestone");
        b.follow("//a[normalize-space()='nina (test)']").await;
        assert_eq!(b.path().await, format!("/people/{nina_id}/progress"));

        b.step("reply");
        let today = chrono::Utc::now().date_naive().to_string();
        b.fill(
            &format!("Reply to the check-in of {today}"),
            "Try -nographic and console=ttyS0",
        )
        .await;
        b.follow("//form[contains(@class,'reply-form')]//button[normalize-space()='Reply']")
            .await;
        assert!(b.text("[role=status]").await.starts_with("Reply sent."));

        b.step("question");
        b.fill(
            "Or ask about send the patch",
            "Did you Cc the PCI maintainers?",
        )
        .await;
        b.follow("//button[normalize-space()='Ask']").await;
        assert!(b.text("[role=status]").await.starts_with("Question sent."));
        assert_eq!(b.text("#m-patch-sent .badge").await, "questioned");
        b.sign_out().await;

        b.step("answer");
        b.sign_in_as("nina (test)").await;
        b.visit("/progress").await;
        b.fill("Your answer on send the patch", "Yes, Bjorn and the list")
            .await;
        b.follow("//button[normalize-space()='Answer']").await;
        assert!(b.text("[role=status]").await.starts_with("Answer sent."));
        b.sign_out().await;

        b.step("verify");
        b.sign_in_as("mira (test)").await;
        b.visit(&format!("/people/{nina_id}/progress")).await;
        b.follow("//button[normalize-space()='Verify send the patch']")
            .await;
        assert_eq!(b.text("#m-patch-sent .badge").await, "verified");
        let events = b.texts(".timeline li").await;
        assert!(
            events[0].contains("mira verified the milestone Send the patch"),
            "{events:?}"
        );
    })
    .await;
}
