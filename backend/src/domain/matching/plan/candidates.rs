//! The other side of a round: the mentors or the tasks newcomers are matched with.

use super::super::score::{
    AreaNames, Exclusion, MatchingConfig, Mentor, Newcomer, Reason, Task, score_mentor, score_task,
};

/// Mentors (approved, accepting or not, full or not) or open tasks; indices are the solver's mentor indices.
#[derive(Debug, Clone)]
pub enum Candidates {
    Mentors(Vec<Mentor>),
    Tasks(Vec<Task>),
}

impl Candidates {
    pub fn len(&self) -> usize {
        match self {
            Candidates::Mentors(m) => m.len(),
            Candidates::Tasks(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Places each candidate can still take in this round: a mentor's free places when accepting, 1 per task.
    pub fn capacities(&self) -> Vec<u32> {
        match self {
            Candidates::Mentors(m) => m
                .iter()
                .map(|m| if m.accepting { m.free() } else { 0 })
                .collect(),
            Candidates::Tasks(t) => vec![1; t.len()],
        }
    }

    /// Candidates with room: the round's `candidates` count.
    pub fn available(&self) -> usize {
        self.capacities().iter().filter(|&&c| c > 0).count()
    }

    /// The highest score a pair can get; a pair's cost in the solver is this minus its score.
    pub fn max_score(&self, cfg: &MatchingConfig) -> i64 {
        match self {
            Candidates::Mentors(_) => cfg.max_mentor_score(),
            Candidates::Tasks(_) => cfg.max_task_score(),
        }
    }

    pub fn evaluate(&self, n: &Newcomer, j: usize, cfg: &MatchingConfig) -> Result<i64, Exclusion> {
        match self {
            Candidates::Mentors(m) => score_mentor(n, &m[j], cfg).map(|f| f.score()),
            Candidates::Tasks(t) => score_task(n, &t[j], cfg).map(|f| f.score()),
        }
    }

    pub fn reasons(
        &self,
        n: &Newcomer,
        j: usize,
        cfg: &MatchingConfig,
        areas: &AreaNames,
    ) -> Vec<Reason> {
        let reasons = match self {
            Candidates::Mentors(m) => score_mentor(n, &m[j], cfg).map(|f| f.reasons(areas)),
            Candidates::Tasks(t) => score_task(n, &t[j], cfg).map(|f| f.reasons(areas)),
        };
        reasons.unwrap_or_default()
    }

    pub fn id(&self, j: usize) -> i32 {
        match self {
            Candidates::Mentors(m) => m[j].id,
            Candidates::Tasks(t) => t[j].id,
        }
    }
}
