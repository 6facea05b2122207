//! Rendering a page: the page's own context plus what the layout needs (the viewer, demo mode).

use axum::response::Html;
use minijinja::Value;
use minijinja::value::Serde;

use crate::app::AppState;
use crate::web::error::AppResult;
use crate::web::extract::Viewer;

/// Render `template` with `ctx`, adding `viewer` and `demo_mode` for the layout.
/// Values from services go in as `Serde(&value)`.
pub fn render(
    state: &AppState,
    viewer: &Viewer,
    template: &str,
    ctx: Value,
) -> AppResult<Html<String>> {
    let full = minijinja::context! {
        viewer => Serde(viewer.0.as_ref()),
        demo_mode => state.config.demo_mode(),
        ..ctx
    };
    Ok(Html(state.templates.render(template, full)?))
}

/// A `next` parameter only ever leads to a path on this site: anything else becomes `fallback`.
pub fn safe_next<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n
        }
        _ => fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/catalog?kind=driver"), "/"),
            "/catalog?kind=driver"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad), "/home"), "/home", "{bad}");
        }
        assert_eq!(safe_next(None, "/home"), "/home");
    }
}
