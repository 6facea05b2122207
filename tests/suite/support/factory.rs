//! Factories: the people, task changes and claims a test starts from, made the way the product makes them.
//!
//! People go through `services::demo_people::upsert`, the service that writes a demo person with roles,
//! areas, languages and profiles (a test's people are demo people, so they sign in at /signin/demo). The
//! catalog's changes go through the catalog edit service (`edit_task`) and the claims service (`claim`,
//! `complete_task`). Mentorships come from a mentor round sent through the rounds
//! service (`proposed_mentorship`, `accepted_mentorship`), as an organizer makes them.
//!
//! ```text
//! let nina = factory::newcomer(&app, "nina").languages(&["fi"]).areas(&["pci"]).timezone("Europe/Helsinki").sign_in().await;
//! ```

use chrono::Utc;
use onramp::db::claims as db_claims;
use onramp::db::matching_rounds::RoundKind;
use onramp::db::tasks::{self, TaskState};
use onramp::db::user_roles::Role;
use onramp::db::{areas, mentorships, milestones, progress_events, task_prerequisites, users};
use onramp::domain::matching::score::MatchingConfig;
use onramp::domain::people::{MentorDef, NewcomerDef, Person};
use onramp::domain::profile::{MentorProfile, NewcomerProfile};
use onramp::domain::task_form::TaskForm;
use onramp::services::mentorships as mentoring;
use onramp::services::{catalog_edit, demo_people, profiles, rounds};
use onramp::services::{claims, progress};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

use super::{Actor, TestApp};

/// A person about to be made; nothing is written until `create` or `sign_in`.
pub struct PersonFactory<'a> {
    app: &'a TestApp,
    person: Person,
}

/// A person with exactly these roles, and a profile for each role that has one (see `newcomer`, `mentor`).
pub fn person<'a>(app: &'a TestApp, login: &str, roles: &[Role]) -> PersonFactory<'a> {
    let has = |r| roles.contains(&r);
    PersonFactory {
        app,
        person: Person {
            login: login.to_string(),
            name: format!("{login} (test)"),
            email: format!("{login}@example.org"),
            timezone: "Europe/Berlin".into(),
            languages: Vec::new(),
            roles: roles.to_vec(),
            areas: Vec::new(),
            newcomer: has(Role::Newcomer).then(|| NewcomerDef {
                rust: 1,
                c: 1,
                kernel: 0,
                hours_per_week: 5,
                goals: "Land a first patch.".into(),
            }),
            mentor: has(Role::Mentor).then(|| MentorDef {
                capacity: 3,
                accepting: true,
                bio: "Reviews Rust abstractions.".into(),
            }),
        },
    }
}

/// A newcomer with a profile but no languages or areas yet: matching needs those (`languages`, `areas`).
pub fn newcomer<'a>(app: &'a TestApp, login: &str) -> PersonFactory<'a> {
    person(app, login, &[Role::Newcomer])
}

/// An approved mentor accepting up to three mentees.
pub fn mentor<'a>(app: &'a TestApp, login: &str) -> PersonFactory<'a> {
    person(app, login, &[Role::Mentor])
}

pub fn organizer<'a>(app: &'a TestApp, login: &str) -> PersonFactory<'a> {
    person(app, login, &[Role::Organizer])
}

impl PersonFactory<'_> {
    /// Spoken languages, as ISO 639-1 codes.
    pub fn languages(mut self, codes: &[&str]) -> Self {
        self.person.languages = codes.iter().map(|c| c.to_string()).collect();
        self
    }

    /// Interests (a newcomer) or expertise (a mentor), as area slugs of the catalog.
    pub fn areas(mut self, slugs: &[&str]) -> Self {
        self.person.areas = slugs.iter().map(|s| s.to_string()).collect();
        self
    }

    pub fn timezone(mut self, tz: &str) -> Self {
        self.person.timezone = tz.to_string();
        self
    }

    /// Write the person.
    pub async fn create(self) -> users::Model {
        let db = &self.app.db;
        let known = areas::Entity::find().all(db).await.expect("areas");
        for slug in &self.person.areas {
            assert!(
                known.iter().any(|a| &a.slug == slug),
                "the catalog has no area {slug}"
            );
        }
        demo_people::upsert(db, &self.person, &known, Utc::now())
            .await
            .expect("write the person");
        users::Entity::find()
            .filter(users::Column::GithubLogin.eq(&self.person.login))
            .one(db)
            .await
            .expect("read the person back")
            .expect("the person exists")
    }

    /// Write the person, then sign them in through the real demo sign-in page.
    pub async fn sign_in(self) -> Actor {
        let app = self.app;
        let login = self.person.login.clone();
        let user = self.create().await;
        let actor = Actor::new(&app.base);
        let page = actor
            .post_form("/signin/demo", &[("login", &login), ("next", "/dashboard")])
            .await;
        assert_eq!(
            page.status, 303,
            "demo sign-in of {login} redirects: {}",
            page.body
        );
        actor.with_user_id(user.id)
    }
}

