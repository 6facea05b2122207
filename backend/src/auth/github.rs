//! The GitHub OAuth app: the authorize URL (PKCE S256 and a random state), the code exchange, and the profile
//! and email addresses of the person signing in. Every URL comes from the configuration, so tests talk to a fake
//! GitHub on loopback.
//!
//! The access token never leaves [`GithubClient::identity`]: Onramp needs GitHub once per sign-in and nothing
//! afterwards, so there is no token to leak, refresh or revoke.

use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, HttpClientError, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl,
    RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use reqwest::header::ACCEPT;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::Config;

/// The public profile, and every email address (private ones too) so that a verified one can be found.
const SCOPES: [&str; 2] = ["read:user", "user:email"];

/// GitHub's REST API answers without this, but warns that the default version may change under us.
const API_VERSION: &str = "2022-11-28";

type OAuthClient =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Talks to GitHub (or whatever the configuration points at) for one sign-in. Cheap enough to build per request.
pub struct GithubClient {
    oauth: OAuthClient,
    http: reqwest::Client,
    api_url: Url,
}

/// Where to send the person, and what the callback must be checked against.
#[derive(Debug)]
pub struct Authorization {
    pub url: Url,
    /// Comes back unchanged on the callback; anything else is a forged or stale answer.
    pub state: String,
    /// GitHub only saw its SHA-256, so an intercepted code is worthless without this.
    pub pkce_verifier: String,
}

/// GET /user, the parts Onramp keeps.
#[derive(Debug, Clone, Deserialize)]
pub struct GithubUser {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

/// One entry of GET /user/emails.
#[derive(Debug, Clone, Deserialize)]
pub struct GithubEmail {
    pub email: String,
    pub primary: bool,
    pub verified: bool,
}

/// Who signed in, as GitHub tells it.
#[derive(Debug, Clone)]
pub struct GithubIdentity {
    pub user: GithubUser,
    pub emails: Vec<GithubEmail>,
}

/// Why a sign-in went wrong on GitHub's side. Messages are for the log: they never carry the code, the
/// verifier or a token.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    #[error("GitHub did not answer in time")]
    Timeout,
    #[error("GitHub could not be reached: {0}")]
    Unreachable(String),
    /// The code was expired, already used, or the PKCE verifier did not match: starting again fixes it.
    #[error("GitHub refused the authorization code: {0}")]
    CodeRejected(String),
    /// GitHub will not hand out a token until the account has a verified email address.
    #[error("the GitHub account has no verified email address")]
    NoVerifiedEmail,
    /// Onramp's own request is wrong (client credentials, redirect URI): retrying cannot help the person.
    #[error("GitHub refused Onramp's OAuth app: {0}")]
    Misconfigured(String),
    #[error("GitHub's API answered {status} to {endpoint}")]
    Api { endpoint: &'static str, status: u16 },
    #[error("GitHub sent something Onramp could not read: {0}")]
    Malformed(String),
}

impl GithubClient {
    /// The client for the configured OAuth app; `None` in demo mode.
    pub fn from_config(config: &Config) -> anyhow::Result<Option<GithubClient>> {
        let (Some(id), Some(secret)) = (&config.github_client_id, &config.github_client_secret)
        else {
            return Ok(None);
        };
        let base = config.base_url();
        let redirect = format!(
            "{}/auth/github/callback",
            base.as_str().trim_end_matches('/')
        );
        let oauth = BasicClient::new(ClientId::new(id.clone()))
            .set_client_secret(ClientSecret::new(secret.expose().to_string()))
            .set_auth_uri(AuthUrl::from_url(config.github_authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(config.github_token_url.clone()))
            .set_redirect_uri(RedirectUrl::new(redirect)?)
            // GitHub documents client_id and client_secret as form fields of the token request.
            .set_auth_type(AuthType::RequestBody);
        let http = reqwest::Client::builder()
            // Following a redirect from the token endpoint would resend the code elsewhere (oauth2's advice).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(config.github_timeout_secs))
            // GitHub's API refuses requests without a User-Agent.
            .user_agent(concat!("onramp/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Some(GithubClient {
            oauth,
            http,
            api_url: config.github_api_url.clone(),
        }))
    }

