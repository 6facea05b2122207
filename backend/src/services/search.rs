//! Searching long lists in SQL, the same on SQLite and PostgreSQL: text typed into a search box found anywhere in
//! any of some columns, whatever its case (`lower(column) LIKE '%text%'`, the pattern's own wildcards escaped),
//! and the sign-up month of a timestamp.

use sea_orm::sea_query::{Expr, ExprTrait, Func, IntoColumnRef, LikeExpr};
use sea_orm::{Condition, DbBackend};

use crate::domain::paging::contains_pattern;

/// Rows where one of `columns` contains `typed`, ignoring case; None when nothing was typed (no condition).
pub fn contains_any<C: IntoColumnRef>(
    typed: &str,
    columns: impl IntoIterator<Item = C>,
) -> Option<Condition> {
    let pattern = contains_pattern(typed)?;
    Some(columns.into_iter().fold(Condition::any(), |any, column| {
        any.add(
            Expr::from(Func::lower(Expr::col(column)))
                .like(LikeExpr::new(pattern.clone()).escape('\\')),
        )
    }))
}

/// `YYYY-MM` of a timestamp column in UTC: text on SQLite (which stores RFC 3339 text), `to_char` on PostgreSQL.
pub fn month_of(backend: DbBackend, table: &str, column: &str) -> Expr {
    match backend {
        DbBackend::Postgres => Expr::cust(format!(
            "to_char(\"{table}\".\"{column}\" AT TIME ZONE 'UTC', 'YYYY-MM')"
        )),
        _ => Expr::cust(format!("substr(\"{table}\".\"{column}\", 1, 7)")),
    }
}
