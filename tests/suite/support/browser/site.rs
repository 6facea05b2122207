//! The site as the browser sees it: another instance of the service over the test's database, with its own
//! address as its base URL (so redirects, the GitHub callback and the same-origin check all name it), wrapped
//! in a recorder that keeps every document the browser navigates to exactly as it was sent. The Nu HTML
//! Checker reads those bytes, not the browser's repaired DOM.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use onramp::app::AppState;
use tokio::net::TcpListener;

use crate::support::{Server, TestApp};

/// One document as the service sent it.
#[derive(Clone, Debug)]
pub struct Document {
    pub method: String,
    /// Path and query, as requested.
    pub target: String,
    pub status: u16,
    pub html: String,
}

#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Document>>>);

impl Recorder {
    pub fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The document the browser shows now: it navigates one page at a time.
    pub fn latest(&self) -> Option<Document> {
        self.0.lock().unwrap().last().cloned()
    }
}

pub struct BrowserSite {
    pub base: String,
    pub recorder: Recorder,
    _server: Server,
}

impl BrowserSite {
    pub async fn serve(app: &TestApp) -> BrowserSite {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let mut config = (*app.state.config).clone();
        config.base_url = Some(
            format!("http://{}", listener.local_addr().unwrap())
                .parse()
                .unwrap(),
        );
        let state = AppState::new(app.db.clone(), config);
        let recorder = Recorder::default();
        let router = onramp::web::with_layers(onramp::web::routes(), state).layer(
            axum::middleware::from_fn_with_state(recorder.clone(), record),
        );
        let server = Server::spawn(listener, router);
        BrowserSite {
            base: server.base.clone(),
            recorder,
            _server: server,
        }
    }
}

/// Keep the HTML of every navigation (Chromium marks them `Sec-Fetch-Dest: document`); stylesheets, images and
/// redirects pass untouched.
async fn record(State(recorder): State<Recorder>, mut req: Request, next: Next) -> Response {
    let navigation = req
        .headers()
        .get("sec-fetch-dest")
        .is_some_and(|v| v == "document");
    if !navigation {
        return next.run(req).await;
    }
    // Uncompressed, so that what is kept is the page itself.
    req.headers_mut().remove(header::ACCEPT_ENCODING);
    let method = req.method().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let status = res.status().as_u16();
    let (parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("a page's body");
    recorder.0.lock().unwrap().push(Document {
        method,
        target,
        status,
        html: String::from_utf8_lossy(&bytes).into_owned(),
    });
    Response::from_parts(parts, Body::from(bytes))
}
