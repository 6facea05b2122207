//! The one application error type. A handler returns `AppError`; its response carries an [`ErrorPage`]
//! extension that the error-page middleware (in `web::errors`) renders in the site's style with the request id.
//! Internal detail goes to the log, never to the page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Signed in, but this is not theirs to see or do.
    #[error("forbidden")]
    Forbidden,
    /// The page needs a signed-in user; they are sent to sign in.
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A state-changing request from another site (or with no sign of where it came from).
    #[error("cross-site request refused")]
    CrossSite,
    /// The request itself is wrong; the message is shown to the user as it is.
    #[error("{0}")]
    BadRequest(String),
    /// The request lost a race or contradicts the current state; the message is shown to the user.
    #[error("{0}")]
    Conflict(String),
    /// Someone else was first to the one thing there was; the message says what to do instead.
    #[error("{0}")]
    Taken(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(err.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CrossSite => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) | AppError::Taken(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::Internal(err.into())
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(err: sea_orm::TransactionError<AppError>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            sea_orm::TransactionError::Transaction(e) => e,
        }
    }
}

impl From<crate::services::ServiceError> for AppError {
    fn from(err: crate::services::ServiceError) -> Self {
        use crate::services::ServiceError;
        match err {
            ServiceError::NotFound => AppError::NotFound,
            ServiceError::Conflict(msg) => AppError::Conflict(msg),
            ServiceError::Taken(msg) => AppError::Taken(msg),
            ServiceError::Invalid(msg) => AppError::BadRequest(msg),
            ServiceError::Internal(e) => AppError::Internal(e),
        }
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Internal(anyhow::Error::new(err).context("rendering a template"))
    }
}

/// What the error-page middleware needs to render a page: the status, and a message safe to show.
#[derive(Debug, Clone)]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    /// Set for internal errors: the detail that goes to the log alongside the request id.
    pub log_detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let page = match &self {
            AppError::SignInRequired { next } => {
                let location = format!("/signin?next={}", urlencode(next));
                return (status, [(axum::http::header::LOCATION, location)]).into_response();
            }
            AppError::NotFound => ErrorPage {
                title: "Page not found",
                message: "There is nothing at this address. It may have moved, or the link may be mistyped."
                    .into(),
                log_detail: None,
            },
            AppError::Forbidden => ErrorPage {
                title: "Not allowed",
                message: "Your account cannot see or change this.".into(),
                log_detail: None,
            },
            AppError::CrossSite => ErrorPage {
                title: "Request refused",
                message: "This form was sent from another site, so it was not accepted. Open the page on this site and \
                          try again."
                    .into(),
                log_detail: None,
            },
            AppError::BadRequest(msg) => {
                ErrorPage { title: "That did not work", message: msg.clone(), log_detail: None }
            }
            AppError::Conflict(msg) => {
                ErrorPage { title: "That changed meanwhile", message: msg.clone(), log_detail: None }
            }
            AppError::Taken(msg) => {
                ErrorPage { title: "Already taken", message: msg.clone(), log_detail: None }
            }
            AppError::Internal(err) => ErrorPage {
                title: "Something went wrong on our side",
                message: "The error has been logged. Please try again in a moment.".into(),
                log_detail: Some(format!("{err:#}")),
            },
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(page);
        res
    }
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub type AppResult<T> = Result<T, AppError>;
