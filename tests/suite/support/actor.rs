//! An actor is one browser: its own cookie jar, redirects not followed (so tests see them), and an Origin header
//! on form posts as a real browser sends for a same-site form.

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::redirect::Policy;

pub struct Actor {
    client: reqwest::Client,
    base: String,
    pub user_id: Option<i32>,
}

/// A response read whole.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

impl Actor {
    pub fn new(base: &str) -> Actor {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .no_proxy()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("http client");
        Actor {
            client,
            base: base.to_string(),
            user_id: None,
        }
    }

    /// The same browser (cookies included) pointed at another server, e.g. a second instance.
    pub fn on(&self, base: &str) -> Actor {
        Actor {
            client: self.client.clone(),
            base: base.to_string(),
            user_id: self.user_id,
        }
    }

    pub fn with_user_id(mut self, id: i32) -> Actor {
        self.user_id = Some(id);
        self
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str) -> Page {
        read(self.client.get(self.url(path)).send().await.expect("GET")).await
    }

    /// A GET whose body is kept as bytes, exactly as sent (`Page::body` is decoded text, without a BOM).
    pub async fn get_bytes(&self, path: &str) -> (u16, HeaderMap, Vec<u8>) {
        let res = self.client.get(self.url(path)).send().await.expect("GET");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.bytes().await.expect("body").to_vec();
        (status, headers, body)
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self.client.get(self.url(path));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        read(req.send().await.expect("GET")).await
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Page {
        self.post_form_with(path, form, &[("origin", self.base.as_str())])
            .await
    }

    /// A form post with exactly these extra headers (no Origin unless given), for cross-site tests.
    pub async fn post_form_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self.client.post(self.url(path)).form(form);
        for (k, v) in headers {
            req = req.header(*k, HeaderValue::from_str(v).expect("header value"));
        }
        read(req.send().await.expect("POST")).await
    }

    pub async fn post_body(&self, path: &str, content_type: &str, body: Vec<u8>) -> Page {
        let req = self
            .client
            .post(self.url(path))
            .header("content-type", content_type)
            .header("origin", self.base.as_str())
            .body(body);
        read(req.send().await.expect("POST")).await
    }
}

async fn read(res: reqwest::Response) -> Page {
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body = res.text().await.expect("body");
    Page {
        status,
        headers,
        body,
    }
}
