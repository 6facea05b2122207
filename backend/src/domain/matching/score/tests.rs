use super::*;
use crate::domain::task::{Difficulty, TaskState};

fn cfg() -> MatchingConfig {
    MatchingConfig::default()
}

fn newcomer() -> Newcomer {
    Newcomer {
        id: 1,
        areas: vec![10, 20, 30],
        languages: vec!["en".into(), "pt".into()],
        utc_offset_minutes: Some(0),
        experience: Experience {
            rust: 1,
            c: 1,
            kernel: 0,
        },
        declined_by: vec![],
    }
}

fn mentor() -> Mentor {
    Mentor {
        id: 2,
        areas: vec![20, 30, 40],
        languages: vec!["en".into()],
        utc_offset_minutes: Some(180),
        capacity: 3,
        load: 1,
        approved: true,
        accepting: true,
    }
}

fn task(difficulty: Difficulty) -> Task {
    Task {
        id: 7,
        area_id: 20,
        difficulty,
        state: TaskState::Open,
        waits_for: vec![],
    }
}

fn names() -> AreaNames {
    [(10, "GPU"), (20, "PCI"), (30, "DMA"), (40, "USB")]
        .into_iter()
        .map(|(id, n)| (id, n.to_string()))
        .collect()
}

fn sentences(reasons: &[Reason]) -> Vec<String> {
    reasons.iter().map(Reason::sentence).collect()
}

#[test]
fn defaults_match_the_configuration_defaults() {
    assert_eq!(crate::config::Config::defaults().matching(), cfg());
}

#[test]
fn a_good_mentor_pair_is_scored_and_explained() {
    let (n, m) = (newcomer(), mentor());
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    // 2 shared areas * 30, 3 h of 6 h -> 15, English only -> nothing, 2 of 3 free -> 13.
    assert_eq!(fit.score(), 60 + 15 + 13);
    let reasons = fit.reasons(&names());
    assert_eq!(
        sentences(&reasons),
        [
            "shares 2 interests: PCI, DMA",
            "3 h apart",
            "both speak English",
            "mentor has 2 of 3 places free"
        ]
    );
    assert_eq!(reasons.iter().map(Reason::points).sum::<i64>(), fit.score());
    assert!(fit.score() <= cfg().max_mentor_score());
}

#[test]
fn shared_interests_count_at_most_three() {
    let mut n = newcomer();
    let mut m = mentor();
    n.areas = vec![1, 2, 3, 4, 5];
    m.areas = vec![1, 2, 3, 4, 5, 6];
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    let reasons = fit.reasons(&AreaNames::new());
    assert_eq!(
        reasons[0],
        Reason::SharedInterests {
            areas: vec!["area 1".into(), "area 2".into(), "area 3".into()],
            count: 5,
            points: 90
        }
    );
    assert_eq!(
        reasons[0].sentence(),
        "shares 5 interests: area 1, area 2, area 3 and 2 more"
    );
    m.areas = vec![99];
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[0], Reason::NoSharedInterests);
}

#[test]
fn time_zone_distance_wraps_around_the_clock() {
    assert_eq!(minutes_apart(11 * 60, -11 * 60), 120);
    assert_eq!(minutes_apart(-600, 600), 240);
    assert_eq!(minutes_apart(330, 0), 330);
    assert_eq!(minutes_apart(0, 12 * 60), 720);
    let mut n = newcomer();
    let mut m = mentor();
    n.utc_offset_minutes = Some(13 * 60); // Pacific/Apia
    m.utc_offset_minutes = Some(-10 * 60); // Pacific/Honolulu: one hour away across the date line
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[1].sentence(), "1 h apart");
    assert_eq!(fit.reasons(&names())[1].points(), 25);
    m.utc_offset_minutes = Some(13 * 60);
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[1].sentence(), "same time zone");
    assert_eq!(fit.reasons(&names())[1].points(), 30);
    m.utc_offset_minutes = Some(13 * 60 - 330);
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[1].sentence(), "5 h 30 min apart");
}

