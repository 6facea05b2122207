use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ProgressEvents::Table)
                    .col(pk_auto(ProgressEvents::Id))
                    .col(integer(ProgressEvents::NewcomerId))
                    .col(integer_null(ProgressEvents::ClaimId))
                    .col(integer(ProgressEvents::MilestoneId))
                    .col(text_null(ProgressEvents::EvidenceUrl))
                    .col(text(ProgressEvents::Note))
                    .col(timestamp_with_time_zone(ProgressEvents::CreatedAt))
                    .col(integer_null(ProgressEvents::VerifiedBy))
                    .col(timestamp_with_time_zone_null(ProgressEvents::VerifiedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_events_newcomer_id")
                            .from(ProgressEvents::Table, ProgressEvents::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_events_claim_id")
                            .from(ProgressEvents::Table, ProgressEvents::ClaimId)
                            .to(Claims::Table, Claims::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_events_milestone_id")
                            .from(ProgressEvents::Table, ProgressEvents::MilestoneId)
                            .to(Milestones::Table, Milestones::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_events_verified_by")
                            .from(ProgressEvents::Table, ProgressEvents::VerifiedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_progress_events_newcomer_id")
                    .table(ProgressEvents::Table)
                    .col(ProgressEvents::NewcomerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckIns::Table)
                    .col(pk_auto(CheckIns::Id))
                    .col(integer(CheckIns::NewcomerId))
                    .col(text(CheckIns::Body))
                    .col(text_null(CheckIns::Blockers))
                    .col(timestamp_with_time_zone(CheckIns::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_check_ins_newcomer_id")
                            .from(CheckIns::Table, CheckIns::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_check_ins_newcomer_id")
                    .table(CheckIns::Table)
                    .col(CheckIns::NewcomerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(CheckInReplies::Table)
                    .col(pk_auto(CheckInReplies::Id))
                    .col(integer(CheckInReplies::CheckInId))
                    .col(integer(CheckInReplies::AuthorId))
                    .col(text(CheckInReplies::Body))
                    .col(timestamp_with_time_zone(CheckInReplies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_check_in_replies_check_in_id")
                            .from(CheckInReplies::Table, CheckInReplies::CheckInId)
                            .to(CheckIns::Table, CheckIns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_check_in_replies_author_id")
                            .from(CheckInReplies::Table, CheckInReplies::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_check_in_replies_check_in_id")
                    .table(CheckInReplies::Table)
                    .col(CheckInReplies::CheckInId)
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CheckInReplies::Table.into_iden(),
            CheckIns::Table.into_iden(),
            ProgressEvents::Table.into_iden(),
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
enum Claims {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProgressEvents {
    Table,
    Id,
    NewcomerId,
    ClaimId,
    MilestoneId,
    EvidenceUrl,
    Note,
    CreatedAt,
    VerifiedBy,
    VerifiedAt,
}

#[derive(DeriveIden)]
enum CheckIns {
    Table,
    Id,
    NewcomerId,
    Body,
    Blockers,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CheckInReplies {
    Table,
    Id,
    CheckInId,
    AuthorId,
    Body,
    CreatedAt,
}
