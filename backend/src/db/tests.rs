//! Checks that the entities agree with the schema the migrations build: every entity is written
//! and read back (which decodes every column), on SQLite always and on the PostgreSQL server that
//! `ONRAMP_TEST_POSTGRES_URL` (or `ONRAMP_TEST_DATABASE_URL`) names; see `postgres_only`.

use std::fmt::Debug;
use std::hash::{BuildHasher, Hasher, RandomState};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use onramp_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveEnum, ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectOptions,
    ConnectionTrait, Database, DatabaseConnection, EntityTrait, IntoActiveModel, ModelTrait,
    NotSet, QueryFilter, QueryOrder, Set, SqlErr,
};

use super::*;

#[path = "../../../tests/shared/postgres_only.rs"]
mod postgres_only;

#[test]
fn enum_spellings_agree() {
    macro_rules! check {
        ($($ty:ty),+ $(,)?) => {$(
            assert_eq!(
                <$ty as sea_orm::Iterable>::iter().count(),
                <$ty>::ALL.len(),
                "{}::ALL is incomplete",
                stringify!($ty)
            );
            for value in <$ty>::ALL {
                let s = value.as_str();
                assert_eq!(value.to_value(), s);
                assert_eq!(s.to_lowercase(), s, "stored values are lowercase");
                assert_eq!(serde_json::to_value(value).unwrap(), serde_json::json!(s));
                assert_eq!(serde_json::from_value::<$ty>(serde_json::json!(s)).unwrap(), *value);
                assert_eq!(s.parse::<$ty>().unwrap(), *value);
                assert_eq!(value.to_string(), s);
            }
            assert!("no such value".parse::<$ty>().is_err());
        )+};
    }
    check!(
        user_roles::Role,
        newcomer_profiles::NewcomerStatus,
        mentor_profiles::MentorStatus,
        tasks::TaskKind,
        tasks::Difficulty,
        tasks::TaskState,
        matching_rounds::RoundKind,
        matching_rounds::RoundState,
        mentorships::MentorshipState,
        claims::ClaimState,
        email_outbox::OutboxState,
        email_outbox::EmailKind,
        notification_preferences::DigestFrequency,
        mentorships::MentorshipOrigin,
        task_offers::OfferState,
        events::EventKind,
        jobs::JobState,
        progress_events::MilestoneState,
        progress_reports::ReportState,
        progress_reports::Assessment,
    );
}

#[test]
fn task_lists_are_split() {
    let task = tasks::Model {
        id: 1,
        slug: "s".into(),
        kind: tasks::TaskKind::Driver,
        area_id: 1,
        title: String::new(),
        description: String::new(),
        difficulty: tasks::Difficulty::Starter,
        skills: "rust, c,,kernel ".into(),
        external_prerequisites: "a board\n\n  a cable\n".into(),
        source_url: String::new(),
        upstream_issue: false,
        state: tasks::TaskState::Open,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        site_edited_at: None,
    };
    assert_eq!(task.skills().collect::<Vec<_>>(), ["rust", "c", "kernel"]);
    assert_eq!(
        task.external_prerequisites().collect::<Vec<_>>(),
        ["a board", "a cable"]
    );
}

#[tokio::test]
async fn entities_round_trip_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db.sqlite").display()
    );
    let db = connect(&url).await;
    round_trip(&db).await;
    db.close().await.expect("close");
}

#[tokio::test]
async fn entities_round_trip_on_postgres() {
    let Some(admin_url) = postgres_only::server_url("entities_round_trip_on_postgres") else {
        return;
    };
    // Configured but unreachable is a failure: connect() panics.
    let admin = connect(&admin_url).await;
    let name = format!(
        "onramp_entities_{:016x}",
        RandomState::new().build_hasher().finish()
    );
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create scratch database");
    let mut url = url::Url::parse(&admin_url).expect("the PostgreSQL server is a URL");
    url.set_path(&format!("/{name}"));
    // A separate task, so that a failed assertion still lets us drop the database.
    let outcome = tokio::spawn(async move {
        let db = connect(url.as_str()).await;
        round_trip(&db).await;
        db.close().await.expect("close");
    })
    .await;
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop scratch database");
    admin.close().await.expect("close admin connection");
    if let Err(err) = outcome {
        std::panic::resume_unwind(err.into_panic());
    }
}

async fn connect(url: &str) -> DatabaseConnection {
    let mut options = ConnectOptions::new(url);
    options
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .max_connections(2)
        .sqlx_logging(false);
    Database::connect(options)
        .await
        .unwrap_or_else(|err| panic!("cannot connect to {url}: {err}"))
}

