//! A mentor (a demo person) answers a round's proposal: reads why they were paired, accepts, and finds the
//! newcomer among their mentees.

use onramp::db::user_roles::Role;

use super::describe;
use crate::support::TestApp;
use crate::support::browser::journey;

#[tokio::test]
async fn a_mentor_accepts_a_proposal() {
    let app = TestApp::start().await;
    let mira = app.create_user("mira", &[Role::Mentor]).await;
    describe(&app, mira.id, &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    let nina = app.create_user("nina", &[Role::Newcomer]).await;
    describe(&app, nina.id, &["fi"], &["pci"], "Europe/Helsinki").await;
    // An organizer has already run and sent a mentor round, as in the organizer's journey.
    let olga = app.organizer("olga").await;
    let started = olga
        .post_form("/organizer/rounds", &[("kind", "mentors")])
        .await;
    let round = started.location().expect("the new round").to_string();
    let sent = olga.post_form(&format!("{round}/send"), &[]).await;
    assert_eq!(sent.status, 303, "the round is sent: {}", sent.body);

    journey("mentor-proposal", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("mira (test)").await;
        assert_eq!(b.text("h1").await, "Welcome, mira (test)");

        b.step("proposals");
        b.follow("//nav//a[normalize-space()='Proposals']").await;
        assert_eq!(b.text("h1").await, "Proposals");
        let proposal = "//li[contains(@class,'proposal')][h3[contains(., 'nina (test)')]]";
        assert_eq!(
            b.text(&format!(
                "{proposal}//dt[.='Languages']/following-sibling::dd[1]"
            ))
            .await,
            "Finnish"
        );
        let reasons = b
            .texts(&format!("{proposal}//ul[@class='reasons']/li"))
            .await;
        assert!(!reasons.is_empty(), "the proposal says why");
        assert_eq!(
            b.text("//h2[.='Your mentees']/following-sibling::p").await,
            "You have no active mentees yet."
        );

        b.step("accepted");
        b.follow(&format!("{proposal}//button[normalize-space()='Accept']"))
            .await;
        assert_eq!(b.text("[role=status]").await, "Proposal accepted.");
        assert!(
            b.find_all(proposal).await.is_empty(),
            "the proposal is answered"
        );
        let mentees = b.texts("li.mentee strong").await;
        assert_eq!(mentees, ["nina (test)"]);
    })
    .await;
}
