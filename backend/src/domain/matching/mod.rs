//! Matching: the instance format, the exact capacitated min-cost assignment solver, the scoring of pairs with
//! their reasons, the planning of a round, and instant suggestions for one newcomer.

pub mod instance;
pub mod plan;
pub mod score;
pub mod solver;
pub mod suggest;
