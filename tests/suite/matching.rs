//! Matching rounds and instant suggestions, driven through the services on the test database with the real
//! catalog: who is placed and why not, capacity, blocked tasks, sending, races with a mentor assigned meanwhile,
//! accepting (capacity re-checked) and declining (back to the pool, never the same pair again).

use std::collections::HashMap;

use chrono::Utc;
use onramp::db::matching_rounds::{RoundKind, RoundState};
use onramp::db::mentorships::MentorshipState;
use onramp::db::user_roles::Role;
use onramp::db::{audit_log, matching_rounds, mentorships, newcomer_profiles};
use onramp::domain::matching::score::{MatchingConfig, Reason, Unplaced};
use onramp::services::ServiceError;
use onramp::services::catalog;
use onramp::services::mentorships as mentoring;
use onramp::services::rounds::{self, ProposalView, RoundReview, SkipReason};
use onramp::services::suggestions;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{TestApp, factory};

/// A test app whose matching pool holds only the people each test makes: the demo people are removed.
async fn app() -> TestApp {
    TestApp::start_without_demo_people().await
}

struct Person<'a> {
    login: &'a str,
    languages: &'a [&'a str],
    areas: &'a [&'a str],
    timezone: &'a str,
}

/// A user with the role's default profile, and the languages, areas and time zone matching looks at.
async fn person(app: &TestApp, p: Person<'_>, role: Role) -> i32 {
    person_factory(app, &p, role).create().await.id
}

fn person_factory<'a>(app: &'a TestApp, p: &Person<'_>, role: Role) -> factory::PersonFactory<'a> {
    factory::person(app, p.login, &[role])
        .languages(p.languages)
        .areas(p.areas)
        .timezone(p.timezone)
}

async fn newcomer(app: &TestApp, p: Person<'_>) -> i32 {
    person(app, p, Role::Newcomer).await
}

async fn mentor(app: &TestApp, p: Person<'_>, capacity: i16) -> i32 {
    person_factory(app, &p, Role::Mentor)
        .capacity(capacity)
        .create()
        .await
        .id
}

/// The mentor changes how many mentees they take at once.
async fn set_capacity(app: &TestApp, mentor_id: i32, capacity: i16) {
    factory::edit_mentor_profile(app, mentor_id, |p| p.capacity = capacity).await;
}

async fn organizer(app: &TestApp) -> i32 {
    app.create_user("organizer", &[Role::Organizer]).await.id
}

fn cfg() -> MatchingConfig {
    MatchingConfig::default()
}

fn placed_with(review: &RoundReview, newcomer: i32) -> Option<&ProposalView> {
    review.placed.iter().find(|p| p.newcomer.id == newcomer)
}

fn unplaced_text(review: &RoundReview, newcomer: i32) -> Option<&str> {
    review
        .unplaced
        .iter()
        .find(|u| u.newcomer.id == newcomer)
        .map(|u| u.text.as_str())
}

/// Mentor -> newcomer pairs of a mentor round.
fn pairs(review: &RoundReview) -> HashMap<i32, i32> {
    review
        .placed
        .iter()
        .map(|p| (p.newcomer.id, p.mentor.as_ref().expect("a mentor round").id))
        .collect()
}

/// Two mentors and a far one; four newcomers who fit somewhere and two who cannot.
struct Cast {
    m_pci: i32,
    m_block: i32,
    m_far: i32,
    ana: i32,
    ben: i32,
    dan: i32,
    kim: i32,
    eve: i32,
}