/// An organizer's edit of task `slug` in the site, made by the catalog edit service from the task's form as it
/// stands, changed by `edit`.
pub async fn edit_task(
    app: &TestApp,
    slug: &str,
    edit: impl FnOnce(&mut TaskForm),
) -> tasks::Model {
    let editor = person(app, "catalog-editor", &[Role::Organizer])
        .create()
        .await;
    let mut form = catalog_edit::form_for(&app.db, slug)
        .await
        .expect("the task's form");
    edit(&mut form);
    catalog_edit::save_task(&app.db, editor.id, Some(slug), &form, Utc::now())
        .await
        .expect("save the task")
        .unwrap_or_else(|errors| panic!("the edit of {slug} is refused: {errors:?}"));
    tasks::Entity::find()
        .filter(tasks::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("read the task")
        .expect("the task exists")
}

/// Task `slug` done the way the product does it: a newcomer claims it and marks it done with evidence, and an
/// organizer confirms. The task must be claimable (open, waiting for nothing).
pub async fn complete_task(app: &TestApp, slug: &str) {
    let worker = person(app, &format!("finisher-{slug}"), &[Role::Newcomer])
        .create()
        .await;
    let confirmer = person(app, "catalog-editor", &[Role::Organizer])
        .create()
        .await;
    let held = claim(app, slug, worker.id).await;
    claims::mark_done(
        &app.db,
        held.id,
        worker.id,
        "https://lore.kernel.org/rust-for-linux/done/",
        Utc::now(),
    )
    .await
    .expect("mark the work done");
    claims::confirm_done(&app.db, held.id, confirmer.id, true, Utc::now())
        .await
        .expect("confirm the work");
}

/// A newcomer's active claim on the task `slug`, made by the claims service as the task page's button makes it.
pub async fn claim(app: &TestApp, slug: &str, newcomer_id: i32) -> db_claims::Model {
    let receipt = claims::claim_task(
        &app.db,
        newcomer_id,
        slug,
        &app.state.config.claims(),
        Utc::now(),
    )
    .await
    .unwrap_or_else(|e| panic!("claim {slug}: {e}"));
    claim_row(app, receipt.claim_id).await
}

/// A claim that its newcomer released again.
pub async fn released_claim(app: &TestApp, slug: &str, newcomer_id: i32) -> db_claims::Model {
    let held = claim(app, slug, newcomer_id).await;
    claims::release(&app.db, held.id, newcomer_id, Utc::now())
        .await
        .expect("release the claim");
    claim_row(app, held.id).await
}

/// The claim as stored.
pub async fn claim_row(app: &TestApp, id: i32) -> db_claims::Model {
    db_claims::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("read the claim")
        .expect("the claim exists")
}

/// Open tasks that wait for no other task, in slug order: any newcomer may claim them.
pub async fn claimable_tasks(app: &TestApp) -> Vec<tasks::Model> {
    let waiting: Vec<i32> = task_prerequisites::Entity::find()
        .all(&app.db)
        .await
        .expect("prerequisites")
        .into_iter()
        .map(|e| e.task_id)
        .collect();
    tasks::Entity::find()
        .filter(tasks::Column::State.eq(TaskState::Open))
        .order_by_asc(tasks::Column::Slug)
        .all(&app.db)
        .await
        .expect("tasks")
        .into_iter()
        .filter(|t| !waiting.contains(&t.id))
        .collect()
}

/// `user` as if they had signed up with GitHub account `github_id` long ago, no longer a demo person.
/// The only service that links a GitHub account (`signin::upsert_github_user`) also makes a new person a
/// newcomer, so a person with other roles who signed up earlier (e.g. a mentor) is linked here instead.
pub async fn signed_up_with_github(
    app: &TestApp,
    user: users::Model,
    github_id: i64,
) -> users::Model {
    let mut row = user.into_active_model();
    row.github_id = Set(Some(github_id));
    row.is_demo = Set(false);
    row.update(&app.db).await.expect("link the GitHub account")
}

/// A newcomer's experience and a mentor's capacity, for tests where matching weighs them.
impl PersonFactory<'_> {
    /// Rust and kernel experience, 0 to 3 (a newcomer).
    pub fn experience(mut self, rust: i16, kernel: i16) -> Self {
        let profile = self.person.newcomer.as_mut().expect("a newcomer");
        profile.rust = rust;
        profile.kernel = kernel;
        self
    }

    /// How many mentees at once (a mentor).
    pub fn capacity(mut self, capacity: i16) -> Self {
        self.person.mentor.as_mut().expect("a mentor").capacity = capacity;
        self
    }
}

