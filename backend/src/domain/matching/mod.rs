//! Matching: the instance format, the exact capacitated min-cost assignment solver, the scoring of pairs with
//! their reasons, and instant suggestions for one newcomer.

pub mod instance;
pub mod score;
pub mod solver;
pub mod suggest;