/// Inserts, then reads the whole table back so every column of every row is decoded.
async fn put<A>(db: &DatabaseConnection, row: A) -> <A::Entity as EntityTrait>::Model
where
    A: ActiveModelTrait + ActiveModelBehavior + Send,
    <A::Entity as EntityTrait>::Model: IntoActiveModel<A> + PartialEq + Debug,
{
    let model = row.insert(db).await.expect("insert");
    let all = A::Entity::find().all(db).await.expect("select");
    assert!(all.contains(&model), "{model:?} not read back from {all:?}");
    model
}

/// Writes each value of an enum into one row's column, and reads the table back (which decodes it).
macro_rules! every_value {
    ($db:expr, $model:expr, $table:ident . $field:ident : $ty:ty) => {
        for value in <$ty>::ALL {
            let mut row: $table::ActiveModel = $model.clone().into();
            row.$field = Set(*value);
            let written = row.update($db).await.expect("update");
            assert_eq!(written.$field, *value);
            let all = $table::Entity::find().all($db).await.expect("select");
            assert!(
                all.contains(&written),
                "{written:?} not read back from {all:?}"
            );
        }
    };
}

fn at(hour: u32) -> DateTime<Utc> {
    // Sub-second precision that both backends keep (PostgreSQL stores microseconds).
    Utc.with_ymd_and_hms(2026, 11, 24, hour, 0, 0).unwrap()
        + chrono::Duration::microseconds(123_456)
}