/// A mentorship of `newcomer` with `mentor` made as the product makes one: organizer `organizer` starts a
/// mentor round that pairs them and sends it, so the mentor has a proposal waiting. A round takes everyone
/// who waits for a mentor, so make the pair while it is the only one the round can place (this fails if the
/// round placed anyone else). `accepted` then has the mentor accept.
pub async fn proposed_mentorship(
    app: &TestApp,
    organizer: i32,
    newcomer: i32,
    mentor: i32,
) -> mentorships::Model {
    let cfg = MatchingConfig::default();
    let round = rounds::create_round(&app.db, organizer, RoundKind::Mentors, &cfg, Utc::now())
        .await
        .expect("start a mentor round")
        .round_id;
    let review = rounds::review_round(&app.db, round)
        .await
        .expect("review the round");
    let pairs: Vec<(i32, Option<i32>)> = review
        .placed
        .iter()
        .map(|p| (p.newcomer.id, p.mentor.as_ref().map(|m| m.id)))
        .collect();
    assert_eq!(
        pairs,
        [(newcomer, Some(mentor))],
        "the round pairs exactly this newcomer and mentor; make the pair before the rest of the cast"
    );
    let sent = rounds::send_round(&app.db, round, organizer, Utc::now())
        .await
        .expect("send the round");
    assert_eq!(sent.proposed, 1, "{sent:?}");
    mentorships::Entity::find()
        .filter(mentorships::Column::RoundId.eq(round))
        .one(&app.db)
        .await
        .expect("read the mentorship")
        .expect("sending made the mentorship")
}

/// A mentorship under way: proposed as in `proposed_mentorship`, then accepted by the mentor.
pub async fn accepted_mentorship(
    app: &TestApp,
    organizer: i32,
    newcomer: i32,
    mentor: i32,
) -> mentorships::Model {
    let proposed = proposed_mentorship(app, organizer, newcomer, mentor).await;
    mentoring::respond_to_proposal(&app.db, proposed.id, mentor, true, None, Utc::now())
        .await
        .expect("the mentor accepts");
    mentorships::Entity::find_by_id(proposed.id)
        .one(&app.db)
        .await
        .expect("read the mentorship")
        .expect("the mentorship exists")
}

/// A mentorship that the mentor started by claiming the newcomer from their queue, as the queue page's button
/// does; returns its id. Unlike a round, it pairs these two whoever else waits in the pool.
pub async fn claimed_from_queue(app: &TestApp, mentor: i32, newcomer: i32) -> i32 {
    mentoring::claim_newcomer(&app.db, mentor, newcomer, Utc::now())
        .await
        .expect("the mentor claims the newcomer")
}

/// Mentor `id` edits their mentor profile as the profile page does: the form as it stands, changed by `edit`,
/// validated and saved by the profiles service (which keeps the application's status).
pub async fn edit_mentor_profile(app: &TestApp, id: i32, edit: impl FnOnce(&mut MentorProfile)) {
    let (form, _) = profiles::mentor_form(&app.db, id)
        .await
        .expect("read the mentor profile");
    let known = profiles::area_slugs(&app.db).await.expect("the areas");
    let mut profile = form
        .validate(&known)
        .unwrap_or_else(|e| panic!("the saved mentor profile is valid: {e:?}"));
    edit(&mut profile);
    profiles::save_mentor(&app.db, id, &profile, Utc::now())
        .await
        .expect("save the mentor profile");
}

/// Newcomer `id` edits their profile as the profile page does (see `edit_mentor_profile`).
pub async fn edit_newcomer_profile(
    app: &TestApp,
    id: i32,
    edit: impl FnOnce(&mut NewcomerProfile),
) {
    let (form, _) = profiles::newcomer_form(&app.db, id)
        .await
        .expect("read the newcomer profile");
    let known = profiles::area_slugs(&app.db).await.expect("the areas");
    let mut profile = form
        .validate(&known)
        .unwrap_or_else(|e| panic!("the saved newcomer profile is valid: {e:?}"));
    edit(&mut profile);
    profiles::save_newcomer(&app.db, id, &profile, Utc::now())
        .await
        .expect("save the newcomer profile");
}

/// A newcomer's request to a mentor, made by the service the dashboard's "Ask" form calls; returns its id.
pub async fn requested_mentorship(app: &TestApp, newcomer: i32, mentor: i32) -> i32 {
    mentoring::request_mentor(
        &app.db,
        newcomer,
        mentor,
        "Could you mentor me?",
        Utc::now(),
    )
    .await
    .expect("the newcomer asks the mentor")
}

