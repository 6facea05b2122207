//! The organizers' long lists work at any size: people, a round's review and the audit log are searched and
//! filtered and come a page at a time. The pager keeps the search and the filters, a page past the end is the
//! last page (and says so), and a page or a filter value that names nothing is refused with a message.

use chrono::{TimeZone, Utc};
use onramp::db::matching_rounds::RoundKind;
use onramp::db::newcomer_profiles::NewcomerStatus;
use onramp::db::users;
use onramp::domain::matching::score::MatchingConfig;
use onramp::services::{audit, rounds, synthetic};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use crate::support::{Actor, Page, TestApp, factory};

async fn app() -> TestApp {
    TestApp::start_without_demo_people().await
}

/// The logins listed on a people page, in order.
fn logins(page: &Page) -> Vec<String> {
    page.select_all(".people-table tbody td:first-child small a")
}

async fn people(org: &Actor, query: &str) -> Page {
    let page = org.get(&format!("/organizer/people{query}")).await;
    assert_eq!(page.status, 200, "{query}: {}", page.body);
    page
}

/// Where the pager's link called `name` ("Next page") leads.
fn pager_link(page: &Page, name: &str) -> Option<String> {
    let doc = page.document();
    let sel = scraper::Selector::parse("nav[aria-label=Pages] a").unwrap();
    doc.select(&sel)
        .find(|a| a.text().collect::<String>().trim() == name)
        .and_then(|a| a.value().attr("href").map(str::to_string))
}

