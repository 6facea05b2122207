//! The nudge rules, run as the hourly pass runs them, at the times a programme reaches: what each queues, that
//! a repeated (or concurrent) pass queues nothing twice, that an ignored nudge backs off, that a reaction ends
//! it, and the organizers' preview that shows it all before it is sent.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use chrono_tz::Tz;
use onramp::db::email_outbox::{self, EmailKind};
use onramp::db::user_roles::Role;
use onramp::services::nudges;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestApp, factory, time_passes};

async fn pass(app: &TestApp, at: DateTime<Utc>) -> u64 {
    nudges::run_pass(&app.db, &app.state.config.nudge_policies(), at)
        .await
        .expect("the pass runs")
        .queued
}

async fn queued(app: &TestApp, kind: EmailKind, to: i32) -> Vec<email_outbox::Model> {
    email_outbox::Entity::find()
        .filter(email_outbox::Column::Kind.eq(kind))
        .filter(email_outbox::Column::RecipientId.eq(to))
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_unfinished_profile_is_nudged_after_two_days_then_backs_off_then_stops_when_done() {
    let app = TestApp::start_without_demo_people().await;
    // A profile, but no interests or languages yet.
    let nina = factory::newcomer(&app, "nina").create().await;
    let now = Utc::now();
    assert_eq!(pass(&app, now + Duration::days(1)).await, 0, "too early");
    pass(&app, now + Duration::days(2) + Duration::minutes(1)).await;
    let sent = queued(&app, EmailKind::ProfileUnfinished, nina.id).await;
    assert_eq!(sent.len(), 1);
    let context: serde_json::Value = serde_json::from_str(&sent[0].context).unwrap();
    assert_eq!(
        context["missing"],
        serde_json::json!(["the areas that interest you", "the languages you speak"])
    );
    // The same pass again, and again an hour later: nothing new. Then 1, 3, 7 and 14 days apart; then no more.
    pass(&app, now + Duration::days(2) + Duration::minutes(1)).await;
    pass(&app, now + Duration::days(2) + Duration::hours(1)).await;
    assert_eq!(
        queued(&app, EmailKind::ProfileUnfinished, nina.id)
            .await
            .len(),
        1
    );
    for (day, expected) in [(3, 2), (5, 2), (6, 3), (13, 4), (27, 5), (60, 5)] {
        pass(&app, now + Duration::days(day) + Duration::minutes(1)).await;
        assert_eq!(
            queued(&app, EmailKind::ProfileUnfinished, nina.id)
                .await
                .len(),
            expected,
            "by day {day}"
        );
    }

    // Someone who finishes their profile hears no more about it.
    let ana = factory::newcomer(&app, "ana")
        .areas(&["pci"])
        .languages(&["en"])
        .create()
        .await;
    pass(&app, now + Duration::days(3)).await;
    assert!(
        queued(&app, EmailKind::ProfileUnfinished, ana.id)
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn a_quiet_newcomer_is_nudged_then_their_mentor_then_the_organizers_in_their_daytime() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina")
        .areas(&["pci"])
        .languages(&["en"])
        .timezone("America/New_York")
        .create()
        .await;
    let mentor = factory::mentor(&app, "kenji").create().await;
    let organizer = factory::organizer(&app, "olga").create().await;
    factory::claimed_from_queue(&app, mentor.id, nina.id).await;
    let now = Utc::now();
    pass(&app, now + Duration::days(6)).await;
    assert!(queued(&app, EmailKind::Stalled, nina.id).await.is_empty());

    pass(&app, now + Duration::days(7) + Duration::minutes(1)).await;
    let to_her = queued(&app, EmailKind::Stalled, nina.id).await;
    assert_eq!(to_her.len(), 1);
    assert!(
        queued(&app, EmailKind::MenteeStalled, mentor.id)
            .await
            .is_empty()
    );
    // Delivered in her daytime, 09:00 to 18:00 in New York.
    let local = to_her[0]
        .next_attempt_at
        .with_timezone(&"America/New_York".parse::<Tz>().unwrap());
    assert!((9..18).contains(&local.hour()), "{local}");

    pass(&app, now + Duration::days(14) + Duration::minutes(1)).await;
    let to_mentor = queued(&app, EmailKind::MenteeStalled, mentor.id).await;
    assert_eq!(to_mentor.len(), 1);
    assert!(
        to_mentor[0]
            .context
            .contains("\"newcomer_name\":\"nina (test)\"")
    );
    assert!(
        queued(&app, EmailKind::NewcomerStalled, organizer.id)
            .await
            .is_empty()
    );

    pass(&app, now + Duration::days(21) + Duration::minutes(1)).await;
    let to_organizer = queued(&app, EmailKind::NewcomerStalled, organizer.id).await;
    assert_eq!(to_organizer.len(), 1);
    assert!(to_organizer[0].context.contains("nina (test)"));
    // Her own reminders backed off meanwhile (due on days 7, 8, 11 and 18, not daily); of those, the passes on
    // days 7, 14 and 21 each found one due, and none sends what it missed in a burst.
    let steps: Vec<String> = queued(&app, EmailKind::Stalled, nina.id)
        .await
        .into_iter()
        .map(|e| e.dedup_key.rsplit(':').next().unwrap().to_string())
        .collect();
    assert_eq!(steps, ["0", "2", "3"]);

    // She checks in: a reaction ends the quiet spell, and the next passes say nothing more about it.
    let before = email_outbox::Entity::find().count(&app.db).await.unwrap();
    factory::check_in(&app, nina.id, "Back from holiday; building the kernel.", "").await;
    let fresh = pass(&app, Utc::now() + Duration::days(1)).await;
    let kinds: Vec<EmailKind> = email_outbox::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .skip(before as usize)
        .map(|e| e.kind)
        .collect();
    assert!(
        !kinds.iter().any(|k| matches!(
            k,
            EmailKind::Stalled | EmailKind::MenteeStalled | EmailKind::NewcomerStalled
        )),
        "{fresh} queued: {kinds:?}"
    );
}

#[tokio::test]
async fn two_passes_at_once_queue_each_nudge_once() {
    let app = TestApp::start_without_demo_people().await;
    for i in 0..30 {
        factory::newcomer(&app, &format!("n{i}")).create().await;
    }
    let at = Utc::now() + Duration::days(2) + Duration::hours(1);
    let (a, b) = tokio::join!(pass(&app, at), pass(&app, at));
    assert_eq!(a + b, 30, "{a} + {b}");
    assert_eq!(
        email_outbox::Entity::find()
            .filter(email_outbox::Column::Kind.eq(EmailKind::ProfileUnfinished))
            .count(&app.db)
            .await
            .unwrap(),
        30
    );
}

#[tokio::test]
async fn mentors_hear_of_waiting_proposals_and_unanswered_check_ins() {
    let app = TestApp::start_without_demo_people().await;
    let organizer = factory::organizer(&app, "olga").create().await;
    // The round pairs these two before anyone else exists.
    let nina = factory::newcomer(&app, "nina")
        .areas(&["pci"])
        .languages(&["en"])
        .create()
        .await;
    let kenji = factory::mentor(&app, "kenji")
        .areas(&["pci"])
        .languages(&["en"])
        .create()
        .await;
    factory::proposed_mentorship(&app, organizer.id, nina.id, kenji.id).await;
    let ana = factory::newcomer(&app, "ana")
        .areas(&["pci"])
        .languages(&["en"])
        .create()
        .await;
    let lucia = factory::mentor(&app, "lucia")
        .areas(&["pci"])
        .languages(&["en"])
        .create()
        .await;
    factory::claimed_from_queue(&app, lucia.id, ana.id).await;
    factory::check_in(&app, ana.id, "Stuck on bindgen.", "").await;
    let now = Utc::now();
    let passes = [2, 3, 5].map(|d| now + Duration::days(d) + Duration::minutes(1));
    pass(&app, passes[0]).await;
    assert!(
        queued(&app, EmailKind::WaitingForMentor, kenji.id)
            .await
            .is_empty()
    );
    pass(&app, passes[1]).await;
    assert_eq!(
        queued(&app, EmailKind::WaitingForMentor, kenji.id)
            .await
            .len(),
        1
    );
    assert!(
        queued(&app, EmailKind::CheckInUnanswered, lucia.id)
            .await
            .is_empty()
    );
    pass(&app, passes[2]).await;
    assert_eq!(
        queued(&app, EmailKind::CheckInUnanswered, lucia.id)
            .await
            .len(),
        1
    );
    // The weekly digest of each mentor lists what waits for them: one for each week the passes fell in.
    let weeks: std::collections::HashSet<_> = passes.iter().map(|t| t.iso_week()).collect();
    let digest = queued(&app, EmailKind::Digest, lucia.id).await;
    assert_eq!(digest.len(), weeks.len(), "one digest a week");
    assert!(
        digest[0].context.contains("ana (test)"),
        "{}",
        digest[0].context
    );
}

#[tokio::test]
async fn events_queue_their_email_with_the_change() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    let kenji = factory::mentor(&app, "kenji").create().await;
    factory::claimed_from_queue(&app, kenji.id, nina.id).await;
    assert_eq!(queued(&app, EmailKind::Matched, nina.id).await.len(), 1);
    assert!(
        queued(&app, EmailKind::Matched, kenji.id).await.is_empty(),
        "the mentor chose this; no email for him"
    );
    let task = factory::claimable_tasks(&app).await.remove(0);
    let held = factory::claim(&app, &task.slug, nina.id).await;
    onramp::services::claims::mark_done(
        &app.db,
        held.id,
        nina.id,
        "https://lore.kernel.org/rust-for-linux/1/",
        Utc::now(),
    )
    .await
    .unwrap();
    let done = queued(&app, EmailKind::TaskCompleted, kenji.id).await;
    assert_eq!(done.len(), 1);
    assert!(done[0].context.contains(&task.title.replace('"', "\\\"")));
    onramp::services::claims::confirm_done(&app.db, held.id, kenji.id, false, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        queued(&app, EmailKind::TaskConfirmed, nina.id).await.len(),
        1
    );
}

#[tokio::test]
async fn organizers_preview_a_pass_then_run_it() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    time_passes::signed_up_days_ago(&app, nina.id, 3).await;
    let organizer = app.organizer("olga").await;
    let page = organizer.get("/organizer/nudges").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Your Onramp profile is nearly there"),
        "{}",
        page.body
    );
    assert!(page.body.contains("nina@example.org"));
    assert_eq!(
        queued(&app, EmailKind::ProfileUnfinished, nina.id)
            .await
            .len(),
        0,
        "a preview queues nothing"
    );
    let page = organizer.post_form("/organizer/nudges/run", &[]).await;
    assert_eq!(page.status, 303);
    // Her nudge, and the organizer's own weekly digest.
    assert!(
        page.location().unwrap().contains("queued=2"),
        "{:?}",
        page.location()
    );
    assert_eq!(
        queued(&app, EmailKind::ProfileUnfinished, nina.id)
            .await
            .len(),
        1
    );
    let page = organizer.get(page.location().unwrap()).await;
    assert!(
        page.body.contains("The pass queued 2 emails."),
        "{}",
        page.body
    );
    // Run again: nothing new.
    let page = organizer.post_form("/organizer/nudges/run", &[]).await;
    assert!(page.location().unwrap().contains("queued=0"));
    // Nina's timeline lists it for the organizers.
    let page = organizer
        .get(&format!("/organizer/people/{}/timeline", nina.id))
        .await;
    assert!(
        page.body.contains("Reminders to finish your profile"),
        "{}",
        page.body
    );
    let _ = Role::Newcomer;
}

