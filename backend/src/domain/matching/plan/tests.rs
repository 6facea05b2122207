use proptest::prelude::*;

use super::window::ByOffset;
use super::*;
use crate::domain::matching::score::{Experience, Mentor, Side, Task, Unplaced, minutes_apart};
use crate::domain::matching::solver;
use crate::domain::task::{Difficulty, TaskState};

fn newcomer(id: i32, languages: &[&str]) -> Newcomer {
    Newcomer {
        id,
        areas: vec![1],
        languages: languages.iter().map(|s| s.to_string()).collect(),
        utc_offset_minutes: Some(0),
        experience: Experience {
            rust: 1,
            c: 1,
            kernel: 0,
        },
        declined_by: vec![],
    }
}

fn mentor(id: i32, capacity: u32, areas: Vec<i32>) -> Mentor {
    Mentor {
        id,
        areas,
        languages: vec!["en".into()],
        utc_offset_minutes: Some(0),
        capacity,
        load: 0,
        approved: true,
        accepting: true,
    }
}

fn placed(plan: &Plan) -> usize {
    plan.assignment.iter().flatten().count()
}

/// The best objective over every acceptable pair, by trying every assignment.
fn brute_force(inst: &crate::domain::matching::instance::Instance) -> i64 {
    fn go(i: usize, inst: &crate::domain::matching::instance::Instance, load: &mut [u32]) -> i64 {
        if i == inst.newcomers {
            return 0;
        }
        let mut best = inst.unassigned_penalty + go(i + 1, inst, load);
        for e in inst.edges.iter().filter(|e| e.newcomer as usize == i) {
            let j = e.mentor as usize;
            if load[j] < inst.capacities[j] {
                load[j] += 1;
                best = best.min(e.cost + go(i + 1, inst, load));
                load[j] -= 1;
            }
        }
        best
    }
    go(0, inst, &mut vec![0; inst.mentors])
}

#[test]
fn everyone_placeable_is_placed_and_the_rest_are_explained() {
    let newcomers = vec![
        newcomer(1, &["en"]),
        newcomer(2, &["en"]),
        newcomer(3, &["ja"]),
        newcomer(4, &["en"]),
    ];
    let candidates = Candidates::Mentors(vec![mentor(10, 1, vec![1]), mentor(11, 2, vec![])]);
    let cfg = MatchingConfig::default();
    let plan = plan_round(&newcomers, &candidates, &cfg);
    assert_eq!(placed(&plan), 3);
    assert_eq!(plan.assignment[2], None);
    assert_eq!(
        plan.funnels[2].unplaced(Side::Mentors, &newcomers[2], &cfg),
        Unplaced::NoSharedLanguage
    );
    let mut load = [0; 2];
    for j in plan.assignment.iter().flatten() {
        load[*j] += 1;
    }
    assert_eq!(load, [1, 2]);
}

#[test]
fn a_newcomer_whose_kept_candidates_fill_up_gets_a_left_out_one() {
    // With one candidate kept each, everyone prefers mentor 10 (shared area); it takes only one. Pricing must
    // bring in mentor 11, acceptable but pruned from their lists.
    let newcomers: Vec<Newcomer> = (1..=3).map(|id| newcomer(id, &["en"])).collect();
    let candidates = Candidates::Mentors(vec![mentor(10, 1, vec![1]), mentor(11, 5, vec![])]);
    let cfg = MatchingConfig {
        candidates_per_newcomer: 1,
        ..Default::default()
    };
    let plan = plan_round(&newcomers, &candidates, &cfg);
    assert!(plan.assignment.iter().all(Option::is_some));
    assert_eq!(plan.passes, 2);
    // The second pricing pass finds nothing more to bring in; that ends it.
    assert_eq!(plan.pricing_passes, 2);
    // All three: the one placed at mentor 10 pays its high price too, so its pair with mentor 11 is priced in.
    assert_eq!(plan.pairs_added, 3);
    assert_eq!(plan.pruned, 3);
    assert_eq!(plan.acceptable_pairs, 6);
}

#[test]
fn a_newcomer_makes_room_for_one_with_a_single_option() {
    // Newcomer 1 fits both mentors and prefers mentor 10, the only one newcomer 2 can have. Placing both means
    // giving newcomer 1 its second choice.
    let mut picky = newcomer(2, &["en"]);
    picky.languages = vec!["pt".into()];
    let mut m10 = mentor(10, 1, vec![1]);
    m10.languages = vec!["en".into(), "pt".into()];
    let m11 = mentor(11, 1, vec![]);
    let newcomers = vec![newcomer(1, &["en"]), picky];
    let plan = plan_round(
        &newcomers,
        &Candidates::Mentors(vec![m10, m11]),
        &MatchingConfig::default(),
    );
    assert_eq!(plan.assignment, [Some(1), Some(0)]);
}

