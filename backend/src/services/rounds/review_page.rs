//! One round as its page shows it at any size: the round's figures, how many were left out for each reason, and
//! its lists (proposals, newcomers not placed, and once sent those skipped) searched and a page at a time in SQL.
//! A list costs a count and a page of rows, then the people, tasks and outcomes of that page only.

use std::cmp::Reverse;
use std::collections::HashMap;

use sea_orm::sea_query::{Expr, Func, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select,
};
use serde::Serialize;

use crate::db::matching_rounds::{RoundKind, RoundState};
use crate::db::task_offers::{self, OfferState};
use crate::db::{matching_rounds, mentorships, round_proposals, tasks, users};
use crate::domain::matching::plan::RoundStats;
use crate::domain::matching::score::Explanation;
use crate::domain::paging::{PageQuery, Window};
use crate::domain::rounds::RoundList;
use crate::services::pool::{PersonRef, people_where, task_refs_where};
use crate::services::search::contains_any;
use crate::services::{ServiceError, ServiceResult};

use super::review::{
    MentorshipLink, ProposalView, ReasonCount, RoundInfo, UnplacedView, unplaced_code,
    unplaced_text,
};

/// What a round's page asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundSearch {
    /// Found in the newcomer's login or name, the mentor's, or the task's title or slug, whatever the case.
    pub q: String,
    /// The list to page through; `All` shows the first page of each.
    pub show: Option<RoundList>,
    /// Only newcomers who signed up in this month.
    pub cohort: Option<crate::domain::calendar::Cohort>,
}

/// One of a round's lists: a page of it, and where that page is in the list.
#[derive(Debug, Clone, Serialize)]
pub struct Section<T> {
    /// Empty when another list is shown (the count is still right).
    pub items: Vec<T>,
    pub window: Window,
    /// Whether this list's rows were loaded.
    pub shown: bool,
}

/// A round's page.
#[derive(Debug, Clone, Serialize)]
pub struct RoundPage {
    pub round: RoundInfo,
    pub stats: RoundStats,
    /// Over the whole round, whatever the search.
    pub unplaced_by_reason: Vec<ReasonCount>,
    pub proposals: Section<ProposalView>,
    pub unplaced: Section<UnplacedView>,
    /// Only once sent: placed proposals that became no mentorship (mentor rounds) or no offer (task rounds).
    pub skipped: Option<Section<ProposalView>>,
    pub show: RoundList,
}

/// Which rows of a round a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rows {
    Placed,
    Unplaced,
    Skipped,
}

struct Lists<'a> {
    round: &'a matching_rounds::Model,
    /// The search, as a condition on proposals; None lists everything.
    found: Option<Condition>,
}

impl Lists<'_> {
    fn rows(&self, which: Rows) -> Select<round_proposals::Entity> {
        use round_proposals::Column as P;
        let id = self.round.id;
        let mut q = round_proposals::Entity::find().filter(P::RoundId.eq(id));
        let placed = Condition::any()
            .add(P::MentorId.is_not_null())
            .add(P::TaskId.is_not_null());
        q = match which {
            Rows::Placed => q.filter(placed),
            Rows::Unplaced => q.filter(P::MentorId.is_null()).filter(P::TaskId.is_null()),
            Rows::Skipped => {
                let made: SelectStatement = match self.round.kind {
                    RoundKind::Mentors => mentorships::Entity::find()
                        .select_only()
                        .column(mentorships::Column::NewcomerId)
                        .filter(mentorships::Column::RoundId.eq(id))
                        .into_query(),
                    RoundKind::Tasks => task_offers::Entity::find()
                        .select_only()
                        .column(task_offers::Column::NewcomerId)
                        .filter(task_offers::Column::RoundId.eq(id))
                        .into_query(),
                };
                q.filter(placed).filter(P::NewcomerId.not_in_subquery(made))
            }
        };
        if let Some(found) = &self.found {
            q = q.filter(found.clone());
        }
        q
    }

    /// The count of a list, and its rows on the page asked for when `load`.
    async fn page(
        &self,
        db: &impl ConnectionTrait,
        which: Rows,
        paging: PageQuery,
        load: bool,
    ) -> ServiceResult<(Window, Vec<round_proposals::Model>)> {
        let total = self.rows(which).count(db).await?;
        let window = paging.within(total);
        if !load || total == 0 {
            return Ok((window, Vec::new()));
        }
        let rows = self
            .rows(which)
            .order_by_asc(round_proposals::Column::Id)
            .offset(window.offset())
            .limit(window.limit())
            .all(db)
            .await?;
        Ok((window, rows))
    }
}

