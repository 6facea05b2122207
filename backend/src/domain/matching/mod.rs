//! Matching: the instance format and the exact capacitated min-cost assignment solver.

pub mod instance;
pub mod solver;
