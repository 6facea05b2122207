//! Sign-in with GitHub. `/auth/github` sends the visitor to GitHub with a fresh state and PKCE challenge, kept
//! with their `next` in the server-side session; `/auth/github/callback` checks what comes back, lets
//! `services::signin` turn the code into a person, and starts a signed-in session under a new id.
//!
//! Every way this can fail ends on a page that says what happened and what to do, and nothing is saved unless
//! everything worked. In demo mode both routes are 404.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::github::{GithubClient, GithubError};
use crate::services::signin::{self, SignInError};
use crate::web::auth::start_session;
use crate::web::error::{AppError, AppResult, ErrorPage};
use crate::web::page::safe_next;

/// The session key of a sign-in that went to GitHub and has not come back yet.
const PENDING_KEY: &str = "github_signin";

/// GitHub's codes expire after ten minutes, so an older pending sign-in cannot succeed.
const PENDING_TTL_SECS: i64 = 10 * 60;

const START_AGAIN: &str = "Please start again from the sign-in page.";

/// What the callback must be checked against; good for one callback.
#[derive(Debug, Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
    pkce_verifier: String,
    next: String,
    started_at: i64,
}

#[derive(Debug, Deserialize)]
pub struct StartParams {
    next: Option<String>,
}

/// GET /auth/github?next=...: off to GitHub's consent page.
pub async fn start(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<StartParams>,
) -> AppResult<Response> {
    let github = client(&state)?;
    let auth = github.authorize();
    let pending = PendingSignIn {
        state: auth.state,
        pkce_verifier: auth.pkce_verifier,
        next: safe_next(params.next.as_deref(), "/dashboard").to_string(),
        started_at: Utc::now().timestamp(),
    };
    session
        .insert(PENDING_KEY, pending)
        .await
        .map_err(AppError::internal)?;
    Ok(Redirect::to(auth.url.as_str()).into_response())
}

