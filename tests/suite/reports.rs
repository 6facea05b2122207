//! Progress reports through the site: the hourly job drafts one per mentorship and period from what happened;
//! the mentor completes it, the newcomer adds their view, organizers review it from their queue and act from it
//! (pause, another mentor, more time on the claim, ending it); a report not submitted in time shows overdue.

use chrono::{Duration, Utc};
use onramp::db::mentorships::{self, MentorshipOrigin, MentorshipState};
use onramp::db::newcomer_profiles::{self, NewcomerStatus};
use onramp::db::progress_reports::{self, Assessment, ReportState};
use onramp::db::{audit_log, claims};
use onramp::services::reports;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::{Actor, TestApp, factory, time_passes};

async fn reports_of(app: &TestApp, newcomer: i32) -> Vec<progress_reports::Model> {
    progress_reports::Entity::find()
        .filter(progress_reports::Column::NewcomerId.eq(newcomer))
        .order_by_asc(progress_reports::Column::PeriodStart)
        .all(&app.db)
        .await
        .unwrap()
}

async fn audit_actions(app: &TestApp, prefix: &str) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with(prefix))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect()
}

/// Mira mentoring Nina from today, both signed in.
async fn mentor_and_mentee(app: &TestApp) -> (Actor, Actor) {
    let mira = factory::mentor(app, "mira").sign_in().await;
    let nina = factory::newcomer(app, "nina").sign_in().await;
    factory::claimed_from_queue(app, mira.user_id.unwrap(), nina.user_id.unwrap()).await;
    (mira, nina)
}

