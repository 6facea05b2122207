//! Error pages: in the site's style, with the request id on a 500 and nothing internal.

use axum::routing::get;

use crate::support::TestApp;

#[tokio::test]
async fn a_panic_becomes_a_500_page_with_the_request_id() {
    let probe = axum::Router::new().route(
        "/test-panic",
        get(|| async {
            panic!("secret internal detail");
            #[allow(unreachable_code)]
            ""
        }),
    );
    let app = TestApp::builder().extra_routes(probe).start().await;
    let page = app.anonymous().get("/test-panic").await;
    assert_eq!(page.status, 500);
    let id = page
        .header("x-request-id")
        .expect("request id header")
        .to_string();
    page.assert_contains(&format!("<code>{id}</code>"))
        .assert_contains("Something went wrong on our side");
    page.assert_lacks("secret internal detail")
        .assert_contains("class=\"site-header\"");
}

#[tokio::test]
async fn an_internal_error_shows_no_detail() {
    let probe = axum::Router::new().route(
        "/test-error",
        get(|| async {
            Err::<(), _>(onramp::error::AppError::internal(anyhow::anyhow!(
                "password=hunter2"
            )))
        }),
    );
    let app = TestApp::builder().extra_routes(probe).start().await;
    let page = app.anonymous().get("/test-error").await;
    assert_eq!(page.status, 500);
    page.assert_lacks("hunter2").assert_contains("Request id:");
}

#[tokio::test]
async fn bad_requests_get_a_clear_page() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    let page = anon.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    page.assert_contains("Page not found")
        .assert_lacks("Request id:");

    let page = anon.post_form("/signin/demo", &[("next", "/")]).await;
    assert_eq!(page.status, 422);
    page.assert_contains("That did not work")
        .assert_contains("login");

    let big = vec![b'a'; 200 * 1024];
    let page = anon
        .post_body("/signin/demo", "application/x-www-form-urlencoded", big)
        .await;
    assert_eq!(page.status, 413);
    page.assert_contains("larger than this site accepts");

    let page = anon.post_form("/catalog", &[]).await;
    assert_eq!(page.status, 405);
}
