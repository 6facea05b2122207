//! Progress through the site: milestones recorded with evidence of the right kind, verified or questioned by the
//! mentor and answered by the newcomer; weekly check-ins and replies; the state derived for each newcomer with
//! its reason; the mentor's list of mentees; and who may see whose progress.

use chrono::{Duration, Utc};
use onramp::db::progress_events::{self, MilestoneState};
use onramp::db::{audit_log, claims, events};
use onramp::domain::events::EventKind;
use onramp::services::progress;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::support::{Actor, Page, TestApp, factory, time_passes};

const LORE: &str = "https://lore.kernel.org/rust-for-linux/20261201.1-1-nina@example.org/";

/// Mira mentoring Nina (she claimed her from her queue), both signed in.
async fn mentor_and_mentee(app: &TestApp) -> (Actor, Actor) {
    let mira = factory::mentor(app, "mira")
        .languages(&["en"])
        .sign_in()
        .await;
    let nina = factory::newcomer(app, "nina")
        .languages(&["en"])
        .sign_in()
        .await;
    factory::claimed_from_queue(app, mira.user_id.unwrap(), nina.user_id.unwrap()).await;
    (mira, nina)
}

async fn records(app: &TestApp, newcomer: i32) -> Vec<progress_events::Model> {
    progress_events::Entity::find()
        .filter(progress_events::Column::NewcomerId.eq(newcomer))
        .order_by_asc(progress_events::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

async fn event_kinds(app: &TestApp, person: i32) -> Vec<EventKind> {
    events::Entity::find()
        .filter(events::Column::PersonId.eq(person))
        .order_by_asc(events::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect()
}

/// The state badge and reason on a progress page or the dashboard.
fn state(page: &Page, css: &str) -> String {
    page.select_text(css)
}

fn redirected_to(page: &Page) -> &str {
    assert_eq!(page.status, 303, "{}", page.body);
    page.location().unwrap()
}

#[tokio::test]
async fn a_milestone_needs_evidence_of_the_kind_it_names() {
    let app = TestApp::start().await;
    let (_mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();

    // A pull request is not a posting on the list: the form comes back with the message and what was typed.
    let pr = "https://github.com/Rust-for-Linux/linux/pull/1050";
    let page = nina
        .post_form(
            "/progress/patch-sent",
            &[("evidence_url", pr), ("note", "v1 is out")],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert_eq!(
        page.field_error("record-patch-sent-url").as_deref(),
        Some(
            "This milestone needs a lore.kernel.org message or a patchwork patch; that link is a GitHub pull request."
        )
    );
    assert_eq!(
        page.attrs(
            "form[action=\"/progress/patch-sent\"] input[name=evidence_url]",
            "value"
        ),
        [pr]
    );
    assert_eq!(
        page.select_text("form[action=\"/progress/patch-sent\"] textarea[name=note]"),
        "v1 is out"
    );
    // A lore link that points at no message is refused as such; no link at all, where one is required, too.
    let page = nina
        .post_form(
            "/progress/patch-sent",
            &[("evidence_url", "https://lore.kernel.org/rust-for-linux/")],
        )
        .await;
    assert!(
        page.field_error("record-patch-sent-url")
            .unwrap()
            .contains("must point at one message")
    );
    let page = nina
        .post_form("/progress/patch-sent", &[("note", "sent it")])
        .await;
    assert_eq!(
        page.field_error("record-patch-sent-url").as_deref(),
        Some("This milestone needs a link to a lore.kernel.org message or a patchwork patch.")
    );
    // A milestone that takes any link still wants something to verify.
    let page = nina.post_form("/progress/toolchain-ready", &[]).await;
    assert!(
        page.field_error("record-toolchain-ready-note")
            .unwrap()
            .starts_with("Say in a note")
    );
    assert!(records(&app, id).await.is_empty(), "nothing was saved");
    // Unknown milestones are not found.
    assert_eq!(
        nina.post_form("/progress/no-such-step", &[("note", "x")])
            .await
            .status,
        404
    );

    let page = nina
        .post_form(
            "/progress/patch-sent",
            &[("evidence_url", LORE), ("note", "v1 is out")],
        )
        .await;
    assert_eq!(redirected_to(&page), "/progress?did=recorded#m-patch-sent");
    let saved = records(&app, id).await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].state, MilestoneState::Pending);
    assert_eq!(saved[0].evidence_url.as_deref(), Some(LORE));
    let page = nina.get("/progress?did=recorded").await;
    assert_eq!(
        page.notices()[0],
        "Milestone recorded. Your mentor will verify it."
    );
    assert_eq!(
        page.select_text("#m-patch-sent .badge"),
        "waiting for the mentor"
    );
    assert_eq!(page.links("#m-patch-sent .record p:first-child"), [LORE]);
    assert_eq!(
        page.select_text("#m-patch-sent .record a"),
        "a lore.kernel.org message"
    );
    // While it waits, she may correct it; the correction replaces the record rather than adding one.
    let better =
        "https://patchwork.kernel.org/project/rust-for-linux/patch/20261201.1-1-nina@example.org/";
    let page = nina
        .post_form(
            "/progress/patch-sent",
            &[("evidence_url", better), ("note", "v1, on patchwork")],
        )
        .await;
    assert_eq!(page.status, 303);
    let saved = records(&app, id).await;
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].evidence_url.as_deref(), Some(better));
    assert_eq!(
        event_kinds(&app, id)
            .await
            .iter()
            .filter(|k| **k == EventKind::MilestoneRecorded)
            .count(),
        2
    );
}

#[tokio::test]
async fn the_mentor_questions_a_milestone_the_newcomer_answers_and_the_mentor_verifies() {
    let app = TestApp::start().await;
    let (mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();
    let record =
        factory::milestone_record(&app, id, "kernel-builds", "", "rust_minimal loaded in QEMU")
            .await;

    // Her mentor's list puts the milestone to verify beside her name.
    let page = mira.get("/mentor/mentees").await;
    let rows = page.rows(".mentees-table tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(rows[0][0].starts_with("nina"), "{rows:?}");
    assert_eq!(rows[0][3], "1 milestone");
    assert!(rows[0][1].starts_with("Waiting for the mentor"), "{rows:?}");

    let url = format!("/people/{id}/progress");
    let page = mira.get(&url).await;
    assert_eq!(page.heading(), "Progress of nina (test)");
    page.assert_selector(&format!(
        "form[action=\"/progress/records/{record}/verify\"]"
    ));
    // An empty question is refused beside its field.
    let page = mira
        .post_form(
            &format!("/progress/records/{record}/question"),
            &[("question", " ")],
        )
        .await;
    assert_eq!(page.status, 422);
    assert_eq!(
        page.field_error(&format!("question-{record}")).as_deref(),
        Some("Give your question for the newcomer.")
    );
    let page = mira
        .post_form(
            &format!("/progress/records/{record}/question"),
            &[("question", "Which kernel version and config?")],
        )
        .await;
    assert_eq!(
        redirected_to(&page),
        format!("/people/{id}/progress?did=questioned#r-{record}")
    );
    // A questioned record cannot be questioned again until it is answered.
    let again = mira
        .post_form(
            &format!("/progress/records/{record}/question"),
            &[("question", "And?")],
        )
        .await;
    assert_eq!(again.status, 409);

    let page = nina.get("/progress").await;
    assert_eq!(page.select_text("#m-kernel-builds .badge"), "questioned");
    let comments = page.select_all("#m-kernel-builds .comments li");
    assert_eq!(comments.len(), 1);
    assert!(comments[0].starts_with("mira "), "{comments:?}");
    assert!(
        comments[0].ends_with(": Which kernel version and config?"),
        "{comments:?}"
    );
    // Recording it again is not how to answer.
    let page = nina
        .post_form("/progress/kernel-builds", &[("note", "again")])
        .await;
    page.assert_error_page("That changed meanwhile", "answer the question below it");
    let page = nina
        .post_form(
            &format!("/progress/records/{record}/answer"),
            &[
                ("answer", "v6.13-rc1, rust.config"),
                ("evidence_url", "https://gist.github.com/nina/1"),
            ],
        )
        .await;
    assert_eq!(
        redirected_to(&page),
        format!("/progress?did=answered#r-{record}")
    );
    let row = &records(&app, id).await[0];
    assert_eq!(row.state, MilestoneState::Pending);
    assert_eq!(
        row.evidence_url.as_deref(),
        Some("https://gist.github.com/nina/1")
    );

    let page = mira
        .post_form(&format!("/progress/records/{record}/verify"), &[])
        .await;
    assert_eq!(
        redirected_to(&page),
        format!("/people/{id}/progress?did=verified#r-{record}")
    );
    let row = &records(&app, id).await[0];
    assert_eq!(row.state, MilestoneState::Verified);
    assert_eq!(row.verified_by, mira.user_id);
    let page = nina.get("/progress").await;
    assert_eq!(page.select_text("#m-kernel-builds .badge"), "verified");
    assert_eq!(
        page.select_text(".progress-facts dd:nth-of-type(3)"),
        "1 of 12 verified"
    );
    // Verified is final: neither a second verification nor a correction goes through.
    assert_eq!(
        mira.post_form(&format!("/progress/records/{record}/verify"), &[])
            .await
            .status,
        409
    );
    assert_eq!(
        nina.post_form("/progress/kernel-builds", &[("note", "x")])
            .await
            .status,
        409
    );
    assert_eq!(
        event_kinds(&app, id).await[event_kinds(&app, id).await.len() - 4..],
        [
            EventKind::MilestoneRecorded,
            EventKind::MilestoneQuestioned,
            EventKind::MilestoneAnswered,
            EventKind::MilestoneVerified
        ]
    );
    // Each step is in the audit log, and on both timelines.
    let actions: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with("milestone."))
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "milestone.record",
            "milestone.question",
            "milestone.answer",
            "milestone.verify"
        ]
    );
    let page = nina.get("/timeline").await;
    assert_eq!(
        page.select_all(".timeline li em"),
        ["Build and boot a Rust kernel"; 4]
    );
}

