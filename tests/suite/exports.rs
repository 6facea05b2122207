//! Exports: the files are read back as a spreadsheet or a script would read them (the `csv` crate, serde_json),
//! with the programme filter (cohort, area, mentor), across pages, with names that need quoting or would run as
//! formulas, and with the headers a browser needs to save them.

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use onramp::db::{milestones, users};
use onramp::domain::calendar::Cohort;
use onramp::services::synthetic;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, Set};
use serde_json::Value;

use crate::support::{Actor, TestApp, factory, html_escape};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A CSV export as rows of named cells, after checking what every CSV export must be: 200, UTF-8 CSV with a
/// byte-order mark, an attachment named for the kind and the day, and a header row.
async fn csv_rows(
    actor: &Actor,
    kind: &str,
    query: &str,
) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let path = format!("/organizer/exports/{kind}.csv{query}");
    let (status, headers, body) = actor.get_bytes(&path).await;
    assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let today = Utc::now().format("%Y-%m-%d");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"onramp-{kind}-{today}.csv\"").as_str()
    );
    assert_eq!(headers["cache-control"], "no-store");
    assert!(body.starts_with(BOM), "{path} starts with a UTF-8 BOM");
    let text = std::str::from_utf8(&body[BOM.len()..]).expect("UTF-8");
    assert!(text.contains("\r\n"), "RFC 4180 line ends");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("a well-formed record");
            assert_eq!(r.len(), header.len(), "every row has every column");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(str::to_string))
                .collect()
        })
        .collect();
    (header, rows)
}

async fn json_rows(actor: &Actor, kind: &str, query: &str) -> Vec<serde_json::Map<String, Value>> {
    let path = format!("/organizer/exports/{kind}.json{query}");
    let page = actor.get(&path).await;
    assert_eq!(page.status, 200, "{path}: {}", page.body);
    assert_eq!(page.header("content-type"), Some("application/json"));
    let today = Utc::now().format("%Y-%m-%d");
    assert_eq!(
        page.header("content-disposition"),
        Some(format!("attachment; filename=\"onramp-{kind}-{today}.json\"").as_str())
    );
    let value: Value = serde_json::from_str(&page.body).expect("valid JSON");
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_object().expect("objects").clone())
        .collect()
}

fn logins(rows: &[HashMap<String, String>], column: &str) -> Vec<String> {
    let mut logins: Vec<String> = rows.iter().map(|r| r[column].clone()).collect();
    logins.sort();
    logins
}

async fn rename(app: &TestApp, id: i32, name: &str) {
    let mut am = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    am.name = Set(Some(name.to_string()));
    am.update(&app.db).await.expect("rename");
}

async fn signed_up_at(app: &TestApp, id: i32, at: chrono::DateTime<Utc>) {
    let mut am = users::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    am.created_at = Set(at);
    am.update(&app.db).await.expect("move the sign-up");
}

async fn ladder(app: &TestApp) -> Vec<String> {
    milestones::Entity::find()
        .order_by_asc(milestones::Column::Position)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.slug)
        .collect()
}

/// Nina (area pci, mentored by Maya, two milestones, a check-in and a claim) and Nora (signed up in January
/// 2026, nothing else), and the organizer who exports.
struct Programme {
    app: TestApp,
    olga: Actor,
    maya: i32,
    nina: i32,
    nora: i32,
    task: String,
}

async fn programme() -> Programme {
    let app = TestApp::start_without_demo_people().await;
    let olga = app.organizer("olga").await;
    let maya = factory::mentor(&app, "maya").create().await.id;
    let nina = factory::newcomer(&app, "nina")
        .areas(&["pci"])
        .create()
        .await
        .id;
    let nora = factory::newcomer(&app, "nora")
        .areas(&["docs"])
        .create()
        .await
        .id;
    signed_up_at(
        &app,
        nora,
        Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap(),
    )
    .await;
    factory::claimed_from_queue(&app, maya, nina).await;
    factory::milestone_record(&app, nina, "join-community", "", "Said hello on Zulip").await;
    let toolchain =
        factory::milestone_record(&app, nina, "toolchain-ready", "", "rustavailable says yes")
            .await;
    let verified = olga
        .post_form(&format!("/progress/records/{toolchain}/verify"), &[])
        .await;
    assert_eq!(verified.status, 303, "{}", verified.body);
    factory::check_in(&app, nina, "Read Documentation/rust", "").await;
    let task = factory::claimable_tasks(&app).await[0].slug.clone();
    factory::claim(&app, &task, nina).await;
    Programme {
        app,
        olga,
        maya,
        nina,
        nora,
        task,
    }
}

