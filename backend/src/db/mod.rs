//! sea-orm entities, one module per table, and the columns of the domain's enums (each table module re-exports
//! the enums it stores, so `crate::db::tasks::TaskKind` is `crate::domain::task::TaskKind`). The schema itself
//! lives in the `onramp-migration` crate; these definitions must follow it (the round-trip test in `tests.rs`
//! checks that they do).
//!
//! Relation variants are named after the table they lead to (`Relation::Areas`, `Relation::Claims`),
//! as sea-orm-cli would name them, except relations to `users`, which are named after the part the
//! person plays (`User` for the owner, `Newcomer`, `Mentor`, `Author`, `GrantedBy`, ...) because
//! several tables point at `users` more than once.

/// Stores a domain enumeration (see `crate::domain::enums`) as its spelling in a text column: the impls that
/// sea-orm's `DeriveActiveEnum` generates for `rs_type = "String", db_type = "Text"`, written out here because
/// the domain owns its enums and carries no sea-orm derive. A stored value that is no spelling fails to decode
/// with a `DbErr::Type`, as with the derive.
macro_rules! text_column_enum {
    ($($ty:ident),+ $(,)?) => {$(
        impl sea_orm::strum::IntoEnumIterator for $ty {
            type Iterator = std::iter::Copied<std::slice::Iter<'static, $ty>>;

            fn iter() -> Self::Iterator {
                $ty::ALL.iter().copied()
            }
        }

        impl sea_orm::ActiveEnum for $ty {
            type Value = String;
            type ValueVec = Vec<String>;

            fn name() -> sea_orm::sea_query::DynIden {
                stringify!($ty).into()
            }

            fn to_value(&self) -> String {
                self.as_str().to_owned()
            }

            fn try_from_value(v: &String) -> Result<Self, sea_orm::DbErr> {
                v.parse().map_err(|_| {
                    sea_orm::DbErr::Type(format!(
                        "unexpected value for {} enum: {v}",
                        stringify!($ty)
                    ))
                })
            }

            fn db_type() -> sea_orm::ColumnDef {
                sea_orm::prelude::ColumnTypeTrait::def(sea_orm::ColumnType::Text)
            }
        }

        impl sea_orm::TryGetableArray for $ty {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                index: I,
            ) -> Result<Vec<Self>, sea_orm::TryGetError> {
                <String as sea_orm::ActiveEnumValue>::try_get_vec_by(res, index)?
                    .iter()
                    .map(|v| <Self as sea_orm::ActiveEnum>::try_from_value(v).map_err(Into::into))
                    .collect()
            }
        }

        impl From<$ty> for sea_orm::Value {
            fn from(v: $ty) -> Self {
                v.as_str().to_owned().into()
            }
        }

        impl sea_orm::TryGetable for $ty {
            fn try_get_by<I: sea_orm::ColIdx>(
                res: &sea_orm::QueryResult,
                idx: I,
            ) -> Result<Self, sea_orm::TryGetError> {
                let value = <String as sea_orm::TryGetable>::try_get_by(res, idx)?;
                <Self as sea_orm::ActiveEnum>::try_from_value(&value).map_err(sea_orm::TryGetError::DbErr)
            }
        }

        impl sea_orm::sea_query::ValueType for $ty {
            fn try_from(v: sea_orm::Value) -> Result<Self, sea_orm::sea_query::ValueTypeErr> {
                let value = <String as sea_orm::sea_query::ValueType>::try_from(v)?;
                <Self as sea_orm::ActiveEnum>::try_from_value(&value)
                    .map_err(|_| sea_orm::sea_query::ValueTypeErr)
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> sea_orm::sea_query::ArrayType {
                <String as sea_orm::sea_query::ValueType>::array_type()
            }

            fn column_type() -> sea_orm::sea_query::ColumnType {
                <Self as sea_orm::ActiveEnum>::db_type().get_column_type().to_owned()
            }

            fn enum_type_name() -> Option<&'static str> {
                None
            }
        }

        impl sea_orm::sea_query::Nullable for $ty {
            fn null() -> sea_orm::Value {
                <String as sea_orm::sea_query::Nullable>::null()
            }
        }

        impl sea_orm::IntoActiveValue<$ty> for $ty {
            fn into_active_value(self) -> sea_orm::ActiveValue<$ty> {
                sea_orm::ActiveValue::set(self)
            }
        }

        impl sea_orm::sea_query::postgres_array::NotU8 for $ty {}
    )+};
}

pub mod areas;
pub mod audit_log;
pub mod check_in_replies;
pub mod check_ins;
pub mod claims;
pub mod email_outbox;
pub mod events;
pub mod jobs;
pub mod matching_rounds;
pub mod mentor_passes;
pub mod mentor_profiles;
pub mod mentorships;
pub mod milestones;
pub mod newcomer_profiles;
pub mod notification_preferences;
pub mod notification_settings;
pub mod organizer_logins;
pub mod prelude;
pub mod progress_comments;
pub mod progress_events;
pub mod progress_reports;
pub mod round_proposals;
pub mod sessions;
pub mod task_offers;
pub mod task_prerequisites;
pub mod tasks;
pub mod user_areas;
pub mod user_languages;
pub mod user_roles;
pub mod users;

pub use crate::domain::enums::ParseEnumError;

#[cfg(test)]
mod tests;