async fn cast(app: &TestApp) -> Cast {
    let m_pci = mentor(
        app,
        Person {
            login: "m-pci",
            languages: &["en", "pt"],
            areas: &["pci", "dma-iommu"],
            timezone: "Europe/Lisbon",
        },
        1,
    )
    .await;
    let m_block = mentor(
        app,
        Person {
            login: "m-block",
            languages: &["en"],
            areas: &["block", "nvme"],
            timezone: "Europe/Berlin",
        },
        2,
    )
    .await;
    let m_far = mentor(
        app,
        Person {
            login: "m-far",
            languages: &["en"],
            areas: &["pci"],
            timezone: "Asia/Tokyo",
        },
        3,
    )
    .await;
    let ana = newcomer(
        app,
        Person {
            login: "ana",
            languages: &["en", "pt"],
            areas: &["pci", "dma-iommu"],
            timezone: "Europe/Lisbon",
        },
    )
    .await;
    let ben = newcomer(
        app,
        Person {
            login: "ben",
            languages: &["en"],
            areas: &["pci"],
            timezone: "Europe/Berlin",
        },
    )
    .await;
    let dan = newcomer(
        app,
        Person {
            login: "dan",
            languages: &["en"],
            areas: &["block"],
            timezone: "Europe/Berlin",
        },
    )
    .await;
    // Speaks only Japanese; every mentor speaks English (and one Portuguese).
    let kim = newcomer(
        app,
        Person {
            login: "kim",
            languages: &["ja"],
            areas: &["pci"],
            timezone: "Asia/Tokyo",
        },
    )
    .await;
    // Eight or more hours from every mentor.
    let eve = newcomer(
        app,
        Person {
            login: "eve",
            languages: &["en"],
            areas: &["nvme"],
            timezone: "America/Los_Angeles",
        },
    )
    .await;
    Cast {
        m_pci,
        m_block,
        m_far,
        ana,
        ben,
        dan,
        kim,
        eve,
    }
}

#[tokio::test]
async fn a_mentor_round_places_everyone_who_can_be_placed_and_explains_the_rest() {
    let app = app().await;
    let c = cast(&app).await;
    let org = organizer(&app).await;

    let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .expect("create the round");
    assert_eq!(
        (created.newcomers, created.placed, created.unplaced),
        (5, 3, 2)
    );
    assert_eq!(created.candidates, 3);

    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    assert_eq!(review.round.state, RoundState::Draft);
    let pairs = pairs(&review);
    assert_eq!(pairs.get(&c.ana), Some(&c.m_pci));
    assert_eq!(pairs.get(&c.ben), Some(&c.m_block));
    assert_eq!(pairs.get(&c.dan), Some(&c.m_block));
    assert!(
        !pairs.values().any(|&m| m == c.m_far),
        "m-far is 8 h from everyone who speaks English"
    );

    // Capacity holds: m-pci takes 1, m-block 2.
    let mut load: HashMap<i32, usize> = HashMap::new();
    for m in pairs.values() {
        *load.entry(*m).or_default() += 1;
    }
    assert_eq!(load.get(&c.m_pci), Some(&1));
    assert_eq!(load.get(&c.m_block), Some(&2));

    // Every proposal shows its reasons, as data and as sentences.
    let ana = placed_with(&review, c.ana).unwrap();
    assert_eq!(ana.mentor.as_ref().unwrap().login, "m-pci");
    assert!(
        ana.explanation
            .contains(&"both speak Portuguese".to_string()),
        "{:?}",
        ana.explanation
    );
    assert!(
        ana.explanation
            .contains(&"shares 2 interests: PCI, DMA and IOMMU".to_string()),
        "{:?}",
        ana.explanation
    );
    assert!(ana.explanation.contains(&"same time zone".to_string()));
    assert!(ana.reasons.iter().any(|r| matches!(
        r,
        Reason::MentorRoom {
            free: 1,
            capacity: 1,
            ..
        }
    )));
    assert_eq!(
        i64::from(ana.score),
        ana.reasons.iter().map(Reason::points).sum::<i64>()
    );

    // Who could not be placed, and why.
    assert_eq!(
        unplaced_text(&review, c.kim),
        Some("no mentor shares a spoken language")
    );
    assert_eq!(
        unplaced_text(&review, c.eve),
        Some("no mentor who shares a language is within 6 h")
    );
    let kim = review
        .unplaced
        .iter()
        .find(|u| u.newcomer.id == c.kim)
        .unwrap();
    assert_eq!(kim.reason, Some(Unplaced::NoSharedLanguage));
    assert_eq!(
        review
            .unplaced_by_reason
            .iter()
            .map(|r| r.count)
            .sum::<usize>(),
        2
    );

    // The score distribution and the round's own numbers.
    let scores = review.stats.scores.expect("scores of the placed pairs");
    assert!(scores.min <= scores.median && scores.median <= scores.max);
    assert_eq!(review.round.placed, 3);
    assert_eq!(
        review.stats.unplaced_by_reason.get("no_shared_language"),
        Some(&1)
    );
    assert_eq!(
        review.stats.unplaced_by_reason.get("too_far_apart"),
        Some(&1)
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("round.create"))
        .filter(audit_log::Column::Subject.eq(format!("round:{}", created.round_id)))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn paused_newcomers_and_unavailable_mentors_stay_out_of_a_round() {
    let app = app().await;
    let c = cast(&app).await;
    let org = organizer(&app).await;
    // m-block stops accepting; ben pauses.
    factory::edit_mentor_profile(&app, c.m_block, |p| p.accepting = false).await;
    factory::edit_newcomer_profile(&app, c.ben, |p| {
        p.status = newcomer_profiles::NewcomerStatus::Paused;
    })
    .await;

    let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        created.candidates, 2,
        "m-pci and m-far have room and accept"
    );
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    assert!(placed_with(&review, c.ben).is_none() && unplaced_text(&review, c.ben).is_none());
    assert_eq!(pairs(&review).get(&c.ana), Some(&c.m_pci));
    // dan could have had m-pci, whose one place went to ana.
    assert_eq!(
        unplaced_text(&review, c.dan),
        Some("every acceptable mentor is full")
    );

    // Once m-pci's place is taken by an active mentorship, nobody who fits has room at all.
    let zed = app.create_user("zed", &[Role::Newcomer]).await.id;
    factory::claimed_from_queue(&app, c.m_pci, zed).await;
    let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .unwrap();
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    assert_eq!(created.candidates, 1);
    for who in [c.ana, c.dan] {
        assert_eq!(
            unplaced_text(&review, who),
            Some("every mentor who fits is full or not accepting")
        );
    }
}

