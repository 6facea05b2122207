//! Scoring a newcomer against a catalog task: its area, and its difficulty against their experience.

use super::config::MatchingConfig;
use super::exclusion::Exclusion;
use super::mentor::area_name;
use super::people::{AreaNames, Newcomer, Task, level};
use super::reasons::{ExperienceFit, Reason};
use crate::domain::task::{Difficulty, TaskState};

/// The components of an acceptable newcomer–task pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFit {
    area_id: i32,
    interested: bool,
    difficulty: Difficulty,
    fit: ExperienceFit,
    new_to_kernel: bool,
    area_points: i64,
    experience_points: i64,
}

impl TaskFit {
    pub fn score(&self) -> i64 {
        self.area_points + self.experience_points
    }

    pub fn reasons(&self, areas: &AreaNames) -> Vec<Reason> {
        vec![
            Reason::TaskArea {
                area: area_name(areas, self.area_id),
                interested: self.interested,
                points: self.area_points,
            },
            Reason::Experience {
                difficulty: self.difficulty,
                fit: self.fit,
                new_to_kernel: self.new_to_kernel,
                points: self.experience_points,
            },
        ]
    }
}

/// Score a newcomer against a task, or say why it cannot be proposed: not open, blocked by prerequisites (with
/// what it waits for), or far above their experience (see [`Experience::ready_for`]).
pub fn score_task(n: &Newcomer, t: &Task, cfg: &MatchingConfig) -> Result<TaskFit, Exclusion> {
    if t.state != TaskState::Open {
        return Err(Exclusion::TaskNotOpen { state: t.state });
    }
    if !t.waits_for.is_empty() {
        return Err(Exclusion::Blocked {
            waits_for: t.waits_for.clone(),
        });
    }
    score_task_ignoring_prerequisites(n, t, cfg)
}

/// [`score_task`] as if the prerequisites were done: how much a newcomer would like a blocked task.
pub fn score_task_ignoring_prerequisites(
    n: &Newcomer,
    t: &Task,
    cfg: &MatchingConfig,
) -> Result<TaskFit, Exclusion> {
    let ready_for = n.experience.ready_for();
    let gap = level(t.difficulty) - level(ready_for);
    if gap >= 2 {
        return Err(Exclusion::FarAboveExperience {
            difficulty: t.difficulty,
            ready_for,
        });
    }
    let (fit, experience_points) = match gap {
        1 => (ExperienceFit::Stretch, 0),
        0 => (ExperienceFit::Right, cfg.weight_experience),
        -1 => (ExperienceFit::Easy, cfg.weight_experience / 2),
        _ => (ExperienceFit::Easy, cfg.weight_experience / 4),
    };
    let interested = n.areas.binary_search(&t.area_id).is_ok();
    Ok(TaskFit {
        area_id: t.area_id,
        interested,
        difficulty: t.difficulty,
        fit,
        new_to_kernel: n.experience.kernel == 0,
        area_points: if interested { cfg.weight_area } else { 0 },
        experience_points,
    })
}
