//! Static assets from `frontend/static`, embedded in release builds (read from disk in debug builds). Pages link
//! them with a content hash in the URL, so they can be cached for a year and still change the moment they do.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;
use serde::Deserialize;

#[derive(RustEmbed)]
#[folder = "../frontend/static"]
struct Files;

/// Asset name -> URL with its content hash, computed once at start-up.
#[derive(Clone)]
pub struct Assets {
    urls: Arc<HashMap<String, String>>,
}

impl Assets {
    pub fn load() -> Assets {
        let urls = Files::iter()
            .filter_map(|name| {
                let file = Files::get(&name)?;
                let url = format!(
                    "/static/{name}?v={}",
                    short_hash(&file.metadata.sha256_hash())
                );
                Some((name.to_string(), url))
            })
            .collect();
        Assets {
            urls: Arc::new(urls),
        }
    }

    pub fn urls(&self) -> Arc<HashMap<String, String>> {
        self.urls.clone()
    }
}

fn short_hash(hash: &[u8; 32]) -> String {
    hash[..6].iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Deserialize)]
pub struct Version {
    v: Option<String>,
}

/// GET /static/{*path}: immutable caching when the URL carries the current hash, a short cache otherwise.
pub async fn serve(
    Path(path): Path<String>,
    Query(version): Query<Version>,
    headers: HeaderMap,
) -> Response {
    let Some(file) = Files::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let hash = short_hash(&file.metadata.sha256_hash());
    let etag = format!("\"{hash}\"");
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let cache = if version.v.as_deref() == Some(hash.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let mut res = file.data.into_owned().into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(mime.as_ref()).expect("mime is a header value"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("hex is a header value"),
    );
    res
}