#[tokio::test]
async fn sending_proposes_mentorships_once_and_skips_who_got_a_mentor_meanwhile() {
    let app = app().await;
    let c = cast(&app).await;
    let org = organizer(&app).await;
    let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .unwrap();

    // Between creating and sending, ben asks m-far to mentor him.
    factory::requested_mentorship(&app, c.ben, c.m_far).await;

    let report = rounds::send_round(&app.db, created.round_id, org, Utc::now())
        .await
        .expect("sending is not an error");
    assert_eq!(report.proposed, 2);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].newcomer.id, c.ben);
    assert_eq!(report.skipped[0].reason, SkipReason::AlreadyHasMentor);

    let made = mentorships::Entity::find()
        .filter(mentorships::Column::RoundId.eq(created.round_id))
        .all(&app.db)
        .await
        .unwrap();
    let mut got: Vec<(i32, i32)> = made.iter().map(|m| (m.newcomer_id, m.mentor_id)).collect();
    got.sort();
    let mut want = vec![(c.ana, c.m_pci), (c.dan, c.m_block)];
    want.sort();
    assert_eq!(got, want);
    assert!(made.iter().all(|m| m.state == MentorshipState::Proposed));
    assert!(
        made.iter()
            .all(|m| m.explanation.contains("shared_interests")),
        "reasons travel with the proposal"
    );

    let round = matching_rounds::Entity::find_by_id(created.round_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(round.state, RoundState::Sent);
    assert!(round.sent_at.is_some());
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    assert!(placed_with(&review, c.ana).unwrap().mentorship.is_some());
    assert!(placed_with(&review, c.ben).unwrap().mentorship.is_none());

    let again = rounds::send_round(&app.db, created.round_id, org, Utc::now()).await;
    assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");
    // A newcomer with a proposal is not in the next round.
    let next = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .unwrap();
    assert_eq!(next.newcomers, 2, "only kim and eve are still waiting");
}