#[tokio::test]
async fn notification_settings_save_and_bad_input_changes_nothing() {
    let app = TestApp::start_without_demo_people().await;
    let kenji = app.person("kenji", &[Role::Mentor]).await;
    let page = kenji.get("/settings/notifications").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Check-ins waiting for your reply"));
    assert!(
        !page.body.contains("Reminders to finish your profile"),
        "not a newcomer's kinds"
    );
    let page = kenji
        .post_form(
            "/settings/notifications",
            &[
                ("on", "digest"),
                ("snooze_until", "tomorrow-ish"),
                ("digest", "daily"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("Write the day as YYYY-MM-DD"),
        "{}",
        page.body
    );
    assert_eq!(
        onramp::db::notification_settings::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0,
        "nothing saved"
    );
    let page = kenji
        .post_form(
            "/settings/notifications",
            &[("on", "digest"), ("digest", "daily")],
        )
        .await;
    assert_eq!(page.status, 303);
    let page = kenji.get("/settings/notifications?saved=1").await;
    assert!(
        page.body.contains("<option value=\"daily\" selected>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"digest\" checked"));
    assert!(!page.body.contains("value=\"check_in_unanswered\" checked"));
}

#[tokio::test]
async fn a_report_is_nudged_before_it_is_due_then_overdue_and_organizers_hear_of_it_once_submitted()
{
    let app = TestApp::start_without_demo_people().await;
    let olga = factory::organizer(&app, "olga").create().await;
    let mira = factory::mentor(&app, "mira").sign_in().await;
    let mira_id = mira.user_id.unwrap();
    let nina = factory::newcomer(&app, "nina").create().await;
    let id = factory::report(&app, nina.id, mira_id).await;
    let due = onramp::db::progress_reports::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .due_at;
    pass(&app, due - Duration::days(4)).await;
    assert!(queued(&app, EmailKind::ReportDue, mira_id).await.is_empty());
    pass(&app, due - Duration::days(3) + Duration::minutes(1)).await;
    let soon = queued(&app, EmailKind::ReportDue, mira_id).await;
    assert_eq!(soon.len(), 1);
    assert!(soon[0].context.contains(&format!("/reports/{id}")));
    pass(&app, due + Duration::minutes(1)).await;
    pass(&app, due + Duration::days(1) + Duration::minutes(1)).await;
    assert_eq!(
        queued(&app, EmailKind::ReportOverdue, mira_id).await.len(),
        2
    );

    let page = mira
        .post_form(
            &format!("/reports/{id}/submit"),
            &[
                ("assessment", "on_track"),
                ("comment", "Steady progress on the PCI bindings."),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let now = Utc::now();
    pass(&app, now + Duration::hours(1)).await;
    assert!(
        queued(&app, EmailKind::ReportsToReview, olga.id)
            .await
            .is_empty()
    );
    pass(&app, now + Duration::days(1) + Duration::minutes(1)).await;
    let review = queued(&app, EmailKind::ReportsToReview, olga.id).await;
    assert_eq!(review.len(), 1);
    assert!(review[0].context.contains("\"count\":1"));
}

#[tokio::test]
async fn a_claim_about_to_expire_and_then_expired_is_mailed_to_the_newcomer_and_the_mentor() {
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    let mira = factory::mentor(&app, "mira").create().await;
    factory::claimed_from_queue(&app, mira.id, nina.id).await;
    let task = factory::claimable_tasks(&app).await.remove(0);
    let claim = factory::claim(&app, &task.slug, nina.id).await;
    let policy = app.state.config.claims();
    app.run_jobs_at(policy.warn_at(claim.expires_at) + Duration::minutes(1))
        .await;
    let expiring = queued(&app, EmailKind::ClaimExpiring, nina.id).await;
    assert_eq!(expiring.len(), 1);
    assert!(
        expiring[0]
            .context
            .contains(&format!("/claims/{}", claim.id))
    );
    app.run_jobs_at(claim.expires_at + Duration::minutes(1))
        .await;
    assert_eq!(queued(&app, EmailKind::ClaimEnded, nina.id).await.len(), 1);
    let to_mentor = queued(&app, EmailKind::ClaimEnded, mira.id).await;
    assert_eq!(to_mentor.len(), 1);
    assert!(to_mentor[0].context.contains("\"to_mentor\":true"));
    // The jobs run again: nothing more.
    app.run_jobs_at(claim.expires_at + Duration::hours(2)).await;
    assert_eq!(queued(&app, EmailKind::ClaimEnded, nina.id).await.len(), 1);
}

#[tokio::test]
async fn onramp_nudge_dry_run_queues_nothing_and_without_it_queues_the_nudges() {
    use clap::Parser;
    let app = TestApp::start_without_demo_people().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    time_passes::signed_up_days_ago(&app, nina.id, 3).await;
    let run = |args: &[&str]| {
        let mut argv = vec!["onramp", "--database-url", app.database_url()];
        argv.extend(args);
        onramp::cli::run(onramp::config::Cli::parse_from(argv))
    };
    run(&["nudge", "--dry-run"]).await.expect("the dry run");
    assert!(
        queued(&app, EmailKind::ProfileUnfinished, nina.id)
            .await
            .is_empty()
    );
    run(&["nudge"]).await.expect("the pass");
    assert_eq!(
        queued(&app, EmailKind::ProfileUnfinished, nina.id)
            .await
            .len(),
        1
    );
}
