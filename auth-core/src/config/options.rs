//! The option groups of [`AuthConfig`](super::AuthConfig): sessions, JWTs, pages, limits.

use std::{fmt, sync::Arc, time::Duration};

use crate::jwt::{DEFAULT_MAX_AGE, JwtCodec};

/// One day, Auth.js's default database-session write throttle.
pub const DEFAULT_UPDATE_AGE: Duration = Duration::from_secs(24 * 60 * 60);
/// The default cap on request bodies. Auth.js posts are small forms or JSON.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// How sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStrategy {
    /// An encrypted JWT in a cookie (the default without an adapter).
    Jwt,
    /// A session row in a database, its id in the cookie (needs an adapter).
    Database,
}

/// Session options (Auth.js's `session`), set through
/// [`AuthConfig::session_strategy`](super::AuthConfig::session_strategy) and its neighbours.
#[derive(Clone)]
pub(crate) struct SessionOptions {
    /// The strategy; `None` picks the default (see `AuthConfig::effective_session_strategy`).
    pub(crate) strategy: Option<SessionStrategy>,
    /// Session lifetime (default 30 days), in whole seconds on the wire.
    pub(crate) max_age: Duration,
    /// How often a database session is extended (default 1 day).
    pub(crate) update_age: Duration,
    /// Makes the token of a new database session (default a random UUID).
    pub(crate) generate_session_token: Option<SessionTokenFn>,
}

/// Auth.js's `session.generateSessionToken`.
pub(crate) type SessionTokenFn = Arc<dyn Fn() -> String + Send + Sync>;

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field("strategy", &self.strategy)
            .field("max_age", &self.max_age)
            .field("update_age", &self.update_age)
            .field(
                "generate_session_token",
                &self.generate_session_token.as_ref().map(|_| "custom"),
            )
            .finish()
    }
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            strategy: None,
            max_age: DEFAULT_MAX_AGE,
            update_age: DEFAULT_UPDATE_AGE,
            generate_session_token: None,
        }
    }
}

/// JWT options (Auth.js's `jwt`), set through
/// [`AuthConfig::jwt_max_age`](super::AuthConfig::jwt_max_age),
/// [`AuthConfig::jwt_codec`](super::AuthConfig::jwt_codec) and
/// [`AuthConfig::jwt_cache_slots`](super::AuthConfig::jwt_cache_slots).
#[derive(Clone, Default)]
pub(crate) struct JwtOptions {
    /// Lifetime of the token's `exp` (default: the session's `max_age`).
    pub(crate) max_age: Option<Duration>,
    /// A replacement for the built-in JWE encoding of the session token.
    pub(crate) codec: Option<Arc<dyn JwtCodec>>,
    /// Slots of the cache of known session tokens (default 1024; 0 turns it off).
    pub(crate) cache_slots: Option<usize>,
    /// How old a session token must be before a read re-issues it (default zero: every read,
    /// as Auth.js).
    pub(crate) update_age: Duration,
}

impl fmt::Debug for JwtOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtOptions")
            .field("max_age", &self.max_age)
            .field("codec", &self.codec.as_ref().map(|_| "custom"))
            .field("cache_slots", &self.cache_slots)
            .field("update_age", &self.update_age)
            .finish()
    }
}

/// Custom pages (Auth.js's `pages`): paths (or URLs) of your own pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pages {
    /// Replaces the built-in sign-in page.
    pub sign_in: Option<String>,
    /// Replaces the built-in sign-out page.
    pub sign_out: Option<String>,
    /// Replaces the built-in error page.
    pub error: Option<String>,
    /// Replaces the built-in "check your email" page.
    pub verify_request: Option<String>,
    /// Where new users go after their first sign-in.
    pub new_user: Option<String>,
}
