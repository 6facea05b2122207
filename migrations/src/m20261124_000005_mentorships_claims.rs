use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Mentorships::Table)
                    .col(pk_auto(Mentorships::Id))
                    .col(integer(Mentorships::NewcomerId))
                    .col(integer(Mentorships::MentorId))
                    .col(text(Mentorships::State).check(
                        Expr::col(Mentorships::State).is_in(["proposed", "active", "ended"]),
                    ))
                    .col(integer(Mentorships::Score))
                    .col(text(Mentorships::Explanation))
                    .col(integer_null(Mentorships::RoundId))
                    .col(timestamp_with_time_zone(Mentorships::ProposedAt))
                    .col(timestamp_with_time_zone_null(Mentorships::AcceptedAt))
                    .col(timestamp_with_time_zone_null(Mentorships::EndedAt))
                    .col(text_null(Mentorships::EndedReason))
                    .check(Expr::col(Mentorships::NewcomerId).ne(Expr::col(Mentorships::MentorId)))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mentorships_newcomer_id")
                            .from(Mentorships::Table, Mentorships::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mentorships_mentor_id")
                            .from(Mentorships::Table, Mentorships::MentorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mentorships_round_id")
                            .from(Mentorships::Table, Mentorships::RoundId)
                            .to(MatchingRounds::Table, MatchingRounds::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Mentor capacity counts open mentorships per mentor; a newcomer's history is listed by
        // newcomer (the partial unique index below only covers the open ones).
        manager
            .create_index(
                Index::create()
                    .name("idx_mentorships_mentor_id")
                    .table(Mentorships::Table)
                    .col(Mentorships::MentorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_mentorships_newcomer_id")
                    .table(Mentorships::Table)
                    .col(Mentorships::NewcomerId)
                    .to_owned(),
            )
            .await?;
        // Two organizers (or a round and an organizer) racing must not give one newcomer two
        // mentors; only the database can decide that atomically. Raw SQL because sea-query's
        // index builder has no WHERE clause, and this text is valid on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX mentorships_one_open_per_newcomer ON mentorships (newcomer_id) \
                 WHERE state IN ('proposed', 'active')",
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Claims::Table)
                    .col(pk_auto(Claims::Id))
                    .col(integer(Claims::TaskId))
                    .col(integer(Claims::NewcomerId))
                    .col(text(Claims::State).check(Expr::col(Claims::State).is_in([
                        "active",
                        "completed",
                        "released",
                        "expired",
                    ])))
                    .col(timestamp_with_time_zone(Claims::ClaimedAt))
                    .col(timestamp_with_time_zone(Claims::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Claims::EndedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claims_task_id")
                            .from(Claims::Table, Claims::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_claims_newcomer_id")
                            .from(Claims::Table, Claims::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claims_newcomer_id")
                    .table(Claims::Table)
                    .col(Claims::NewcomerId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_claims_task_id")
                    .table(Claims::Table)
                    .col(Claims::TaskId)
                    .to_owned(),
            )
            .await?;
        // Two newcomers clicking "claim" at once: exactly one insert may succeed.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX claims_one_active_per_task ON claims (task_id) \
                 WHERE state = 'active'",
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [Claims::Table.into_iden(), Mentorships::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum MatchingRounds {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Mentorships {
    Table,
    Id,
    NewcomerId,
    MentorId,
    State,
    Score,
    Explanation,
    RoundId,
    ProposedAt,
    AcceptedAt,
    EndedAt,
    EndedReason,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    TaskId,
    NewcomerId,
    State,
    ClaimedAt,
    ExpiresAt,
    EndedAt,
}