async fn rename(app: &TestApp, id: i32, name: &str) {
    users::Entity::update_many()
        .col_expr(users::Column::Name, Expr::value(name))
        .filter(users::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// A newcomer applies to mentor from their mentor profile page, as anyone may.
async fn apply_to_mentor(who: &Actor) {
    let applied = who
        .post_form(
            "/mentor/profile",
            &[
                ("expertise", "pci"),
                ("languages", "de"),
                ("timezone", "Europe/Berlin"),
                ("capacity", "3"),
                ("bio", "I review PCI abstractions."),
            ],
        )
        .await;
    assert_eq!(applied.status, 303, "{}", applied.body);
}

#[tokio::test]
async fn people_are_found_by_login_or_name_whatever_the_case() {
    let app = app().await;
    let org = app.organizer("olga").await;
    app.create_user("ana-lopez", &[onramp::db::user_roles::Role::Newcomer])
        .await;
    let zoe = factory::newcomer(&app, "zq").create().await;
    rename(&app, zoe.id, "Zoë Quartermain").await;

    let page = people(&org, "?q=ANA-L").await;
    assert_eq!(logins(&page), ["ana-lopez"]);
    assert_eq!(page.select_text("p.count"), "1 person matches.");
    assert_eq!(page.input_value("q").as_deref(), Some("ANA-L"));

    let page = people(&org, "?q=quarter").await;
    assert_eq!(logins(&page), ["zq"], "found by name");

    // A search's own wildcards are text, not patterns.
    let page = people(&org, "?q=%25").await;
    assert!(logins(&page).is_empty());
    assert_eq!(page.select_text("p.count"), "0 people match.");
    assert!(
        page.select_text(".people-table td.empty")
            .starts_with("No one matches these filters."),
        "{}",
        page.body
    );

    let page = people(&org, "").await;
    assert_eq!(logins(&page), ["ana-lopez", "olga", "zq"]);
    assert_eq!(page.select_text("p.count"), "3 people.");
    page.assert_no_selector("nav[aria-label=Pages]");
}

#[tokio::test]
async fn people_are_filtered_by_role_state_and_cohort_and_applications_come_first() {
    let app = app().await;
    let org = app.organizer("olga").await;
    factory::newcomer(&app, "nora").create().await;
    let paula = factory::newcomer(&app, "paula")
        .languages(&["en"])
        .areas(&["pci"])
        .create()
        .await;
    factory::edit_newcomer_profile(&app, paula.id, |p| p.status = NewcomerStatus::Paused).await;
    factory::mentor(&app, "mira").create().await;
    // Last by login, first in the list: an application waits for a decision.
    let applicant = app.newcomer("zed-applicant").await;
    apply_to_mentor(&applicant).await;
    // Paula signed up in March 2025.
    let march = Utc.with_ymd_and_hms(2025, 3, 15, 12, 0, 0).unwrap();
    users::Entity::update_many()
        .col_expr(users::Column::CreatedAt, Expr::value(march))
        .filter(users::Column::Id.eq(paula.id))
        .exec(&app.db)
        .await
        .unwrap();

    let everyone = people(&org, "").await;
    assert_eq!(
        logins(&everyone),
        ["zed-applicant", "mira", "nora", "olga", "paula"]
    );
    assert_eq!(
        everyone.links("p.applications"),
        ["/organizer/people?state=applied"]
    );
    assert_eq!(
        everyone.select_text("p.applications"),
        "1 mentor application waits for a decision"
    );

    assert_eq!(logins(&people(&org, "?role=mentor").await), ["mira"]);
    assert_eq!(logins(&people(&org, "?role=organizer").await), ["olga"]);
    let newcomers = people(&org, "?role=newcomer").await;
    assert_eq!(
        logins(&newcomers),
        ["zed-applicant", "nora", "paula"],
        "the applicant is still a newcomer"
    );
    assert_eq!(newcomers.input_value("role").as_deref(), Some("newcomer"));

    assert_eq!(logins(&people(&org, "?state=paused").await), ["paula"]);
    let active = people(&org, "?state=active").await;
    assert_eq!(logins(&active), ["zed-applicant", "nora"]);
    assert_eq!(active.input_value("state").as_deref(), Some("active"));
    assert_eq!(
        logins(&people(&org, "?state=applied").await),
        ["zed-applicant"]
    );

    // The months that have sign-ups are offered, newest first.
    let months = everyone.attrs("select[name=cohort] option", "value");
    let this_month = Utc::now().format("%Y-%m").to_string();
    assert_eq!(months, ["", this_month.as_str(), "2025-03"]);
    assert_eq!(
        everyone.select_all("select[name=cohort] option")[2],
        "March 2025"
    );
    let march = people(&org, "?cohort=2025-03").await;
    assert_eq!(logins(&march), ["paula"]);
    assert_eq!(march.input_value("cohort").as_deref(), Some("2025-03"));
    assert_eq!(
        logins(&people(&org, "?role=newcomer&state=paused&cohort=2025-03").await),
        ["paula"]
    );
    assert!(logins(&people(&org, "?state=active&cohort=2025-03").await).is_empty());
    let this = people(&org, &format!("?cohort={this_month}&q=n")).await;
    assert_eq!(logins(&this), ["zed-applicant", "nora"]);

    // Blank filters, as the form sends "any", filter nothing.
    assert_eq!(
        logins(&people(&org, "?q=&role=&state=&cohort=&page=").await).len(),
        5
    );
}

#[tokio::test]
async fn a_filter_or_page_that_names_nothing_is_refused_with_what_to_choose() {
    let app = app().await;
    let org = app.organizer("olga").await;
    let round = rounds::create_round(
        &app.db,
        org.user_id.unwrap(),
        RoundKind::Mentors,
        &MatchingConfig::default(),
        Utc::now(),
    )
    .await
    .unwrap()
    .round_id;
    let round_page = format!("/organizer/rounds/{round}");
    for (path, says) in [
        (
            "/organizer/people?role=wizard".to_string(),
            "There is no role called \"wizard\": choose newcomer, mentor or organizer.",
        ),
        (
            "/organizer/people?state=asleep".to_string(),
            "There is no state called \"asleep\": choose active, paused, graduated, withdrawn, applied, on_track, waiting, stalled or blocked.",
        ),
        (
            "/organizer/people?cohort=2026-13".to_string(),
            "There is no cohort called \"2026-13\": a cohort is a sign-up month, written like 2026-11.",
        ),
        (
            "/organizer/people?page=two".to_string(),
            "There is no page \"two\": it is a number, from 1.",
        ),
        (
            "/organizer/people?size=lots".to_string(),
            "There is no page size \"lots\": it is a number, from 1.",
        ),
        (
            format!("{round_page}?show=everything"),
            "There is no list of a round called \"everything\": choose all, proposals, unplaced or skipped.",
        ),
        (
            format!("{round_page}?page=-1"),
            "There is no page \"-1\": it is a number, from 1.",
        ),
        (
            "/organizer/audit?from=yesterday".to_string(),
            "There is no day \"yesterday\": write a date like 2026-11-30.",
        ),
        (
            "/organizer/audit?page=1.5".to_string(),
            "There is no page \"1.5\": it is a number, from 1.",
        ),
    ] {
        let page = org.get(&path).await;
        assert_eq!(page.status, 400, "{path}: {}", page.body);
        page.assert_error_page("That did not work", says);
    }
}

#[tokio::test]
async fn people_come_fifty_a_page_and_the_pager_keeps_the_search_and_filters() {
    let app = app().await;
    let org = app.organizer("olga").await;
    synthetic::seed_synthetic(&app.db, 120, 0, 7).await.unwrap();

    let first = people(&org, "").await;
    assert_eq!(logins(&first).len(), 50);
    assert_eq!(first.select_text("p.count"), "121 people.");
    assert_eq!(
        first.select_text("nav[aria-label=Pages] p"),
        "Page 1 of 3 (1–50 of 121)"
    );
    assert_eq!(pager_link(&first, "Previous page"), None);
    assert_eq!(
        pager_link(&first, "Next page").as_deref(),
        Some("/organizer/people?page=2")
    );
    assert_eq!(
        pager_link(&first, "Last page").as_deref(),
        Some("/organizer/people?page=3")
    );

    let second = people(&org, "?page=2").await;
    let last = people(&org, "?page=3").await;
    assert_eq!(logins(&last).len(), 21);
    assert_eq!(pager_link(&last, "Next page"), None);
    assert_eq!(
        pager_link(&last, "First page").as_deref(),
        Some("/organizer/people")
    );
    // The pages share nobody and leave nobody out.
    let mut all: Vec<String> = [&first, &second, &last]
        .iter()
        .flat_map(|p| logins(p))
        .collect();
    let listed = all.len();
    all.sort();
    all.dedup();
    assert_eq!((listed, all.len()), (121, 121));

    // Past the end is the last page, said so; nothing or 0 is the first.
    let beyond = people(&org, "?page=9").await;
    assert_eq!(logins(&beyond), logins(&last));
    assert_eq!(
        beyond.notices(),
        ["There is no page 9: this is the last page, 3."]
    );
    assert_eq!(logins(&people(&org, "?page=0").await), logins(&first));
    assert!(people(&org, "?page=").await.notices().is_empty());

    // Another page size is clamped and kept in the links.
    let ten = people(&org, "?size=10&page=2").await;
    assert_eq!(logins(&ten).len(), 10);
    assert_eq!(
        pager_link(&ten, "Next page").as_deref(),
        Some("/organizer/people?page=3&size=10")
    );
    assert_eq!(logins(&people(&org, "?size=1").await).len(), 10);

    // A search and a filter stay in every link, and the form keeps them.
    let found = people(&org, "?q=Synthetic-N&role=newcomer").await;
    assert_eq!(found.select_text("p.count"), "120 people match.");
    let next = pager_link(&found, "Next page").expect("a next page");
    assert_eq!(next, "/organizer/people?q=Synthetic-N&role=newcomer&page=2");
    let page2 = org.get(&next).await;
    assert_eq!(page2.input_value("q").as_deref(), Some("Synthetic-N"));
    assert_eq!(page2.input_value("role").as_deref(), Some("newcomer"));
    assert_eq!(
        page2.select_text("nav[aria-label=Pages] p"),
        "Page 2 of 3 (51–100 of 120)"
    );
    assert!(
        logins(&page2)
            .iter()
            .all(|l| l.starts_with(synthetic::NEWCOMER_PREFIX))
    );
    // Each form on the page comes back to this very page.
    let back = page2.attrs("input[name=back]", "value");
    assert!(!back.is_empty());
    assert!(back.iter().all(|b| *b == next), "{back:?}");
}

#[tokio::test]
async fn a_change_goes_back_to_the_people_page_it_was_made_on() {
    let app = app().await;
    let org = app.organizer("olga").await;
    let nora = app
        .create_user("nora", &[onramp::db::user_roles::Role::Newcomer])
        .await;
    let path = format!("/organizer/people/{}/roles", nora.id);

    let page = org
        .post_form(
            &path,
            &[
                ("role", "organizer"),
                ("action", "grant"),
                ("back", "/organizer/people?q=nora&page=2"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), Some("/organizer/people?q=nora&page=2"));

    for elsewhere in [
        "https://evil.example/organizer/people",
        "/organizer/audit",
        "//evil.example",
    ] {
        let page = org
            .post_form(
                &path,
                &[
                    ("role", "organizer"),
                    ("action", "revoke"),
                    ("back", elsewhere),
                ],
            )
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
        assert_eq!(page.location(), Some("/organizer/people"), "{elsewhere}");
        org.post_form(&path, &[("role", "organizer"), ("action", "grant")])
            .await;
    }
}

#[tokio::test]
async fn a_round_over_many_newcomers_is_reviewed_a_page_at_a_time_and_searched() {
    let app = app().await;
    let org = app.organizer("olga").await;
    synthetic::seed_synthetic(&app.db, 140, 6, 3).await.unwrap();
    let created = rounds::create_round(
        &app.db,
        org.user_id.unwrap(),
        RoundKind::Mentors,
        &MatchingConfig::default(),
        Utc::now(),
    )
    .await
    .unwrap();
    let (placed, unplaced) = (created.placed, created.unplaced);
    assert!(placed > 0 && placed < 50, "{placed} placed");
    assert!(unplaced > 100, "{unplaced} not placed");
    let path = format!("/organizer/rounds/{}", created.round_id);

    // Everything: the figures, each list's first page, and a way to the rest.
    let page = org.get(&path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.count(".proposals-table tbody tr"), placed);
    assert_eq!(page.count("tr.unplaced"), 50);
    let counts: usize = page
        .select_all(".reason-counts strong")
        .iter()
        .map(|c| c.replace(',', "").parse::<usize>().unwrap())
        .sum();
    assert_eq!(counts, unplaced, "the reasons count the whole round");
    assert_eq!(
        page.select_all("nav.list-tabs a"),
        [
            "Everything".to_string(),
            format!("Proposals ({placed})"),
            format!("Not placed ({unplaced})"),
        ]
    );
    assert!(
        page.links("section")
            .contains(&format!("{path}?show=unplaced")),
        "see all of the unplaced: {:?}",
        page.links("section")
    );
    page.assert_no_selector("nav[aria-label=Pages]");
    // A draft skipped nobody: its skipped list is everything.
    let skipped = org.get(&format!("{path}?show=skipped")).await;
    assert_eq!(skipped.count("tr.unplaced"), 50);
    assert_eq!(skipped.count(".proposals-table tbody tr"), placed);

    // One list, paged.
    let pages = unplaced.div_ceil(50);
    let second = org.get(&format!("{path}?show=unplaced&page=2")).await;
    assert_eq!(second.count("tr.unplaced"), 50);
    second.assert_no_selector(".proposals-table");
    assert_eq!(
        second.select_text("nav[aria-label=Pages] p"),
        format!("Page 2 of {pages} (51–100 of {unplaced})")
    );
    let last = org
        .get(&format!("{path}?show=unplaced&page={}", pages + 5))
        .await;
    assert_eq!(last.count("tr.unplaced"), unplaced - (pages - 1) * 50);
    assert_eq!(
        last.notices(),
        [format!(
            "There is no page {}: this is the last page, {pages}.",
            pages + 5
        )]
    );

    // By cohort: everyone here signed up this month; a month with nobody leaves every list empty, and the
    // pager keeps the month.
    let this_month = Utc::now().format("%Y-%m").to_string();
    let ours = org
        .get(&format!("{path}?cohort={this_month}&show=unplaced&page=2"))
        .await;
    assert_eq!(ours.count("tr.unplaced"), 50);
    assert!(
        ours.links("nav[aria-label=Pages]")
            .iter()
            .all(|l| l.contains(&format!("cohort={this_month}"))),
        "{:?}",
        ours.links("nav[aria-label=Pages]")
    );
    let none = org.get(&format!("{path}?cohort=2001-01")).await;
    assert_eq!(none.count("tr.unplaced"), 0);
    assert_eq!(none.count(".proposals-table tbody tr"), 0);
    let bad = org.get(&format!("{path}?cohort=last-spring")).await;
    assert_eq!(bad.status, 400);
    bad.assert_error_page(
        "That did not work",
        "There is no cohort called \"last-spring\"",
    );

    // A newcomer by login: their proposal or their row among the unplaced, and nothing else.
    let review = rounds::review_round(&app.db, created.round_id)
        .await
        .unwrap();
    let someone = &review.placed[0];
    let found = org
        .get(&format!(
            "{path}?q={}",
            someone.newcomer.login.to_uppercase()
        ))
        .await;
    let rows = found.rows(".proposals-table tbody tr");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0][0].ends_with(&someone.newcomer.login));
    assert_eq!(
        found.select_text("section p.empty"),
        format!(
            "No newcomer left out matches “{}”.",
            someone.newcomer.login.to_uppercase()
        )
    );
    assert_eq!(
        found.input_value("q").as_deref(),
        Some(someone.newcomer.login.to_uppercase().as_str())
    );
    let left_out = &review.unplaced[77];
    let found = org
        .get(&format!("{path}?q={}", left_out.newcomer.login))
        .await;
    assert_eq!(found.count("tr.unplaced"), 1);
    assert_eq!(
        found.select_text("section p.empty"),
        format!("No proposal matches “{}”.", left_out.newcomer.login)
    );

    // A mentor by login: every proposal to them.
    let mentor = someone.mentor.as_ref().expect("a mentor round");
    let theirs = review
        .placed
        .iter()
        .filter(|p| p.mentor.as_ref().map(|m| m.id) == Some(mentor.id))
        .count();
    let found = org.get(&format!("{path}?q={}", mentor.login)).await;
    let rows = found.rows(".proposals-table tbody tr");
    assert_eq!(rows.len(), theirs);
    assert!(
        rows.iter().all(|r| r[1].ends_with(&mentor.login)),
        "{rows:?}"
    );

    // The search stays in the list's pager and in the form.
    let found = org
        .get(&format!(
            "{path}?show=unplaced&q={}",
            synthetic::NEWCOMER_PREFIX
        ))
        .await;
    assert_eq!(
        pager_link(&found, "Next page").as_deref(),
        Some(
            format!(
                "{path}?q={}&show=unplaced&page=2",
                synthetic::NEWCOMER_PREFIX
            )
            .as_str()
        )
    );
    assert_eq!(found.input_value("show").as_deref(), Some("unplaced"));
}

#[tokio::test]
async fn the_audit_log_is_searched_filtered_by_action_actor_and_day_and_paged() {
    let app = app().await;
    let org = app.organizer("olga").await;
    let nora = app
        .create_user("nora", &[onramp::db::user_roles::Role::Newcomer])
        .await;
    let path = format!("/organizer/people/{}/roles", nora.id);
    for action in ["grant", "revoke"] {
        let page = org
            .post_form(&path, &[("role", "organizer"), ("action", action)])
            .await;
        assert_eq!(page.status, 303, "{}", page.body);
    }
    // Sixty entries from long ago, and one on a day of its own.
    let long_ago = Utc.with_ymd_and_hms(2025, 1, 10, 9, 30, 0).unwrap();
    audit::record(
        &app.db,
        None,
        "test.dated",
        "task:1".into(),
        json!({"n": "dated"}),
        long_ago,
    )
    .await
    .unwrap();
    let older = Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    for n in 0..60 {
        audit::record(
            &app.db,
            None,
            "test.bulk",
            format!("task:{n}"),
            json!({ "n": n }),
            older,
        )
        .await
        .unwrap();
    }

    let log_page = async |query: &str| {
        let page = org.get(&format!("/organizer/audit{query}")).await;
        assert_eq!(page.status, 200, "{query}: {}", page.body);
        page
    };
    let actions_of = |page: &Page| -> Vec<String> {
        page.rows(".audit-table tbody tr")
            .into_iter()
            .filter(|r| r.len() == 5)
            .map(|r| r[2].clone())
            .collect()
    };

    let all = log_page("").await;
    let options = all.attrs("select[name=action] option", "value");
    for action in ["role.grant", "role.revoke", "test.bulk", "test.dated"] {
        assert!(options.contains(&action.to_string()), "{options:?}");
    }
    assert_eq!(all.count(".audit-table tbody tr"), 50);
    let total = all.select_text("p.count");
    assert!(total.ends_with("entries, newest first."), "{total}");

    let revokes = log_page("?action=role.revoke").await;
    assert_eq!(actions_of(&revokes), ["role.revoke"]);
    assert_eq!(
        revokes.input_value("action").as_deref(),
        Some("role.revoke")
    );
    let row = &revokes.rows(".audit-table tbody tr")[0];
    assert_eq!(row[1], "olga");
    assert_eq!(
        row[3],
        format!("user:{} (nora)", nora.id),
        "the subject is named"
    );

    // By the actor's login, whatever the case.
    let by_olga = log_page("?actor=OLGA").await;
    assert_eq!(actions_of(&by_olga), ["role.revoke", "role.grant"]);
    let nobody = log_page("?actor=nobody").await;
    assert_eq!(
        nobody.select_text(".audit-table td.empty"),
        "No entry matches these filters. Show every entry"
    );

    // Text in the subject or the details, or the login of the person the subject names.
    let about_nora = log_page("?q=NORA&actor=olga").await;
    assert_eq!(actions_of(&about_nora), ["role.revoke", "role.grant"]);
    assert_eq!(
        actions_of(&log_page("?q=%22organizer%22&actor=olga").await),
        ["role.revoke", "role.grant"],
        "found in the details"
    );
    assert_eq!(actions_of(&log_page("?q=task:59").await), ["test.bulk"]);

    // A range of days, both ends included.
    assert_eq!(
        actions_of(&log_page("?from=2025-01-10&to=2025-01-10").await),
        ["test.dated"]
    );
    assert!(actions_of(&log_page("?from=2025-01-11&to=2025-06-30").await).is_empty());
    let before = log_page("?to=2025-01-09").await;
    assert_eq!(
        before.select_text("p.count"),
        "60 entries match, newest first."
    );
    assert_eq!(before.input_value("to").as_deref(), Some("2025-01-09"));

    // Paged, the filter kept.
    let bulk = log_page("?action=test.bulk").await;
    assert_eq!(bulk.count(".audit-table tbody tr"), 50);
    let next = pager_link(&bulk, "Next page").expect("a second page");
    assert_eq!(next, "/organizer/audit?action=test.bulk&page=2");
    assert_eq!(org.get(&next).await.count(".audit-table tbody tr"), 10);
}