#[test]
fn moving_a_newcomer_outside_its_kept_candidates_makes_room() {
    // Newcomer 1 keeps only mentor 10 (its best, sharing an area); newcomer 2 speaks Portuguese, so mentor 10 is
    // its only option, and it likes mentor 10 less than newcomer 1 does. Over the kept pairs the first solve
    // gives mentor 10 to newcomer 1 and leaves newcomer 2 out; the old top-up then had nothing to offer newcomer
    // 2 (nothing of theirs was pruned) and kept newcomer 1's placement fixed. Exact over all acceptable pairs,
    // newcomer 1 moves to mentor 11, which was never among its kept candidates, and both are placed.
    let mut picky = newcomer(2, &["pt"]);
    picky.areas = vec![];
    let mut m10 = mentor(10, 1, vec![1]);
    m10.languages = vec!["en".into(), "pt".into()];
    let candidates = Candidates::Mentors(vec![m10, mentor(11, 1, vec![])]);
    let newcomers = vec![newcomer(1, &["en"]), picky];
    let cfg = MatchingConfig {
        candidates_per_newcomer: 1,
        ..Default::default()
    };
    let plan = plan_round(&newcomers, &candidates, &cfg);
    assert_eq!(plan.assignment, [Some(1), Some(0)]);
    assert_eq!(plan.pairs_added, 1);

    let full = full_instance(&newcomers, &candidates, &cfg);
    assert_eq!(full.edges.len(), 3);
    assert_eq!(plan.objective, brute_force(&full));
    assert_eq!(plan.objective, solver::solve(&full).objective);
    // What the kept pairs alone give, as the old planner's first pass (and only pass) did: one left out.
    let kept: Vec<Vec<(usize, i64)>> = newcomers
        .iter()
        .map(|n| vec![(0, candidates.evaluate(n, 0, &cfg).unwrap())])
        .collect();
    let kept = instance_of(
        &kept,
        &candidates.capacities(),
        plan.max_score,
        plan.penalty,
    );
    let old = solver::solve(&kept);
    assert_eq!(old.matched, 1);
    assert!(old.objective > plan.objective);
}

#[test]
fn the_penalty_outweighs_any_rerouting() {
    // Newcomer 0 loves candidate 0 (score max) and barely fits candidate 1 (score 0); newcomer 1 barely fits
    // candidate 0 only. Placing both costs 2 * max, leaving newcomer 1 out costs only the penalty, so a penalty
    // of max + 1 would leave them out; the round's penalty must not.
    let max = 150;
    let pairs = vec![vec![(0, max), (1, 0)], vec![(0, 0)]];
    let both = solver::solve(&instance_of(&pairs, &[1, 1], max, penalty_for(max, 2)));
    assert_eq!(both.assignment, [Some(1), Some(0)]);
    let greedy = solver::solve(&instance_of(&pairs, &[1, 1], max, max + 1));
    assert_eq!(greedy.matched, 1);
}

#[test]
fn the_offset_window_finds_exactly_the_mentors_within_the_limit() {
    let offsets = [-600, -480, -300, 0, 60, 330, 345, 540, 600, 780];
    let mut mentors: Vec<Mentor> = offsets
        .iter()
        .enumerate()
        .map(|(k, &o)| {
            let mut m = mentor(k as i32, 1, vec![]);
            m.utc_offset_minutes = Some(o);
            m
        })
        .collect();
    mentors.push({
        let mut m = mentor(99, 1, vec![]);
        m.utc_offset_minutes = None;
        m
    });
    for hours in [0, 3, 6, 11] {
        let clock = ByOffset::new(&mentors, hours);
        for newcomer in [-720, -600, -30, 0, 330, 720, 840] {
            let mut near = Vec::new();
            assert!(clock.near(newcomer, &mut near));
            near.sort_unstable();
            let want: Vec<usize> = (0..mentors.len())
                .filter(|&j| {
                    mentors[j]
                        .utc_offset_minutes
                        .is_none_or(|o| minutes_apart(o, newcomer) <= hours * 60)
                })
                .collect();
            assert_eq!(near, want, "{hours} h around {newcomer}");
        }
    }
    assert!(!ByOffset::new(&mentors, 12).near(0, &mut Vec::new()));
}

