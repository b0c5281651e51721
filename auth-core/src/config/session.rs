//! The session and JWT options of [`AuthConfig`]: setters, and the strategy in force.

use std::{sync::Arc, time::Duration};

use super::{AuthConfig, SessionStrategy};
use crate::{adapter::Adapter, providers::Provider};

impl AuthConfig {
    /// The session strategy in force: the configured one; else the database with an adapter,
    /// unless a credentials provider signs in with JWTs (one that did not opt into
    /// [`database_sessions`](crate::providers::CredentialsProvider::database_sessions)): its
    /// sign-ins would give sessions the database never finds, so the default stays JWT
    /// (`build()` logs why at info level); else JWT.
    pub fn effective_session_strategy(&self) -> SessionStrategy {
        match self.session.strategy {
            Some(strategy) => strategy,
            None if self.adapter.is_some() && self.jwt_credentials().is_none() => {
                SessionStrategy::Database
            }
            None => SessionStrategy::Jwt,
        }
    }

    /// The first credentials provider that signs in with JWTs whatever the strategy.
    pub(crate) fn jwt_credentials(&self) -> Option<&str> {
        self.providers.iter().find_map(|p| match p {
            Provider::Credentials(c) if !c.uses_database_sessions() => Some(c.provider_id()),
            _ => None,
        })
    }

    /// The store of database sessions: the adapter under the database strategy, else `None`.
    pub(crate) fn session_store(&self) -> Option<Arc<dyn Adapter>> {
        match self.effective_session_strategy() {
            SessionStrategy::Database => self.adapter.clone(),
            SessionStrategy::Jwt => None,
        }
    }

    /// How sessions are kept (Auth.js's `session.strategy`). Unset, see
    /// [`effective_session_strategy`](Self::effective_session_strategy).
    #[must_use]
    pub fn session_strategy(mut self, strategy: SessionStrategy) -> Self {
        self.session.strategy = Some(strategy);
        self
    }

    /// How long an idle session lives (Auth.js's `session.maxAge`, default 30 days): the session
    /// cookie's `Max-Age` and a database row's expiry. Written in whole seconds; `build()`
    /// refuses less than one second.
    #[must_use]
    pub fn session_max_age(mut self, max_age: Duration) -> Self {
        self.session.max_age = max_age;
        self
    }

    /// How often a database session's expiry is pushed back (Auth.js's `session.updateAge`,
    /// default 1 day); zero extends it on every read.
    #[must_use]
    pub fn session_update_age(mut self, update_age: Duration) -> Self {
        self.session.update_age = update_age;
        self
    }

    /// Makes the token of each new database session (Auth.js's
    /// `session.generateSessionToken`; default a random UUID). The token is the session row's
    /// key and the cookie's value, so it must be unique and unguessable; an empty one is
    /// replaced by a random UUID (logged). JWT sessions do not use it.
    ///
    /// ```
    /// use auth_core::AuthConfig;
    ///
    /// let config = AuthConfig::new().generate_session_token(|| format!("sess_{}", uuid()));
    /// # fn uuid() -> String { "0".repeat(32) }
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn generate_session_token(
        mut self,
        generate: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.session.generate_session_token = Some(Arc::new(generate));
        self
    }

    /// The lifetime of a session JWT's `exp` (Auth.js's `jwt.maxAge`, default the session's
    /// [`session_max_age`](Self::session_max_age)).
    #[must_use]
    pub fn jwt_max_age(mut self, max_age: Duration) -> Self {
        self.jwt.max_age = Some(max_age);
        self
    }

    /// How many session tokens the built-in JWE codec remembers (default 1024; each holds one
    /// token and its claims, about a kilobyte for a typical session; `0` turns this off).
    ///
    /// The JWT strategy re-issues the session cookie on every read, and the browser presents
    /// exactly that token next time. A token this `Auth` issued or already decrypted, equal
    /// byte for byte (compared in constant time), is read from memory: only its time checks
    /// run again, not the integrity check, decryption and parsing. Nothing changes on the
    /// wire; a server that never saw a token (another instance, Auth.js) decrypts it as usual.
    #[must_use]
    pub fn jwt_cache_slots(mut self, slots: usize) -> Self {
        self.jwt.cache_slots = Some(slots);
        self
    }

    /// Re-issues a JWT session on a read only once its token is `update_age` old (default
    /// zero: on every read, as Auth.js does). A deviation from Auth.js, off by default: it is
    /// `session.updateAge` applied to JWTs, as next-auth's open pull request #13424 proposes.
    ///
    /// A `GET /auth/session` (or [`Auth::keep_alive`](crate::Auth::keep_alive)) whose token has
    /// a numeric `iat` less than `update_age` ago, and whose `jwt` callback returned the token
    /// it was given unchanged, answers without `Set-Cookie`: the browser keeps its cookie, and
    /// the session's `expires` is that cookie's (`iat` plus
    /// [`session_max_age`](Self::session_max_age)), not a new one. The `session` callback and
    /// event run as on every read. Any other read re-issues as usual: an older token, one
    /// without a numeric `iat` or whose `exp` comes before its next re-issue, a token the
    /// callback changed or replaced, and every update (`POST /auth/session`).
    ///
    /// This saves the encryption and the cookie of most reads (about half the work of a read).
    /// A session still slides while it is used: it expires `session_max_age` after the last
    /// re-issue, which an active user gets at least every `update_age`. `build()` refuses an
    /// `update_age` that is not shorter than `session_max_age` and
    /// [`jwt_max_age`](Self::jwt_max_age):
    /// [`ConfigError::JwtUpdateAgeTooLong`](crate::ConfigError::JwtUpdateAgeTooLong).
    ///
    /// ```
    /// use std::time::Duration;
    /// use auth_core::AuthConfig;
    ///
    /// // Sessions of 30 days that slide at most once an hour.
    /// let config = AuthConfig::new().jwt_update_age(Duration::from_secs(3600));
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn jwt_update_age(mut self, update_age: Duration) -> Self {
        self.jwt.update_age = update_age;
        self
    }

    /// Replaces the built-in JWE encoding of the session token (Auth.js's `jwt.encode` and
    /// `jwt.decode`).
    #[must_use]
    pub fn jwt_codec(mut self, codec: impl crate::jwt::JwtCodec) -> Self {
        self.jwt.codec = Some(Arc::new(codec));
        self
    }
}
