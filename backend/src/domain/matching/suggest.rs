//! Instant suggestions for one newcomer: their best mentors and tasks with the reasons, and the blocked tasks they
//! would like, with what those wait for. Pure, and cheap enough to run on every dashboard view: one pass of
//! [`score_mentor`] / [`score_task`] over the pool, then only the few winners are explained.

use std::cmp::Reverse;

use serde::Serialize;

use super::score::{
    AreaNames, Funnel, MatchingConfig, Mentor, Newcomer, Reason, Side, Task, Unplaced,
    score_mentor, score_task, score_task_ignoring_prerequisites,
};

/// One suggested mentor or task: its index in the slice given to [`suggest`], its score and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pick {
    pub index: usize,
    pub score: i64,
    pub reasons: Vec<Reason>,
}

/// A task the newcomer would like that cannot be proposed yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BlockedPick {
    pub index: usize,
    /// What the score would be once the prerequisites are done.
    pub score: i64,
    pub reasons: Vec<Reason>,
    /// Slugs of the prerequisites that are not done.
    pub waits_for: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picks {
    /// Best first, at most `cfg.suggestions`.
    pub mentors: Vec<Pick>,
    pub tasks: Vec<Pick>,
    /// Blocked tasks in one of the newcomer's interest areas that would otherwise fit, best first.
    pub blocked: Vec<BlockedPick>,
    /// Set when no mentor can be suggested: why.
    pub no_mentor: Option<Unplaced>,
    /// Set when no task can be suggested: why.
    pub no_task: Option<Unplaced>,
}

/// The top `cfg.suggestions` mentors and tasks for `n`, plus the blocked tasks they would like. Ties go to the
/// lower id, so the answer is stable from one page view to the next.
pub fn suggest(
    n: &Newcomer,
    mentors: &[Mentor],
    tasks: &[Task],
    areas: &AreaNames,
    cfg: &MatchingConfig,
) -> Picks {
    let limit = cfg.suggestions;

    let mut funnel = Funnel::default();
    let mut scored: Vec<(i64, i32, usize)> = Vec::new();
    for (index, m) in mentors.iter().enumerate() {
        match score_mentor(n, m, cfg) {
            Ok(fit) => {
                funnel.accept();
                scored.push((fit.score(), m.id, index));
            }
            Err(e) => funnel.exclude(&e),
        }
    }
    top(&mut scored, limit);
    let mentor_picks: Vec<Pick> = scored
        .iter()
        .filter_map(|&(score, _, index)| {
            let fit = score_mentor(n, &mentors[index], cfg).ok()?;
            Some(Pick {
                index,
                score,
                reasons: fit.reasons(areas),
            })
        })
        .collect();
    let no_mentor = mentor_picks
        .is_empty()
        .then(|| funnel.unplaced(Side::Mentors, n, cfg));

    let mut funnel = Funnel::default();
    let mut open: Vec<(i64, i32, usize)> = Vec::new();
    let mut blocked: Vec<(i64, i32, usize)> = Vec::new();
    for (index, t) in tasks.iter().enumerate() {
        match score_task(n, t, cfg) {
            Ok(fit) => {
                funnel.accept();
                open.push((fit.score(), t.id, index));
            }
            Err(e) => {
                funnel.exclude(&e);
                let wanted = !t.waits_for.is_empty() && n.areas.binary_search(&t.area_id).is_ok();
                if wanted && let Ok(fit) = score_task_ignoring_prerequisites(n, t, cfg) {
                    blocked.push((fit.score(), t.id, index));
                }
            }
        }
    }
    top(&mut open, limit);
    top(&mut blocked, limit);
    let task_picks: Vec<Pick> = open
        .iter()
        .filter_map(|&(score, _, index)| {
            let fit = score_task(n, &tasks[index], cfg).ok()?;
            Some(Pick {
                index,
                score,
                reasons: fit.reasons(areas),
            })
        })
        .collect();
    let blocked_picks = blocked
        .iter()
        .filter_map(|&(score, _, index)| {
            let t = &tasks[index];
            let fit = score_task_ignoring_prerequisites(n, t, cfg).ok()?;
            Some(BlockedPick {
                index,
                score,
                reasons: fit.reasons(areas),
                waits_for: t.waits_for.clone(),
            })
        })
        .collect();
    let no_task = task_picks
        .is_empty()
        .then(|| funnel.unplaced(Side::Tasks, n, cfg));

    Picks {
        mentors: mentor_picks,
        tasks: task_picks,
        blocked: blocked_picks,
        no_mentor,
        no_task,
    }
}

