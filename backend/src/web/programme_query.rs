//! The programme filter as it arrives in a query string (`?cohort=2026-11&area=pci&mentor=42`), for every page
//! and export about the whole programme (the dashboard, reports, exports):
//!
//! ```text
//! async fn handler(State(state): State<AppState>, Organizer(_): Organizer, Query(q): Query<ProgrammeQuery>) -> ... {
//!     let filter = q.filter(&state.db).await?;   // a bad value is a 400 page that says what to write instead
//! ```
//!
//! Every field is read as text (an empty one, as a GET form sends for "all", is no filter), so the query itself
//! never fails to deserialize; `filter` then checks each value: the cohort is a month, the area exists, the
//! mentor is the number of someone with the mentor role. `to_query` writes the filter back for links.

use serde::{Deserialize, Serialize};

use crate::domain::calendar::Cohort;
use crate::domain::roles::Role;
use crate::services::programme::ProgrammeFilter;
use crate::services::{catalog, users};
use crate::web::error::{AppError, AppResult};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct ProgrammeQuery {
    /// A sign-up month, `YYYY-MM`.
    #[serde(default)]
    pub cohort: String,
    /// An area's slug.
    #[serde(default)]
    pub area: String,
    /// The current mentor's user id.
    #[serde(default)]
    pub mentor: String,
}

impl ProgrammeQuery {
    /// The cohort and the mentor's id, checked for their form only (no database): what `filter` starts from.
    pub fn parse(&self) -> Result<ProgrammeFilter, String> {
        let cohort = match self.cohort.trim() {
            "" => None,
            month => Some(month.parse::<Cohort>().map_err(|e| e.to_string())?),
        };
        let mentor = match self.mentor.trim() {
            "" => None,
            id => Some(id.parse::<i32>().ok().filter(|id| *id > 0).ok_or_else(|| {
                format!("The mentor is given by their number (user id), such as 42, not {id:?}.")
            })?),
        };
        let area = Some(self.area.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string);
        Ok(ProgrammeFilter {
            cohort,
            area,
            mentor,
        })
    }

    /// The filter, every value checked: a wrong one is a 400 whose message says what is wrong.
    pub async fn filter(&self, db: &impl sea_orm::ConnectionTrait) -> AppResult<ProgrammeFilter> {
        let filter = self.parse().map_err(AppError::BadRequest)?;
        if let Some(area) = &filter.area
            && !catalog::areas(db).await?.iter().any(|a| &a.slug == area)
        {
            return Err(AppError::BadRequest(format!(
                "There is no area called {area:?}: choose one of the catalog's areas."
            )));
        }
        if let Some(mentor) = filter.mentor {
            let is_mentor = users::find(db, mentor)
                .await?
                .is_some_and(|u| u.has(Role::Mentor));
            if !is_mentor {
                return Err(AppError::BadRequest(format!(
                    "There is no mentor with the number {mentor}."
                )));
            }
        }
        Ok(filter)
    }

    /// The filter as a query string without the `?` (empty values left out), for links that keep it.
    pub fn to_query(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("cohort", &self.cohort),
            ("area", &self.area),
            ("mentor", &self.mentor),
        ] {
            if !value.trim().is_empty() {
                out.append_pair(key, value.trim());
            }
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(cohort: &str, area: &str, mentor: &str) -> ProgrammeQuery {
        ProgrammeQuery {
            cohort: cohort.into(),
            area: area.into(),
            mentor: mentor.into(),
        }
    }

    #[test]
    fn empty_fields_are_no_filter() {
        assert_eq!(
            query("", " ", "").parse().unwrap(),
            ProgrammeFilter::default()
        );
        assert_eq!(query("", "", "").to_query(), "");
    }

    #[test]
    fn values_arrive_typed_and_go_back_into_links() {
        let q = query("2026-11", "pci", "42");
        let f = q.parse().unwrap();
        assert_eq!(f.cohort, Some("2026-11".parse().unwrap()));
        assert_eq!(f.area.as_deref(), Some("pci"));
        assert_eq!(f.mentor, Some(42));
        assert_eq!(q.to_query(), "cohort=2026-11&area=pci&mentor=42");
        assert_eq!(query("", "a b&c", "").to_query(), "area=a+b%26c");
    }

    #[test]
    fn wrong_values_say_what_to_write() {
        let err = query("November", "", "").parse().unwrap_err();
        assert!(err.contains("There is no cohort called"), "{err}");
        for mentor in ["ada", "-3", "0", "4.5"] {
            let err = query("", "", mentor).parse().unwrap_err();
            assert!(err.contains("by their number"), "{mentor}: {err}");
        }
    }
}
