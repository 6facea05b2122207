//! A fake GitHub on loopback, speaking the parts of GitHub's protocol that sign-in uses, as GitHub does:
//!
//! - `GET /login/oauth/authorize` approves at once (or, after `deny_consent`, answers like a person who clicked
//!   Cancel) by redirecting to `redirect_uri` with `code` and `state`; tests follow that redirect by hand;
//! - `POST /login/oauth/access_token` takes a form, checks the client credentials, the code (single use), the
//!   redirect URI and the PKCE verifier against the S256 challenge, and answers JSON when asked for it; a
//!   refusal is GitHub's `200 OK` with an `error` object, which is what trips up OAuth libraries;
//! - `GET /user` and `GET /user/emails` want the token as a bearer, and a User-Agent, as GitHub's API does.
//!
//! Switches make it slow, make the API fail, or leave the account without a verified email address. Every token
//! it hands out is remembered so that tests can prove Onramp kept none.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use super::TestAppBuilder;

pub const CLIENT_ID: &str = "Iv1.fake0client0id";
pub const CLIENT_SECRET: &str = "fake-client-secret-0123456789";

/// The person signing in, as GET /user describes them.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Email {
    pub email: String,
    pub primary: bool,
    pub verified: bool,
}

impl Email {
    pub fn new(email: &str, primary: bool, verified: bool) -> Email {
        Email {
            email: email.into(),
            primary,
            verified,
        }
    }
}

/// A code handed out at authorize time, and what its exchange must match.
struct Grant {
    redirect_uri: String,
    code_challenge: String,
}

struct Inner {
    profile: Profile,
    emails: Vec<Email>,
    deny_consent: bool,
    delay: Option<Duration>,
    api_status: Option<StatusCode>,
    grants: HashMap<String, Grant>,
    live_tokens: HashSet<String>,
    issued_tokens: Vec<String>,
    refusals: Vec<String>,
    counter: u64,
}

type Shared = Arc<Mutex<Inner>>;

#[derive(Clone)]
pub struct FakeGithub {
    pub base: String,
    inner: Shared,
    _server: Arc<AbortOnDrop>,
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl FakeGithub {
    /// A fake GitHub whose account is "octo-newcomer" (id 4242) with a verified primary address.
    pub async fn start() -> FakeGithub {
        let inner = Arc::new(Mutex::new(Inner {
            profile: Profile {
                id: 4242,
                login: "octo-newcomer".into(),
                name: Some("Octo Newcomer".into()),
            },
            emails: vec![
                Email::new("4242+octo-newcomer@users.noreply.github.com", false, true),
                Email::new("octo@example.org", true, true),
            ],
            deny_consent: false,
            delay: None,
            api_status: None,
            grants: HashMap::new(),
            live_tokens: HashSet::new(),
            issued_tokens: Vec::new(),
            refusals: Vec::new(),
            counter: 0,
        }));
        let router = Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(access_token))
            .route("/user", get(user))
            .route("/user/emails", get(user_emails))
            .with_state(inner.clone());
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("fake GitHub runs");
        });
        FakeGithub {
            base,
            inner,
            _server: Arc::new(AbortOnDrop(handle)),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap())
    }

    pub fn set_profile(&self, id: i64, login: &str, name: Option<&str>) {
        self.with(|i| {
            i.profile = Profile {
                id,
                login: login.into(),
                name: name.map(str::to_string),
            }
        });
    }

    pub fn set_emails(&self, emails: Vec<Email>) {
        self.with(|i| i.emails = emails);
    }

    /// From now on the person clicks "Cancel" on the consent page.
    pub fn deny_consent(&self) {
        self.with(|i| i.deny_consent = true);
    }

    /// Every endpoint but authorize waits this long before answering.
    pub fn set_delay(&self, delay: Duration) {
        self.with(|i| i.delay = Some(delay));
    }

    /// GET /user and /user/emails answer with this status.
    pub fn fail_api(&self, status: StatusCode) {
        self.with(|i| i.api_status = Some(status));
    }

    /// Every access token ever handed out.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.with(|i| i.issued_tokens.clone())
    }

    /// Why token requests were refused, in order (the `error` code, then a word on what did not match).
    pub fn refusals(&self) -> Vec<String> {
        self.with(|i| i.refusals.clone())
    }

    /// Visit an authorize URL as the browser would and return where GitHub sends it back (absolute URL).
    pub async fn visit(&self, authorize_url: &str) -> String {
        assert!(
            authorize_url.starts_with(&format!("{}/login/oauth/authorize?", self.base)),
            "the app sends people to the configured GitHub: {authorize_url}"
        );
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let res = client.get(authorize_url).send().await.expect("authorize");
        assert_eq!(res.status(), 302, "the fake approves with a redirect");
        res.headers()[header::LOCATION]
            .to_str()
            .unwrap()
            .to_string()
    }
}