/// Keeps the `k` best (highest score, then lowest id), sorted. Selection first, so a pool of thousands is not
/// sorted whole for the sake of five.
fn top(items: &mut Vec<(i64, i32, usize)>, k: usize) {
    let key = |&(score, id, _): &(i64, i32, usize)| (Reverse(score), id);
    if k == 0 {
        items.clear();
        return;
    }
    if items.len() > k {
        items.select_nth_unstable_by_key(k - 1, key);
        items.truncate(k);
    }
    items.sort_unstable_by_key(key);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::matching::score::Experience;
    use crate::domain::task::{Difficulty, TaskState};

    fn newcomer() -> Newcomer {
        Newcomer {
            id: 1,
            areas: vec![1, 2],
            languages: vec!["en".into()],
            utc_offset_minutes: Some(60),
            experience: Experience {
                rust: 1,
                c: 1,
                kernel: 0,
            },
            declined_by: vec![],
        }
    }

    fn mentor(id: i32, areas: Vec<i32>, offset: i32) -> Mentor {
        Mentor {
            id,
            areas,
            languages: vec!["en".into()],
            utc_offset_minutes: Some(offset),
            capacity: 2,
            load: 0,
            approved: true,
            accepting: true,
        }
    }

    fn task(id: i32, area_id: i32, difficulty: Difficulty, waits_for: &[&str]) -> Task {
        Task {
            id,
            area_id,
            difficulty,
            state: TaskState::Open,
            waits_for: waits_for.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn the_best_mentors_come_first_with_reasons() {
        let cfg = MatchingConfig {
            suggestions: 2,
            ..Default::default()
        };
        let mentors = vec![
            mentor(10, vec![3], 60),
            mentor(11, vec![1, 2], 60),
            mentor(12, vec![1], 60),
            mentor(13, vec![1, 2], 60 + 12 * 60), // too far
        ];
        let picks = suggest(&newcomer(), &mentors, &[], &AreaNames::new(), &cfg);
        let ids: Vec<i32> = picks.mentors.iter().map(|p| mentors[p.index].id).collect();
        assert_eq!(ids, [11, 12]);
        assert!(picks.mentors[0].score > picks.mentors[1].score);
        assert!(matches!(
            picks.mentors[0].reasons[0],
            Reason::SharedInterests { count: 2, .. }
        ));
        assert_eq!(picks.no_mentor, None);
        assert_eq!(picks.no_task, Some(Unplaced::NoTasks));
    }

    #[test]
    fn ties_go_to_the_lower_id() {
        let mentors: Vec<Mentor> = (100..120).rev().map(|id| mentor(id, vec![1], 60)).collect();
        let picks = suggest(
            &newcomer(),
            &mentors,
            &[],
            &AreaNames::new(),
            &MatchingConfig::default(),
        );
        let ids: Vec<i32> = picks.mentors.iter().map(|p| mentors[p.index].id).collect();
        assert_eq!(ids, [100, 101, 102, 103, 104]);
    }

    #[test]
    fn blocked_tasks_are_never_suggested_but_listed_with_what_they_wait_for() {
        let tasks = vec![
            task(1, 1, Difficulty::Starter, &["spi-binding"]),
            task(2, 9, Difficulty::Starter, &["other"]), // blocked and outside their interests: not listed
            task(3, 2, Difficulty::Starter, &[]),
            task(4, 1, Difficulty::Advanced, &["x"]), // blocked and far above them: not listed
            task(5, 9, Difficulty::Intermediate, &[]),
        ];
        let picks = suggest(
            &newcomer(),
            &[],
            &tasks,
            &AreaNames::new(),
            &MatchingConfig::default(),
        );
        let ids: Vec<i32> = picks.tasks.iter().map(|p| tasks[p.index].id).collect();
        assert_eq!(ids, [3, 5]);
        assert_eq!(picks.blocked.len(), 1);
        assert_eq!(tasks[picks.blocked[0].index].id, 1);
        assert_eq!(picks.blocked[0].waits_for, ["spi-binding"]);
        assert_eq!(picks.no_mentor, Some(Unplaced::NoMentors));
    }

    #[test]
    fn says_why_nothing_can_be_suggested() {
        let mut n = newcomer();
        n.languages = vec!["ja".into()];
        let tasks = vec![task(1, 1, Difficulty::Advanced, &[])];
        let picks = suggest(
            &n,
            &[mentor(10, vec![1], 60)],
            &tasks,
            &AreaNames::new(),
            &MatchingConfig::default(),
        );
        assert!(picks.mentors.is_empty() && picks.tasks.is_empty());
        assert_eq!(picks.no_mentor, Some(Unplaced::NoSharedLanguage));
        assert_eq!(picks.no_task, Some(Unplaced::TasksTooHard));
    }

    #[test]
    fn top_keeps_the_k_best_sorted() {
        let mut v = vec![(5, 1, 0), (9, 2, 1), (5, 0, 2), (7, 3, 3)];
        top(&mut v, 3);
        assert_eq!(v, [(9, 2, 1), (7, 3, 3), (5, 0, 2)]);
        top(&mut v, 0);
        assert!(v.is_empty());
    }
}
