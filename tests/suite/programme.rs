//! The programme dashboard: the funnel from sign-up to a merged patch, who needs attention, mentors' load and
//! answer times, tasks by area, activity per week, drawn as SVG with the numbers beside, for a cohort, an area
//! or a mentor.

use chrono::{Duration, Utc};
use onramp::services::progress::{self, Looker};

use crate::support::{Page, TestApp, factory, time_passes};

const COMMIT: &str = "https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=0123456789abcdef0123456789abcdef01234567";
const LORE: &str = "https://lore.kernel.org/rust-for-linux/20261201.1-1-ada@example.org/";

/// The funnel table's counts, step by step.
fn funnel(page: &Page) -> Vec<(String, String)> {
    page.rows("#funnel-title ~ table tbody tr")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect()
}

#[tokio::test]
async fn the_dashboard_counts_each_step_and_lists_who_needs_attention() {
    let app = TestApp::start_without_demo_people().await;
    let mira = factory::mentor(&app, "mira").areas(&["pci"]).create().await;
    // Ada went all the way; Ben is matched and holds a task; Cy signed up and stalled; Dee has no profile yet.
    let ada = factory::newcomer(&app, "ada")
        .areas(&["pci"])
        .languages(&["en"])
        .timezone("Europe/Berlin")
        .create()
        .await;
    let ben = factory::newcomer(&app, "ben")
        .areas(&["docs"])
        .languages(&["en"])
        .timezone("Europe/Berlin")
        .create()
        .await;
    let cy = factory::newcomer(&app, "cy")
        .areas(&["pci"])
        .languages(&["en"])
        .timezone("Europe/Berlin")
        .create()
        .await;
    factory::person(&app, "dee", &[onramp::db::user_roles::Role::Newcomer])
        .create()
        .await;
    factory::claimed_from_queue(&app, mira.id, ada.id).await;
    factory::claimed_from_queue(&app, mira.id, ben.id).await;
    let tasks = factory::claimable_tasks(&app).await;
    factory::claim(&app, &tasks[0].slug, ada.id).await;
    factory::claim(&app, &tasks[1].slug, ben.id).await;
    factory::milestone_record(&app, ada.id, "patch-sent", LORE, "v1").await;
    let merged = factory::milestone_record(&app, ada.id, "patch-merged", COMMIT, "applied").await;
    let as_mira = Looker {
        id: mira.id,
        organizer: false,
    };
    progress::verify_milestone(&app.db, as_mira, merged, Utc::now())
        .await
        .unwrap();
    factory::check_in(&app, ben.id, "Reading the driver", "No hardware to test on").await;
    time_passes::signed_up_days_ago(&app, cy.id, 30).await;

    let olga = app.organizer("olga").await;
    let page = olga.get("/organizer/dashboard").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.heading(), "Programme");
    // Olga is an organizer, not a newcomer: four newcomers.
    assert_eq!(
        funnel(&page),
        [
            ("Signed up".to_owned(), "4".to_owned()),
            ("Profile complete".into(), "3".into()),
            ("Matched with a mentor".into(), "2".into()),
            ("Claimed a task".into(), "2".into()),
            ("Sent a first patch".into(), "1".into()),
            ("Patch merged".into(), "1".into()),
        ]
    );
    // The funnel is drawn: one bar per step with a count, named for screen readers.
    assert_eq!(
        page.count("#funnel-title ~ .chart-box svg[role=img] title"),
        1 + 6
    );
    assert_eq!(
        page.select_all("#funnel-title ~ .chart-box .bar-row .total")[0],
        "4"
    );
    // Nobody stalled; Ben is blocked; Cy (the longest) and Dee wait for a mentor.
    let lists: Vec<String> = page.select_all("#states-title ~ ul.attention li");
    assert_eq!(lists.len(), 3, "{lists:?}");
    assert!(lists[0].starts_with("ben (mentor mira)"), "{lists:?}");
    assert!(
        lists[0].ends_with("Blocked on: No hardware to test on"),
        "{lists:?}"
    );
    assert!(
        lists[1].starts_with("cy") && lists[1].ends_with("Has no mentor yet."),
        "{lists:?}"
    );
    assert!(lists[2].starts_with("dee"), "{lists:?}");
    assert_eq!(page.select_all("#states-title ~ p.empty"), ["Nobody."]);
    // Mira mentors two; she verified one milestone.
    let mentors = page.rows("#mentors-title ~ .table-scroll tbody tr");
    assert_eq!(mentors[0][0], "mira");
    assert_eq!(mentors[0][1], "2");
    assert_eq!(mentors[0][3], "1");
    // Tasks by area: the two claimed tasks show as claimed.
    let claimed: i64 = page
        .rows("#tasks-title ~ .table-scroll tbody tr")
        .iter()
        .map(|r| r[2].parse::<i64>().unwrap())
        .sum();
    assert_eq!(claimed, 2);
    // This week's activity counts today's events; twelve weeks are shown.
    let weeks = page.rows("#activity-title ~ .table-scroll tbody tr");
    assert_eq!(weeks[0].len(), 13);
    assert!(weeks[0][12].parse::<i64>().unwrap() >= 6, "{weeks:?}");

    // By area: PCI keeps Ada and Cy.
    let page = olga.get("/organizer/dashboard?area=pci").await;
    assert_eq!(funnel(&page)[0].1, "2");
    assert_eq!(page.rows("#tasks-title ~ .table-scroll tbody tr").len(), 1);
    // By mentor: Mira's two.
    let page = olga
        .get(&format!("/organizer/dashboard?mentor={}", mira.id))
        .await;
    assert_eq!(funnel(&page)[0].1, "2");
    assert_eq!(
        page.input_value("mentor").as_deref(),
        Some(mira.id.to_string().as_str())
    );
    // By cohort: this month has everyone but Cy (who signed up 30 days ago, in another month or this one).
    let this_month = Utc::now().format("%Y-%m").to_string();
    let page = olga
        .get(&format!("/organizer/dashboard?cohort={this_month}"))
        .await;
    let expected = if (Utc::now() - Duration::days(30))
        .format("%Y-%m")
        .to_string()
        == this_month
    {
        "4"
    } else {
        "3"
    };
    assert_eq!(funnel(&page)[0].1, expected);
    // The people page filters by the same derived states, and shows each with its reason.
    let logins = |page: &Page| -> Vec<String> {
        page.rows(".people-table tbody tr")
            .into_iter()
            .filter(|r| r.len() > 1)
            .map(|r| {
                r[0].split_whitespace()
                    .last()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    let page = olga.get("/organizer/people?state=blocked").await;
    assert_eq!(logins(&page), ["ben"]);
    assert!(page.rows(".people-table tbody tr")[0][2].starts_with("Blocked"));
    let mut waiting = logins(&olga.get("/organizer/people?state=waiting").await);
    waiting.sort();
    assert_eq!(waiting, ["cy", "dee"]);
    let stalled = olga.get("/organizer/people?state=stalled").await;
    assert!(logins(&stalled).is_empty());
    assert!(
        stalled
            .select_text(".people-table tbody")
            .starts_with("No one matches these filters.")
    );
    // A wrong filter is explained.
    let page = olga.get("/organizer/dashboard?cohort=soon").await;
    assert_eq!(page.status, 400);
    page.assert_text("There is no cohort called");
    // Only organizers see it.
    assert_eq!(
        app.newcomer("nia")
            .await
            .get("/organizer/dashboard")
            .await
            .status,
        403
    );
}
