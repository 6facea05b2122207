//! The site's form extractor. Fields arrive typed: a value that names an enumerated thing (a round's kind, a
//! role, a decision) is that enum, so no handler parses strings. Repeated keys fill a `Vec` (checkbox groups).
//!
//! When a form does not fit its type, the person gets a page that says why, never the framework's bare text:
//! - a field whose value is wrong (`kind=pizzas`) is a 400 with the field's own message, e.g. "There is no round
//!   kind called "pizzas": choose mentors or tasks.";
//! - a form without a required field is a 422 naming the field, as axum's own `Form` answers.
//!
//! Forms that must show a wrong value back next to its field read it into a `domain::enums::Choice` instead,
//! which never fails.

use axum::extract::{FromRequest, RawForm, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use crate::web::error::AppError;

#[derive(Debug, Clone, Copy, Default)]
pub struct Form<T>(pub T);

impl<T, S> FromRequest<S> for Form<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let RawForm(bytes) = RawForm::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let fields = serde_html_form::Deserializer::new(url::form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(fields)
            .map(Form)
            .map_err(rejection)
    }
}

fn rejection(err: serde_path_to_error::Error<serde::de::value::Error>) -> Response {
    // The path leads to the field whose value failed; a missing field fails at the form itself (no path).
    if err.path().iter().next().is_some() {
        AppError::BadRequest(err.inner().to_string()).into_response()
    } else {
        // Plain text, like axum's rejection: the error-page middleware puts it in the site's page.
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("Failed to deserialize form body: {}", err.inner()),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, header};
    use serde::Deserialize;

    use super::*;
    use crate::domain::rounds::RoundKind;

    #[derive(Debug, Deserialize)]
    struct NewRound {
        kind: RoundKind,
        #[serde(default)]
        tags: Vec<String>,
    }

    async fn read(body: &'static str) -> Result<NewRound, Response> {
        let req = Request::post("/")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        Form::<NewRound>::from_request(req, &())
            .await
            .map(|Form(f)| f)
    }

    #[tokio::test]
    async fn fields_arrive_typed_and_repeated_keys_fill_a_list() {
        let form = read("kind=tasks&tags=a&tags=b").await.unwrap();
        assert_eq!(form.kind, RoundKind::Tasks);
        assert_eq!(form.tags, ["a", "b"]);
    }

    #[tokio::test]
    async fn a_wrong_value_is_a_bad_request_and_a_missing_field_unprocessable() {
        let res = read("kind=pizzas").await.unwrap_err();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let page = res
            .extensions()
            .get::<crate::web::error::ErrorPage>()
            .expect("an error page");
        assert_eq!(
            page.message,
            "There is no round kind called \"pizzas\": choose mentors or tasks."
        );
        let res = read("tags=a").await.unwrap_err();
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