/// Round `round_id`'s page: the list `search.show` names a page at a time (`paging`), or the first page of each.
pub async fn review_page(
    db: &impl ConnectionTrait,
    round_id: i32,
    search: &RoundSearch,
    paging: PageQuery,
) -> ServiceResult<RoundPage> {
    let round = matching_rounds::Entity::find_by_id(round_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let sent = round.state != RoundState::Draft;
    // A draft skipped no one: asking for its skipped list shows everything.
    let show = match search.show.unwrap_or(RoundList::All) {
        RoundList::Skipped if !sent => RoundList::All,
        show => show,
    };
    let lists = Lists {
        round: &round,
        found: found(db, search).await?,
    };
    let first_page = PageQuery {
        page: Default::default(),
        ..paging
    };
    let paging_of = |list: RoundList| match show {
        RoundList::All => (first_page, true),
        s if s == list => (paging, true),
        _ => (first_page, false),
    };

    let (p_paging, p_load) = paging_of(RoundList::Proposals);
    let (p_window, placed) = lists.page(db, Rows::Placed, p_paging, p_load).await?;
    let (u_paging, u_load) = paging_of(RoundList::Unplaced);
    let (u_window, unplaced) = lists.page(db, Rows::Unplaced, u_paging, u_load).await?;
    let skipped = if sent {
        let (s_paging, s_load) = paging_of(RoundList::Skipped);
        Some((
            lists.page(db, Rows::Skipped, s_paging, s_load).await?,
            s_load,
        ))
    } else {
        None
    };

    // The people, tasks and outcomes of the rows on this page, and no others.
    let shown: Vec<&round_proposals::Model> = placed
        .iter()
        .chain(&unplaced)
        .chain(skipped.iter().flat_map(|((_, rows), _)| rows))
        .collect();
    let mut person_ids: Vec<i32> = shown
        .iter()
        .flat_map(|p| [Some(p.newcomer_id), p.mentor_id])
        .flatten()
        .collect();
    person_ids.sort_unstable();
    person_ids.dedup();
    let newcomer_ids: Vec<i32> = shown.iter().map(|p| p.newcomer_id).collect();
    let task_ids: Vec<i32> = shown.iter().filter_map(|p| p.task_id).collect();
    let people = if person_ids.is_empty() {
        HashMap::new()
    } else {
        people_where(
            db,
            Condition::all().add(users::Column::Id.is_in(person_ids)),
        )
        .await?
    };
    let task_refs = if task_ids.is_empty() {
        HashMap::new()
    } else {
        task_refs_where(db, tasks::Column::Id.is_in(task_ids)).await?
    };
    let (made, offers) = if sent && !newcomer_ids.is_empty() {
        let made: HashMap<i32, MentorshipLink> = mentorships::Entity::find()
            .filter(mentorships::Column::RoundId.eq(round_id))
            .filter(mentorships::Column::NewcomerId.is_in(newcomer_ids.clone()))
            .all(db)
            .await?
            .into_iter()
            .map(|m| {
                let link = MentorshipLink {
                    id: m.id,
                    state: m.state,
                };
                (m.newcomer_id, link)
            })
            .collect();
        let offers: HashMap<i32, OfferState> = task_offers::Entity::find()
            .filter(task_offers::Column::RoundId.eq(round_id))
            .filter(task_offers::Column::NewcomerId.is_in(newcomer_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|o| (o.newcomer_id, o.state))
            .collect();
        (made, offers)
    } else {
        (HashMap::new(), HashMap::new())
    };

    let someone = |id: i32| {
        people
            .get(&id)
            .cloned()
            .unwrap_or_else(|| PersonRef::unknown(id))
    };
    let proposal = |p: round_proposals::Model| {
        let explanation = Explanation::parse(&p.explanation);
        ProposalView {
            proposal_id: p.id,
            newcomer: someone(p.newcomer_id),
            mentor: p.mentor_id.map(someone),
            task: p.task_id.and_then(|t| task_refs.get(&t).cloned()),
            score: p.score,
            explanation: explanation.sentences(),
            reasons: explanation.reasons,
            mentorship: made.get(&p.newcomer_id).copied(),
            offer: offers.get(&p.newcomer_id).copied(),
        }
    };
    let left_out = |p: round_proposals::Model| {
        let explanation = Explanation::parse(&p.explanation);
        UnplacedView {
            proposal_id: p.id,
            newcomer: someone(p.newcomer_id),
            text: unplaced_text(&p, &explanation),
            reason: explanation.unplaced,
        }
    };

    Ok(RoundPage {
        round: RoundInfo::from(&round),
        stats: serde_json::from_str(&round.stats).unwrap_or_default(),
        unplaced_by_reason: reasons(db, round_id).await?,
        proposals: Section {
            items: placed.into_iter().map(proposal).collect(),
            window: p_window,
            shown: p_load,
        },
        unplaced: Section {
            items: unplaced.into_iter().map(left_out).collect(),
            window: u_window,
            shown: u_load,
        },
        skipped: skipped.map(|((window, rows), shown)| Section {
            items: rows.into_iter().map(proposal).collect(),
            window,
            shown,
        }),
        show,
    })
}

/// Searches naming more people than this are run as a subquery in each list's statements; fewer are looked up
/// once and listed by id, which spares every statement a scan of the people (4 to 6 statements a page).
const NAMED_BY_ID: u64 = 1000;

/// Proposals the search keeps: named by its text, of newcomers of its cohort; None when it keeps them all.
async fn found(
    db: &impl ConnectionTrait,
    search: &RoundSearch,
) -> ServiceResult<Option<Condition>> {
    let named = named(db, &search.q).await?;
    let Some(cohort) = search.cohort else {
        return Ok(named);
    };
    let joined = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(users::Column::CreatedAt.gte(cohort.start()))
        .filter(users::Column::CreatedAt.lt(cohort.end()))
        .into_query();
    let of_cohort = round_proposals::Column::NewcomerId.in_subquery(joined);
    Ok(Some(match named {
        Some(n) => Condition::all().add(n).add(of_cohort),
        None => Condition::all().add(of_cohort),
    }))
}

/// Proposals whose newcomer, mentor or task the search text names; None when nothing was typed.
async fn named(db: &impl ConnectionTrait, q: &str) -> ServiceResult<Option<Condition>> {
    use round_proposals::Column as P;
    let Some(people) = contains_any(
        q,
        [
            (users::Entity, users::Column::GithubLogin),
            (users::Entity, users::Column::Name),
        ],
    ) else {
        return Ok(None);
    };
    let in_tasks = contains_any(
        q,
        [
            (tasks::Entity, tasks::Column::Title),
            (tasks::Entity, tasks::Column::Slug),
        ],
    )
    .expect("the same text");
    // The catalog is small: its matching tasks are always listed.
    let task_ids: Vec<i32> = tasks::Entity::find()
        .select_only()
        .column(tasks::Column::Id)
        .filter(in_tasks)
        .into_tuple()
        .all(db)
        .await?;
    let who = users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(people);
    let ids: Vec<i32> = who
        .clone()
        .limit(NAMED_BY_ID + 1)
        .into_tuple()
        .all(db)
        .await?;
    let by_person = if ids.len() as u64 <= NAMED_BY_ID {
        Condition::any()
            .add(P::NewcomerId.is_in(ids.clone()))
            .add(P::MentorId.is_in(ids))
    } else {
        Condition::any()
            .add(P::NewcomerId.in_subquery(who.clone().into_query()))
            .add(P::MentorId.in_subquery(who.into_query()))
    };
    Ok(Some(by_person.add(P::TaskId.is_in(task_ids))))
}

/// How many of the round were left out for each reason, most common first (one grouped query).
async fn reasons(db: &impl ConnectionTrait, round_id: i32) -> ServiceResult<Vec<ReasonCount>> {
    use round_proposals::Column as P;
    let groups: Vec<(Option<String>, i64, String)> = round_proposals::Entity::find()
        .select_only()
        .column(P::UnplacedReason)
        .column_as(Expr::from(Func::count(Expr::col(P::Id))), "n")
        .column_as(Expr::from(Func::max(Expr::col(P::Explanation))), "one")
        .filter(P::RoundId.eq(round_id))
        .filter(P::MentorId.is_null())
        .filter(P::TaskId.is_null())
        .group_by(P::UnplacedReason)
        .into_tuple()
        .all(db)
        .await?;
    let mut counts: HashMap<String, ReasonCount> = HashMap::new();
    for (reason, n, one) in groups {
        let explanation = Explanation::parse(&one);
        let code = unplaced_code(&explanation);
        let text = reason
            .or_else(|| explanation.unplaced.as_ref().map(|u| u.sentence()))
            .unwrap_or_else(|| "not placed".into());
        let entry = counts.entry(code.clone()).or_insert(ReasonCount {
            code,
            text,
            count: 0,
        });
        entry.count += n as usize;
    }
    let mut counts: Vec<ReasonCount> = counts.into_values().collect();
    counts.sort_by(|a, b| (Reverse(a.count), &a.code).cmp(&(Reverse(b.count), &b.code)));
    Ok(counts)
}
