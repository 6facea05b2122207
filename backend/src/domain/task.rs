//! The vocabulary of a catalog task: what kind of work it is, how hard, and where it stands.

use crate::domain::enums::domain_enum;

domain_enum! {
    pub enum TaskKind ("task kind") {
        Binding = "binding",
        Driver = "driver",
        Docs = "docs",
        Tooling = "tooling",
        Test = "test",
    }
}

domain_enum! {
    pub enum Difficulty ("difficulty") {
        Starter = "starter",
        Intermediate = "intermediate",
        Advanced = "advanced",
    }
}

domain_enum! {
    pub enum TaskState ("task state") {
        Open = "open",
        Claimed = "claimed",
        Done = "done",
        Retired = "retired",
    }
}
