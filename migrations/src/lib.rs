pub use sea_orm_migration::prelude::*;

mod columns;

mod m20261124_000001_users;
mod m20261124_000002_profiles;
mod m20261124_000003_catalog;
mod m20261124_000004_matching_rounds;
mod m20261124_000005_mentorships_claims;
mod m20261124_000006_progress;
mod m20261124_000007_email_audit;
mod m20261201_220000_organizer_logins;
mod m20261201_220100_session_created_at;
mod m20261202_000001_claims_events_jobs;
mod m20261202_000002_milestone_evidence;
mod m20261202_000003_mail_delivery;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    // Order matters: each migration only references tables created by earlier ones, and
    // `down` runs them in reverse so children are dropped before their parents.
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_users::Migration),
            Box::new(m20261124_000002_profiles::Migration),
            Box::new(m20261124_000003_catalog::Migration),
            Box::new(m20261124_000004_matching_rounds::Migration),
            Box::new(m20261124_000005_mentorships_claims::Migration),
            Box::new(m20261124_000006_progress::Migration),
            Box::new(m20261124_000007_email_audit::Migration),
            Box::new(m20261201_220000_organizer_logins::Migration),
            Box::new(m20261201_220100_session_created_at::Migration),
            Box::new(m20261202_000001_claims_events_jobs::Migration),
            Box::new(m20261202_000002_milestone_evidence::Migration),
            Box::new(m20261202_000003_mail_delivery::Migration),
        ]
    }
}
