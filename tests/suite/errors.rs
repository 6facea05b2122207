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
    assert_eq!(page.select_text(".request-id code"), id);
    assert_eq!(page.select_text(".error-page .status"), "500");
    page.assert_error_page("Something went wrong on our side", "has been logged")
        .assert_selector("header.site-header nav")
        .assert_not_leaked("secret internal detail");
}

#[tokio::test]
async fn an_internal_error_shows_no_detail() {
    let probe = axum::Router::new().route(
        "/test-error",
        get(|| async {
            Err::<(), _>(onramp::web::error::AppError::internal(anyhow::anyhow!(
                "password=hunter2"
            )))
        }),
    );
    let app = TestApp::builder().extra_routes(probe).start().await;
    let page = app.anonymous().get("/test-error").await;
    assert_eq!(page.status, 500);
    page.assert_not_leaked("hunter2");
    assert!(page.select_text(".request-id").starts_with("Request id:"));
}

#[tokio::test]
async fn bad_requests_get_a_clear_page() {
    let app = TestApp::start().await;
    let anon = app.anonymous();
    let page = anon.get("/no/such/page").await;
    assert_eq!(page.status, 404);
    assert_eq!(page.select_text("h1"), "Page not found");
    page.assert_no_selector(".request-id");

    let page = anon.post_form("/signin/demo", &[("next", "/")]).await;
    assert_eq!(page.status, 422);
    page.assert_error_page("That did not work", "login");

    let big = vec![b'a'; 200 * 1024];
    let page = anon
        .post_body("/signin/demo", "application/x-www-form-urlencoded", big)
        .await;
    assert_eq!(page.status, 413);
    page.assert_error_page("That did not work", "larger than this site accepts");

    let page = anon.post_form("/catalog", &[]).await;
    assert_eq!(page.status, 405);
}

#[tokio::test]
async fn a_refused_form_names_each_problem_beside_its_field_and_keeps_the_input() {
    let app = TestApp::start().await;
    let newcomer = app.newcomer("nell").await;
    let answers = [
        ("interests", "pci"),
        ("rust", "2"),
        ("c", "9"),
        ("kernel", "0"),
        ("languages", "en"),
        ("timezone", "Mars/Olympus"),
        ("hours_per_week", "6"),
        ("goals", "My <first> patch & more"),
        ("status", "active"),
    ];
    let page = newcomer.post_form("/profile", &answers).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.select_text("[role=alert]")
            .starts_with("Some answers need another look")
    );
    let tz = page
        .field_error("timezone")
        .expect("a note beside the time zone");
    assert!(
        tz.contains("\"Mars/Olympus\" is not a time zone name"),
        "{tz}"
    );
    assert_eq!(
        page.field_error("c").as_deref(),
        Some("Choose your C experience (0 to 3).")
    );
    assert_eq!(page.field_error("rust"), None);
    assert_eq!(page.field_error("goals"), None);
    // What was typed is still there, exactly, to correct rather than retype.
    assert_eq!(
        page.input_value("timezone").as_deref(),
        Some("Mars/Olympus")
    );
    assert_eq!(
        page.input_value("goals").as_deref(),
        Some("My <first> patch & more")
    );
    assert_eq!(page.input_value("rust").as_deref(), Some("2"));
    assert_eq!(page.input_value("hours_per_week").as_deref(), Some("6"));
    assert_eq!(page.input_values("interests"), ["pci"]);
    assert_eq!(page.input_values("languages"), ["en"]);
    assert_eq!(page.input_value("status").as_deref(), Some("active"));
}