#[test]
fn a_task_round_is_exact_too() {
    let mut ready = newcomer(1, &["en"]);
    ready.experience = Experience {
        rust: 2,
        c: 2,
        kernel: 1,
    };
    let task = |id, area_id, difficulty| Task {
        id,
        area_id,
        difficulty,
        state: TaskState::Open,
        waits_for: vec![],
    };
    let newcomers = vec![ready, newcomer(2, &["en"])];
    // Both like task 20 best; only newcomer 1 can take task 21 (intermediate is a stretch for it, two levels
    // above newcomer 2 is never proposed).
    let candidates = Candidates::Tasks(vec![
        task(20, 1, Difficulty::Starter),
        task(21, 2, Difficulty::Advanced),
    ]);
    let cfg = MatchingConfig {
        candidates_per_newcomer: 1,
        ..Default::default()
    };
    let plan = plan_round(&newcomers, &candidates, &cfg);
    assert_eq!(plan.assignment, [Some(1), Some(0)]);
    assert_eq!(
        plan.objective,
        solver::solve(&full_instance(&newcomers, &candidates, &cfg)).objective
    );
}

#[test]
fn score_summary_quartiles() {
    let s = ScoreSummary::of(&mut [5, 1, 4, 2, 3]).unwrap();
    assert_eq!(
        (s.min, s.q1, s.median, s.q3, s.max, s.mean),
        (1, 2, 3, 4, 5, 3)
    );
    assert_eq!(ScoreSummary::of(&mut []), None);
}

fn arb_newcomer(id: i32) -> impl Strategy<Value = Newcomer> {
    (
        prop::collection::btree_set(1..6i32, 0..4),
        prop::sample::subsequence(vec!["en", "pt", "ja"], 1..3),
        prop::option::weighted(0.9, -12..=12i32),
        0..4u8,
        0..4u8,
        0..3u8,
    )
        .prop_map(move |(areas, languages, hours, rust, c, kernel)| Newcomer {
            id,
            areas: areas.into_iter().collect(),
            languages: languages.into_iter().map(String::from).collect(),
            utc_offset_minutes: hours.map(|h| h * 60),
            experience: Experience { rust, c, kernel },
            declined_by: vec![],
        })
}

fn arb_mentor(id: i32) -> impl Strategy<Value = Mentor> {
    (
        prop::collection::btree_set(1..6i32, 0..4),
        prop::sample::subsequence(vec!["en", "pt", "ja"], 1..3),
        prop::option::weighted(0.9, -12..=12i32),
        0..4u32,
        0..3u32,
    )
        .prop_map(move |(areas, languages, hours, capacity, load)| Mentor {
            id,
            areas: areas.into_iter().collect(),
            languages: languages.into_iter().map(String::from).collect(),
            utc_offset_minutes: hours.map(|h| h * 60),
            capacity,
            load: load.min(capacity),
            approved: true,
            accepting: true,
        })
}

fn arb_round() -> impl Strategy<Value = (Vec<Newcomer>, Vec<Mentor>, usize)> {
    (1..9usize, 1..6usize, 1..4usize).prop_flat_map(|(n, m, k)| {
        (
            (0..n as i32)
                .map(|i| arb_newcomer(100 + i))
                .collect::<Vec<_>>(),
            (0..m as i32).map(|j| arb_mentor(j + 1)).collect::<Vec<_>>(),
            Just(k),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever is kept, the planner's objective is the optimum over every acceptable pair.
    #[test]
    fn the_plan_is_optimal_over_every_acceptable_pair((newcomers, mentors, k) in arb_round()) {
        let candidates = Candidates::Mentors(mentors);
        let cfg = MatchingConfig { candidates_per_newcomer: k, max_tz_hours: 4, ..Default::default() };
        let plan = plan_round(&newcomers, &candidates, &cfg);
        let full = full_instance(&newcomers, &candidates, &cfg);
        prop_assert_eq!(plan.acceptable_pairs, full.edges.len() as u64);
        prop_assert_eq!(plan.objective, solver::solve(&full).objective);
        if newcomers.len() <= 6 {
            prop_assert_eq!(plan.objective, brute_force(&full));
        }
        // Every placement is an acceptable pair within capacity, scored as scoring says.
        let capacities = candidates.capacities();
        let mut load = vec![0u32; capacities.len()];
        for (i, a) in plan.assignment.iter().enumerate() {
            if let Some(j) = *a {
                load[j] += 1;
                prop_assert_eq!(candidates.evaluate(&newcomers[i], j, &cfg).ok(), Some(plan.scores[i]));
            }
        }
        prop_assert!(load.iter().zip(&capacities).all(|(l, c)| l <= c));
    }
}
