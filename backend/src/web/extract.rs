//! Who is asking: `Viewer` (anyone, maybe signed in) and `CurrentUser` (signed in, or sent to sign in).

use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::USER_ID_KEY;
use crate::error::AppError;
use crate::services::users::{self, UserWithRoles};

/// The person behind the request, if signed in. Costs no query when the request carries no session cookie.
#[derive(Debug, Clone)]
pub struct Viewer(pub Option<UserWithRoles>);

/// A signed-in person; anonymous requests are redirected to the sign-in page and come back afterwards.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub UserWithRoles);

impl<S> FromRequestParts<S> for Viewer
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(v) = parts.extensions.get::<Viewer>() {
            return Ok(v.clone());
        }
        let state = AppState::from_ref(state);
        let session = Session::from_request_parts(parts, &state)
            .await
            .map_err(|(_, msg)| {
                AppError::internal(anyhow::anyhow!("session layer missing: {msg}"))
            })?;
        let user_id: Option<i32> = session.get(USER_ID_KEY).await.map_err(AppError::internal)?;
        let user = match user_id {
            Some(id) => users::find(&state.db, id).await?,
            None => None,
        };
        let viewer = Viewer(user);
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

impl<S> FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Viewer::from_request_parts(parts, state).await?.0 {
            Some(user) => Ok(CurrentUser(user)),
            None => {
                let uri = parts
                    .extensions
                    .get::<OriginalUri>()
                    .map(|u| &u.0)
                    .unwrap_or(&parts.uri);
                let next = uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
                    .to_string();
                Err(AppError::SignInRequired { next })
            }
        }
    }
}

/// Refuse (403) unless the person holds `role`.
pub fn require(user: &UserWithRoles, role: crate::db::user_roles::Role) -> Result<(), AppError> {
    if user.has(role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
