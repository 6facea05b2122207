use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Areas::Table)
                    .col(pk_auto(Areas::Id))
                    .col(text_uniq(Areas::Slug))
                    .col(text(Areas::Name))
                    .col(text(Areas::Description))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(UserAreas::Table)
                    .col(integer(UserAreas::UserId))
                    .col(integer(UserAreas::AreaId))
                    .primary_key(
                        Index::create()
                            .col(UserAreas::UserId)
                            .col(UserAreas::AreaId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_areas_user_id")
                            .from(UserAreas::Table, UserAreas::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_user_areas_area_id")
                            .from(UserAreas::Table, UserAreas::AreaId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // Matching looks up "who is interested in / expert on this area".
        manager
            .create_index(
                Index::create()
                    .name("idx_user_areas_area_id")
                    .table(UserAreas::Table)
                    .col(UserAreas::AreaId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Tasks::Table)
                    .col(pk_auto(Tasks::Id))
                    .col(text_uniq(Tasks::Slug))
                    .col(
                        text(Tasks::Kind).check(
                            Expr::col(Tasks::Kind)
                                .is_in(["binding", "driver", "docs", "tooling", "test"]),
                        ),
                    )
                    .col(integer(Tasks::AreaId))
                    .col(text(Tasks::Title))
                    .col(text(Tasks::Description))
                    .col(
                        text(Tasks::Difficulty).check(Expr::col(Tasks::Difficulty).is_in([
                            "starter",
                            "intermediate",
                            "advanced",
                        ])),
                    )
                    .col(text(Tasks::Skills))
                    .col(text(Tasks::ExternalPrerequisites))
                    .col(text(Tasks::SourceUrl))
                    .col(boolean(Tasks::UpstreamIssue))
                    .col(text(Tasks::State).check(
                        Expr::col(Tasks::State).is_in(["open", "claimed", "done", "retired"]),
                    ))
                    .col(timestamp_with_time_zone(Tasks::CreatedAt))
                    .col(timestamp_with_time_zone(Tasks::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tasks_area_id")
                            .from(Tasks::Table, Tasks::AreaId)
                            .to(Areas::Table, Areas::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tasks_area_id")
                    .table(Tasks::Table)
                    .col(Tasks::AreaId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TaskPrerequisites::Table)
                    .col(integer(TaskPrerequisites::TaskId))
                    .col(integer(TaskPrerequisites::RequiresId))
                    .primary_key(
                        Index::create()
                            .col(TaskPrerequisites::TaskId)
                            .col(TaskPrerequisites::RequiresId),
                    )
                    .check(
                        Expr::col(TaskPrerequisites::TaskId)
                            .ne(Expr::col(TaskPrerequisites::RequiresId)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_prerequisites_task_id")
                            .from(TaskPrerequisites::Table, TaskPrerequisites::TaskId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_task_prerequisites_requires_id")
                            .from(TaskPrerequisites::Table, TaskPrerequisites::RequiresId)
                            .to(Tasks::Table, Tasks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // "What does finishing this task unlock" and the cascade from deleting a task both
        // search by requires_id, which the primary key does not cover.
        manager
            .create_index(
                Index::create()
                    .name("idx_task_prerequisites_requires_id")
                    .table(TaskPrerequisites::Table)
                    .col(TaskPrerequisites::RequiresId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Milestones::Table)
                    .col(pk_auto(Milestones::Id))
                    .col(text_uniq(Milestones::Slug))
                    .col(integer_uniq(Milestones::Position))
                    .col(text(Milestones::Title))
                    .col(text(Milestones::Description))
                    .to_owned(),
            )
            .await?;

        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Milestones::Table.into_iden(),
            TaskPrerequisites::Table.into_iden(),
            Tasks::Table.into_iden(),
            UserAreas::Table.into_iden(),
            Areas::Table.into_iden(),
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
enum Areas {
    Table,
    Id,
    Slug,
    Name,
    Description,
}

#[derive(DeriveIden)]
enum UserAreas {
    Table,
    UserId,
    AreaId,
}

#[derive(DeriveIden)]
enum Tasks {
    Table,
    Id,
    Slug,
    Kind,
    AreaId,
    Title,
    Description,
    Difficulty,
    Skills,
    ExternalPrerequisites,
    SourceUrl,
    UpstreamIssue,
    State,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum TaskPrerequisites {
    Table,
    TaskId,
    RequiresId,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    Id,
    Slug,
    Position,
    Title,
    Description,
}
