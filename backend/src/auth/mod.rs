//! Who is signed in: the database-backed session store and the session keys the web layer uses.

pub mod github;
pub mod session_store;

/// The session key that holds the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
