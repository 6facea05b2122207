//! Response headers that every page carries: a Content-Security-Policy with no inline script, nosniff, no
//! framing, a referrer policy, and HSTS when the site is served over https.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;

pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: https://avatars.githubusercontent.com; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Whether the public base URL is https (the state of the `set_headers` middleware).
#[derive(Clone, Copy)]
pub struct Https(pub bool);

pub async fn set_headers(State(Https(https)): State<Https>, mut res: Response) -> Response {
    let h = res.headers_mut();
    let mut set = |name, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CSP);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    if https {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        );
    }
    res
}
