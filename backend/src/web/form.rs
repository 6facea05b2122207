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
//!
//! [`Query`] reads a query string the same way (a list's search and filters): a value that names nothing is a
//! 400 with the field's message. A filter left at "any" arrives blank; [`blank_is_none`] reads it as no filter.

use std::str::FromStr;

use axum::extract::{FromRequest, FromRequestParts, RawForm, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

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

/// A query string read into typed values, as [`Form`] reads a body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let fields =
            serde_html_form::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
        // Every parameter of a page's query is optional, so whatever fails is a value that names nothing.
        serde_path_to_error::deserialize(fields)
            .map(Query)
            .map_err(|err| AppError::BadRequest(err.inner().to_string()).into_response())
    }
}

/// A field that names one of `T`'s values or is blank (a filter left at "any"): blank is None; anything else must
/// parse, and a value that names nothing fails with `T`'s own message. Use with `#[serde(default, deserialize_with
/// = "blank_is_none")]`.
pub fn blank_is_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let typed = String::deserialize(d)?;
    match typed.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(serde::de::Error::custom),
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

    #[derive(Debug, Deserialize)]
    struct Filter {
        #[serde(default, deserialize_with = "blank_is_none")]
        kind: Option<RoundKind>,
        #[serde(default)]
        q: String,
        #[serde(flatten)]
        paging: crate::domain::paging::PageQuery,
    }

    async fn query(q: &'static str) -> Result<Filter, Response> {
        let req = Request::get(format!("/?{q}")).body(Body::empty()).unwrap();
        let (mut parts, _) = req.into_parts();
        Query::<Filter>::from_request_parts(&mut parts, &())
            .await
            .map(|Query(f)| f)
    }

    #[tokio::test]
    async fn a_query_reads_blank_filters_as_none_and_refuses_a_value_that_names_nothing() {
        let f = query("kind=&q=ana&page=3").await.unwrap();
        assert_eq!(
            (f.kind, f.q.as_str(), f.paging.page.get()),
            (None, "ana", 3)
        );
        let f = query("kind=tasks").await.unwrap();
        assert_eq!(f.kind, Some(RoundKind::Tasks));
        assert_eq!(f.paging.page.get(), 1);
        for (q, says) in [
            (
                "kind=pizzas",
                "There is no round kind called \"pizzas\": choose mentors or tasks.",
            ),
            (
                "page=two",
                "There is no page \"two\": it is a number, from 1.",
            ),
        ] {
            let res = query(q).await.unwrap_err();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{q}");
            let page = res
                .extensions()
                .get::<crate::web::error::ErrorPage>()
                .expect("an error page");
            assert_eq!(page.message, says, "{q}");
        }
    }
}
