//! An anonymous visitor finds a task: from the landing page to the catalog, filters it, and opens a task.

use crate::support::TestApp;
use crate::support::browser::journey;

#[tokio::test]
async fn an_anonymous_visitor_filters_the_catalog_and_opens_a_task() {
    journey("catalog", TestApp::start().await, |b| async move {
        b.step("landing");
        b.visit("/").await;
        assert_eq!(
            b.text("h1").await,
            "Your first patch to Rust in the Linux kernel, with someone beside you."
        );

        b.step("catalog");
        b.follow("//a[normalize-space()='Browse the catalog']")
            .await;
        assert_eq!(b.text("h1").await, "Catalog");
        let everything = b.find_all("li.task").await.len();
        assert!(everything > 20, "the whole catalog is listed: {everything}");

        b.step("filter");
        b.choose("Kind", "driver").await;
        b.choose("Area", "NVMe").await;
        b.follow("//form[@role='search']//button[normalize-space()='Filter']")
            .await;
        let kinds = b.texts("li.task .badge[class*='kind-']").await;
        assert!(
            !kinds.is_empty() && kinds.len() < everything,
            "a few tasks match: {kinds:?}"
        );
        assert!(
            kinds.iter().all(|k| k == "driver"),
            "only drivers: {kinds:?}"
        );
        let areas = b.texts("li.task .area").await;
        assert!(areas.iter().all(|a| a == "NVMe"), "only NVMe: {areas:?}");
        assert_eq!(
            b.text("p.count").await,
            format!(
                "{} task{} these filters.",
                kinds.len(),
                if kinds.len() == 1 {
                    " matches"
                } else {
                    "s match"
                }
            )
        );
        // The filters keep what the visitor chose.
        assert_eq!(b.value_of("Kind").await, "driver");
        assert_eq!(b.value_of("Area").await, "nvme");

        b.step("task");
        let title = b.text("li.task h2 a").await;
        b.follow("li.task h2 a").await;
        assert_eq!(b.text("h1").await, title);
        assert!(b.path().await.starts_with("/tasks/"));
        assert_eq!(
            b.texts(".graph h2").await,
            ["Prerequisites", "Unblocks"],
            "the task shows where it sits in the graph"
        );
        let source = b.text("//p[strong[normalize-space()='Source:']]/a").await;
        assert!(
            source.starts_with("https://"),
            "the task links upstream: {source}"
        );
        assert_eq!(b.text(".crumbs a:last-child").await, "NVMe");
    })
    .await;
}
