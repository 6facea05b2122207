//! A newcomer signs up: the browser follows the real redirect to the fake GitHub on loopback and back, gets the
//! profile form's notes on two answers, fixes them, saves, and finds mentors and tasks with their reasons on the
//! dashboard.

use onramp::db::user_roles::Role;

use super::describe;
use crate::support::TestApp;
use crate::support::browser::journey;
use crate::support::fake_github::FakeGithub;

#[tokio::test]
async fn a_newcomer_signs_in_with_github_fixes_the_profile_form_and_sees_suggestions() {
    let github = FakeGithub::start().await;
    let app = TestApp::builder().with_github(&github).start().await;
    let mira = app.create_user("mira", &[Role::Mentor]).await;
    describe(&app, mira.id, &["en"], &["nvme"], "Europe/Berlin").await;

    journey("newcomer-signup", app, |b| async move {
        let _github = github;
        b.step("landing");
        b.visit("/").await;
        b.follow("//a[normalize-space()='Sign in to start']").await;
        assert_eq!(b.text("h1").await, "Sign in");

        b.step("github");
        b.follow("//a[normalize-space()='Sign in with GitHub']")
            .await;
        assert_eq!(b.path().await, "/dashboard");
        assert_eq!(b.text("h1").await, "Welcome, Octo Newcomer");
        assert_eq!(b.text(".nav .who").await, "Octo Newcomer");

        b.step("profile");
        b.follow("//a[normalize-space()='Complete your profile']")
            .await;
        assert_eq!(b.text("h1").await, "Your profile");
        b.tick("NVMe").await;
        b.choose("Rust", "Shipped real code").await;
        b.choose("C", "Tutorials and small programs").await;
        b.choose("Linux kernel work", "None yet").await;
        // No language ticked, and a time zone that does not exist.
        b.fill("Time zone", "Mars/Olympus").await;
        b.fill("Hours a week you can give", "6").await;

        b.step("profile-invalid");
        b.follow("//button[normalize-space()='Save profile']").await;
        assert_eq!(
            b.text("[role=alert]").await,
            "Some answers need another look; see the notes beside them."
        );
        let tz_note = b.text("#timezone-error").await;
        assert!(
            tz_note.contains("Mars/Olympus"),
            "the note names the answer: {tz_note}"
        );
        assert!(
            !b.text("#languages-error").await.is_empty(),
            "a note on languages"
        );
        // What was typed and chosen is still there.
        assert_eq!(b.value_of("Time zone").await, "Mars/Olympus");
        assert_eq!(b.value_of("Hours a week you can give").await, "6");
        assert_eq!(b.value_of("Rust").await, "2");
        assert!(
            b.find("//label[normalize-space()='NVMe']/input")
                .await
                .is_selected()
                .await
                .unwrap()
        );

        b.step("profile-fixed");
        b.fill("Time zone", "Europe/Berlin").await;
        b.tick("English").await;
        b.follow("//button[normalize-space()='Save profile']").await;
        assert_eq!(b.path().await, "/profile?saved=1");
        assert_eq!(b.text("[role=status]").await, "Saved.");
        assert!(b.find_all("[role=alert]").await.is_empty(), "no notes left");

        b.step("dashboard");
        b.follow("//nav//a[normalize-space()='Dashboard']").await;
        let headings = b.texts("main h2").await;
        assert!(
            headings.iter().any(|h| h == "Mentors who fit you")
                && headings.iter().any(|h| h == "Tasks that fit you"),
            "suggestions are shown: {headings:?}"
        );
        let mentor =
            "//h2[.='Mentors who fit you']/following-sibling::ul[1]/li[.//strong[.='mira (test)']]";
        let reasons = b.texts(&format!("{mentor}//ul[@class='reasons']/li")).await;
        assert!(
            !reasons.is_empty() && reasons.iter().all(|r| !r.trim().is_empty()),
            "the mentor comes with reasons: {reasons:?}"
        );
        let tasks = "//h2[.='Tasks that fit you']/following-sibling::ul[1]/li";
        let suggested = b.find_all(tasks).await.len();
        assert!(suggested > 0, "tasks are suggested");
        let reasons = b
            .find_all(&format!("{tasks}[ul[@class='reasons']/li]"))
            .await
            .len();
        assert_eq!(reasons, suggested, "every suggested task has its reasons");
    })
    .await;
}
