//! Which newcomers a programme view is about: the dashboard, the reports and the exports all filter by cohort
//! (sign-up month), area of interest and current mentor, through this one subquery.

use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde::Serialize;

use crate::db::mentorships::MentorshipState;
use crate::db::user_roles::Role;
use crate::db::{areas, mentorships, user_areas, user_roles, users};
use crate::domain::calendar::Cohort;

/// The filters; None is "all".
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize)]
pub struct ProgrammeFilter {
    pub cohort: Option<Cohort>,
    /// An area's slug.
    pub area: Option<String>,
    /// The current mentor's user id.
    pub mentor: Option<i32>,
}

impl ProgrammeFilter {
    /// The ids of the newcomers the filter keeps.
    pub fn newcomer_ids(&self) -> SelectStatement {
        let mut query = users::Entity::find()
            .select_only()
            .column(users::Column::Id)
            .filter(
                users::Column::Id.in_subquery(
                    Query::select()
                        .column(user_roles::Column::UserId)
                        .from(user_roles::Entity)
                        .and_where(user_roles::Column::Role.eq(Role::Newcomer))
                        .to_owned(),
                ),
            );
        if let Some(cohort) = self.cohort {
            query = query
                .filter(users::Column::CreatedAt.gte(cohort.start()))
                .filter(users::Column::CreatedAt.lt(cohort.end()));
        }
        if let Some(area) = &self.area {
            let with_area = user_areas::Entity::find()
                .select_only()
                .column(user_areas::Column::UserId)
                .inner_join(areas::Entity)
                .filter(areas::Column::Slug.eq(area.as_str()))
                .into_query();
            query = query.filter(users::Column::Id.in_subquery(with_area));
        }
        if let Some(mentor) = self.mentor {
            let mentored = Query::select()
                .column(mentorships::Column::NewcomerId)
                .from(mentorships::Entity)
                .and_where(mentorships::Column::MentorId.eq(mentor))
                .and_where(mentorships::Column::State.eq(MentorshipState::Active))
                .to_owned();
            query = query.filter(users::Column::Id.in_subquery(mentored));
        }
        query.into_query()
    }

    pub fn is_empty(&self) -> bool {
        *self == ProgrammeFilter::default()
    }
}