#[tokio::test]
async fn the_newcomers_csv_has_a_header_and_each_newcomer_with_state_and_milestones() {
    let p = programme().await;
    let tricky = "Zoë Ångström, \"the\" reviewer\nsecond line";
    rename(&p.app, p.nina, tricky).await;
    let (header, rows) = csv_rows(&p.olga, "newcomers", "").await;

    let mut expected: Vec<String> = [
        "id",
        "github_login",
        "name",
        "email",
        "signed_up",
        "cohort",
        "status",
        "state",
        "state_reason",
        "last_activity",
        "mentor_login",
        "unanswered_check_ins",
        "milestones_to_review",
        "milestones_verified",
    ]
    .map(String::from)
    .to_vec();
    expected.extend(ladder(&p.app).await);
    expected.push("current_task".into());
    assert_eq!(header, expected);
    assert_eq!(logins(&rows, "github_login"), ["nina", "nora"]);

    let nina = rows.iter().find(|r| r["github_login"] == "nina").unwrap();
    assert_eq!(nina["id"], p.nina.to_string());
    assert_eq!(
        nina["name"], tricky,
        "quoting keeps commas, quotes and newlines"
    );
    assert_eq!(nina["email"], "nina@example.org");
    assert_eq!(nina["cohort"], Cohort::of(Utc::now()).to_string());
    assert!(
        nina["signed_up"].ends_with('Z')
            && chrono::DateTime::parse_from_rfc3339(&nina["signed_up"]).is_ok(),
        "{}",
        nina["signed_up"]
    );
    assert_eq!(nina["status"], "active");
    assert_eq!(
        nina["state"], "waiting",
        "a check-in and a record wait for Maya"
    );
    assert!(!nina["state_reason"].is_empty());
    assert_eq!(nina["mentor_login"], "maya");
    assert_eq!(nina["unanswered_check_ins"], "1");
    assert_eq!(nina["milestones_to_review"], "1");
    assert_eq!(nina["milestones_verified"], "1");
    assert_eq!(nina["join-community"], "pending");
    assert_eq!(nina["toolchain-ready"], "verified");
    assert_eq!(nina["patch-merged"], "");
    assert_eq!(nina["current_task"], p.task);

    let nora = rows.iter().find(|r| r["github_login"] == "nora").unwrap();
    assert_eq!(nora["cohort"], "2026-01");
    assert_eq!(nora["signed_up"], "2026-01-15T12:00:00Z");
    assert_eq!(nora["mentor_login"], "");
    assert_eq!(nora["milestones_verified"], "0");
    assert_eq!(nora["current_task"], "");
}

#[tokio::test]
async fn cells_that_would_run_as_formulas_start_with_an_apostrophe() {
    let app = TestApp::start_without_demo_people().await;
    let olga = app.organizer("olga").await;
    let names = ["=HYPERLINK(\"http://x\")", "@SUM(1)", "+1", "-1", "\t=1"];
    for (n, name) in names.iter().enumerate() {
        let id = factory::newcomer(&app, &format!("f{n}")).create().await.id;
        rename(&app, id, name).await;
    }
    let harmless = factory::newcomer(&app, "plain").create().await.id;
    rename(&app, harmless, "a=b-c").await;

    let (_, rows) = csv_rows(&olga, "newcomers", "").await;
    let by_login: HashMap<&str, &str> = rows
        .iter()
        .map(|r| (r["github_login"].as_str(), r["name"].as_str()))
        .collect();
    for (n, name) in names.iter().enumerate() {
        assert_eq!(by_login[format!("f{n}").as_str()], format!("'{name}"));
    }
    assert_eq!(by_login["plain"], "a=b-c");

    // JSON is read by programs, not spreadsheets: the names as they are.
    let json = json_rows(&olga, "newcomers", "").await;
    let f0 = json.iter().find(|o| o["github_login"] == "f0").unwrap();
    assert_eq!(f0["name"], names[0]);
}

