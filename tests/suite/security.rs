//! Protections a public service needs: cross-site form posts refused, HSTS and Secure cookies on https.

use crate::support::TestApp;

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = TestApp::start().await;
    app.create_user("ana", &[onramp::db::user_roles::Role::Newcomer])
        .await;
    let actor = app.anonymous();
    let form = [("login", "ana")];
    for headers in [
        vec![("origin", "https://evil.example")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        vec![("sec-fetch-site", "same-site")],
        vec![],
    ] {
        let page = actor.post_form_with("/signin/demo", &form, &headers).await;
        assert_eq!(page.status, 403, "{headers:?}");
        page.assert_contains("sent from another site");
        assert!(
            page.header("set-cookie").is_none(),
            "no session was started"
        );
    }
    let base = app.base.clone();
    for headers in [
        vec![("sec-fetch-site", "same-origin")],
        vec![("origin", base.as_str())],
    ] {
        let page = actor.post_form_with("/signin/demo", &form, &headers).await;
        assert_eq!(page.status, 303, "{headers:?}");
    }
}

#[tokio::test]
async fn https_sites_send_hsts_and_secure_cookies() {
    let app = TestApp::builder()
        .config(|c| c.base_url = Some("https://onramp.example".parse().unwrap()))
        .start()
        .await;
    let page = app.anonymous().get("/").await;
    assert_eq!(
        page.header("strict-transport-security"),
        Some("max-age=63072000; includeSubDomains")
    );
    app.create_user("ana", &[onramp::db::user_roles::Role::Newcomer])
        .await;
    let res = app
        .anonymous()
        .post_form_with(
            "/signin/demo",
            &[("login", "ana")],
            &[("origin", "https://onramp.example")],
        )
        .await;
    assert_eq!(res.status, 303);
    let cookie = res.header("set-cookie").unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
}
