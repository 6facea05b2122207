use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{add_column, drop_column};

/// What the mail worker needs of the outbox: what the email is made from (`context`, rendered when it is sent),
/// a lease so that several instances never send one row twice, and the preferences behind the notification
/// settings page (snooze everything, digest frequency). The existing columns stay; new ones are defaulted or
/// nullable so existing rows stay valid.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for col in [
            // The template's variables, as JSON; subject and bodies are filled from it when the email is sent.
            text(EmailOutbox::Context).default("{}").to_owned(),
            // The instance sending the row, and until when; a lease that ran out is taken over.
            text_null(EmailOutbox::LockedBy),
            timestamp_with_time_zone_null(EmailOutbox::LockedUntil),
        ] {
            add_column(manager, EmailOutbox::Table, col).await?;
        }
        // A person's page lists the mail sent to them, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_email_outbox_recipient_created")
                    .table(EmailOutbox::Table)
                    .col(EmailOutbox::RecipientId)
                    .col(EmailOutbox::CreatedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NotificationPreferences::Table)
                    .col(integer(NotificationPreferences::UserId).primary_key())
                    // No email but account and security mail until then.
                    .col(timestamp_with_time_zone_null(
                        NotificationPreferences::SnoozedUntil,
                    ))
                    .col(
                        text(NotificationPreferences::Digest)
                            .default("weekly")
                            .check(
                                Expr::col(NotificationPreferences::Digest)
                                    .is_in(["daily", "weekly", "never"]),
                            ),
                    )
                    .col(timestamp_with_time_zone(NotificationPreferences::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_notification_preferences_user_id")
                            .from(
                                NotificationPreferences::Table,
                                NotificationPreferences::UserId,
                            )
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(NotificationPreferences::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_email_outbox_recipient_created")
                    .table(EmailOutbox::Table)
                    .to_owned(),
            )
            .await?;
        for col in [
            EmailOutbox::LockedUntil,
            EmailOutbox::LockedBy,
            EmailOutbox::Context,
        ] {
            drop_column(manager, EmailOutbox::Table, col).await?;
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
enum EmailOutbox {
    Table,
    RecipientId,
    CreatedAt,
    Context,
    LockedBy,
    LockedUntil,
}

#[derive(DeriveIden)]
enum NotificationPreferences {
    Table,
    UserId,
    SnoozedUntil,
    Digest,
    UpdatedAt,
}
