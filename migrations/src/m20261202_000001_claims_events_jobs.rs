use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add_column, drop_column};

/// Claims that expire and are confirmed, mentorships that start from a mentor's queue or a newcomer's request,
/// task offers from task rounds, the `events` every state change writes, and the `jobs` queue for background
/// work. New columns are nullable or defaulted so existing rows stay valid; SQLite takes one column per ALTER.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Who did what is in `events` (with foreign keys); the claim only keeps what its page shows.
        for col in [
            timestamp_with_time_zone_null(Claims::WarnedAt),
            timestamp_with_time_zone_null(Claims::ExtendedAt),
            text_null(Claims::ExtendReason),
            timestamp_with_time_zone_null(Claims::DoneAt),
            text_null(Claims::EvidenceUrl),
            text_null(Claims::EndedReason),
        ] {
            add_column(manager, Claims::Table, col).await?;
        }
        for col in [
            // How the mentorship began: a matching round's proposal, a newcomer's request, or a mentor's claim
            // from their queue.
            text(Mentorships::Origin)
                .default("round")
                .check(Expr::col(Mentorships::Origin).is_in(["round", "request", "queue"]))
                .to_owned(),
            text_null(Mentorships::RequestMessage),
            text_null(Mentorships::ResponseMessage),
        ] {
            add_column(manager, Mentorships::Table, col).await?;
        }
        // Set when an organizer edits the task in the site; a later import reports a conflict instead of
        // overwriting the edit.
        add_column(
            manager,
            Tasks::Table,
            timestamp_with_time_zone_null(Tasks::SiteEditedAt),
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorPasses::Table)
                    .col(integer(MentorPasses::MentorId))
                    .col(integer(MentorPasses::NewcomerId))
                    .col(timestamp_with_time_zone(MentorPasses::Until))
                    .primary_key(
                        Index::create()
                            .col(MentorPasses::MentorId)
                            .col(MentorPasses::NewcomerId),
                    )
                    .foreign_key(&mut user_fk(
                        "fk_mentor_passes_mentor_id",
                        MentorPasses::Table,
                        MentorPasses::MentorId,
                    ))
                    .foreign_key(&mut user_fk(
                        "fk_mentor_passes_newcomer_id",
                        MentorPasses::Table,
                        MentorPasses::NewcomerId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskOffers::Table)
                    .col(pk_auto(TaskOffers::Id))
                    .col(integer(TaskOffers::RoundId))
                    .col(integer(TaskOffers::TaskId))
                    .col(integer(TaskOffers::NewcomerId))
                    .col(
                        text(TaskOffers::State).check(Expr::col(TaskOffers::State).is_in([
                            "open",
                            "accepted",
                            "declined",
                            "withdrawn",
                        ])),
                    )
                    .col(integer(TaskOffers::Score))
                    .col(text(TaskOffers::Explanation))
                    .col(timestamp_with_time_zone(TaskOffers::CreatedAt))
                    .col(timestamp_with_time_zone_null(TaskOffers::AnsweredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_offers_round_id")
                            .from(TaskOffers::Table, TaskOffers::RoundId)
                            .to(MatchingRounds::Table, MatchingRounds::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_offers_task_id")
                            .from(TaskOffers::Table, TaskOffers::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut user_fk(
                        "fk_task_offers_newcomer_id",
                        TaskOffers::Table,
                        TaskOffers::NewcomerId,
                    ))
                    .to_owned(),
            )
            .await?;
        // Sending a round twice cannot offer one newcomer two tasks from it.
        manager
            .create_index(
                Index::create()
                    .name("task_offers_one_per_round_newcomer")
                    .table(TaskOffers::Table)
                    .col(TaskOffers::RoundId)
                    .col(TaskOffers::NewcomerId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_task_offers_newcomer_id")
                    .table(TaskOffers::Table)
                    .col(TaskOffers::NewcomerId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(text(Events::Kind))
                    // None when the service itself acted (a job expiring a claim).
                    .col(integer_null(Events::ActorId))
                    // Whose timeline the event is on: the newcomer of a claim or a mentorship ...
                    .col(integer(Events::PersonId))
                    // ... and the other party's, when there is one (the mentor).
                    .col(integer_null(Events::OtherId))
                    .col(integer_null(Events::TaskId))
                    .col(integer_null(Events::ClaimId))
                    .col(integer_null(Events::MentorshipId))
                    .col(text(Events::Details))
                    .col(timestamp_with_time_zone(Events::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_actor_id")
                            .from(Events::Table, Events::ActorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(&mut user_fk(
                        "fk_events_person_id",
                        Events::Table,
                        Events::PersonId,
                    ))
                    .foreign_key(&mut user_fk(
                        "fk_events_other_id",
                        Events::Table,
                        Events::OtherId,
                    ))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_task_id")
                            .from(Events::Table, Events::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_claim_id")
                            .from(Events::Table, Events::ClaimId)
                            .to(Claims::Table, Claims::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_events_mentorship_id")
                            .from(Events::Table, Events::MentorshipId)
                            .to(Mentorships::Table, Mentorships::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_events_person_id", Events::PersonId),
            ("idx_events_other_id", Events::OtherId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Events::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_auto(Jobs::Id))
                    .col(text(Jobs::Kind))
                    .col(text(Jobs::Payload))
                    // A job scheduled for one thing (claim 7's expiry) is scheduled once; NULLs never collide.
                    .col(text_null(Jobs::DedupKey).unique_key())
                    .col(
                        text(Jobs::State)
                            .check(Expr::col(Jobs::State).is_in(["pending", "done", "failed"])),
                    )
                    .col(timestamp_with_time_zone(Jobs::RunAt))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(integer(Jobs::MaxAttempts))
                    .col(text_null(Jobs::LastError))
                    .col(text_null(Jobs::LockedBy))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                    .to_owned(),
            )
            .await?;
        // Workers look for the earliest due pending job.
        manager
            .create_index(
                Index::create()
                    .name("idx_jobs_state_run_at")
                    .table(Jobs::Table)
                    .col(Jobs::State)
                    .col(Jobs::RunAt)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Jobs::Table.into_iden(),
            Events::Table.into_iden(),
            TaskOffers::Table.into_iden(),
            MentorPasses::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        drop_column(manager, Tasks::Table, Tasks::SiteEditedAt).await?;
        for col in [
            Mentorships::Origin,
            Mentorships::RequestMessage,
            Mentorships::ResponseMessage,
        ] {
            drop_column(manager, Mentorships::Table, col).await?;
        }
        for col in [
            Claims::WarnedAt,
            Claims::ExtendedAt,
            Claims::ExtendReason,
            Claims::DoneAt,
            Claims::EvidenceUrl,
            Claims::EndedReason,
        ] {
            drop_column(manager, Claims::Table, col).await?;
        }
        Ok(())
    }
}

/// A link to a person that goes when the person goes.
fn user_fk(name: &str, table: impl IntoIden, col: impl IntoIden) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(table, col)
        .to(Users::Table, Users::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
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
    SiteEditedAt,
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
    Origin,
    RequestMessage,
    ResponseMessage,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    WarnedAt,
    ExtendedAt,
    ExtendReason,
    DoneAt,
    EvidenceUrl,
    EndedReason,
}

#[derive(DeriveIden)]
enum MentorPasses {
    Table,
    MentorId,
    NewcomerId,
    Until,
}

#[derive(DeriveIden)]
enum TaskOffers {
    Table,
    Id,
    RoundId,
    TaskId,
    NewcomerId,
    State,
    Score,
    Explanation,
    CreatedAt,
    AnsweredAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Kind,
    ActorId,
    PersonId,
    OtherId,
    TaskId,
    ClaimId,
    MentorshipId,
    Details,
    At,
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    DedupKey,
    State,
    RunAt,
    Attempts,
    MaxAttempts,
    LastError,
    LockedBy,
    LockedUntil,
    CreatedAt,
    FinishedAt,
}
