//! Public pages: the landing page's live numbers, the catalog's filters, a task's place in the graph, assets.

use onramp::db::tasks::{self, TaskKind, TaskState};
use onramp::db::{areas, task_prerequisites};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::support::{Page, TestApp, factory, snapshot};

fn task_count(page: &Page) -> usize {
    page.count("ul.tasks > li.task")
}

/// A figure of the landing page's "The programme today", by its label.
fn figure(page: &Page, label: &str) -> u64 {
    let labels = page.select_all(".stats dt");
    let values = page.select_all(".stats dd");
    let at = labels
        .iter()
        .position(|l| l == label)
        .unwrap_or_else(|| panic!("no figure {label:?} among {labels:?}"));
    values[at].parse().expect("a figure is a number")
}

#[tokio::test]
async fn the_landing_page_shows_live_numbers() {
    let app = TestApp::start().await;
    let open = tasks::Entity::find()
        .filter(tasks::Column::State.eq(TaskState::Open))
        .count(&app.db)
        .await
        .unwrap();
    let page = app.anonymous().get("/").await;
    assert_eq!(page.status, 200);
    assert_eq!(figure(&page, "Open tasks"), open);

    // A number moves when the data does.
    let t = factory::claimable_tasks(&app).await.remove(0);
    factory::complete_task(&app, &t.slug).await;
    let page = app.anonymous().get("/").await;
    assert_eq!(figure(&page, "Open tasks"), open - 1);
    assert_eq!(
        page.select_text(".actions a[href=\"/signin\"]"),
        "Sign in to start"
    );
    assert!(
        page.select_text("[role=note].demo-banner")
            .starts_with("Demo mode:")
    );
}

