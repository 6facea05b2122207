use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MatchingRounds::Table)
                    .col(pk_auto(MatchingRounds::Id))
                    .col(
                        text(MatchingRounds::Kind)
                            .check(Expr::col(MatchingRounds::Kind).is_in(["mentors", "tasks"])),
                    )
                    .col(text(MatchingRounds::State).check(
                        Expr::col(MatchingRounds::State).is_in(["draft", "sent", "cancelled"]),
                    ))
                    .col(integer_null(MatchingRounds::CreatedBy))
                    .col(timestamp_with_time_zone(MatchingRounds::CreatedAt))
                    .col(timestamp_with_time_zone_null(MatchingRounds::SentAt))
                    .col(integer(MatchingRounds::Newcomers))
                    .col(integer(MatchingRounds::Candidates))
                    .col(integer(MatchingRounds::Placed))
                    .col(big_integer(MatchingRounds::Objective))
                    .col(double(MatchingRounds::SolveMs))
                    .col(text(MatchingRounds::Stats))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_matching_rounds_created_by")
                            .from(MatchingRounds::Table, MatchingRounds::CreatedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(RoundProposals::Table)
                    .col(pk_auto(RoundProposals::Id))
                    .col(integer(RoundProposals::RoundId))
                    .col(integer(RoundProposals::NewcomerId))
                    .col(integer_null(RoundProposals::MentorId))
                    .col(integer_null(RoundProposals::TaskId))
                    .col(integer(RoundProposals::Score))
                    .col(text(RoundProposals::Explanation))
                    .col(text_null(RoundProposals::UnplacedReason))
                    // A reason for not placing someone contradicts having placed them.
                    .check(
                        Expr::col(RoundProposals::UnplacedReason)
                            .is_null()
                            .or(Expr::col(RoundProposals::MentorId)
                                .is_null()
                                .and(Expr::col(RoundProposals::TaskId).is_null())),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_proposals_round_id")
                            .from(RoundProposals::Table, RoundProposals::RoundId)
                            .to(MatchingRounds::Table, MatchingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_proposals_newcomer_id")
                            .from(RoundProposals::Table, RoundProposals::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_proposals_mentor_id")
                            .from(RoundProposals::Table, RoundProposals::MentorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_round_proposals_task_id")
                            .from(RoundProposals::Table, RoundProposals::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_round_proposals_round_id")
                    .table(RoundProposals::Table)
                    .col(RoundProposals::RoundId)
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RoundProposals::Table.into_iden(),
            MatchingRounds::Table.into_iden(),
        ] {
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
    Kind,
    State,
    CreatedBy,
    CreatedAt,
    SentAt,
    Newcomers,
    Candidates,
    Placed,
    Objective,
    SolveMs,
    Stats,
}

#[derive(DeriveIden)]
enum RoundProposals {
    Table,
    Id,
    RoundId,
    NewcomerId,
    MentorId,
    TaskId,
    Score,
    Explanation,
    UnplacedReason,
}