#[test]
fn time_zones_beyond_the_limit_exclude_the_pair() {
    let mut n = newcomer(); // the mentor is at UTC+3
    n.utc_offset_minutes = Some(10 * 60);
    assert_eq!(
        score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
        Exclusion::TooFarApart {
            minutes_apart: 420,
            limit_hours: 6
        }
    );
    assert_eq!(
        score_mentor(&n, &mentor(), &cfg()).unwrap_err().sentence(),
        "7 h apart, more than the 6 h limit"
    );
    // Exactly at the limit is allowed, with no time-zone points.
    n.utc_offset_minutes = Some(9 * 60);
    let fit = score_mentor(&n, &mentor(), &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[1].points(), 0);
    // A limit of 0 allows the same offset only.
    let strict = MatchingConfig {
        max_tz_hours: 0,
        ..cfg()
    };
    assert!(score_mentor(&n, &mentor(), &strict).is_err());
    n.utc_offset_minutes = Some(180);
    assert_eq!(
        score_mentor(&n, &mentor(), &strict)
            .unwrap()
            .reasons(&names())[1]
            .points(),
        30
    );
}

#[test]
fn an_unknown_time_zone_neither_excludes_nor_scores() {
    let mut n = newcomer();
    n.utc_offset_minutes = None;
    let fit = score_mentor(&n, &mentor(), &cfg()).unwrap();
    assert_eq!(fit.reasons(&names())[1], Reason::TimeZoneUnknown);
    assert_eq!(fit.reasons(&names())[1].sentence(), "time zone not given");
}

#[test]
fn no_shared_language_excludes_the_pair() {
    let mut n = newcomer();
    n.languages = vec!["ja".into()];
    let e = score_mentor(&n, &mentor(), &cfg()).unwrap_err();
    assert_eq!(e, Exclusion::NoSharedLanguage);
    assert_eq!(e.sentence(), "no spoken language in common");
    n.languages.clear();
    assert_eq!(
        score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
        Exclusion::NoSharedLanguage
    );
}

#[test]
fn a_shared_language_other_than_english_earns_points_and_is_named() {
    let n = newcomer();
    let mut m = mentor();
    m.languages = vec!["pt".into(), "en".into()];
    let fit = score_mentor(&n, &m, &cfg()).unwrap();
    let reasons = fit.reasons(&names());
    assert_eq!(reasons[2].sentence(), "both speak Portuguese");
    assert_eq!(reasons[2].points(), 10);
    assert_eq!(crate::domain::languages::display_name("xx"), "xx");
}

#[test]
fn mentors_with_more_room_score_higher() {
    let n = newcomer();
    let mut m = mentor();
    m.load = 0;
    let empty = score_mentor(&n, &m, &cfg()).unwrap();
    m.load = 2;
    let nearly_full = score_mentor(&n, &m, &cfg()).unwrap();
    assert!(empty.score() > nearly_full.score());
    assert_eq!(
        nearly_full.reasons(&names())[3].sentence(),
        "mentor has 1 of 3 places free"
    );
    m.capacity = 1;
    m.load = 0;
    assert_eq!(
        score_mentor(&n, &m, &cfg()).unwrap().reasons(&names())[3].sentence(),
        "mentor has 1 of 1 place free"
    );
}

#[test]
fn unavailable_mentors_are_excluded_each_with_its_reason() {
    let n = newcomer();
    let mut m = mentor();
    m.load = 3;
    assert_eq!(
        score_mentor(&n, &m, &cfg()).unwrap_err(),
        Exclusion::MentorFull { capacity: 3 }
    );
    // A capacity lowered below the current load is full, not an overflow.
    m.capacity = 1;
    assert_eq!(m.free(), 0);
    assert!(score_mentor(&n, &m, &cfg()).is_err());
    let mut m = mentor();
    m.accepting = false;
    assert_eq!(
        score_mentor(&n, &m, &cfg()).unwrap_err(),
        Exclusion::MentorNotAccepting
    );
    m.approved = false;
    assert_eq!(
        score_mentor(&n, &m, &cfg()).unwrap_err(),
        Exclusion::MentorNotApproved
    );
    let mut m = mentor();
    m.capacity = 0;
    m.load = 0;
    assert_eq!(
        score_mentor(&n, &m, &cfg()).unwrap_err().sentence(),
        "mentor is full (0 of 0 places taken)"
    );
}

#[test]
fn a_mentor_who_declined_is_never_proposed_again_nor_oneself() {
    let mut n = newcomer();
    n.declined_by = vec![2, 5];
    assert_eq!(
        score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
        Exclusion::DeclinedBefore
    );
    let mut n = newcomer();
    n.id = 2;
    assert_eq!(
        score_mentor(&n, &mentor(), &cfg()).unwrap_err(),
        Exclusion::SamePerson
    );
}

