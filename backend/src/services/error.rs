//! The one error a service returns. It says what went wrong in the service's terms; only `web` decides which
//! HTTP status and page that becomes (see `impl From<ServiceError> for AppError` in `crate::web::error`).

/// Why a use case did not happen. The messages of `Conflict` and `Invalid` are written for the person who asked
/// and are shown to them as they are; `Internal` detail only goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The thing asked for does not exist, or is not the caller's to see (the two are not told apart, so ids of
    /// other people's things reveal nothing).
    #[error("not found")]
    NotFound,
    /// The request lost a race or contradicts the current state.
    #[error("{0}")]
    Conflict(String),
    /// Someone else got the one thing there was (the task, the newcomer, the mentor's last place) first.
    #[error("{0}")]
    Taken(String),
    /// The input itself is wrong.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ServiceError {
    pub fn internal(err: impl Into<anyhow::Error>) -> Self {
        ServiceError::Internal(err.into())
    }
}

impl From<sea_orm::DbErr> for ServiceError {
    fn from(err: sea_orm::DbErr) -> Self {
        ServiceError::Internal(err.into())
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;
