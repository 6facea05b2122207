//! What recipients chose, read for a batch of them at once: the kinds each turned off, and who has snoozed all
//! email until when. Enqueueing asks so as not to queue what would not be sent; delivery asks again, since a
//! person may change their mind while a nudge waits for their daytime.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;

use crate::db::{notification_preferences, notification_settings};
use crate::domain::email::EmailKind;

/// Why an email is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", content = "until", rename_all = "snake_case")]
pub enum Withheld {
    /// The recipient has no email address on their account.
    NoAddress,
    /// The recipient turned this kind off.
    TurnedOff,
    /// The recipient snoozed all email until then.
    Snoozed(DateTime<Utc>),
}

impl Withheld {
    pub fn describe(&self) -> String {
        match self {
            Withheld::NoAddress => "the recipient has no email address".into(),
            Withheld::TurnedOff => "the recipient turned this kind of email off".into(),
            Withheld::Snoozed(until) => format!(
                "the recipient snoozed email until {}",
                until.format("%Y-%m-%d")
            ),
        }
    }
}

/// The choices of some recipients.
#[derive(Debug, Default)]
pub struct Choices {
    off: HashSet<(i32, EmailKind)>,
    snoozed: HashMap<i32, DateTime<Utc>>,
}

/// How many ids go in one `IN (...)`: well under SQLite's and PostgreSQL's limits on bound values.
pub const CHUNK: usize = 500;

impl Choices {
    pub async fn load(
        db: &impl ConnectionTrait,
        users: &[i32],
        now: DateTime<Utc>,
    ) -> Result<Choices, DbErr> {
        let mut choices = Choices::default();
        for ids in users.chunks(CHUNK) {
            let off: Vec<(i32, EmailKind)> = notification_settings::Entity::find()
                .select_only()
                .column(notification_settings::Column::UserId)
                .column(notification_settings::Column::Kind)
                .filter(notification_settings::Column::UserId.is_in(ids.iter().copied()))
                .filter(notification_settings::Column::Enabled.eq(false))
                .into_tuple()
                .all(db)
                .await?;
            choices.off.extend(off);
            let snoozed: Vec<(i32, Option<DateTime<Utc>>)> =
                notification_preferences::Entity::find()
                    .select_only()
                    .column(notification_preferences::Column::UserId)
                    .column(notification_preferences::Column::SnoozedUntil)
                    .filter(notification_preferences::Column::UserId.is_in(ids.iter().copied()))
                    .filter(notification_preferences::Column::SnoozedUntil.gt(now))
                    .into_tuple()
                    .all(db)
                    .await?;
            choices
                .snoozed
                .extend(snoozed.into_iter().filter_map(|(id, t)| Some((id, t?))));
        }
        Ok(choices)
    }

    /// Whether `user`'s choices keep an email of `kind` from them. Account email always goes.
    pub fn withholds(&self, user: i32, kind: EmailKind) -> Option<Withheld> {
        if !kind.can_turn_off() {
            return None;
        }
        if self.off.contains(&(user, kind)) {
            return Some(Withheld::TurnedOff);
        }
        self.snoozed.get(&user).map(|t| Withheld::Snoozed(*t))
    }
}