impl TestAppBuilder {
    /// Configure the app with this fake GitHub's URLs and credentials, which ends demo mode.
    pub fn with_github(self, fake: &FakeGithub) -> Self {
        let base = fake.base.clone();
        self.config(move |c| {
            c.github_client_id = Some(CLIENT_ID.into());
            c.github_client_secret = Some(CLIENT_SECRET.into());
            c.github_authorize_url = format!("{base}/login/oauth/authorize").parse().unwrap();
            c.github_token_url = format!("{base}/login/oauth/access_token").parse().unwrap();
            c.github_api_url = base.parse().unwrap();
        })
    }
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

async fn authorize(
    State(inner): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let param = |k: &str| q.get(k).cloned().unwrap_or_default();
    if param("client_id") != CLIENT_ID {
        return (StatusCode::NOT_FOUND, "unknown client_id").into_response();
    }
    let redirect_uri = param("redirect_uri");
    let Ok(mut back) = url::Url::parse(&redirect_uri) else {
        return (StatusCode::BAD_REQUEST, "redirect_uri is not a URL").into_response();
    };
    if param("response_type") != "code"
        || param("code_challenge_method") != "S256"
        || param("code_challenge").len() != 43
    {
        return (
            StatusCode::BAD_REQUEST,
            "expected response_type=code and PKCE S256",
        )
            .into_response();
    }
    let mut inner = inner.lock().unwrap();
    if inner.deny_consent {
        back.query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair(
                "error_description",
                "The user has denied your application access.",
            )
            .append_pair(
                "error_uri",
                "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied",
            )
            .append_pair("state", &param("state"));
    } else {
        inner.counter += 1;
        let code = format!("fakecode{:012}", inner.counter);
        inner.grants.insert(
            code.clone(),
            Grant {
                redirect_uri: redirect_uri.clone(),
                code_challenge: param("code_challenge"),
            },
        );
        back.query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", &param("state"));
    }
    // GitHub answers 302 here; axum's Redirect::to would say 303.
    (StatusCode::FOUND, [(header::LOCATION, back.to_string())]).into_response()
}

async fn access_token(
    State(inner): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let delay = inner.lock().unwrap().delay;
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let mut inner = inner.lock().unwrap();
    // Any attempt spends the code, right or wrong, so no code is ever good twice.
    let grant = inner.grants.remove(&field("code"));
    let refusal = if field("client_id") != CLIENT_ID || field("client_secret") != CLIENT_SECRET {
        Some((
            "incorrect_client_credentials",
            "The client_id and/or client_secret passed are incorrect.",
            "credentials",
        ))
    } else if let Some(grant) = grant {
        if field("redirect_uri") != grant.redirect_uri {
            Some((
                "redirect_uri_mismatch",
                "The redirect_uri MUST match the registered callback URL for this application.",
                "redirect_uri",
            ))
        } else if s256(&field("code_verifier")) != grant.code_challenge {
            Some((
                "bad_verification_code",
                "The code passed is incorrect or expired.",
                "code_verifier",
            ))
        } else {
            None
        }
    } else {
        Some((
            "bad_verification_code",
            "The code passed is incorrect or expired.",
            "code",
        ))
    };
    if let Some((error, description, what)) = refusal {
        inner.refusals.push(format!("{error}: {what}"));
        let body = json!({
            "error": error,
            "error_description": description,
            "error_uri": "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors",
        });
        return if wants_json {
            (StatusCode::OK, Json(body)).into_response()
        } else {
            let form = form_encode(&[("error", error), ("error_description", description)]);
            (StatusCode::OK, form).into_response()
        };
    }
    inner.counter += 1;
    let token = format!("gho_fake{:032}", inner.counter);
    inner.live_tokens.insert(token.clone());
    inner.issued_tokens.push(token.clone());
    if wants_json {
        Json(json!({ "access_token": token, "token_type": "bearer", "scope": "read:user,user:email" }))
            .into_response()
    } else {
        // GitHub's default answer, which an OAuth library asking for JSON must never get.
        form_encode(&[
            ("access_token", token.as_str()),
            ("scope", "read:user,user:email"),
            ("token_type", "bearer"),
        ])
        .into_response()
    }
}

fn form_encode(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// What every API call checks first: the delay, a forced failure, the User-Agent and the bearer token.
async fn api_gate(inner: &Shared, headers: &HeaderMap) -> Result<(), Response> {
    let (delay, forced) = {
        let i = inner.lock().unwrap();
        (i.delay, i.api_status)
    };
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    if let Some(status) = forced {
        return Err((status, Json(json!({ "message": "Server Error" }))).into_response());
    }
    if !headers.contains_key(header::USER_AGENT) {
        return Err((
            StatusCode::FORBIDDEN,
            "Request forbidden by administrative rules. Please make sure your request has a User-Agent header.",
        )
            .into_response());
    }
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("token "))
        })
        .unwrap_or_default();
    if !inner.lock().unwrap().live_tokens.contains(token) {
        return Err((
            StatusCode::UNAUTHORIZED,
            Json(json!({ "message": "Bad credentials", "status": "401" })),
        )
            .into_response());
    }
    Ok(())
}

async fn user(State(inner): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(res) = api_gate(&inner, &headers).await {
        return res;
    }
    let p = inner.lock().unwrap().profile.clone();
    Json(json!({
        "login": p.login,
        "id": p.id,
        "node_id": "MDQ6VXNlcjQyNDI=",
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{}?v=4", p.id),
        "html_url": format!("https://github.com/{}", p.login),
        "type": "User",
        "site_admin": false,
        "name": p.name,
        "company": null,
        "blog": "",
        "location": null,
        "email": null,
        "bio": null,
        "public_repos": 3,
        "followers": 1,
        "following": 0,
        "created_at": "2020-01-02T03:04:05Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }))
    .into_response()
}

async fn user_emails(State(inner): State<Shared>, headers: HeaderMap) -> Response {
    if let Err(res) = api_gate(&inner, &headers).await {
        return res;
    }
    let emails: Vec<Value> = inner
        .lock()
        .unwrap()
        .emails
        .iter()
        .map(|e| {
            json!({
                "email": e.email,
                "primary": e.primary,
                "verified": e.verified,
                "visibility": if e.primary { Value::from("private") } else { Value::Null },
            })
        })
        .collect();
    Json(emails).into_response()
}
