//! Cross-site request forgery: a form post from another site is refused. Browsers say where a request comes
//! from in `Sec-Fetch-Site` (modern ones) or `Origin` (all of them on POST); a state-changing request that
//! carries neither is refused too, since only non-browser clients omit both and this site has no API for them.
//! SameSite=Lax session cookies are the second line. The one exception is the unsubscribe link of email.

use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::web::error::AppError;

/// Where the unsubscribe links of email point.
const UNSUBSCRIBE: &str = "/unsubscribe/";

/// This site's origin, e.g. `http://127.0.0.1:3000` (the state of the `same_origin_only` middleware).
#[derive(Clone)]
pub struct SiteOrigin(pub String);

pub async fn same_origin_only(
    State(SiteOrigin(origin)): State<SiteOrigin>,
    req: Request,
    next: Next,
) -> Response {
    // A mail client's one-click unsubscribe (RFC 8058) is a POST from outside the site, with no session; the
    // signed token in its path is what authorizes it, and all it can do is turn one kind of email off.
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || req.uri().path().starts_with(UNSUBSCRIBE)
    {
        return next.run(req).await;
    }
    let headers = req.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let req_origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let allowed = match (fetch_site, req_origin) {
        (Some(site), _) => site == "same-origin" || site == "none",
        (None, Some(o)) => o == origin,
        (None, None) => false,
    };
    if allowed {
        next.run(req).await
    } else {
        tracing::warn!(?fetch_site, ?req_origin, "refused a cross-site request");
        AppError::CrossSite.into_response()
    }
}