#[tokio::test]
async fn only_the_newcomer_their_mentor_and_organizers_see_their_progress() {
    let app = TestApp::start().await;
    let (mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();
    let record =
        factory::milestone_record(&app, id, "join-community", "", "Said hello on Zulip").await;
    let check_in = factory::check_in(&app, id, "Read Documentation/rust", "").await;
    let other_mentor = app.mentor("omar").await;
    let other_newcomer = app.newcomer("noor").await;
    let organizer = app.organizer("ola").await;

    for (who, status) in [
        (&nina, 200),
        (&mira, 200),
        (&organizer, 200),
        (&other_mentor, 404),
        (&other_newcomer, 404),
    ] {
        assert_eq!(
            who.get(&format!("/people/{id}/progress")).await.status,
            status
        );
    }
    // Another mentor can neither verify, question nor reply; nor can the newcomer verify her own work.
    for who in [&other_mentor, &nina] {
        assert_eq!(
            who.post_form(&format!("/progress/records/{record}/verify"), &[])
                .await
                .status,
            404
        );
        assert_eq!(
            who.post_form(
                &format!("/progress/records/{record}/question"),
                &[("question", "?")]
            )
            .await
            .status,
            404
        );
    }
    assert_eq!(
        other_mentor
            .post_form(&format!("/check-ins/{check_in}/reply"), &[("reply", "hi")])
            .await
            .status,
        404
    );
    assert_eq!(
        other_newcomer
            .post_form(
                &format!("/progress/records/{record}/answer"),
                &[("answer", "mine")]
            )
            .await
            .status,
        404
    );
    // The other mentor's mentee list does not have her.
    assert!(
        other_mentor
            .get("/mentor/mentees")
            .await
            .rows(".mentees-table tbody tr")
            .is_empty()
    );
    // An organizer verifies as a mentor would.
    let page = organizer
        .post_form(&format!("/progress/records/{record}/verify"), &[])
        .await;
    assert_eq!(page.status, 303);
    // Once the mentorship ends, the former mentor no longer sees her.
    let mentorship = progress::progress_of(
        &app.db,
        &progress::Scope::Only(vec![id]),
        &app.state.config.progress(),
        Utc::now(),
    )
    .await
    .unwrap()[&id]
        .mentor_id;
    assert_eq!(mentorship, mira.user_id);
    let ended = onramp::db::mentorships::Entity::find()
        .filter(onramp::db::mentorships::Column::NewcomerId.eq(id))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let page = nina
        .post_form(
            &format!("/mentorships/{}/end", ended.id),
            &[("reason", "moving on")],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(
        mira.get(&format!("/people/{id}/progress")).await.status,
        404
    );
}

#[tokio::test]
async fn check_ins_are_answered_by_the_mentor_and_say_what_blocks() {
    let app = TestApp::start().await;
    let (mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();

    let page = nina
        .post_form("/check-ins", &[("blockers", "QEMU"), ("next_steps", "ask")])
        .await;
    assert_eq!(page.status, 422);
    assert_eq!(
        page.field_error("check-in-body").as_deref(),
        Some("Give what you did since your last check-in.")
    );
    assert_eq!(page.input_value("blockers").as_deref(), Some("QEMU"));
    let long = "x".repeat(1001);
    let page = nina
        .post_form("/check-ins", &[("body", "Built it"), ("next_steps", &long)])
        .await;
    assert_eq!(
        page.field_error("check-in-next").as_deref(),
        Some("Keep what comes next under 1000 characters.")
    );

    let page = nina
        .post_form(
            "/check-ins",
            &[
                ("body", "Built the kernel"),
                ("blockers", "QEMU does not boot"),
                ("next_steps", "Try -nographic"),
            ],
        )
        .await;
    assert_eq!(redirected_to(&page), "/progress?did=checked_in#check-ins");
    let page = nina.get("/progress").await;
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type .badge"),
        "Blocked"
    );
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type"),
        "Blocked Blocked on: QEMU does not boot"
    );
    assert_eq!(
        page.select_text(".check-in .unanswered"),
        "waiting for a reply"
    );
    let page = nina.get("/dashboard").await;
    assert_eq!(page.select_text(".my-progress .badge"), "Blocked");

    let rows = mira
        .get("/mentor/mentees")
        .await
        .rows(".mentees-table tbody tr");
    assert_eq!(rows[0][3], "1 check-in");
    let check_in: i32 = nina.get("/progress").await.attrs(".check-in", "id")[0]
        .trim_start_matches("c-")
        .parse()
        .unwrap();
    // The newcomer's own reply does not answer it; the mentor's does.
    assert_eq!(
        nina.post_form(
            &format!("/check-ins/{check_in}/reply"),
            &[("reply", "Still stuck")]
        )
        .await
        .status,
        303
    );
    assert_eq!(
        mira.get("/mentor/mentees")
            .await
            .rows(".mentees-table tbody tr")[0][3],
        "1 check-in"
    );
    let page = mira
        .post_form(&format!("/check-ins/{check_in}/reply"), &[("reply", "")])
        .await;
    assert_eq!(
        page.field_error(&format!("reply-{check_in}")).as_deref(),
        Some("Give your reply.")
    );
    let page = mira
        .post_form(
            &format!("/check-ins/{check_in}/reply"),
            &[("reply", "Use -nographic and console=ttyS0")],
        )
        .await;
    assert_eq!(
        redirected_to(&page),
        format!("/people/{id}/progress?did=replied#c-{check_in}")
    );
    assert_eq!(
        mira.get("/mentor/mentees")
            .await
            .rows(".mentees-table tbody tr")[0][3],
        "nothing"
    );
    let page = nina.get("/progress").await;
    page.assert_no_selector(".check-in .unanswered");
    assert_eq!(
        page.select_all(".check-in .comments li strong"),
        ["nina", "mira"]
    );

    // A later check-in without blockers lifts the block.
    factory::check_in(&app, id, "It boots", "").await;
    let page = nina.get("/progress").await;
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type .badge"),
        "Waiting for the mentor"
    );
    assert_eq!(
        event_kinds(&app, id)
            .await
            .iter()
            .filter(|k| **k == EventKind::CheckedIn)
            .count(),
        2
    );
}

