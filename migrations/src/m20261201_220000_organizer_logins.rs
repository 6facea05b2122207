use sea_orm_migration::{prelude::*, schema::*};

/// Which GitHub account (by its numeric id, which never moves) claimed each login listed in ONRAMP_ORGANIZERS.
/// A login passes to someone else when its owner renames; only the first account to sign in with a configured
/// login is made an organizer by it. The primary key settles two first sign-ins racing.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganizerLogins::Table)
                    // Lowercase: GitHub logins are case-insensitive.
                    .col(text(OrganizerLogins::Login).primary_key())
                    .col(big_integer(OrganizerLogins::GithubId))
                    .col(timestamp_with_time_zone(OrganizerLogins::ClaimedAt))
                    .to_owned(),
            )
            .await?;
        // Organizers the configuration made before this table existed keep their logins: each holder of the
        // role without a granting organizer claims the login they have now. Valid on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO organizer_logins (login, github_id, claimed_at) \
                 SELECT LOWER(u.github_login), u.github_id, r.granted_at \
                 FROM users u JOIN user_roles r ON r.user_id = u.id \
                 WHERE r.role = 'organizer' AND r.granted_by IS NULL AND u.github_id IS NOT NULL \
                 AND u.github_login NOT LIKE '%~%'",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OrganizerLogins::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum OrganizerLogins {
    Table,
    Login,
    GithubId,
    ClaimedAt,
}
