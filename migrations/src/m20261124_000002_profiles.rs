use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(NewcomerProfiles::Table)
                    .col(integer(NewcomerProfiles::UserId).primary_key())
                    .col(experience(NewcomerProfiles::RustExperience))
                    .col(experience(NewcomerProfiles::CExperience))
                    .col(experience(NewcomerProfiles::KernelExperience))
                    .col(
                        small_integer(NewcomerProfiles::HoursPerWeek)
                            .check(Expr::col(NewcomerProfiles::HoursPerWeek).gte(0)),
                    )
                    .col(text(NewcomerProfiles::Goals))
                    .col(text(NewcomerProfiles::Status).check(
                        Expr::col(NewcomerProfiles::Status).is_in([
                            "active",
                            "paused",
                            "graduated",
                            "withdrawn",
                        ]),
                    ))
                    .col(timestamp_with_time_zone(NewcomerProfiles::CreatedAt))
                    .col(timestamp_with_time_zone(NewcomerProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_newcomer_profiles_user_id")
                            .from(NewcomerProfiles::Table, NewcomerProfiles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MentorProfiles::Table)
                    .col(integer(MentorProfiles::UserId).primary_key())
                    .col(
                        small_integer(MentorProfiles::Capacity)
                            .check(Expr::col(MentorProfiles::Capacity).gte(0)),
                    )
                    .col(boolean(MentorProfiles::Accepting))
                    .col(text(MentorProfiles::Bio))
                    .col(
                        text(MentorProfiles::Status).check(
                            Expr::col(MentorProfiles::Status)
                                .is_in(["applied", "approved", "declined"]),
                        ),
                    )
                    .col(integer_null(MentorProfiles::DecidedBy))
                    .col(timestamp_with_time_zone_null(MentorProfiles::DecidedAt))
                    .col(timestamp_with_time_zone(MentorProfiles::CreatedAt))
                    .col(timestamp_with_time_zone(MentorProfiles::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mentor_profiles_user_id")
                            .from(MentorProfiles::Table, MentorProfiles::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_mentor_profiles_decided_by")
                            .from(MentorProfiles::Table, MentorProfiles::DecidedBy)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserLanguages::Table)
                    .col(integer(UserLanguages::UserId))
                    .col(text(UserLanguages::Language))
                    .primary_key(
                        Index::create()
                            .col(UserLanguages::UserId)
                            .col(UserLanguages::Language),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_languages_user_id")
                            .from(UserLanguages::Table, UserLanguages::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UserLanguages::Table.into_iden(),
            MentorProfiles::Table.into_iden(),
            NewcomerProfiles::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// Self-assessed experience on a small scale: 0 none, 1 some, 2 comfortable, 3 expert.
fn experience<T: IntoIden + Copy + 'static>(col: T) -> ColumnDef {
    small_integer(col)
        .check(Expr::col(col).between(0, 3))
        .to_owned()
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden, Clone, Copy)]
enum NewcomerProfiles {
    Table,
    UserId,
    RustExperience,
    CExperience,
    KernelExperience,
    HoursPerWeek,
    Goals,
    Status,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum MentorProfiles {
    Table,
    UserId,
    Capacity,
    Accepting,
    Bio,
    Status,
    DecidedBy,
    DecidedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum UserLanguages {
    Table,
    UserId,
    Language,
}