#[tokio::test]
async fn a_newcomer_without_activity_stalls_and_progress_keeps_their_claim_alive() {
    let app = TestApp::start().await;
    let (mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();
    time_passes::signed_up_days_ago(&app, id, 40).await;
    let policy = app.state.config.claims();
    // She checked in 20 days ago and her mentor answered; nothing since.
    let then = Utc::now() - Duration::days(20);
    let form = progress::CheckInForm {
        body: "Toolchain ready".into(),
        ..Default::default()
    };
    let check_in = progress::check_in(&app.db, id, &form, &policy, then)
        .await
        .unwrap()
        .unwrap();
    let mentor = progress::Looker {
        id: mira.user_id.unwrap(),
        organizer: false,
    };
    progress::reply_to_check_in(&app.db, mentor, check_in, "Well done", then)
        .await
        .unwrap()
        .1
        .unwrap();

    let page = nina.get("/progress").await;
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type"),
        "Stalled No activity for 20 days."
    );
    let rows = mira
        .get("/mentor/mentees")
        .await
        .rows(".mentees-table tbody tr");
    assert!(rows[0][1].starts_with("Stalled"), "{rows:?}");

    // The stall limit comes from the configuration: with 30 days, the same 20 quiet days are on track.
    let patient = TestApp::builder()
        .config(|c| c.stalled_days = 30)
        .start()
        .await;
    let (mentor_there, nina_there) = mentor_and_mentee(&patient).await;
    let there = nina_there.user_id.unwrap();
    time_passes::signed_up_days_ago(&patient, there, 40).await;
    let check_in = progress::check_in(&patient.db, there, &form, &policy, then)
        .await
        .unwrap()
        .unwrap();
    let page = nina_there.get("/progress").await;
    // Until her mentor answers, she waits for them; that is not stalling.
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type"),
        "Waiting for the mentor Waiting 20 days for the mentor's answer."
    );
    let mentor = progress::Looker {
        id: mentor_there.user_id.unwrap(),
        organizer: false,
    };
    progress::reply_to_check_in(&patient.db, mentor, check_in, "Good", then)
        .await
        .unwrap()
        .1
        .unwrap();
    let page = nina_there.get("/progress").await;
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type"),
        "On track Last active 20 days ago."
    );

    // A milestone counts as progress on her claim: its expiry starts again.
    let task = &factory::claimable_tasks(&app).await[0];
    let claim = factory::claim(&app, &task.slug, id).await;
    let before = claim.expires_at;
    nina.post_form(
        "/progress/toolchain-ready",
        &[("note", "rustavailable: yes")],
    )
    .await;
    let after = claims::Entity::find_by_id(claim.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        after.expires_at >= before,
        "{:?} -> {:?}",
        before,
        after.expires_at
    );
    assert_eq!(records(&app, id).await[0].claim_id, Some(claim.id));
    let page = nina.get("/progress").await;
    assert!(
        state(&page, ".progress-facts dd:first-of-type").starts_with("Waiting for the mentor"),
        "a record to verify waits for the mentor"
    );
}

