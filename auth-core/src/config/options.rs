//! The option groups of [`AuthConfig`](super::AuthConfig): sessions, JWTs, pages, limits.

use std::{fmt, sync::Arc};

use crate::jwt::{DEFAULT_MAX_AGE, JwtCodec};

/// One day, Auth.js's default database-session write throttle.
pub const DEFAULT_UPDATE_AGE: i64 = 24 * 60 * 60;
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

/// Session options (Auth.js's `session`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// The strategy; `None` picks Auth.js's default (database with an adapter, else JWT).
    pub strategy: Option<SessionStrategy>,
    /// Session lifetime in seconds (default 30 days).
    pub max_age: i64,
    /// How often a database session is extended, in seconds (default 1 day).
    pub update_age: i64,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            strategy: None,
            max_age: DEFAULT_MAX_AGE,
            update_age: DEFAULT_UPDATE_AGE,
        }
    }
}

/// JWT options (Auth.js's `jwt`).
#[derive(Clone, Default)]
pub struct JwtOptions {
    /// Lifetime of the token's `exp`, in seconds (default: the session's `max_age`).
    pub max_age: Option<i64>,
    /// A replacement for the built-in JWE encoding of the session token.
    pub codec: Option<Arc<dyn JwtCodec>>,
}

impl fmt::Debug for JwtOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtOptions")
            .field("max_age", &self.max_age)
            .field("codec", &self.codec.as_ref().map(|_| "custom"))
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