#[test]
fn the_experience_rule() {
    let e = |rust, c, kernel| Experience { rust, c, kernel }.ready_for();
    assert_eq!(e(0, 0, 0), Difficulty::Starter);
    assert_eq!(e(1, 1, 0), Difficulty::Starter);
    assert_eq!(e(2, 1, 0), Difficulty::Intermediate);
    assert_eq!(e(1, 0, 1), Difficulty::Intermediate);
    assert_eq!(e(3, 3, 0), Difficulty::Intermediate); // no kernel experience: never advanced
    assert_eq!(e(2, 2, 1), Difficulty::Intermediate);
    assert_eq!(e(3, 2, 1), Difficulty::Advanced);
    assert_eq!(e(1, 1, 3), Difficulty::Advanced);
    assert_eq!(e(9, 9, 9), Difficulty::Advanced);
}

#[test]
fn tasks_are_scored_against_experience_and_interest() {
    let mut n = newcomer(); // ready for starter tasks, new to the kernel
    let fit = score_task(&n, &task(Difficulty::Starter), &cfg()).unwrap();
    assert_eq!(fit.score(), 30 + 40);
    assert_eq!(fit.score(), cfg().max_task_score());
    assert_eq!(
        sentences(&fit.reasons(&names())),
        [
            "in PCI, one of their interests",
            "starter task for someone new to the kernel"
        ]
    );
    let stretch = score_task(&n, &task(Difficulty::Intermediate), &cfg()).unwrap();
    assert_eq!(stretch.score(), 30);
    assert_eq!(
        stretch.reasons(&names())[1].sentence(),
        "intermediate task, a stretch above their experience"
    );
    n.experience = Experience {
        rust: 3,
        c: 2,
        kernel: 1,
    };
    n.areas = vec![10];
    let easy = score_task(&n, &task(Difficulty::Starter), &cfg()).unwrap();
    assert_eq!(easy.score(), 10);
    assert_eq!(
        sentences(&easy.reasons(&names())),
        [
            "in PCI, outside their listed interests",
            "starter task, well within their experience"
        ]
    );
    let right = score_task(&n, &task(Difficulty::Advanced), &cfg()).unwrap();
    assert_eq!(
        right.reasons(&names())[1].sentence(),
        "advanced task, right for their experience"
    );
    let middle = score_task(&n, &task(Difficulty::Intermediate), &cfg()).unwrap();
    assert_eq!(middle.score(), 20);
}

#[test]
fn a_task_far_above_experience_is_excluded() {
    let n = newcomer();
    let e = score_task(&n, &task(Difficulty::Advanced), &cfg()).unwrap_err();
    assert_eq!(
        e,
        Exclusion::FarAboveExperience {
            difficulty: Difficulty::Advanced,
            ready_for: Difficulty::Starter
        }
    );
    assert_eq!(
        e.sentence(),
        "advanced task, far above their experience (ready for starter tasks)"
    );
}

#[test]
fn a_blocked_task_is_excluded_and_says_what_it_waits_for() {
    let n = newcomer();
    let mut t = task(Difficulty::Starter);
    t.waits_for = vec!["spi-binding".into(), "gpio-binding".into()];
    let e = score_task(&n, &t, &cfg()).unwrap_err();
    assert_eq!(e.sentence(), "waits for spi-binding, gpio-binding");
    assert_eq!(e.stage(), 1);
    // How much they would like it once unblocked.
    assert_eq!(
        score_task_ignoring_prerequisites(&n, &t, &cfg())
            .unwrap()
            .score(),
        70
    );
    t.state = TaskState::Claimed;
    assert_eq!(
        score_task(&n, &t, &cfg()).unwrap_err().sentence(),
        "task is claimed"
    );
}

