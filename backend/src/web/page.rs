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

/// One form, of a page that has several, sent back with the messages beside its fields and what was typed: the
/// page renders again with `failed_form` (the form's key), `errors` and `typed` in its context.
pub struct FailedForm {
    pub key: String,
    pub errors: crate::domain::profile::FieldErrors,
    pub typed: serde_json::Value,
}

impl FailedForm {
    pub fn new(
        key: impl Into<String>,
        errors: crate::domain::profile::FieldErrors,
        typed: impl serde::Serialize,
    ) -> Self {
        FailedForm {
            key: key.into(),
            errors,
            typed: serde_json::to_value(typed).unwrap_or_default(),
        }
    }

    /// The context keys a template reads; empty ones when no form failed.
    pub fn context(failed: Option<&FailedForm>) -> Value {
        match failed {
            Some(f) => minijinja::context! {
                failed_form => f.key.clone(),
                errors => Serde(&f.errors.0),
                typed => Serde(&f.typed),
            },
            None => minijinja::context! {
                failed_form => "",
                errors => Serde(&serde_json::json!({})),
                typed => Serde(&serde_json::json!({})),
            },
        }
    }
}

/// After a form: a redirect to `to`, or the page rendered again with the failed form (422).
pub async fn after_form<Fut>(
    outcome: Result<(), FailedForm>,
    to: String,
    again: impl FnOnce(FailedForm) -> Fut,
) -> AppResult<axum::response::Response>
where
    Fut: std::future::Future<Output = AppResult<Html<String>>>,
{
    use axum::response::IntoResponse;
    match outcome {
        Ok(()) => Ok(axum::response::Redirect::to(&to).into_response()),
        Err(failed) => {
            let page = again(failed).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
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