#[tokio::test]
async fn the_filters_keep_a_cohort_an_area_or_a_mentor() {
    let p = programme().await;
    for (query, expected) in [
        ("?cohort=2026-01", vec!["nora"]),
        ("?area=pci", vec!["nina"]),
        (&format!("?mentor={}", p.maya) as &str, vec!["nina"]),
        ("?cohort=2026-01&area=pci", vec![]),
        ("?cohort=&area=&mentor=", vec!["nina", "nora"]),
    ] {
        let (_, rows) = csv_rows(&p.olga, "newcomers", query).await;
        assert_eq!(logins(&rows, "github_login"), expected, "{query}");
        let json = json_rows(&p.olga, "newcomers", query).await;
        assert_eq!(json.len(), expected.len(), "{query}");
    }
    let (_, claims) = csv_rows(&p.olga, "claims", "?area=pci").await;
    assert_eq!(logins(&claims, "newcomer_login"), ["nina"]);
    let (_, claims) = csv_rows(&p.olga, "claims", "?cohort=2026-01").await;
    assert!(claims.is_empty());
    let (_, mentorships) = csv_rows(&p.olga, "mentorships", &format!("?mentor={}", p.maya)).await;
    assert_eq!(logins(&mentorships, "newcomer_login"), ["nina"]);
    let (header, mentorships) = csv_rows(&p.olga, "mentorships", "?area=docs").await;
    assert!(mentorships.is_empty());
    assert_eq!(header.len(), 9, "an empty export still has its header");
}

#[tokio::test]
async fn mentorships_and_claims_list_every_state_with_their_times() {
    let p = programme().await;
    let nora_mentorship = factory::claimed_from_queue(&p.app, p.maya, p.nora).await;
    let ended = p
        .olga
        .post_form(
            &format!("/mentorships/{nora_mentorship}/end"),
            &[("reason", "Moved to another project")],
        )
        .await;
    assert_eq!(ended.status, 303, "{}", ended.body);
    let second = factory::claimable_tasks(&p.app).await[0].slug.clone();
    factory::released_claim(&p.app, &second, p.nora).await;

    let (header, rows) = csv_rows(&p.olga, "mentorships", "").await;
    assert_eq!(
        header,
        [
            "id",
            "newcomer_login",
            "mentor_login",
            "state",
            "origin",
            "proposed_at",
            "accepted_at",
            "ended_at",
            "ended_reason"
        ]
    );
    let nina = rows.iter().find(|r| r["newcomer_login"] == "nina").unwrap();
    assert_eq!(
        (
            nina["mentor_login"].as_str(),
            nina["state"].as_str(),
            nina["origin"].as_str()
        ),
        ("maya", "active", "queue")
    );
    assert!(!nina["accepted_at"].is_empty() && nina["ended_at"].is_empty());
    let nora = rows.iter().find(|r| r["newcomer_login"] == "nora").unwrap();
    assert_eq!(nora["id"], nora_mentorship.to_string());
    assert_eq!(nora["state"], "ended");
    assert_eq!(nora["ended_reason"], "Moved to another project");
    assert!(nora["ended_at"].ends_with('Z'));

    let (header, rows) = csv_rows(&p.olga, "claims", "").await;
    assert_eq!(
        header,
        [
            "id",
            "task_slug",
            "task_title",
            "newcomer_login",
            "state",
            "claimed_at",
            "expires_at",
            "done_at",
            "evidence_url",
            "ended_at",
            "ended_reason"
        ]
    );
    let held = rows.iter().find(|r| r["newcomer_login"] == "nina").unwrap();
    assert_eq!(
        (held["task_slug"].as_str(), held["state"].as_str()),
        (p.task.as_str(), "active")
    );
    assert!(!held["task_title"].is_empty() && held["ended_at"].is_empty());
    let released = rows.iter().find(|r| r["newcomer_login"] == "nora").unwrap();
    assert_eq!(
        (released["task_slug"].as_str(), released["state"].as_str()),
        (second.as_str(), "released")
    );
    assert!(released["ended_at"].ends_with('Z'));
}