/// What GitHub appends to the redirect URI: `code` and `state`, or `error` when the person said no.
#[derive(Debug, Deserialize)]
pub struct CallbackParams {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// GET /auth/github/callback: GitHub's answer.
pub async fn callback(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<CallbackParams>,
) -> Result<Response, Failure> {
    let github = client(&state)?;
    let pending = take_pending(&session).await?;
    if let Some(error) = params.error {
        return Err(if error == "access_denied" {
            Failure::Denied
        } else {
            Failure::NotAuthorized
        });
    }
    let pending = pending.ok_or(Failure::NoPending)?;
    if Utc::now().timestamp() - pending.started_at > PENDING_TTL_SECS {
        return Err(Failure::Expired);
    }
    if !params
        .state
        .is_some_and(|s| same_secret(&s, &pending.state))
    {
        return Err(Failure::StateMismatch);
    }
    let code = params
        .code
        .filter(|c| !c.is_empty())
        .ok_or(Failure::NoCode)?;
    let signed_in = signin::with_github(
        &state.db,
        &github,
        code,
        pending.pkce_verifier,
        &state.config,
        Utc::now(),
    )
    .await?;
    if signed_in.created {
        tracing::info!(user = signed_in.user_id, "new account from GitHub");
    }
    if signed_in.granted_organizer {
        tracing::info!(
            user = signed_in.user_id,
            "organizer role granted from the configuration"
        );
    }
    start_session(&session, signed_in.user_id).await?;
    Ok(Redirect::to(safe_next(Some(&pending.next), "/dashboard")).into_response())
}

fn client(state: &AppState) -> AppResult<GithubClient> {
    GithubClient::from_config(&state.config)
        .map_err(AppError::internal)?
        .ok_or(AppError::NotFound)
}

/// Remove the pending sign-in: it is good for one callback, whatever happens next. The session layer does not
/// save after a server error (GitHub down, a timeout), so the removal is written here and now.
async fn take_pending(session: &Session) -> AppResult<Option<PendingSignIn>> {
    let pending = session
        .remove::<PendingSignIn>(PENDING_KEY)
        .await
        .map_err(AppError::internal)?;
    if pending.is_some() {
        let saved = if session.is_empty().await {
            session.flush().await
        } else {
            session.save().await
        };
        saved.map_err(AppError::internal)?;
    }
    Ok(pending)
}

/// Compare without an early exit, so response timing says nothing about how much of a guess was right.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Every way a GitHub sign-in can fail, each with its own page.
#[derive(Debug)]
pub enum Failure {
    /// The person clicked "Cancel" on GitHub's consent page.
    Denied,
    /// GitHub sent another error instead of a code.
    NotAuthorized,
    /// No sign-in is pending in this browser: never started here, or its state was already used.
    NoPending,
    Expired,
    /// The state does not match the one this browser was given: forged, or from another attempt.
    StateMismatch,
    NoCode,
    Github(GithubError),
    App(AppError),
}

impl From<AppError> for Failure {
    fn from(err: AppError) -> Self {
        Failure::App(err)
    }
}

impl From<SignInError> for Failure {
    fn from(err: SignInError) -> Self {
        match err {
            SignInError::Github(e) => Failure::Github(e),
            SignInError::Db(e) => Failure::App(e.into()),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        use GithubError as G;
        let detail = match &self {
            Failure::Github(err) => Some(err.to_string()),
            _ => None,
        };
        let (status, title, message) = match self {
            Failure::App(err) => return err.into_response(),
            // The person cannot fix Onramp's OAuth app: a 500 with a request id, and the detail in the log.
            Failure::Github(err @ G::Misconfigured(_)) => {
                return AppError::internal(err).into_response();
            }
            Failure::Denied => (
                StatusCode::FORBIDDEN,
                "Sign-in cancelled",
                "You did not allow Onramp to read your GitHub profile, so you are not signed in. To sign in, go to \
                 the sign-in page and choose \"Authorize\" on GitHub."
                    .to_string(),
            ),
            Failure::NotAuthorized => (
                StatusCode::BAD_REQUEST,
                "GitHub did not sign you in",
                format!("GitHub answered with an error instead of signing you in. {START_AGAIN}"),
            ),
            Failure::NoPending => (
                StatusCode::BAD_REQUEST,
                "This sign-in link is no longer valid",
                format!(
                    "This answer from GitHub was already used, or the sign-in was not started in this browser. \
                     {START_AGAIN}"
                ),
            ),
            Failure::Expired => (
                StatusCode::BAD_REQUEST,
                "This sign-in took too long",
                format!("More than ten minutes passed since you left for GitHub. {START_AGAIN}"),
            ),
            Failure::StateMismatch => (
                StatusCode::BAD_REQUEST,
                "This sign-in link is not yours",
                format!(
                    "This answer from GitHub does not belong to the sign-in started in this browser, so it was \
                     refused to keep your account safe. {START_AGAIN}"
                ),
            ),
            Failure::NoCode => (
                StatusCode::BAD_REQUEST,
                "GitHub did not sign you in",
                format!("The answer from GitHub carried no sign-in code. {START_AGAIN}"),
            ),
            Failure::Github(G::CodeRejected(why)) => {
                tracing::warn!(%why, "GitHub refused a sign-in code");
                (
                    StatusCode::BAD_REQUEST,
                    "GitHub did not accept this sign-in",
                    format!(
                        "GitHub refused the sign-in code: it may have expired or been used already. Nothing was \
                         saved. {START_AGAIN}"
                    ),
                )
            }
            Failure::Github(G::NoVerifiedEmail) => (
                StatusCode::FORBIDDEN,
                "A verified email address is needed",
                "Your GitHub account has no verified email address, and Onramp needs one to keep you posted \
                 about your mentorship. Verify an address in your GitHub settings (Settings, then Emails), then \
                 sign in again. Nothing was saved."
                    .to_string(),
            ),
            Failure::Github(G::Timeout) => (
                StatusCode::GATEWAY_TIMEOUT,
                "GitHub is taking too long",
                "GitHub did not answer in time, so you are not signed in and nothing was saved. Please try again \
                 in a few minutes."
                    .to_string(),
            ),
            Failure::Github(G::Unreachable(_) | G::Api { .. } | G::Malformed(_)) => (
                StatusCode::BAD_GATEWAY,
                "GitHub could not be reached",
                "Onramp could not get your profile from GitHub, so you are not signed in and nothing was saved. \
                 Please try again in a few minutes."
                    .to_string(),
            ),
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(ErrorPage {
            title,
            message,
            // GitHub failing is ours to watch: the error-page middleware logs it with the request id.
            log_detail: detail.filter(|_| status.is_server_error()),
        });
        res
    }
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }
}
