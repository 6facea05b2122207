//! sea-orm entities, one module per table. The schema itself lives in the `onramp-migration`
//! crate; these definitions must follow it (the round-trip test in `tests.rs` checks that they do).
//!
//! Relation variants are named after the table they lead to (`Relation::Areas`, `Relation::Claims`),
//! as sea-orm-cli would name them, except relations to `users`, which are named after the part the
//! person plays (`User` for the owner, `Newcomer`, `Mentor`, `Author`, `GrantedBy`, ...) because
//! several tables point at `users` more than once.

use std::fmt;

/// Declares a string-backed column enum: stored as short lowercase text, serialised the same way,
/// and parseable from forms and query strings. The database spelling is written once and reused
/// for sea-orm, serde, `as_str`, `Display` and `FromStr`, so the representations cannot drift.
macro_rules! db_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:tt, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            Hash,
            sea_orm::EnumIter,
            sea_orm::DeriveActiveEnum,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[sea_orm(rs_type = "String", db_type = "Text")]
        pub enum $name {
            $(
                $(#[$vmeta])*
                #[sea_orm(string_value = $value)]
                #[serde(rename = $value)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in declaration order (handy for select boxes and filters).
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Self::$variant => $value,)+
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = super::ParseEnumError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($value => Ok(Self::$variant),)+
                    _ => Err(super::ParseEnumError {
                        type_name: stringify!($name),
                        value: s.to_owned(),
                    }),
                }
            }
        }
    };
}

pub mod areas;
pub mod audit_log;
pub mod check_in_replies;
pub mod check_ins;
pub mod claims;
pub mod email_outbox;
pub mod matching_rounds;
pub mod mentor_profiles;
pub mod mentorships;
pub mod milestones;
pub mod newcomer_profiles;
pub mod notification_settings;
pub mod organizer_logins;
pub mod prelude;
pub mod progress_events;
pub mod round_proposals;
pub mod sessions;
pub mod task_prerequisites;
pub mod tasks;
pub mod user_areas;
pub mod user_languages;
pub mod user_roles;
pub mod users;

/// A string that is not one of an enum's database values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    pub type_name: &'static str,
    pub value: String,
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a valid {}", self.value, self.type_name)
    }
}

impl std::error::Error for ParseEnumError {}

#[cfg(test)]
mod tests;