#[test]
fn the_funnel_names_the_furthest_check_reached() {
    let n = newcomer();
    let c = cfg();
    let mut f = Funnel::default();
    assert_eq!(f.unplaced(Side::Mentors, &n, &c), Unplaced::NoMentors);
    f.exclude(&Exclusion::NoSharedLanguage);
    assert_eq!(
        f.unplaced(Side::Mentors, &n, &c).sentence(),
        "no mentor shares a spoken language"
    );
    let mut quiet = newcomer();
    quiet.languages.clear();
    assert_eq!(
        f.unplaced(Side::Mentors, &quiet, &c),
        Unplaced::NoLanguageListed
    );
    f.exclude(&Exclusion::TooFarApart {
        minutes_apart: 600,
        limit_hours: 6,
    });
    f.exclude(&Exclusion::NoSharedLanguage);
    assert_eq!(
        f.unplaced(Side::Mentors, &n, &c).sentence(),
        "no mentor who shares a language is within 6 h"
    );
    f.exclude(&Exclusion::DeclinedBefore);
    assert_eq!(f.unplaced(Side::Mentors, &n, &c), Unplaced::OnlyDeclined);
    f.exclude(&Exclusion::MentorFull { capacity: 2 });
    assert_eq!(
        f.unplaced(Side::Mentors, &n, &c).sentence(),
        "every mentor who fits is full or not accepting"
    );
    f.accept();
    assert_eq!(
        f.unplaced(Side::Mentors, &n, &c).sentence(),
        "every acceptable mentor is full"
    );

    let mut t = Funnel::default();
    assert_eq!(t.unplaced(Side::Tasks, &n, &c), Unplaced::NoTasks);
    t.exclude(&Exclusion::Blocked { waits_for: vec![] });
    assert_eq!(t.unplaced(Side::Tasks, &n, &c), Unplaced::TasksBlocked);
    t.exclude(&Exclusion::FarAboveExperience {
        difficulty: Difficulty::Advanced,
        ready_for: Difficulty::Starter,
    });
    assert_eq!(t.unplaced(Side::Tasks, &n, &c).code(), "tasks_too_hard");
}

#[test]
fn reasons_and_exclusions_serialise_with_a_kind_tag() {
    let r = Reason::TimeZone {
        minutes_apart: 180,
        points: 15,
    };
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"kind": "time_zone", "minutes_apart": 180, "points": 15})
    );
    assert_eq!(serde_json::from_value::<Reason>(json).unwrap(), r);
    let e = Exclusion::Blocked {
        waits_for: vec!["a".into()],
    };
    assert_eq!(
        serde_json::to_value(&e).unwrap(),
        serde_json::json!({"kind": "blocked", "waits_for": ["a"]})
    );
    let u = Unplaced::MentorsTaken { acceptable: 3 };
    assert_eq!(serde_json::to_value(&u).unwrap()["kind"], u.code());
}

#[test]
fn scores_never_exceed_the_maximum() {
    let c = cfg();
    let mut n = newcomer();
    let mut m = mentor();
    n.areas = (1..10).collect();
    m.areas = (1..10).collect();
    m.languages = vec!["pt".into()];
    m.utc_offset_minutes = Some(0);
    m.load = 0;
    let fit = score_mentor(&n, &m, &c).unwrap();
    assert_eq!(fit.score(), c.max_mentor_score());
}

#[test]
fn a_newcomer_reads_the_reasons_about_themself_in_the_second_person() {
    let mut n = newcomer();
    let fit = score_task(&n, &task(Difficulty::Starter), &cfg()).unwrap();
    let to_them: Vec<String> = fit
        .reasons(&names())
        .iter()
        .map(|r| r.sentence_for(Audience::Newcomer))
        .collect();
    assert_eq!(
        to_them,
        [
            "in PCI, one of your interests",
            "starter task, a good first step into the kernel"
        ]
    );
    n.experience = Experience {
        rust: 3,
        c: 2,
        kernel: 1,
    };
    let right = score_task(&n, &task(Difficulty::Advanced), &cfg()).unwrap();
    assert_eq!(
        right.reasons(&names())[1].sentence_for(Audience::Newcomer),
        "advanced task, right for your experience"
    );
    let fan = newcomer();
    let m = score_mentor(&fan, &mentor(), &cfg()).unwrap();
    let reasons = m.reasons(&names());
    assert_eq!(
        reasons[0].sentence_for(Audience::Newcomer),
        "shares 2 of your interests: PCI, DMA"
    );
    assert_eq!(
        reasons[2].sentence_for(Audience::Newcomer),
        "you both speak English"
    );
    // Mentors and organizers keep the third person.
    assert_eq!(reasons[0].sentence(), "shares 2 interests: PCI, DMA");
}