    /// A fresh authorize URL with its own state and PKCE pair.
    pub fn authorize(&self) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .oauth
            .authorize_url(CsrfToken::new_random)
            .add_scopes(SCOPES.map(|s| Scope::new(s.to_string())))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url,
            state: state.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        }
    }

    /// Exchange the callback's code for a token, read the profile and emails with it, and drop it.
    pub async fn identity(
        &self,
        code: String,
        pkce_verifier: String,
    ) -> Result<GithubIdentity, GithubError> {
        let token = self
            .oauth
            .exchange_code(AuthorizationCode::new(code))
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let token = token.access_token().secret();
        let user = self.api_get("user", token).await?;
        let emails = self.api_get("user/emails", token).await?;
        Ok(GithubIdentity { user, emails })
    }

    async fn api_get<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        token: &str,
    ) -> Result<T, GithubError> {
        let url = format!("{}/{endpoint}", self.api_url.as_str().trim_end_matches('/'));
        let res = self
            .http
            .get(url)
            .bearer_auth(token)
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .send()
            .await
            .map_err(transport_error)?;
        let status = res.status();
        if !status.is_success() {
            return Err(GithubError::Api {
                endpoint,
                status: status.as_u16(),
            });
        }
        res.json().await.map_err(|e| {
            if e.is_timeout() {
                GithubError::Timeout
            } else {
                GithubError::Malformed(format!("{endpoint}: {e}"))
            }
        })
    }
}

fn transport_error(err: reqwest::Error) -> GithubError {
    if err.is_timeout() {
        GithubError::Timeout
    } else {
        GithubError::Unreachable(err.to_string())
    }
}

fn token_error(
    err: RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
) -> GithubError {
    match err {
        RequestTokenError::ServerResponse(e) => refusal(e.error().as_ref(), e.error_description()),
        // GitHub answers a refused exchange with 200 and an error object, which oauth2 then fails to read as a
        // token: read it as the error it is.
        RequestTokenError::Parse(parse_err, body) => {
            match serde_json::from_slice::<BasicErrorResponse>(&body) {
                Ok(e) => refusal(e.error().as_ref(), e.error_description()),
                // Only the path: serde's message may quote the body, and the body may hold a token.
                Err(_) => GithubError::Malformed(format!(
                    "token response unreadable at {}",
                    parse_err.path()
                )),
            }
        }
        RequestTokenError::Request(HttpClientError::Reqwest(e)) => transport_error(*e),
        RequestTokenError::Request(e) => GithubError::Unreachable(e.to_string()),
        RequestTokenError::Other(msg) => GithubError::Unreachable(msg),
    }
}

/// GitHub's token errors: https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
fn refusal(code: &str, description: Option<&String>) -> GithubError {
    let detail = match description {
        Some(d) => format!("{code} ({d})"),
        None => code.to_string(),
    };
    match code {
        "bad_verification_code" | "invalid_grant" => GithubError::CodeRejected(detail),
        "unverified_user_email" => GithubError::NoVerifiedEmail,
        // Everything else GitHub refuses is about Onramp's request, not the person's answer.
        _ => GithubError::Misconfigured(detail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> GithubClient {
        let mut config = Config::defaults();
        config.github_client_id = Some("the-id".into());
        config.github_client_secret = Some("the-secret".into());
        config.base_url = Some("https://onramp.example/".parse().unwrap());
        GithubClient::from_config(&config).unwrap().unwrap()
    }

    #[test]
    fn demo_mode_has_no_client() {
        assert!(
            GithubClient::from_config(&Config::defaults())
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn the_authorize_url_carries_state_scopes_redirect_and_an_s256_challenge() {
        let auth = client().authorize();
        let q: std::collections::HashMap<_, _> = auth.url.query_pairs().into_owned().collect();
        assert_eq!(auth.url.host_str(), Some("github.com"));
        assert_eq!(q["client_id"], "the-id");
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["state"], auth.state);
        assert_eq!(q["scope"], "read:user user:email");
        assert_eq!(
            q["redirect_uri"],
            "https://onramp.example/auth/github/callback"
        );
        assert_eq!(q["code_challenge_method"], "S256");
        let expected = PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(
            auth.pkce_verifier.clone(),
        ));
        assert_eq!(&q["code_challenge"], expected.as_str());
        assert!(!q.contains_key("client_secret"));
        let again = client().authorize();
        assert_ne!(again.state, auth.state);
        assert_ne!(again.pkce_verifier, auth.pkce_verifier);
    }

    #[test]
    fn github_refusals_are_told_apart() {
        let parse = |body: &str| {
            let json: Result<oauth2::basic::BasicTokenResponse, _> =
                serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(body));
            token_error(RequestTokenError::Parse(
                json.unwrap_err(),
                body.as_bytes().to_vec(),
            ))
        };
        assert!(matches!(
            parse(r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#),
            GithubError::CodeRejected(d) if d.contains("incorrect or expired")
        ));
        assert!(matches!(
            parse(r#"{"error":"unverified_user_email"}"#),
            GithubError::NoVerifiedEmail
        ));
        assert!(matches!(
            parse(r#"{"error":"incorrect_client_credentials"}"#),
            GithubError::Misconfigured(_)
        ));
        let unreadable = parse(r#"{"access_token":"gho_secret","token_type":17}"#);
        assert!(matches!(&unreadable, GithubError::Malformed(_)));
        assert!(!unreadable.to_string().contains("gho_secret"));
    }
}