#[tokio::test]
async fn the_job_drafts_a_report_when_a_period_ends_and_only_once() {
    let app = TestApp::start().await;
    let (_mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();
    factory::check_in(&app, id, "Built the kernel", "QEMU hangs").await;
    factory::milestone_record(&app, id, "kernel-builds", "", "rust_minimal loads").await;
    let now = Utc::now();

    // The pass runs hourly; before the first period ends it drafts nothing.
    reports::schedule_next_pass(&app.db, now).await.unwrap();
    assert_eq!(app.run_jobs_at(now + Duration::hours(2)).await, 1);
    assert!(reports_of(&app, id).await.is_empty());

    // Four weeks later the first period has ended: one report, drafted from what happened in it.
    let later = now + Duration::days(28) + Duration::hours(1);
    assert!(app.run_jobs_at(later).await >= 1);
    let drafted = reports_of(&app, id).await;
    assert_eq!(drafted.len(), 1);
    let report = &drafted[0];
    assert_eq!(report.state, ReportState::Draft);
    assert_eq!(report.due_at, report.period_end + Duration::days(7));
    let draft: reports::Draft = serde_json::from_str(&report.draft).unwrap();
    assert_eq!(draft.check_ins, 1);
    assert_eq!(draft.blockers, ["QEMU hangs"]);
    assert_eq!(draft.milestones.len(), 1);
    assert!(
        draft.milestones[0]
            .text
            .ends_with("recorded the milestone Build and boot a Rust kernel")
    );

    // Another pass, or two at once, drafts nothing more.
    let policy = app.state.config.reports();
    let (a, b) = tokio::join!(
        reports::draft_due_reports(&app.db, &policy, later),
        reports::draft_due_reports(&app.db, &policy, later),
    );
    assert_eq!(a.unwrap() + b.unwrap(), 0);
    assert_eq!(reports_of(&app, id).await.len(), 1);
    // Each pass queued the next, once per hour.
    assert!(app.run_jobs_at(later + Duration::hours(1)).await >= 1);
    assert_eq!(reports_of(&app, id).await.len(), 1);
}

#[tokio::test]
async fn the_mentor_submits_the_newcomer_adds_their_view_and_an_organizer_reviews() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").sign_in().await;
    let nina = factory::newcomer(&app, "nina").sign_in().await;
    let id = nina.user_id.unwrap();
    let report = factory::report(&app, id, mira.user_id.unwrap()).await;
    let page_url = format!("/reports/{report}");

    // It waits on the mentor's list of mentees, and on the newcomer's progress page.
    let page = mira.get("/mentor/mentees").await;
    assert_eq!(
        page.links(".report-table tbody"),
        std::slice::from_ref(&page_url)
    );
    let page = nina.get("/progress").await;
    assert_eq!(
        page.links(".report-table tbody"),
        std::slice::from_ref(&page_url)
    );

    // Without an assessment, the mentor's form comes back with its message and the comment kept.
    let page = mira
        .post_form(
            &format!("{page_url}/submit"),
            &[("comment", "Steady month")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert_eq!(
        page.field_error("assessment").as_deref(),
        Some("Choose how the period went: on track, needs help or at risk.")
    );
    assert_eq!(page.select_text("#report-comment"), "Steady month");
    let page = mira
        .post_form(
            &format!("{page_url}/submit"),
            &[("assessment", "sideways"), ("comment", "x")],
        )
        .await;
    assert_eq!(
        page.status, 422,
        "an unknown assessment is the field's message"
    );
    assert!(reports_of(&app, id).await[0].submitted_at.is_none());
    // An organizer may not complete it for the mentor.
    let olga = app.organizer("olga").await;
    assert_eq!(
        olga.post_form(
            &format!("{page_url}/submit"),
            &[("assessment", "on_track"), ("comment", "x")]
        )
        .await
        .status,
        404
    );
    let page = mira
        .post_form(
            &format!("{page_url}/submit"),
            &[
                ("assessment", "needs_help"),
                ("comment", "Stuck on QEMU for a week"),
            ],
        )
        .await;
    assert_eq!(
        page.location(),
        Some(format!("{page_url}?did=submitted").as_str())
    );
    assert_eq!(
        mira.post_form(
            &format!("{page_url}/submit"),
            &[("assessment", "on_track"), ("comment", "again")]
        )
        .await
        .status,
        409
    );
    let page = nina
        .post_form(&format!("{page_url}/view"), &[("view", "")])
        .await;
    assert_eq!(
        page.field_error("report-view").as_deref(),
        Some("Give your view of the period.")
    );
    let page = nina
        .post_form(
            &format!("{page_url}/view"),
            &[("view", "QEMU was the hard part")],
        )
        .await;
    assert_eq!(page.status, 303);

    // The organizers' queue has it; they read it and review it.
    let page = olga.get("/organizer/reports").await;
    assert_eq!(
        page.links("#waiting-title + .table-scroll"),
        std::slice::from_ref(&page_url)
    );
    let page = olga.get(&page_url).await;
    assert_eq!(page.heading(), "Progress report: nina");
    assert_eq!(
        page.select_text(".report-facts .badge.assessment-needs_help"),
        "Needs help"
    );
    page.assert_text("QEMU was the hard part")
        .assert_text("Stuck on QEMU for a week");
    let page = olga
        .post_form(&format!("{page_url}/review"), &[("note", " ")])
        .await;
    assert_eq!(
        page.field_error("review-note").as_deref(),
        Some("Give a note on your review.")
    );
    let page = olga
        .post_form(
            &format!("{page_url}/review"),
            &[("note", "Pairing session booked")],
        )
        .await;
    assert_eq!(page.status, 303);
    let row = &reports_of(&app, id).await[0];
    assert_eq!(row.state, ReportState::Reviewed);
    assert_eq!(row.assessment, Some(Assessment::NeedsHelp));
    assert_eq!(row.reviewed_by, olga.user_id);
    assert!(
        olga.get("/organizer/reports")
            .await
            .links("#waiting-title + .table-scroll")
            .is_empty()
    );
    // Reviewed is final for everyone.
    assert_eq!(
        nina.post_form(&format!("{page_url}/view"), &[("view", "more")])
            .await
            .status,
        409
    );
    assert_eq!(
        olga.post_form(&format!("{page_url}/review"), &[("note", "again")])
            .await
            .status,
        409
    );
    assert_eq!(
        audit_actions(&app, "report.").await,
        ["report.submit", "report.view", "report.review"]
    );
}

#[tokio::test]
async fn a_report_not_submitted_by_its_due_date_is_overdue() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").sign_in().await;
    let nina = factory::newcomer(&app, "nina").create().await;
    factory::claimed_from_queue(&app, mira.user_id.unwrap(), nina.id).await;
    // The mentorship began five weeks and a day ago: its first period ended more than a week ago.
    time_passes::mentorship_began_days_ago(&app, nina.id, 36).await;
    reports::draft_due_reports(&app.db, &app.state.config.reports(), Utc::now())
        .await
        .unwrap();
    let report = reports_of(&app, nina.id).await.remove(0);
    let olga = app.organizer("olga").await;
    let page = olga.get("/organizer/reports").await;
    assert_eq!(
        page.links("#overdue-title + .table-scroll"),
        [format!("/reports/{}", report.id)]
    );
    assert_eq!(page.select_text("#overdue-title .count"), "(1)");
    let page = mira.get(&format!("/reports/{}", report.id)).await;
    assert!(page.notices()[0].starts_with("Overdue: the mentor's part was due on"));
}

#[tokio::test]
async fn organizers_act_from_a_report() {
    let app = TestApp::start().await;
    let mira = factory::mentor(&app, "mira").sign_in().await;
    let nina = factory::newcomer(&app, "nina").sign_in().await;
    let id = nina.user_id.unwrap();
    let task = factory::claimable_tasks(&app).await.remove(0);
    let claim = factory::claim(&app, &task.slug, id).await;
    let report = factory::report(&app, id, mira.user_id.unwrap()).await;
    let url = format!("/reports/{report}");
    let olga = app.organizer("olga").await;

    // More time on her claim, once.
    let page = olga
        .post_form(&format!("{url}/extend-claim"), &[("reason", "")])
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("extend-reason")
            .unwrap()
            .starts_with("Give a reason")
    );
    let before = factory::claim_row(&app, claim.id).await.expires_at;
    let page = olga
        .post_form(
            &format!("{url}/extend-claim"),
            &[("reason", "Exams this month")],
        )
        .await;
    assert_eq!(
        page.location(),
        Some(format!("{url}?did=extended").as_str())
    );
    assert!(factory::claim_row(&app, claim.id).await.expires_at > before);
    assert_eq!(
        olga.post_form(&format!("{url}/extend-claim"), &[("reason", "again")])
            .await
            .status,
        409
    );

    // Another mentor: one who is full is refused beside the field; one with room takes over at once.
    let full = factory::mentor(&app, "fola").capacity(1).create().await;
    let someone = factory::newcomer(&app, "sam").create().await;
    factory::claimed_from_queue(&app, full.id, someone.id).await;
    let page = olga
        .post_form(
            &format!("{url}/reassign"),
            &[("mentor", "fola"), ("reason", "A better fit")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(
        page.field_error("reassign-mentor")
            .unwrap()
            .starts_with("fola already mentors")
    );
    assert_eq!(page.input_value("mentor").as_deref(), Some("fola"));
    let page = olga
        .post_form(
            &format!("{url}/reassign"),
            &[("mentor", "nobody"), ("reason", "A better fit")],
        )
        .await;
    assert!(
        page.field_error("reassign-mentor")
            .unwrap()
            .starts_with("Nobody signed up as")
    );
    let omar = factory::mentor(&app, "omar").create().await;
    let page = olga
        .post_form(
            &format!("{url}/reassign"),
            &[("mentor", "@omar"), ("reason", "Omar knows PCI")],
        )
        .await;
    assert_eq!(
        page.location(),
        Some(format!("{url}?did=reassigned").as_str())
    );
    let open: Vec<mentorships::Model> = mentorships::Entity::find()
        .filter(mentorships::Column::NewcomerId.eq(id))
        .order_by_asc(mentorships::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(open.len(), 2);
    assert_eq!(open[0].state, MentorshipState::Ended);
    assert_eq!(open[0].ended_reason.as_deref(), Some("Omar knows PCI"));
    assert_eq!(
        (open[1].mentor_id, open[1].state, open[1].origin),
        (
            omar.id,
            MentorshipState::Active,
            MentorshipOrigin::Organizer
        )
    );
    // The report stays with the mentor who wrote it; her new mentor sees her progress, the old one not.
    assert_eq!(mira.get(&url).await.status, 200);
    assert_eq!(
        mira.get(&format!("/people/{id}/progress")).await.status,
        404
    );

    // Ending her claim, then pausing her.
    let page = olga
        .post_form(
            &format!("{url}/release-claim"),
            &[("reason", "No progress for a month")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        factory::claim_row(&app, claim.id).await.state,
        claims::ClaimState::Released
    );
    let page = olga
        .post_form(&format!("{url}/pause"), &[("reason", "Exams")])
        .await;
    assert_eq!(page.status, 303);
    let profile = newcomer_profiles::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(profile.status, NewcomerStatus::Paused);
    let page = nina.get("/progress").await;
    assert_eq!(
        page.select_text(".progress-facts dd:first-of-type .badge"),
        "Paused"
    );
    assert_eq!(
        olga.post_form(&format!("{url}/pause"), &[("reason", "again")])
            .await
            .status,
        409
    );
    // Every action is in the audit log, with the report named.
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("report.action"))
            .filter(audit_log::Column::Subject.eq(format!("report:{report}")))
            .count(&app.db)
            .await
            .unwrap(),
        3
    );
    assert_eq!(audit_actions(&app, "report.pause").await.len(), 1);
}
