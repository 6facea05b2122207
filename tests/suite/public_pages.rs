//! Public pages: the landing page's live numbers, the catalog's filters, a task's place in the graph, assets.

use onramp::db::tasks::{self, TaskKind, TaskState};
use onramp::db::{areas, task_prerequisites};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::support::{Page, TestApp, html_escape};

fn task_count(page: &Page) -> usize {
    page.body.matches("<li class=\"task\">").count()
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
    page.assert_contains("Open tasks</dt><dd>")
        .assert_contains(&format!("<dt>Open tasks</dt><dd>{open}</dd>"));

    // A number moves when the data does.
    let t = tasks::Entity::find()
        .filter(tasks::Column::State.eq(TaskState::Open))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut am: tasks::ActiveModel = t.into();
    am.state = Set(TaskState::Done);
    am.update(&app.db).await.unwrap();
    let page = app.anonymous().get("/").await;
    page.assert_contains(&format!("<dt>Open tasks</dt><dd>{}</dd>", open - 1));
    page.assert_contains("Sign in to start")
        .assert_contains("Demo mode");
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
    page.assert_contains("<option value=\"driver\" selected>");

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
    anon.get("/catalog?q=zzzz-nothing-like-this")
        .await
        .assert_contains("No task matches");
    // LIKE wildcards in the query are taken literally: "a%z" would match nearly everything as a pattern.
    assert_eq!(task_count(&anon.get("/catalog?q=a%25z").await), 0);

    let page = anon.get("/catalog?state=retired").await;
    assert_eq!(task_count(&page), 0);

    let page = anon.get("/catalog?kind=wizard").await;
    assert_eq!(page.status, 200);
    page.assert_contains("unknown kind &quot;wizard&quot;");
}

#[tokio::test]
async fn a_task_page_shows_what_it_waits_for_and_what_it_unblocks() {
    let app = TestApp::start().await;
    let edge = task_prerequisites::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .expect("the catalog has prerequisites");
    let waiting = tasks::Entity::find_by_id(edge.task_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let required = tasks::Entity::find_by_id(edge.requires_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let anon = app.anonymous();

    let page = anon.get(&format!("/tasks/{}", waiting.slug)).await;
    assert_eq!(page.status, 200);
    page.assert_contains("Blocked: this task waits for")
        .assert_contains(&format!("href=\"/tasks/{}\"", required.slug))
        .assert_contains(&html_escape(&waiting.source_url));
    let page = anon.get(&format!("/tasks/{}", required.slug)).await;
    page.assert_contains("Unblocks")
        .assert_contains(&format!("href=\"/tasks/{}\"", waiting.slug));

    // The catalog says the same, and stops saying it once the prerequisite is done.
    anon.get(&format!("/catalog?q={}", waiting.slug))
        .await
        .assert_contains("Waits for:");
    let mut am: tasks::ActiveModel = required.clone().into();
    am.state = Set(TaskState::Done);
    am.update(&app.db).await.unwrap();
    let others = task_prerequisites::Entity::find()
        .filter(task_prerequisites::Column::TaskId.eq(waiting.id))
        .count(&app.db)
        .await
        .unwrap();
    if others == 1 {
        anon.get(&format!("/tasks/{}", waiting.slug))
            .await
            .assert_lacks("Blocked: this task waits for");
    }

    let page = anon.get("/tasks/no-such-task").await;
    assert_eq!(page.status, 404);
    page.assert_contains("Page not found")
        .assert_contains("class=\"site-header\"");
}

#[tokio::test]
async fn text_from_the_catalog_is_escaped() {
    let app = TestApp::start().await;
    let t = tasks::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut am: tasks::ActiveModel = t.clone().into();
    am.title = Set("<script>alert(1)</script> & co".into());
    am.description = Set("<img src=x onerror=alert(1)>".into());
    am.updated_at = Set(chrono::Utc::now());
    am.update(&app.db).await.unwrap();
    for path in ["/catalog".to_string(), format!("/tasks/{}", t.slug)] {
        let page = app.anonymous().get(&path).await;
        page.assert_lacks("<script>alert(1)")
            .assert_lacks("<img src=x");
        page.assert_contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; co");
    }
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
        page.assert_lacks("<script");
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
    let href = page
        .body
        .split("href=\"/static/app.css?v=")
        .nth(1)
        .expect("stylesheet link")
        .split('"')
        .next()
        .unwrap();
    let css = anon.get(&format!("/static/app.css?v={href}")).await;
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
