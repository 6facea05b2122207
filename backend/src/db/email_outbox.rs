use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::domain::email::{EmailKind, OutboxState};

text_column_enum!(OutboxState, EmailKind);

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "email_outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub recipient_id: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub recipient_email: String,
    pub kind: EmailKind,
    /// Unique: enqueueing the same logical message twice is a no-op (or a unique violation).
    #[sea_orm(column_type = "Text", unique)]
    pub dedup_key: String,
    #[sea_orm(column_type = "Text")]
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub state: OutboxState,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    #[sea_orm(column_type = "Text")]
    pub last_error: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub message_id: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
    /// The template's variables (JSON); subject and bodies are rendered from them when the row is sent.
    #[sea_orm(column_type = "Text")]
    pub context: String,
    /// The instance holding the row (until `locked_until`), or, once sent, the one that sent it.
    #[sea_orm(column_type = "Text")]
    pub locked_by: Option<String>,
    pub locked_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::RecipientId",
        to = "super::users::Column::Id",
        on_delete = "SetNull"
    )]
    Recipient,
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Recipient.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