/// A catalog task that waits for another, with that prerequisite: `(required, waiting)`. The required task waits
/// for nothing itself, so a test can claim it or have it done.
pub async fn prerequisite_pair(app: &TestApp) -> (tasks::Model, tasks::Model) {
    let free = claimable_tasks(app).await;
    let edges = task_prerequisites::Entity::find()
        .all(&app.db)
        .await
        .expect("prerequisites");
    let edge = edges
        .iter()
        .find(|e| free.iter().any(|t| t.id == e.requires_id))
        .expect("the catalog has a prerequisite that waits for nothing");
    let by_id = |id: i32| async move {
        tasks::Entity::find_by_id(id)
            .one(&app.db)
            .await
            .expect("read the task")
            .expect("the task exists")
    };
    (by_id(edge.requires_id).await, by_id(edge.task_id).await)
}

/// A task round that `organizer` creates and sends, as the rounds page does: each placed newcomer gets an offer.
/// Returns the round's id and what sending did.
pub async fn sent_task_round(app: &TestApp, organizer: i32) -> (i32, rounds::SendReport) {
    let cfg = app.state.config.matching();
    let round = rounds::create_round(&app.db, organizer, RoundKind::Tasks, &cfg, Utc::now())
        .await
        .expect("start a task round")
        .round_id;
    let sent = rounds::send_round(&app.db, round, organizer, Utc::now())
        .await
        .expect("send the task round");
    (round, sent)
}

/// Newcomer `newcomer` records milestone `slug` through the progress service, as its form does; returns the
/// record's id.
pub async fn milestone_record(
    app: &TestApp,
    newcomer: i32,
    slug: &str,
    evidence_url: &str,
    note: &str,
) -> i32 {
    let form = progress::RecordForm {
        evidence_url: evidence_url.into(),
        note: note.into(),
    };
    progress::record_milestone(
        &app.db,
        newcomer,
        slug,
        &form,
        &app.state.config.claims(),
        Utc::now(),
    )
    .await
    .unwrap_or_else(|e| panic!("record {slug}: {e}"))
    .unwrap_or_else(|e| panic!("record {slug}: {e:?}"));
    let milestone = milestones::Entity::find()
        .filter(milestones::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("read the milestone")
        .expect("the milestone exists");
    progress_events::Entity::find()
        .filter(progress_events::Column::NewcomerId.eq(newcomer))
        .filter(progress_events::Column::MilestoneId.eq(milestone.id))
        .one(&app.db)
        .await
        .expect("read the record")
        .expect("the record exists")
        .id
}

/// Newcomer `newcomer` checks in through the progress service; returns the check-in's id.
pub async fn check_in(app: &TestApp, newcomer: i32, body: &str, blockers: &str) -> i32 {
    let form = progress::CheckInForm {
        body: body.into(),
        blockers: blockers.into(),
        next_steps: String::new(),
    };
    progress::check_in(
        &app.db,
        newcomer,
        &form,
        &app.state.config.claims(),
        Utc::now(),
    )
    .await
    .expect("check in")
    .expect("a valid check-in")
}

/// A progress report waiting for `mentor`: `mentor` claims `newcomer` from their queue, the mentorship is made
/// a period old, and the reports job's pass drafts the report. Returns its id.
pub async fn report(app: &TestApp, newcomer: i32, mentor: i32) -> i32 {
    claimed_from_queue(app, mentor, newcomer).await;
    let days = i64::from(app.state.config.reports().period_days) + 1;
    super::time_passes::mentorship_began_days_ago(app, newcomer, days).await;
    onramp::services::reports::draft_due_reports(&app.db, &app.state.config.reports(), Utc::now())
        .await
        .expect("draft the due reports");
    onramp::db::progress_reports::Entity::find()
        .filter(onramp::db::progress_reports::Column::NewcomerId.eq(newcomer))
        .one(&app.db)
        .await
        .expect("read the report")
        .expect("a report was drafted")
        .id
}

/// The id of `user`'s welcome email, queued as sign-up queues it (pending: nothing sends it in a test unless the
/// test delivers).
pub async fn welcome_email(app: &TestApp, user: i32) -> i32 {
    use onramp::db::email_outbox;
    onramp::services::notifications::welcome(&app.db, user, "someone", Utc::now())
        .await
        .expect("queue the welcome");
    email_outbox::Entity::find()
        .filter(email_outbox::Column::RecipientId.eq(user))
        .filter(email_outbox::Column::Kind.eq(email_outbox::EmailKind::Welcome))
        .one(&app.db)
        .await
        .expect("read the outbox")
        .expect("the welcome is queued")
        .id
}

/// `n` new people (`person-0`, ...), each with a welcome on the outbox (account email: due at once, whatever the
/// time of day).
pub async fn welcomes(app: &TestApp, n: usize) {
    for i in 0..n {
        let user = person(app, &format!("person-{i}"), &[Role::Newcomer])
            .create()
            .await;
        onramp::services::notifications::welcome(&app.db, user.id, &user.github_login, Utc::now())
            .await
            .expect("queue the welcome");
    }
}
