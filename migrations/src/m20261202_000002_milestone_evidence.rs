use sea_orm_migration::{prelude::*, schema::*};

/// Milestones that say which evidence fits them, milestone records that a mentor verifies or questions (with the
/// conversation in `progress_comments`), and check-ins that say what comes next. New columns are defaulted or
/// nullable so existing rows stay valid; SQLite takes one column per ALTER.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            // The kinds of link that count as evidence, comma-separated ("lore,patchwork"); empty: any link.
            text(Milestones::EvidenceKinds).default("").to_owned(),
            boolean(Milestones::EvidenceRequired)
                .default(false)
                .to_owned(),
        ] {
            add_column(manager, Milestones::Table, col).await?;
        }
        for col in [
            // Waiting for the mentor, verified by them, or questioned (the newcomer answers, and it waits again).
            text(ProgressEvents::State)
                .default("pending")
                .check(Expr::col(ProgressEvents::State).is_in([
                    "pending",
                    "verified",
                    "questioned",
                ]))
                .to_owned(),
            // When the record last changed hands (recorded, answered, questioned, verified): how long it waits.
            timestamp_with_time_zone_null(ProgressEvents::UpdatedAt),
        ] {
            add_column(manager, ProgressEvents::Table, col).await?;
        }
        // A milestone is recorded once per newcomer; answering a question updates that record.
        manager
            .create_index(
                Index::create()
                    .name("progress_events_one_per_milestone")
                    .table(ProgressEvents::Table)
                    .col(ProgressEvents::NewcomerId)
                    .col(ProgressEvents::MilestoneId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        add_column(manager, CheckIns::Table, text_null(CheckIns::NextSteps)).await?;

        manager
            .create_table(
                Table::create()
                    .table(ProgressComments::Table)
                    .col(pk_auto(ProgressComments::Id))
                    .col(integer(ProgressComments::ProgressEventId))
                    .col(integer(ProgressComments::AuthorId))
                    .col(text(ProgressComments::Body))
                    .col(timestamp_with_time_zone(ProgressComments::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_comments_progress_event_id")
                            .from(ProgressComments::Table, ProgressComments::ProgressEventId)
                            .to(ProgressEvents::Table, ProgressEvents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_comments_author_id")
                            .from(ProgressComments::Table, ProgressComments::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_progress_comments_progress_event_id")
                    .table(ProgressComments::Table)
                    .col(ProgressComments::ProgressEventId)
                    .to_owned(),
            )
            .await?;
        // A person's latest activity is read from their own events.
        manager
            .create_index(
                Index::create()
                    .name("idx_events_actor_id_at")
                    .table(Events::Table)
                    .col(Events::ActorId)
                    .col(Events::At)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_events_actor_id_at")
                    .table(Events::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ProgressComments::Table).to_owned())
            .await?;
        drop_column(manager, CheckIns::Table, CheckIns::NextSteps).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("progress_events_one_per_milestone")
                    .table(ProgressEvents::Table)
                    .to_owned(),
            )
            .await?;
        for col in [ProgressEvents::State, ProgressEvents::UpdatedAt] {
            drop_column(manager, ProgressEvents::Table, col).await?;
        }
        for col in [Milestones::EvidenceKinds, Milestones::EvidenceRequired] {
            drop_column(manager, Milestones::Table, col).await?;
        }
        Ok(())
    }
}

async fn add_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    mut col: ColumnDef,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).add_column(&mut col).to_owned())
        .await
}

async fn drop_column(
    manager: &SchemaManager<'_>,
    table: impl IntoIden,
    col: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    EvidenceKinds,
    EvidenceRequired,
}

#[derive(DeriveIden)]
enum ProgressEvents {
    Table,
    Id,
    NewcomerId,
    MilestoneId,
    State,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CheckIns {
    Table,
    NextSteps,
}

#[derive(DeriveIden)]
enum ProgressComments {
    Table,
    Id,
    ProgressEventId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    ActorId,
    At,
}
