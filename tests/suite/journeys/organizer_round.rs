//! An organizer (a demo person) looks at the people, starts a mentor round, reviews the draft and sends it.

use onramp::db::user_roles::Role;

use super::describe;
use crate::support::TestApp;
use crate::support::browser::journey;

#[tokio::test]
async fn an_organizer_runs_a_mentor_round_and_sends_it() {
    let app = TestApp::start().await;
    // Nina speaks only Finnish, and Mira is the one mentor who does.
    let mira = app.create_user("mira", &[Role::Mentor]).await;
    describe(&app, mira.id, &["fi", "en"], &["pci"], "Europe/Helsinki").await;
    let nina = app.create_user("nina", &[Role::Newcomer]).await;
    describe(&app, nina.id, &["fi"], &["pci"], "Europe/Helsinki").await;

    journey("organizer-round", app, |b| async move {
        b.step("sign-in");
        b.sign_in_as("Olivia Grant").await;
        assert_eq!(b.text("h1").await, "Welcome, Olivia Grant");

        b.step("people");
        b.follow("//nav//a[normalize-space()='People']").await;
        assert_eq!(b.text("h1").await, "People");
        let people = b.texts(".people-table tbody td:first-child strong").await;
        assert!(
            people.iter().any(|p| p == "nina (test)") && people.iter().any(|p| p == "Ana Ferreira"),
            "everyone is listed: {people:?}"
        );

        b.step("rounds");
        b.follow("//nav//a[normalize-space()='Rounds']").await;
        assert_eq!(b.text("h1").await, "Matching rounds");
        assert_eq!(b.text("p.empty").await, "No rounds yet.");

        b.step("draft");
        b.follow("//button[normalize-space()='Start a mentor round']")
            .await;
        let title = b.text("h1").await;
        assert!(
            title.starts_with("Round ") && title.ends_with(": mentors"),
            "a mentor round: {title}"
        );
        assert_eq!(b.text("p.meta .badge").await, "draft");
        let nina_row =
            "//table[contains(@class,'proposals-table')]//tr[td[1]/strong[.='nina (test)']]";
        assert_eq!(
            b.text(&format!("{nina_row}/td[2]/strong")).await,
            "mira (test)"
        );
        let reasons = b
            .texts(&format!("{nina_row}//ul[@class='reasons']/li"))
            .await;
        assert!(!reasons.is_empty(), "the pair comes with reasons");

        b.step("sent");
        b.follow("//button[normalize-space()='Send proposals']")
            .await;
        let notice = b.text("[role=status]").await;
        assert!(
            notice.starts_with("Round sent: ") && notice.contains("proposed"),
            "the organizer is told: {notice}"
        );
        assert_eq!(b.text("p.meta .badge").await, "sent");
        assert_eq!(b.text(&format!("{nina_row}/td[5]")).await, "proposed");
        assert!(
            b.find_all("//button[normalize-space()='Send proposals']")
                .await
                .is_empty(),
            "a sent round cannot be sent again"
        );
    })
    .await;
}
