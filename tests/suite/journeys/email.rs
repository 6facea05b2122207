//! Email as people meet it. A newcomer reads the mail the demo kept for her, follows its unsubscribe link
//! (without signing in, as from a mail client), and finds that kind off in her settings, where she turns
//! another off. An organizer finds a failed email with its error and retries it, previews the next nudge pass
//! with every email written out, runs it, and finds the nudge on the person's timeline.

use chrono::{Duration, Utc};
use onramp::db::email_outbox::EmailKind;

use crate::support::browser::journey;
use crate::support::{TestApp, factory, time_passes};

#[tokio::test]
async fn a_newcomer_reads_her_mail_unsubscribes_from_it_and_changes_her_settings() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    let mira = factory::mentor(&app, "mira").create().await;
    // Mira takes her on: the "matched" email, kept in demo mode and shown on the demo mail page.
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    app.deliver_mail_at(Utc::now() + Duration::days(1)).await;
    let unsubscribe = format!(
        "/unsubscribe/{}",
        app.state
            .mailer
            .composer
            .signer()
            .token(nina.id, EmailKind::Matched)
    );

    journey("email-newcomer", app, |b| async move {
        b.step("demo-mail");
        b.visit("/").await;
        b.follow("//div[@class='demo-banner']//a[normalize-space()='the mail it sends']")
            .await;
        assert_eq!(b.text("h1").await, "Demo mail");
        b.follow("//a[normalize-space()='mira (test) is your mentor']")
            .await;
        assert_eq!(b.text("h1").await, "mira (test) is your mentor");
        assert!(
            b.text(".email-text")
                .await
                .contains("Unsubscribe from these:")
        );

        b.step("unsubscribe");
        // As from her mail client: not signed in.
        b.visit(&unsubscribe).await;
        assert!(
            b.text("main")
                .await
                .contains("Stop email about “A mentor or a task for you” for nina?")
        );
        b.follow("//button[normalize-space()='Unsubscribe']").await;
        assert!(
            b.text("[role=status]")
                .await
                .contains("gets no more email about")
        );

        b.step("settings");
        b.sign_in_as("nina (test)").await;
        b.follow("//nav//a[normalize-space()='nina (test)']").await;
        assert_eq!(b.text("h1").await, "Notification settings");
        assert!(
            !b.ticked("A mentor or a task for you").await,
            "unsubscribed"
        );
        assert!(b.ticked("A claim about to expire").await);
        assert!(
            b.text("main")
                .await
                .contains("Welcome to Onramp (account email, always sent)")
        );
        b.untick("Reminders to finish your profile").await;
        b.follow("//button[normalize-space()='Save']").await;
        assert_eq!(b.text("[role=status]").await, "Saved.");
        assert!(!b.ticked("Reminders to finish your profile").await);
        assert!(
            b.ticked("A claim about to expire").await,
            "the rest as it was"
        );

        b.step("timeline");
        b.visit("/timeline").await;
        assert!(
            b.text("#emails + p + .table-scroll")
                .await
                .contains("mira (test) is your mentor")
        );
    })
    .await;
}

#[tokio::test]
async fn an_organizer_retries_a_failed_email_previews_the_nudges_and_runs_them() {
    // A mail server that is not there, and one try per email: the welcome fails at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let app = TestApp::builder()
        .config(|c| {
            c.smtp_url = Some(format!("smtp://127.0.0.1:{closed}").as_str().into());
            c.mail_max_attempts = 1;
        })
        .start()
        .await;
    factory::organizer(&app, "olga").create().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    onramp::services::notifications::welcome(&app.db, nina.id, "nina", Utc::now())
        .await
        .unwrap();
    assert_eq!(app.deliver_mail_at(Utc::now()).await.failed, 1);
    // Nina signed up three days ago and never finished her profile: a nudge is due.
    time_passes::signed_up_days_ago(&app, nina.id, 3).await;
    let nina_id = nina.id;

    journey("email-organizer", app, |b| async move {
        b.step("outbox");
        b.sign_in_as("olga (test)").await;
        b.follow("//nav//a[normalize-space()='Email']").await;
        assert_eq!(b.text("h1").await, "Outbox");
        b.choose("State", "failed").await;
        b.follow("//button[normalize-space()='Find']").await;
        assert!(
            b.text(".outbox-table tbody")
                .await
                .contains("nina@example.org")
        );
        assert!(
            b.text(".outbox-table .error-text")
                .await
                .starts_with("after 1 tries:")
        );

        b.step("one-email");
        b.follow("//a[normalize-space()='Welcome to Onramp']").await;
        assert!(b.text(".hint").await.starts_with("Not sent yet"));
        assert!(
            b.text(".email-text")
                .await
                .contains("You signed in with GitHub as nina.")
        );

        b.step("retry");
        b.follow("//button[normalize-space()='Retry']").await;
        assert!(b.text("[role=status]").await.starts_with("Queued again"));

        b.step("preview");
        b.visit("/organizer/outbox").await;
        b.follow("//a[normalize-space()='What the next nudge pass would send']")
            .await;
        assert_eq!(b.text("h1").await, "Nudge preview");
        b.click("//summary[contains(., 'Your Onramp profile is nearly there')]")
            .await;
        assert!(
            b.text(".email-preview .email-text")
                .await
                .contains("Your profile still needs")
        );

        b.step("run");
        b.follow("//button[normalize-space()='Run the pass now']")
            .await;
        assert!(b.text("[role=status]").await.starts_with("The pass queued"));

        b.step("timeline");
        b.visit(&format!("/organizer/people/{nina_id}/timeline"))
            .await;
        let emails = b.text("#emails + p + .table-scroll").await;
        assert!(
            emails.contains("Reminders to finish your profile"),
            "{emails}"
        );
        assert!(emails.contains("Welcome to Onramp"), "{emails}");
        b.follow("//a[normalize-space()='all of them in the outbox']")
            .await;
        assert_eq!(b.path().await, format!("/organizer/outbox?to={nina_id}"));
        assert_eq!(b.text(".count").await, "2 emails to one person.");
    })
    .await;
}