#[tokio::test]
async fn the_catalog_lists_every_live_task_and_filters() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    let all = tasks::Entity::find()
        .filter(tasks::Column::State.ne(TaskState::Retired))
        .count(&app.db)
        .await
        .unwrap() as usize;
    let page = anon.get("/catalog").await;
    assert_eq!(page.status, 200);
    assert_eq!(task_count(&page), all);

    let drivers = tasks::Entity::find()
        .filter(tasks::Column::Kind.eq(TaskKind::Driver))
        .count(&app.db)
        .await
        .unwrap() as usize;
    let page = anon.get("/catalog?kind=driver").await;
    assert_eq!(task_count(&page), drivers);
    assert!(drivers > 0 && drivers < all);
    assert_eq!(page.input_value("kind").as_deref(), Some("driver"));

    let nova = areas::Entity::find()
        .filter(areas::Column::Slug.eq("gpu-nova"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let nova_starters = tasks::Entity::find()
        .filter(tasks::Column::AreaId.eq(nova.id))
        .filter(tasks::Column::Difficulty.eq(tasks::Difficulty::Starter))
        .count(&app.db)
        .await
        .unwrap() as usize;
    assert_eq!(
        task_count(&anon.get("/catalog?area=gpu-nova&difficulty=starter").await),
        nova_starters
    );

    // Free text ignores case and looks at titles, descriptions and skills, on both databases.
    let page = anon.get("/catalog?q=NOVA-CORE").await;
    assert!(task_count(&page) > 0);
    assert!(task_count(&page) < all);
    assert_eq!(
        task_count(&anon.get("/catalog?q=zzzz-nothing-like-this").await),
        0
    );
    let none = anon.get("/catalog?q=zzzz-nothing-like-this").await;
    assert!(
        none.select_text("ul.tasks li.empty")
            .starts_with("No task matches")
    );
    assert_eq!(
        none.input_value("q").as_deref(),
        Some("zzzz-nothing-like-this")
    );
    // LIKE wildcards in the query are taken literally: "a%z" would match nearly everything as a pattern.
    assert_eq!(task_count(&anon.get("/catalog?q=a%25z").await), 0);

    let page = anon.get("/catalog?state=retired").await;
    assert_eq!(task_count(&page), 0);

    let page = anon.get("/catalog?kind=wizard").await;
    assert_eq!(page.status, 200);
    assert!(
        page.select_text("[role=alert]")
            .contains("unknown kind \"wizard\""),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_task_page_shows_what_it_waits_for_and_what_it_unblocks() {
    let app = TestApp::start().await;
    // A prerequisite that waits for nothing itself, so it can be done.
    let (required, waiting) = factory::prerequisite_pair(&app).await;
    let anon = app.anonymous();

    let page = anon.get(&format!("/tasks/{}", waiting.slug)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.select_text(".notice.blocked")
            .starts_with("Blocked: this task waits for")
    );
    assert!(
        page.links(".notice.blocked")
            .contains(&format!("/tasks/{}", required.slug))
    );
    assert!(page.links("main").contains(&waiting.source_url));
    let page = anon.get(&format!("/tasks/{}", required.slug)).await;
    assert_eq!(page.select_all(".graph h2"), ["Prerequisites", "Unblocks"]);
    assert!(
        page.links(".graph section:last-child")
            .contains(&format!("/tasks/{}", waiting.slug))
    );

    // The catalog says the same, and stops saying it once the prerequisite is done.
    let page = anon.get(&format!("/catalog?q={}", waiting.slug)).await;
    assert!(
        page.select_text("li.task .blocked")
            .starts_with("Waits for:")
    );
    factory::complete_task(&app, &required.slug).await;
    let others = task_prerequisites::Entity::find()
        .filter(task_prerequisites::Column::TaskId.eq(waiting.id))
        .count(&app.db)
        .await
        .unwrap();
    if others == 1 {
        anon.get(&format!("/tasks/{}", waiting.slug))
            .await
            .assert_no_selector(".notice.blocked");
    }

    let page = anon.get("/tasks/no-such-task").await;
    assert_eq!(page.status, 404);
    assert_eq!(page.select_text("h1"), "Page not found");
    page.assert_selector("header.site-header nav");
}

#[tokio::test]
async fn text_from_the_catalog_is_escaped() {
    let app = TestApp::start().await;
    let t = tasks::Entity::find().one(&app.db).await.unwrap().unwrap();
    let title = "<script>alert(1)</script> & co";
    let description = "<img src=x onerror=alert(1)>";
    factory::edit_task(&app, &t.slug, |f| {
        f.title = title.into();
        f.description = description.into();
    })
    .await;
    // Unescaped, the parser would find a script and an image; escaped, a reader sees the text as written.
    let page = app.anonymous().get("/catalog").await;
    page.assert_no_selector("script")
        .assert_no_selector("img[onerror]");
    assert!(page.select_all("li.task h2 a").iter().any(|a| a == title));
    let page = app.anonymous().get(&format!("/tasks/{}", t.slug)).await;
    page.assert_no_selector("script")
        .assert_no_selector("img[onerror]");
    assert_eq!(page.select_text("h1"), title);
    assert_eq!(page.select_text(".description"), description);
}

#[tokio::test]
async fn pages_need_no_javascript_and_carry_security_headers() {
    let app = TestApp::start().await;
    let slug = tasks::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .slug;
    for path in [
        "/".to_string(),
        "/catalog".into(),
        format!("/tasks/{slug}"),
        "/signin".into(),
        "/nowhere".into(),
    ] {
        let page = app.anonymous().get(&path).await;
        page.assert_no_selector("script");
        let csp = page.header("content-security-policy").expect("CSP");
        assert!(
            csp.contains("script-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(
            page.header("referrer-policy"),
            Some("strict-origin-when-cross-origin")
        );
        assert!(
            page.header("strict-transport-security").is_none(),
            "no HSTS over http"
        );
        assert!(page.header("x-request-id").is_some());
    }
}

#[tokio::test]
async fn static_assets_are_fingerprinted_and_cached() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    let page = anon.get("/").await;
    let href = page.attrs("link[rel=stylesheet]", "href");
    assert!(href[0].starts_with("/static/app.css?v="), "{href:?}");
    let css = anon.get(&href[0]).await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let etag = css.header("etag").unwrap().to_string();
    let stale = anon.get("/static/app.css?v=old").await;
    assert_eq!(stale.header("cache-control"), Some("public, max-age=300"));
    let again = anon
        .get_with("/static/app.css", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    assert_eq!(anon.get("/static/nothing.css").await.status, 404);
    assert_eq!(anon.get("/static/../Cargo.toml").await.status, 404);
}

#[tokio::test]
async fn the_landing_catalog_and_task_pages_render_as_committed() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    // A task with a prerequisite, a dependant and an upstream source: every part of the page shows.
    let pages = [
        ("landing", "/"),
        ("catalog", "/catalog"),
        ("task_page", "/tasks/nova-fifo-engine"),
    ];
    for (name, path) in pages {
        let page = anon.get(path).await;
        assert_eq!(page.status, 200, "{path}");
        snapshot::settings().bind(|| insta::assert_snapshot!(name, page.body));
    }
}

#[tokio::test]
async fn the_prerequisite_graph_is_drawn_around_a_task_and_for_each_area() {
    let app = TestApp::start().await;
    let (required, waiting) = factory::prerequisite_pair(&app).await;

    // Around the waiting task: its prerequisite links to its page, and the task itself is the marked node.
    let anon = app.anonymous();
    let page = anon.get(&format!("/tasks/{}", waiting.slug)).await;
    assert!(
        page.select_text("svg.prereq-graph > title")
            .starts_with(&format!("Where {}", waiting.title))
    );
    assert_eq!(
        page.attrs("svg a.focus", "href"),
        [format!("/tasks/{}", waiting.slug)]
    );
    assert!(
        page.attrs("svg a.node", "href")
            .contains(&format!("/tasks/{}", required.slug))
    );
    assert!(page.count("svg path.edge") >= 1);
    let node = format!("svg a.node[href=\"/tasks/{}\"]", required.slug);
    assert_eq!(page.attrs(&node, "class"), ["node state-open"]);

    // Claimed, the prerequisite is drawn so, and says so in words.
    let nina = app.newcomer("nina").await;
    factory::claim(&app, &required.slug, nina.user_id.unwrap()).await;
    let page = anon.get(&format!("/tasks/{}", waiting.slug)).await;
    assert_eq!(page.attrs(&node, "class"), ["node state-claimed"]);
    assert_eq!(page.select_text(&format!("{node} .state-word")), "claimed");

    // The whole graph: one drawing per area with tasks, each of its tasks a link.
    let page = anon.get("/catalog/graph").await;
    assert_eq!(page.heading(), "Prerequisite graph");
    let sections = page.count("section.area-graph");
    assert_eq!(page.count("section.area-graph svg"), sections);
    let live = tasks::Entity::find()
        .filter(tasks::Column::State.ne(TaskState::Retired))
        .all(&app.db)
        .await
        .unwrap();
    let drawn = page.attrs("section.area-graph svg a.node:not(.foreign)", "href");
    assert_eq!(
        drawn.len(),
        live.len(),
        "every live task is drawn once in its own area"
    );
    assert!(
        page.attrs("section.area-graph a.node", "href")
            .contains(&format!("/tasks/{}", waiting.slug))
    );
}
