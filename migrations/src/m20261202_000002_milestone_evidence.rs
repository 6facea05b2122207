use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add_column, drop_column};

/// Milestones that say which evidence fits them, milestone records that a mentor verifies or questions (with the
/// conversation in `progress_comments`), check-ins that say what comes next, the progress reports of each
/// mentorship's periods, and mentorships an organizer assigns. New columns are defaulted or nullable so existing
/// rows stay valid; SQLite takes one column per ALTER.
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
        manager
            .create_table(
                Table::create()
                    .table(ProgressReports::Table)
                    .col(pk_auto(ProgressReports::Id))
                    .col(integer(ProgressReports::MentorshipId))
                    .col(integer(ProgressReports::NewcomerId))
                    .col(integer(ProgressReports::MentorId))
                    .col(timestamp_with_time_zone(ProgressReports::PeriodStart))
                    .col(timestamp_with_time_zone(ProgressReports::PeriodEnd))
                    .col(timestamp_with_time_zone(ProgressReports::DueAt))
                    // JSON: what the period's milestones, check-ins and claims were, when the report was drafted.
                    .col(text(ProgressReports::Draft))
                    .col(text(ProgressReports::State).check(
                        Expr::col(ProgressReports::State).is_in(["draft", "submitted", "reviewed"]),
                    ))
                    .col(text_null(ProgressReports::Assessment).check(
                        Expr::col(ProgressReports::Assessment).is_in([
                            "on_track",
                            "needs_help",
                            "at_risk",
                        ]),
                    ))
                    .col(text_null(ProgressReports::MentorComment))
                    .col(timestamp_with_time_zone_null(ProgressReports::SubmittedAt))
                    .col(text_null(ProgressReports::NewcomerView))
                    .col(timestamp_with_time_zone_null(
                        ProgressReports::NewcomerViewAt,
                    ))
                    .col(integer_null(ProgressReports::ReviewedBy))
                    .col(timestamp_with_time_zone_null(ProgressReports::ReviewedAt))
                    .col(text_null(ProgressReports::ReviewNote))
                    .col(timestamp_with_time_zone(ProgressReports::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_reports_mentorship_id")
                            .from(ProgressReports::Table, ProgressReports::MentorshipId)
                            .to(Mentorships::Table, Mentorships::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_reports_newcomer_id")
                            .from(ProgressReports::Table, ProgressReports::NewcomerId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_reports_mentor_id")
                            .from(ProgressReports::Table, ProgressReports::MentorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_progress_reports_reviewed_by")
                            .from(ProgressReports::Table, ProgressReports::ReviewedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // One report per mentorship and period, however many workers draft at once.
        manager
            .create_index(
                Index::create()
                    .name("progress_reports_one_per_period")
                    .table(ProgressReports::Table)
                    .col(ProgressReports::MentorshipId)
                    .col(ProgressReports::PeriodStart)
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            (
                "idx_progress_reports_newcomer_id",
                ProgressReports::NewcomerId,
            ),
            ("idx_progress_reports_state", ProgressReports::State),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ProgressReports::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        // An organizer may assign a mentor (reassigning from a report), so `origin` takes a fourth value. A CHECK
        // cannot be altered in SQLite: the column is made anew beside the old one, copied, and the old dropped.
        remake_origin(manager, &["round", "request", "queue", "organizer"]).await?;

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
            .drop_table(Table::drop().table(ProgressReports::Table).to_owned())
            .await?;
        // Going back, an organizer's assignment counts as a mentor's claim, the nearest of the old values.
        manager
            .get_connection()
            .execute_unprepared(
                "UPDATE mentorships SET origin = 'queue' WHERE origin = 'organizer'",
            )
            .await?;
        remake_origin(manager, &["round", "request", "queue"]).await?;
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

/// Make `mentorships.origin` anew with the values `allowed`: rename it, add the new column, copy, drop the old.
/// One batch of statements on one connection (the same SQL on SQLite and PostgreSQL; sea-query's SQLite writer
/// has no RENAME COLUMN, and the steps must not be spread over pooled connections).
async fn remake_origin(manager: &SchemaManager<'_>, allowed: &[&str]) -> Result<(), DbErr> {
    let values = allowed
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    manager
        .get_connection()
        .execute_unprepared(&format!(
            "ALTER TABLE mentorships RENAME COLUMN origin TO origin_before;
             ALTER TABLE mentorships ADD COLUMN origin text NOT NULL DEFAULT 'round' CHECK (origin IN ({values}));
             UPDATE mentorships SET origin = origin_before;
             ALTER TABLE mentorships DROP COLUMN origin_before;"
        ))
        .await?;
    Ok(())
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
enum Mentorships {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum ProgressReports {
    Table,
    Id,
    MentorshipId,
    NewcomerId,
    MentorId,
    PeriodStart,
    PeriodEnd,
    DueAt,
    Draft,
    State,
    Assessment,
    MentorComment,
    SubmittedAt,
    NewcomerView,
    NewcomerViewAt,
    ReviewedBy,
    ReviewedAt,
    ReviewNote,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    ActorId,
    At,
}