async fn round_trip(db: &DatabaseConnection) {
    Migrator::up(db, None).await.expect("migrate");

    let user = |login: &str, github_id: Option<i64>| users::ActiveModel {
        id: NotSet,
        github_id: Set(github_id),
        github_login: Set(login.to_owned()),
        name: Set(Some(format!("{login} name"))),
        email: Set(Some(format!("{login}@example.org"))),
        avatar_url: Set(None),
        timezone: Set(Some("Europe/Berlin".into())),
        is_demo: Set(github_id.is_none()),
        created_at: Set(at(9)),
        last_seen_at: Set(None),
    };
    let ann = put(db, user("ann", None)).await;
    let bob = put(db, user("bob", Some(1 << 40))).await;
    let org = put(db, user("org", Some(7))).await;
    assert_eq!(ann.created_at, at(9));
    assert_eq!(bob.github_id, Some(1 << 40));

    for (who, role) in [
        (&ann, user_roles::Role::Newcomer),
        (&bob, user_roles::Role::Mentor),
        (&org, user_roles::Role::Organizer),
    ] {
        put(
            db,
            user_roles::ActiveModel {
                user_id: Set(who.id),
                role: Set(role),
                granted_by: Set(Some(org.id)),
                granted_at: Set(at(9)),
            },
        )
        .await;
    }
    put(
        db,
        sessions::ActiveModel {
            id: Set("session-id".into()),
            user_id: Set(Some(ann.id)),
            data: Set("{}".into()),
            expires_at: Set(at(23)),
            created_at: Set(at(22)),
        },
    )
    .await;
    let ann_profile = put(
        db,
        newcomer_profiles::ActiveModel {
            user_id: Set(ann.id),
            rust_experience: Set(1),
            c_experience: Set(2),
            kernel_experience: Set(0),
            hours_per_week: Set(5),
            goals: Set("a first patch".into()),
            status: Set(newcomer_profiles::NewcomerStatus::Active),
            created_at: Set(at(9)),
            updated_at: Set(at(10)),
        },
    )
    .await;
    let bob_profile = put(
        db,
        mentor_profiles::ActiveModel {
            user_id: Set(bob.id),
            capacity: Set(2),
            accepting: Set(true),
            bio: Set("drivers".into()),
            status: Set(mentor_profiles::MentorStatus::Approved),
            decided_by: Set(Some(org.id)),
            decided_at: Set(Some(at(10))),
            created_at: Set(at(9)),
            updated_at: Set(at(10)),
        },
    )
    .await;
    put(
        db,
        user_languages::ActiveModel {
            user_id: Set(ann.id),
            language: Set("en".into()),
        },
    )
    .await;

    let gpu = put(
        db,
        areas::ActiveModel {
            id: NotSet,
            slug: Set("gpu".into()),
            name: Set("GPU".into()),
            description: Set("Graphics drivers".into()),
        },
    )
    .await;
    put(
        db,
        user_areas::ActiveModel {
            user_id: Set(ann.id),
            area_id: Set(gpu.id),
        },
    )
    .await;
    let task = |slug: &str| tasks::ActiveModel {
        id: NotSet,
        slug: Set(slug.to_owned()),
        kind: Set(tasks::TaskKind::Binding),
        area_id: Set(gpu.id),
        title: Set(format!("Task {slug}")),
        description: Set(String::new()),
        difficulty: Set(tasks::Difficulty::Intermediate),
        skills: Set("rust,c".into()),
        external_prerequisites: Set(String::new()),
        source_url: Set("https://example.org/issue".into()),
        upstream_issue: Set(true),
        state: Set(tasks::TaskState::Open),
        created_at: Set(at(9)),
        updated_at: Set(at(9)),
        site_edited_at: Set(Some(at(10))),
    };
    let first = put(db, task("first")).await;
    let second = put(db, task("second")).await;
    put(
        db,
        task_prerequisites::ActiveModel {
            task_id: Set(second.id),
            requires_id: Set(first.id),
        },
    )
    .await;
    let milestone = put(
        db,
        milestones::ActiveModel {
            id: NotSet,
            slug: Set("first-patch".into()),
            position: Set(1),
            title: Set("First patch".into()),
            description: Set(String::new()),
            evidence_kinds: Set("lore,patchwork".into()),
            evidence_required: Set(true),
        },
    )
    .await;

    let round = put(
        db,
        matching_rounds::ActiveModel {
            id: NotSet,
            kind: Set(matching_rounds::RoundKind::Mentors),
            state: Set(matching_rounds::RoundState::Draft),
            created_by: Set(Some(org.id)),
            created_at: Set(at(11)),
            sent_at: Set(None),
            newcomers: Set(1),
            candidates: Set(1),
            placed: Set(1),
            objective: Set(1 << 40),
            solve_ms: Set(12.5),
            stats: Set("{}".into()),
        },
    )
    .await;
    put(
        db,
        round_proposals::ActiveModel {
            id: NotSet,
            round_id: Set(round.id),
            newcomer_id: Set(ann.id),
            mentor_id: Set(Some(bob.id)),
            task_id: Set(None),
            score: Set(87),
            explanation: Set("{}".into()),
            unplaced_reason: Set(None),
        },
    )
    .await;
    let mentorship = put(
        db,
        mentorships::ActiveModel {
            id: NotSet,
            newcomer_id: Set(ann.id),
            mentor_id: Set(bob.id),
            state: Set(mentorships::MentorshipState::Proposed),
            score: Set(87),
            explanation: Set("{}".into()),
            round_id: Set(Some(round.id)),
            proposed_at: Set(at(12)),
            accepted_at: Set(None),
            ended_at: Set(None),
            ended_reason: Set(None),
            origin: Set(mentorships::MentorshipOrigin::Organizer),
            request_message: Set(Some("Could you mentor me?".into())),
            response_message: Set(None),
        },
    )
    .await;
    put(
        db,
        progress_reports::ActiveModel {
            id: NotSet,
            mentorship_id: Set(mentorship.id),
            newcomer_id: Set(ann.id),
            mentor_id: Set(bob.id),
            period_start: Set(at(1)),
            period_end: Set(at(12)),
            due_at: Set(at(13)),
            draft: Set("{}".into()),
            state: Set(progress_reports::ReportState::Reviewed),
            assessment: Set(Some(progress_reports::Assessment::NeedsHelp)),
            mentor_comment: Set(Some("slow week".into())),
            submitted_at: Set(Some(at(12))),
            newcomer_view: Set(Some("busy".into())),
            newcomer_view_at: Set(Some(at(12))),
            reviewed_by: Set(Some(bob.id)),
            reviewed_at: Set(Some(at(13))),
            review_note: Set(Some("ok".into())),
            created_at: Set(at(12)),
        },
    )
    .await;

    let claim = |task_id: i32| claims::ActiveModel {
        id: NotSet,
        task_id: Set(task_id),
        newcomer_id: Set(ann.id),
        state: Set(claims::ClaimState::Active),
        claimed_at: Set(at(12)),
        expires_at: Set(at(20)),
        ended_at: Set(None),
        warned_at: Set(Some(at(15))),
        extended_at: Set(Some(at(16))),
        extend_reason: Set(Some("travelling".into())),
        done_at: Set(None),
        evidence_url: Set(None),
        ended_reason: Set(None),
    };
    let active = put(db, claim(first.id)).await;
    // The race the partial index exists for, as the application will see it.
    let err = claim(first.id)
        .insert(db)
        .await
        .expect_err("second active claim");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{err}"
    );

    let record = put(
        db,
        progress_events::ActiveModel {
            id: NotSet,
            newcomer_id: Set(ann.id),
            claim_id: Set(Some(active.id)),
            milestone_id: Set(milestone.id),
            evidence_url: Set(Some("https://lore.kernel.org/x".into())),
            note: Set("sent".into()),
            created_at: Set(at(13)),
            verified_by: Set(Some(bob.id)),
            verified_at: Set(Some(at(14))),
            state: Set(progress_events::MilestoneState::Verified),
            updated_at: Set(Some(at(14))),
        },
    )
    .await;
    put(
        db,
        progress_comments::ActiveModel {
            id: NotSet,
            progress_event_id: Set(record.id),
            author_id: Set(bob.id),
            body: Set("Which tree?".into()),
            created_at: Set(at(14)),
        },
    )
    .await;
    let check_in = put(
        db,
        check_ins::ActiveModel {
            id: NotSet,
            newcomer_id: Set(ann.id),
            body: Set("progress".into()),
            blockers: Set(Some("none".into())),
            next_steps: Set(Some("v2".into())),
            created_at: Set(at(13)),
        },
    )
    .await;
    put(
        db,
        check_in_replies::ActiveModel {
            id: NotSet,
            check_in_id: Set(check_in.id),
            author_id: Set(bob.id),
            body: Set("nice".into()),
            created_at: Set(at(14)),
        },
    )
    .await;
    let mail = |key: &str, due: DateTime<Utc>| email_outbox::ActiveModel {
        id: NotSet,
        recipient_id: Set(Some(ann.id)),
        recipient_email: Set("ann@example.org".into()),
        kind: Set(email_outbox::EmailKind::Matched),
        dedup_key: Set(key.to_owned()),
        subject: Set("Hello".into()),
        body_text: Set("Hello".into()),
        body_html: Set("<p>Hello</p>".into()),
        state: Set(email_outbox::OutboxState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(due),
        last_error: Set(None),
        message_id: Set(None),
        created_at: Set(at(12)),
        sent_at: Set(None),
        context: Set("{}".into()),
        locked_by: Set(Some("host:1".into())),
        locked_until: Set(Some(at(13))),
    };
    let due_mail = put(db, mail("due", at(12))).await;
    put(db, mail("later", at(15))).await;
    put(
        db,
        notification_settings::ActiveModel {
            user_id: Set(ann.id),
            kind: Set(email_outbox::EmailKind::Matched),
            enabled: Set(false),
            snoozed_until: Set(Some(at(22))),
        },
    )
    .await;
    let prefs = put(
        db,
        notification_preferences::ActiveModel {
            user_id: Set(ann.id),
            snoozed_until: Set(Some(at(23))),
            digest: Set(notification_preferences::DigestFrequency::Daily),
            updated_at: Set(at(12)),
        },
    )
    .await;
    put(
        db,
        audit_log::ActiveModel {
            id: NotSet,
            actor_id: Set(Some(org.id)),
            action: Set("round.create".into()),
            subject: Set(format!("round:{}", round.id)),
            details: Set("{}".into()),
            at: Set(at(11)),
        },
    )
    .await;

    let offer = put(
        db,
        task_offers::ActiveModel {
            id: NotSet,
            round_id: Set(round.id),
            task_id: Set(second.id),
            newcomer_id: Set(ann.id),
            state: Set(task_offers::OfferState::Open),
            score: Set(80),
            explanation: Set("{}".into()),
            created_at: Set(at(12)),
            answered_at: Set(None),
        },
    )
    .await;
    put(
        db,
        mentor_passes::ActiveModel {
            mentor_id: Set(bob.id),
            newcomer_id: Set(ann.id),
            until: Set(at(23)),
        },
    )
    .await;
    let event = put(
        db,
        events::ActiveModel {
            id: NotSet,
            kind: Set(events::EventKind::Claimed),
            actor_id: Set(Some(ann.id)),
            person_id: Set(ann.id),
            other_id: Set(Some(bob.id)),
            task_id: Set(Some(first.id)),
            claim_id: Set(Some(active.id)),
            mentorship_id: Set(Some(mentorship.id)),
            details: Set("{}".into()),
            at: Set(at(12)),
        },
    )
    .await;
    let job = put(
        db,
        jobs::ActiveModel {
            id: NotSet,
            kind: Set("claim.expire".into()),
            payload: Set("{\"claim_id\":1}".into()),
            dedup_key: Set(Some("claim:1:expire".into())),
            state: Set(jobs::JobState::Pending),
            run_at: Set(at(20)),
            attempts: Set(0),
            max_attempts: Set(5),
            last_error: Set(None),
            locked_by: Set(Some("worker-1".into())),
            locked_until: Set(Some(at(21))),
            created_at: Set(at(12)),
            finished_at: Set(None),
        },
    )
    .await;

    // Time comparisons must order correctly, including on SQLite where times are text.
    let due = email_outbox::Entity::find()
        .filter(email_outbox::Column::State.eq(email_outbox::OutboxState::Pending))
        .filter(email_outbox::Column::NextAttemptAt.lte(at(13)))
        .order_by_asc(email_outbox::Column::NextAttemptAt)
        .all(db)
        .await
        .expect("due mail");
    assert_eq!(
        due.iter().map(|m| m.dedup_key.as_str()).collect::<Vec<_>>(),
        ["due"]
    );

    // The relations resolve to the right columns.
    let area = first
        .find_related(areas::Entity)
        .one(db)
        .await
        .expect("task area");
    assert_eq!(area.as_ref().map(|a| a.id), Some(gpu.id));
    let required = second
        .find_linked(task_prerequisites::RequiredTasks)
        .all(db)
        .await
        .expect("required tasks");
    assert_eq!(
        required.iter().map(|t| t.id).collect::<Vec<_>>(),
        [first.id]
    );
    let unlocked = first
        .find_linked(task_prerequisites::DependentTasks)
        .all(db)
        .await
        .expect("dependent tasks");
    assert_eq!(
        unlocked.iter().map(|t| t.id).collect::<Vec<_>>(),
        [second.id]
    );
    let mentor = mentorship
        .find_linked(mentorships::ToMentor)
        .one(db)
        .await
        .expect("mentor");
    assert_eq!(mentor.map(|u| u.id), Some(bob.id));
    let mentored = bob
        .find_linked(mentorships::AsMentor)
        .all(db)
        .await
        .expect("mentorships as mentor");
    assert_eq!(
        mentored.iter().map(|m| m.id).collect::<Vec<_>>(),
        [mentorship.id]
    );
    let roles = users::Entity::find_by_id(ann.id)
        .find_with_related(user_roles::Entity)
        .all(db)
        .await
        .expect("roles");
    assert_eq!(roles[0].1[0].role, user_roles::Role::Newcomer);
    let interested = gpu
        .find_related(users::Entity)
        .all(db)
        .await
        .expect("users of an area");
    assert_eq!(
        interested.iter().map(|u| u.id).collect::<Vec<_>>(),
        [ann.id]
    );
    let claimed = first
        .find_related(claims::Entity)
        .filter(claims::Column::State.eq(claims::ClaimState::Active))
        .all(db)
        .await
        .expect("claims of a task");
    assert_eq!(claimed, std::slice::from_ref(&active));

    // Every value of every enum column is written and decoded (roles: one of each was granted above).
    let tasks_first = first.clone();
    every_value!(db, ann_profile, newcomer_profiles.status: newcomer_profiles::NewcomerStatus);
    every_value!(db, bob_profile, mentor_profiles.status: mentor_profiles::MentorStatus);
    every_value!(db, tasks_first, tasks.kind: tasks::TaskKind);
    every_value!(db, first, tasks.difficulty: tasks::Difficulty);
    every_value!(db, first, tasks.state: tasks::TaskState);
    every_value!(db, round, matching_rounds.kind: matching_rounds::RoundKind);
    every_value!(db, round, matching_rounds.state: matching_rounds::RoundState);
    every_value!(db, mentorship, mentorships.state: mentorships::MentorshipState);
    every_value!(db, active, claims.state: claims::ClaimState);
    every_value!(db, due_mail, email_outbox.state: email_outbox::OutboxState);
    every_value!(db, due_mail, email_outbox.kind: email_outbox::EmailKind);
    every_value!(db, prefs, notification_preferences.digest: notification_preferences::DigestFrequency);
    every_value!(db, mentorship, mentorships.origin: mentorships::MentorshipOrigin);
    every_value!(db, offer, task_offers.state: task_offers::OfferState);
    every_value!(db, event, events.kind: events::EventKind);
    every_value!(db, job, jobs.state: jobs::JobState);

    // Deleting a user takes what they own and keeps what others need.
    users::Entity::delete_by_id(ann.id)
        .exec(db)
        .await
        .expect("delete user");
    assert!(
        mentorships::Entity::find()
            .all(db)
            .await
            .expect("mentorships")
            .is_empty()
    );
    users::Entity::delete_by_id(org.id)
        .exec(db)
        .await
        .expect("delete organizer");
    let round = matching_rounds::Entity::find_by_id(round.id)
        .one(db)
        .await
        .expect("round")
        .expect("the round outlives its creator");
    assert_eq!(round.created_by, None);
}