#[tokio::test]
async fn verifying_the_merged_patch_graduates_the_newcomer() {
    let app = TestApp::start().await;
    let (mira, nina) = mentor_and_mentee(&app).await;
    let id = nina.user_id.unwrap();
    let commit = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=0123456789abcdef0123456789abcdef01234567";
    let page = nina
        .post_form(
            "/progress/patch-merged",
            &[("evidence_url", "https://github.com/nina/linux/tree/x")],
        )
        .await;
    assert_eq!(
        page.field_error("record-patch-merged-url").as_deref(),
        Some(
            "This milestone needs a git.kernel.org commit or a lore.kernel.org message; that link is a web page."
        )
    );
    let record =
        factory::milestone_record(&app, id, "patch-merged", commit, "Applied to rust-next").await;
    // Two reviewers verifying at once: one goes through, the other is told it is already verified.
    let organizer = app.organizer("ola").await;
    let path = format!("/progress/records/{record}/verify");
    let (a, b) = tokio::join!(mira.post_form(&path, &[]), organizer.post_form(&path, &[]));
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [303, 409]);
    let page = nina.get("/progress").await;
    assert_eq!(
        state(&page, ".progress-facts dd:first-of-type"),
        "Graduated Their patch is merged."
    );
    assert_eq!(
        event_kinds(&app, id)
            .await
            .iter()
            .filter(|k| **k == EventKind::MilestoneVerified)
            .count(),
        1
    );
    assert_eq!(
        audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("milestone.verify"))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
}
