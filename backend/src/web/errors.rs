//! Turns every error response into a page in the site's style. Handlers' `AppError`s arrive with an `ErrorPage`
//! extension; responses from the framework itself (a malformed form, a body over the limit, a panic) arrive as
//! plain text and are wrapped too. A 500 shows the request id that the log line carries, and nothing internal.
//! Only the body is replaced: the headers of the original response (Retry-After on a 429, a session cookie)
//! stay.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;

use crate::app::AppState;
use crate::web::error::{AppError, ErrorPage};

pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let page = match parts.extensions.get::<ErrorPage>() {
        Some(page) => page.clone(),
        None if is_html(&parts.headers) => return Response::from_parts(parts, body),
        None => framework_error(body, status).await,
    };
    if let Some(detail) = &page.log_detail {
        tracing::error!(request_id = %request_id, status = status.as_u16(), error = %detail, "request failed");
    }
    let html = state.templates.render(
        "error.html",
        context! {
            status => status.as_u16(),
            title => page.title,
            message => page.message,
            request_id => (status.is_server_error()).then_some(&request_id),
            demo_mode => state.config.demo_mode(),
            viewer => minijinja::Value::from(()),
        },
    );
    let mut out = match html {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(request_id = %request_id, error = %err, "rendering the error page failed");
            let mut res =
                (status, format!("{} (request id {request_id})", page.title)).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            res
        }
    };
    keep_headers(&parts.headers, out.headers_mut());
    out
}

/// Copy what the original response said about anything but its body (Retry-After, Set-Cookie, ...).
fn keep_headers(original: &HeaderMap, page: &mut HeaderMap) {
    const ABOUT_THE_BODY: [header::HeaderName; 4] = [
        header::CONTENT_TYPE,
        header::CONTENT_LENGTH,
        header::CONTENT_ENCODING,
        header::TRANSFER_ENCODING,
    ];
    for (name, value) in original {
        if !ABOUT_THE_BODY.contains(name) {
            page.append(name, value.clone());
        }
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Axum's own rejections say what was wrong with the request in plain words; keep those for 4xx.
async fn framework_error(body: Body, status: StatusCode) -> ErrorPage {
    if status.is_server_error() {
        let detail = if status == StatusCode::INTERNAL_SERVER_ERROR {
            "a handler panicked"
        } else {
            "server error"
        };
        return ErrorPage {
            title: "Something went wrong on our side",
            message: "The error has been logged. Please try again in a moment.".into(),
            log_detail: Some(detail.into()),
        };
    }
    let body = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body).trim().to_string();
    let message = match status {
        StatusCode::NOT_FOUND => return not_found(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "The form you sent is larger than this site accepts.".to_string()
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            "This address does not accept that kind of request.".to_string()
        }
        _ if !text.is_empty() => text,
        _ => "The request could not be understood.".to_string(),
    };
    ErrorPage {
        title: "That did not work",
        message,
        log_detail: None,
    }
}

fn not_found() -> ErrorPage {
    match AppError::NotFound
        .into_response()
        .extensions()
        .get::<ErrorPage>()
    {
        Some(page) => page.clone(),
        None => unreachable!("AppError::NotFound always carries its page"),
    }
}

pub async fn fallback() -> AppError {
    AppError::NotFound
}
