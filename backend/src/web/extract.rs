//! Who is asking: `Viewer` (anyone, maybe signed in), `CurrentUser` (signed in, or sent to sign in), and
//! `Organizer`, `Mentor`, `Newcomer` (signed in with that role, or refused).

use axum::extract::{FromRef, FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::USER_ID_KEY;
use crate::domain::roles::Role;
use crate::services::users::{self, UserWithRoles};
use crate::web::error::AppError;

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
        if let Some(user) = &user {
            mark_seen(&state, &session, user.id).await?;
        }
        let viewer = Viewer(user);
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// Sessions expire after a stretch of inactivity, but tower-sessions only writes a session when it changes.
/// Changing it once a day pushes its expiry forward (and records when the person was last seen) without a
/// database write on every request.
async fn mark_seen(state: &AppState, session: &Session, user_id: i32) -> Result<(), AppError> {
    const SEEN_DAY_KEY: &str = "seen_day";
    let now = chrono::Utc::now();
    let today = now.timestamp().div_euclid(86_400);
    let seen: Option<i64> = session
        .get(SEEN_DAY_KEY)
        .await
        .map_err(AppError::internal)?;
    if seen != Some(today) {
        session
            .insert(SEEN_DAY_KEY, today)
            .await
            .map_err(AppError::internal)?;
        users::touch_last_seen(&state.db, user_id, now).await?;
    }
    Ok(())
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

/// Declares an extractor for a signed-in person who holds a role: anonymous requests are sent to sign in (as with
/// [`CurrentUser`]), and anyone signed in without the role is refused (403).
macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident => $role:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub UserWithRoles);

        impl<S> FromRequestParts<S> for $name
        where
            S: Send + Sync,
            AppState: FromRef<S>,
        {
            type Rejection = AppError;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
                if user.has($role) {
                    Ok($name(user))
                } else {
                    Err(AppError::Forbidden)
                }
            }
        }
    };
}

role_extractor!(
    /// A signed-in organizer.
    Organizer => Role::Organizer
);
role_extractor!(
    /// A signed-in mentor.
    Mentor => Role::Mentor
);
role_extractor!(
    /// A signed-in newcomer.
    Newcomer => Role::Newcomer
);
