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
        page.assert_error_page("Request refused", "sent from another site");
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
    // A Set-Cookie header, not a page: its attributes are matched as text.
    let cookie = res.header("set-cookie").unwrap();
    assert!(
        cookie.contains("Secure") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    // The __Host- prefix makes browsers refuse the cookie unless it is Secure, for Path=/ and without a Domain,
    // so a sibling subdomain cannot plant or overwrite it.
    assert!(cookie.starts_with("__Host-onramp_session="), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.to_ascii_lowercase().contains("domain="),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_rate_limited_sign_in_says_when_to_try_again() {
    let app = TestApp::builder()
        .config(|c| {
            c.signin_burst = 1;
            c.signin_rate_per_minute = 1;
        })
        .start()
        .await;
    let anon = app.anonymous();
    let spent = anon.post_form("/signin/demo", &[("login", "nobody")]).await;
    assert_eq!(spent.status, 400);
    let page = anon.post_form("/signin/demo", &[("login", "nobody")]).await;
    assert_eq!(page.status, 429);
    page.assert_error_page("Too many sign-in attempts", "Please wait");
    assert!(
        page.header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{:?}",
        page.headers
    );
    let wait: u64 = page
        .header("retry-after")
        .expect("the error page keeps Retry-After")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
}
