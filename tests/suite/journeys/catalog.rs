//! An anonymous visitor finds a task: from the landing page to the catalog, filters it, opens a task, and goes on
//! to the drawing of the whole prerequisite graph.

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
        b.fill("Search", "maple").await;
        b.choose("Kind", "docs").await;
        b.follow("//form[@role='search']//button[normalize-space()='Filter']")
            .await;
        let kinds = b.texts("li.task .badge[class*='kind-']").await;
        assert_eq!(kinds, ["docs"], "one task matches");
        assert_eq!(b.text("p.count").await, "1 task matches these filters.");
        // The filters keep what the visitor chose.
        assert_eq!(b.value_of("Search").await, "maple");
        assert_eq!(b.value_of("Kind").await, "docs");

        b.step("task");
        let title = b.text("li.task h2 a").await;
        assert_eq!(
            title,
            "Add examples and tests to the maple_tree abstraction"
        );
        b.follow("li.task h2 a").await;
        assert_eq!(b.text("h1").await, title);
        assert_eq!(b.path().await, "/tasks/maple-tree-doctests");
        assert_eq!(
            b.texts(".graph h2").await,
            ["Prerequisites", "Unblocks"],
            "the task shows where it sits in the graph"
        );
        // A long link, which must wrap on a phone rather than widen the page.
        let source = b.text("//p[strong[normalize-space()='Source:']]/a").await;
        assert_eq!(
            source,
            "https://rust.docs.kernel.org/kernel/maple_tree/index.html"
        );
        // The drawing of the graph around the task has the task itself, marked, as a link.
        let focus = b.find("svg.prereq-graph a.focus").await;
        assert_eq!(
            focus.attr("href").await.unwrap().as_deref(),
            Some("/tasks/maple-tree-doctests")
        );

        b.step("graph");
        b.follow("//figcaption/a[starts-with(normalize-space(), 'The whole graph of')]")
            .await;
        assert_eq!(b.text("h1").await, "Prerequisite graph");
        let areas = b.find_all("section.area-graph svg").await.len();
        assert!(areas > 5, "a drawing for each area: {areas}");
        b.follow("section.area-graph svg a.node").await;
        assert!(
            b.path().await.starts_with("/tasks/"),
            "a node opens its task"
        );
    })
    .await;
}