#[tokio::test]
async fn json_exports_are_arrays_of_objects_with_the_same_fields() {
    let p = programme().await;
    let rows = json_rows(&p.olga, "newcomers", "?area=pci").await;
    assert_eq!(rows.len(), 1);
    let nina = &rows[0];
    let keys: Vec<&str> = nina.keys().map(String::as_str).collect();
    for key in [
        "id",
        "github_login",
        "name",
        "email",
        "signed_up",
        "cohort",
        "status",
        "state",
        "state_reason",
        "last_activity",
        "mentor_login",
        "unanswered_check_ins",
        "milestones_to_review",
        "milestones_verified",
        "milestones",
        "current_task",
    ] {
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert_eq!(nina["id"], p.nina);
    assert_eq!(nina["mentor_login"], "maya");
    assert_eq!(nina["milestones_verified"], 1);
    assert_eq!(nina["current_task"], p.task.as_str());
    let milestones = nina["milestones"].as_object().expect("slug → state");
    let ladder = ladder(&p.app).await;
    let mut slugs: Vec<String> = milestones.keys().cloned().collect();
    slugs.sort();
    let mut sorted = ladder.clone();
    sorted.sort();
    assert_eq!(slugs, sorted, "one entry per milestone");
    assert_eq!(milestones["join-community"], "pending");
    assert_eq!(milestones["toolchain-ready"], "verified");
    assert_eq!(milestones["patch-merged"], Value::Null);

    let nora = &json_rows(&p.olga, "newcomers", "?cohort=2026-01").await[0];
    assert_eq!(nora["mentor_login"], Value::Null);
    assert_eq!(nora["signed_up"], "2026-01-15T12:00:00Z");

    let mentorships = json_rows(&p.olga, "mentorships", "").await;
    assert_eq!(mentorships.len(), 1);
    assert_eq!(mentorships[0]["state"], "active");
    assert_eq!(mentorships[0]["ended_at"], Value::Null);
    let claims = json_rows(&p.olga, "claims", "").await;
    assert_eq!(claims.len(), 1);
    assert_eq!(claims[0]["task_slug"], p.task.as_str());
    assert_eq!(
        json_rows(&p.olga, "claims", "?cohort=2026-01").await.len(),
        0
    );
}

#[tokio::test]
async fn exports_longer_than_a_page_arrive_whole_and_in_order() {
    let app = TestApp::start_without_demo_people().await;
    let olga = app.organizer("olga").await;
    let n = onramp::services::exports::PAGE as usize * 2 + 37;
    synthetic::seed_synthetic(&app.db, n, 3, 7)
        .await
        .expect("seed");
    let (_, rows) = csv_rows(&olga, "newcomers", "").await;
    assert_eq!(rows.len(), n);
    let ids: Vec<i32> = rows.iter().map(|r| r["id"].parse().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "in id order, none twice"
    );
    let json = json_rows(&olga, "newcomers", "").await;
    assert_eq!(json.len(), n);
    assert_eq!(json.last().unwrap()["id"], *ids.last().unwrap());
}

#[tokio::test]
async fn a_bad_filter_is_a_bad_request_that_says_why() {
    let p = programme().await;
    for (query, message) in [
        ("?cohort=November", "There is no cohort called \"November\""),
        ("?cohort=2026-13", "There is no cohort called"),
        ("?area=underwater", "There is no area called \"underwater\""),
        (
            "?mentor=maya",
            "The mentor is given by their number (user id)",
        ),
        (
            &format!("?mentor={}", p.nina) as &str,
            "There is no mentor with the number",
        ),
    ] {
        for path in [
            "/organizer/exports/newcomers.csv",
            "/organizer/exports/claims.json",
            "/organizer/exports",
        ] {
            let page = p.olga.get(&format!("{path}{query}")).await;
            assert_eq!(page.status, 400, "{path}{query}");
            assert!(
                page.body.contains(&html_escape(message)),
                "{path}{query}: {}",
                page.body
            );
        }
    }
}

#[tokio::test]
async fn only_organizers_export() {
    let p = programme().await;
    let nina = p.app.newcomer("nadia").await;
    let maya = p.app.mentor("mila").await;
    for path in [
        "/organizer/exports",
        "/organizer/exports/newcomers.csv",
        "/organizer/exports/claims.json",
    ] {
        assert_eq!(nina.get(path).await.status, 403, "{path}");
        assert_eq!(maya.get(path).await.status, 403, "{path}");
        let anonymous = p.app.anonymous().get(path).await;
        assert_eq!(anonymous.status, 303, "{path}");
        assert!(anonymous.location().unwrap().starts_with("/signin?next="));
    }
}

#[tokio::test]
async fn the_exports_page_offers_the_filter_and_links_that_keep_it() {
    let p = programme().await;
    let page = p
        .olga
        .get("/organizer/exports?cohort=2026-01&area=docs")
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    for kind in ["newcomers", "mentorships", "claims"] {
        for format in ["csv", "json"] {
            let href = format!("/organizer/exports/{kind}.{format}?cohort=2026-01&area=docs");
            assert!(page.body.contains(&html_escape(&href)), "{href}");
        }
    }
    assert!(
        page.body
            .contains(r#"<option value="2026-01" selected>2026-01</option>"#)
    );
    let mentor = format!(r#"<option value="{}">"#, p.maya);
    assert!(
        page.body.contains(&mentor),
        "Maya mentors someone: {mentor}"
    );
    let plain = p.olga.get("/organizer/exports").await;
    let bare = format!(
        "href=\"{}\"",
        html_escape("/organizer/exports/newcomers.csv")
    );
    assert!(plain.body.contains(&bare), "{bare}");
}
