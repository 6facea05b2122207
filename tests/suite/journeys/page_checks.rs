//! The checks every journey's pages go through find what they are for, and nothing in a page that is fine: a
//! journey passing means something only if a wide, inaccessible or invalid page would have failed it.

use crate::support::TestApp;
use crate::support::browser::journey;

/// Wider than a phone, an image without a text alternative, a span left open.
const BROKEN: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><h1>Broken</h1><div style="width: 600px">wide</div>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="1" height="1">
<p>An <span>open span</p></main></body></html>
"#;

const FINE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Fine</title></head>
<body><main><h1>Fine</h1><p>A short page.</p></main></body></html>
"#;

#[tokio::test]
async fn the_page_checks_catch_a_wide_inaccessible_invalid_page_and_pass_a_fine_one() {
    journey("page-checks", TestApp::start().await, |b| async move {
        b.step("probes");
        let found = b.problems_with(&[BROKEN, FINE]).await;
        let (broken, fine) = (&found[0], &found[1]);
        let has = |needle: &str| broken.iter().any(|p| p.contains(needle));
        assert!(has("at 390 px the page scrolls sideways"), "{broken:#?}");
        assert!(!has("at 1280 px"), "600 px fit a desktop: {broken:#?}");
        assert!(has("axe image-alt (critical)"), "{broken:#?}");
        assert!(
            broken
                .iter()
                .any(|p| p.starts_with("html: ") && p.contains("span")),
            "the Nu HTML Checker finds the open span: {broken:#?}"
        );
        assert!(fine.is_empty(), "nothing wrong with a fine page: {fine:#?}");
    })
    .await;
}