#[tokio::test]
async fn accepting_activates_and_rechecks_capacity() {
    let app = app().await;
    let c = cast(&app).await;
    let org = organizer(&app).await;
    let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
        .await
        .unwrap();
    rounds::send_round(&app.db, created.round_id, org, Utc::now())
        .await
        .unwrap();
    let proposal = |newcomer: i32| {
        let db = app.db.clone();
        async move {
            mentorships::Entity::find()
                .filter(mentorships::Column::NewcomerId.eq(newcomer))
                .one(&db)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let ben = proposal(c.ben).await;
    let dan = proposal(c.dan).await;
    assert_eq!((ben.mentor_id, dan.mentor_id), (c.m_block, c.m_block));

    // Only the proposal's mentor may answer it; to anyone else it does not exist.
    let wrong =
        mentoring::respond_to_proposal(&app.db, ben.id, c.m_pci, true, None, Utc::now()).await;
    assert!(matches!(wrong, Err(ServiceError::NotFound)), "{wrong:?}");

    // m-block lowers their capacity to 1 after the round: the second accept must be refused.
    set_capacity(&app, c.m_block, 1).await;
    let first = mentoring::respond_to_proposal(&app.db, ben.id, c.m_block, true, None, Utc::now())
        .await
        .expect("accept within capacity");
    assert_eq!(first.state, MentorshipState::Active);
    assert_eq!((first.active_mentees, first.capacity), (1, 1));
    let second =
        mentoring::respond_to_proposal(&app.db, dan.id, c.m_block, true, None, Utc::now()).await;
    match second {
        Err(ServiceError::Taken(msg)) => assert!(msg.contains("capacity of 1"), "{msg}"),
        other => panic!("expected a capacity conflict, got {other:?}"),
    }
    assert_eq!(
        proposal(c.dan).await.state,
        MentorshipState::Proposed,
        "a refused accept changes nothing"
    );

    let ben = proposal(c.ben).await;
    assert_eq!(ben.state, MentorshipState::Active);
    assert!(ben.accepted_at.is_some());
    let twice =
        mentoring::respond_to_proposal(&app.db, ben.id, c.m_block, true, None, Utc::now()).await;
    assert!(matches!(twice, Err(ServiceError::Conflict(_))), "{twice:?}");
    let missing =
        mentoring::respond_to_proposal(&app.db, 999_999, c.m_block, true, None, Utc::now()).await;
    assert!(
        matches!(missing, Err(ServiceError::NotFound)),
        "{missing:?}"
    );

    // The mentor's queue lists what is still waiting, with reasons.
    let pending = mentoring::pending_proposals(&app.db, c.m_block)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].newcomer.id, c.dan);
    assert!(!pending[0].explanation.is_empty());
    let accepted = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("mentorship.accept"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(accepted, 1);
}

#[tokio::test]
async fn a_declined_newcomer_returns_to_the_pool_but_never_to_the_same_mentor() {
    let app = app().await;
    let org = organizer(&app).await;
    let en_berlin = |login: &'static str| Person {
        login,
        languages: &["en"],
        areas: &["pci"],
        timezone: "Europe/Berlin",
    };
    let first_choice = mentor(&app, en_berlin("first-choice"), 1).await;
    let mut second = en_berlin("second-choice");
    second.areas = &[];
    let second_choice = mentor(&app, second, 1).await;
    let nora = newcomer(&app, en_berlin("nora")).await;

    let mut previous = Vec::new();
    for expected in [Some(first_choice), Some(second_choice), None] {
        let created = rounds::create_round(&app.db, org, RoundKind::Mentors, &cfg(), Utc::now())
            .await
            .unwrap();
        let review = rounds::review_round(&app.db, created.round_id)
            .await
            .unwrap();
        assert_eq!(
            pairs(&review).get(&nora).copied(),
            expected,
            "after declines by {previous:?}"
        );
        let Some(mentor_id) = expected else {
            assert_eq!(
                unplaced_text(&review, nora),
                Some("every mentor who fits declined them before")
            );
            break;
        };
        rounds::send_round(&app.db, created.round_id, org, Utc::now())
            .await
            .unwrap();
        let m = mentorships::Entity::find()
            .filter(mentorships::Column::RoundId.eq(created.round_id))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let answer =
            mentoring::respond_to_proposal(&app.db, m.id, mentor_id, false, None, Utc::now())
                .await
                .unwrap();
        assert_eq!(answer.state, MentorshipState::Ended);
        let m = mentorships::Entity::find_by_id(m.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(m.ended_reason.as_deref(), Some("declined"));
        assert!(m.ended_at.is_some());
        previous.push(mentor_id);
    }
    let declines = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("mentorship.decline"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(declines, 2);
}

#[tokio::test]
async fn a_task_round_never_proposes_a_blocked_task_nor_one_task_twice() {
    let app = app().await;
    let org = organizer(&app).await;
    // More newcomers than there are tasks, all keen on Nova, whose catalog is full of prerequisites.
    let mut ids = Vec::new();
    for k in 0..90 {
        let login = format!("keen-{k:02}");
        let keen = factory::newcomer(&app, &login)
            .languages(&["en"])
            .areas(&["gpu-nova"])
            .experience((k % 4) as i16, (k % 3) as i16)
            .create()
            .await;
        ids.push(keen.id);
    }
    let created = rounds::create_round(&app.db, org, RoundKind::Tasks, &cfg(), Utc::now())
        .await
        .unwrap();
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    assert!(!blocked.is_empty(), "the catalog has blocked tasks");
    let mut seen = std::collections::HashSet::new();
    for p in &review.placed {
        let task = p.task.as_ref().expect("a task round proposes tasks");
        assert!(!blocked.contains_key(&task.id), "{} is blocked", task.slug);
        assert!(seen.insert(task.id), "{} proposed twice", task.slug);
        assert!(!p.explanation.is_empty());
    }
    assert_eq!(created.placed, review.placed.len());
    assert!(seen.len() <= created.candidates);
    assert!(created.placed > 0 && created.unplaced > 0);
    assert!(
        review.unplaced.iter().all(|u| !u.text.is_empty()),
        "everyone left out has a reason"
    );
    // Sending a task round offers each placed newcomer their task; the proposals stay visible.
    let report = rounds::send_round(&app.db, created.round_id, org, Utc::now())
        .await
        .unwrap();
    assert_eq!(report.proposed, created.placed);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    assert_eq!(review.round.state, RoundState::Sent);
    assert_eq!(review.placed.len(), created.placed);
    assert_eq!(
        mentorships::Entity::find().count(&app.db).await.unwrap(),
        0,
        "a task round proposes no mentorship"
    );
}

#[tokio::test]
async fn suggestions_come_with_reasons_and_never_a_blocked_task() {
    let app = app().await;
    let c = cast(&app).await;
    let nova = newcomer(
        &app,
        Person {
            login: "nova-fan",
            languages: &["en", "pt"],
            areas: &["gpu-nova", "pci"],
            timezone: "Europe/Lisbon",
        },
    )
    .await;
    let s = suggestions::suggestions_for(&app.db, nova, &cfg(), Utc::now())
        .await
        .unwrap()
        .expect("a newcomer");
    let mentor_ids: Vec<i32> = s.mentors.iter().map(|m| m.mentor.id).collect();
    assert_eq!(
        mentor_ids.first(),
        Some(&c.m_pci),
        "shares PCI and Portuguese, same zone"
    );
    assert!(!mentor_ids.contains(&c.m_far), "m-far is too far");
    assert!(s.mentors.iter().all(|m| !m.explanation.is_empty()));
    assert!(
        s.mentors
            .iter()
            .all(|m| m.explanation.len() == m.reasons.len())
    );

    let blocked = catalog::unfinished_prerequisites(&app.db).await.unwrap();
    assert!(!s.tasks.is_empty());
    assert!(s.tasks.len() <= cfg().suggestions);
    for t in &s.tasks {
        assert!(
            !blocked.contains_key(&t.task.id),
            "{} is blocked",
            t.task.slug
        );
        assert!(!t.explanation.is_empty());
    }
    assert!(
        ["GPU: Nova (NVIDIA)", "PCI"].contains(&s.tasks[0].task.area.as_str()),
        "the best task is in one of their areas: {:?}",
        s.tasks[0].task
    );
    assert!(!s.blocked.is_empty(), "Nova has tasks waiting for others");
    for b in &s.blocked {
        assert!(blocked.contains_key(&b.task.id));
        assert!(!b.waits_for.is_empty());
        assert!(b.waiting.starts_with("waits for "), "{}", b.waiting);
        // What it waits for is named by its title, as the catalog shows it, not by its slug.
        for w in &b.waits_for {
            assert_ne!(w.title, w.slug);
            assert!(b.waiting.contains(&w.title), "{}", b.waiting);
        }
    }
    assert!(s.no_mentor.is_none() && s.no_task.is_none());

    // Someone no mentor can talk to learns why.
    let s = suggestions::suggestions_for(&app.db, c.kim, &cfg(), Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert!(s.mentors.is_empty());
    assert_eq!(
        s.no_mentor.map(|w| w.text).as_deref(),
        Some("no mentor shares a spoken language")
    );
    assert!(
        suggestions::suggestions_for(&app.db, c.m_pci, &cfg(), Utc::now())
            .await
            .unwrap()
            .is_none(),
        "a mentor has no newcomer suggestions"
    );
}

/// `onramp match round` plans from the database as the site does: the answer it gives is an exact optimum of the
/// instance of every acceptable pair it writes, and the site's round stores that same answer.
#[tokio::test]
async fn the_round_command_writes_an_instance_its_answer_is_optimal_for() {
    use onramp::config::{Cli, Command, MatchCommand, RoundKindArg};
    use onramp::domain::matching::instance::Instance;
    use onramp::domain::matching::solver;

    let app = app().await;
    let _ = cast(&app).await;
    let org = organizer(&app).await;
    // One candidate kept per newcomer: the exact answer needs pairs that only pricing brings in.
    let narrow = MatchingConfig {
        candidates_per_newcomer: 1,
        ..cfg()
    };
    let dir = tempfile::tempdir().unwrap();
    for (kind, arg) in [
        (RoundKind::Mentors, RoundKindArg::Mentors),
        (RoundKind::Tasks, RoundKindArg::Tasks),
    ] {
        let path = dir.path().join(format!("{arg:?}.txt"));
        let mut config = (*app.state.config).clone();
        config.match_candidates = 1;
        onramp::cli::run(Cli {
            config,
            command: Some(Command::Match(MatchCommand::Round {
                kind: arg,
                instance: path.clone(),
            })),
        })
        .await
        .expect("the command runs");
        let instance = Instance::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let exact = solver::solve(&instance);

        let planned = rounds::plan_from_db(&app.db, kind, &narrow, Utc::now())
            .await
            .unwrap();
        assert_eq!(instance, planned.full_instance(&narrow), "{kind:?}");
        assert!(!instance.edges.is_empty(), "{kind:?}");
        assert_eq!(planned.plan.acceptable_pairs, instance.edges.len() as u64);
        assert_eq!(planned.plan.objective, exact.objective, "{kind:?}");
        assert_eq!(
            planned.plan.assignment.iter().flatten().count(),
            exact.matched
        );
        // The answer is feasible in the file's own terms: every pair is in it, capacities hold.
        let mut load = vec![0u32; instance.mentors];
        for (i, a) in planned.plan.assignment.iter().enumerate() {
            if let Some(j) = *a {
                load[j] += 1;
                assert!(
                    instance
                        .edges
                        .iter()
                        .any(|e| e.newcomer as usize == i && e.mentor as usize == j)
                );
            }
        }
        assert!(load.iter().zip(&instance.capacities).all(|(l, c)| l <= c));

        let created = rounds::create_round(&app.db, org, kind, &narrow, Utc::now())
            .await
            .unwrap();
        assert_eq!(created.objective, exact.objective);
        let review = rounds::review_round(&app.db, created.round_id)
            .await
            .unwrap();
        assert_eq!(review.stats.acceptable_pairs, instance.edges.len() as u64);
    }
}
