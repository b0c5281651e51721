//! Sessions, with the strategy chosen once at build: [`Sessions`] reads, issues, refreshes and
//! ends the session of a request, whichever strategy is in force, so no action, callback file or
//! application API asks which one it is.
//!
//! - `jwt.rs`: an encrypted JWT in (chunked) cookies, through the `jwt` and `session` callbacks.
//! - `database.rs`: a session row behind an opaque cookie, extended after `update_age`.
//! - `codec.rs`: the session token of the JWT strategy (built-in JWE or a custom codec).
//! - `token_cache.rs`: the tokens the built-in codec issued or decoded, so a browser's next
//!   read skips the decryption.

mod codec;
mod database;
mod jwt;
mod token_cache;

use std::sync::Arc;

use serde_json::Value;

use crate::{
    Result,
    adapter::{Adapter, AdapterUser},
    callbacks::{Callbacks, Events},
    cookies::{CookieSpec, SessionCookies, SetCookie},
    jwt::JwtCodec,
    logger::Log,
    model::{Account, Session, Token, User},
    secret::SecretList,
};

use codec::TokenCodec;
use database::DatabaseSessions;
pub(crate) use token_cache::DEFAULT_SLOTS as TOKEN_CACHE_SLOTS;

/// How sessions are kept, decided at build.
enum Strategy {
    /// Encrypted JWTs in cookies.
    Jwt,
    /// Rows in the store, which this variant owns.
    Database(DatabaseSessions),
}

/// The sessions of one `Auth`.
pub(crate) struct Sessions {
    strategy: Strategy,
    /// JWT sessions' tokens; used by credentials sign-ins under either strategy.
    codec: TokenCodec,
    /// The session cookie on secure and on plain origins.
    cookie_secure: CookieSpec,
    cookie_plain: CookieSpec,
    /// `session.max_age` in milliseconds.
    max_age_ms: i64,
    /// How old a JWT must be before a read re-issues it, in seconds (0: always).
    jwt_update_age_secs: i64,
    callbacks: Arc<dyn Callbacks>,
    events: Arc<dyn Events>,
    log: Log,
}

/// What [`Sessions::new`] needs.
pub(crate) struct SessionSetup {
    /// `Some` for the database strategy.
    pub(crate) database: Option<Arc<dyn Adapter>>,
    pub(crate) secrets: SecretList,
    /// The session cookie on secure and on plain origins.
    pub(crate) cookies: [CookieSpec; 2],
    pub(crate) codec: Option<Arc<dyn JwtCodec>>,
    /// `jwt.max_age`, in seconds.
    pub(crate) jwt_max_age_secs: i64,
    /// Slots of the JWT strategy's known-token cache (0: off).
    pub(crate) token_cache_slots: usize,
    /// `session.max_age`, in seconds.
    pub(crate) max_age_secs: i64,
    /// `session.update_age`, in seconds.
    pub(crate) update_age_secs: i64,
    /// `jwt_update_age`, in seconds (0: every read re-issues).
    pub(crate) jwt_update_age_secs: i64,
    /// `session.generate_session_token`.
    pub(crate) generate_session_token: Option<Arc<dyn Fn() -> String + Send + Sync>>,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) events: Arc<dyn Events>,
    pub(crate) log: Log,
}

/// The session a request presents.
pub(crate) struct Presented<'a> {
    /// Whether the request is on secure cookies.
    pub(crate) secure: bool,
    /// The session cookie chunks of the request.
    pub(crate) cookies: &'a SessionCookies,
    pub(crate) now_ms: i64,
}

/// Why `GET`/`POST /session` reads the session.
#[derive(Clone, Copy)]
pub(crate) enum Refresh<'a> {
    /// A read: the expiry slides.
    Read,
    /// An update with the body's `data` (`trigger: "update"`).
    Update(Option<&'a Value>),
}

/// The answer of `GET`/`POST /session`: the session (`null` for none) and its cookies.
pub(crate) struct SessionAnswer {
    pub(crate) session: Option<Session>,
    pub(crate) cookies: Vec<SetCookie>,
}

impl SessionAnswer {
    fn none(cookies: Vec<SetCookie>) -> Self {
        Self {
            session: None,
            cookies,
        }
    }
}

/// How a sign-in's session is kept.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// By the strategy in force; the user is already stored (OAuth, email).
    ByStrategy,
    /// A credentials sign-in: always a JWT (Auth.js), unless the provider opted into database
    /// sessions, in which case the user is stored first when the strategy is the database.
    Credentials { database_sessions: bool },
}

/// A sign-in that went through: what the session is made from.
pub(crate) struct SignedIn<'a> {
    pub(crate) user: &'a User,
    pub(crate) account: &'a Account,
    pub(crate) profile: Option<&'a Value>,
    pub(crate) is_new_user: Option<bool>,
    pub(crate) keep: Keep,
}

impl Sessions {
    pub(crate) fn new(setup: SessionSetup) -> Self {
        let [cookie_secure, cookie_plain] = setup.cookies;
        let codec = TokenCodec::new(
            &setup.secrets,
            [&cookie_secure.name, &cookie_plain.name],
            setup.codec,
            setup.jwt_max_age_secs,
            setup.token_cache_slots,
        );
        let max_age_ms = setup.max_age_secs.saturating_mul(1000);
        let strategy = match setup.database {
            None => Strategy::Jwt,
            Some(adapter) => Strategy::Database(DatabaseSessions {
                adapter,
                max_age_ms,
                update_age_ms: setup.update_age_secs.saturating_mul(1000),
                generate_token: setup.generate_session_token,
            }),
        };
        Self {
            strategy,
            codec,
            cookie_secure,
            cookie_plain,
            max_age_ms,
            jwt_update_age_secs: setup.jwt_update_age_secs,
            callbacks: setup.callbacks,
            events: setup.events,
            log: setup.log,
        }
    }

    /// The session cookie of a secure or plain origin.
    pub(crate) fn cookie(&self, secure: bool) -> &CookieSpec {
        if secure {
            &self.cookie_secure
        } else {
            &self.cookie_plain
        }
    }

    fn expires_ms(&self, now_ms: i64) -> i64 {
        now_ms.saturating_add(self.max_age_ms)
    }

    /// `GET`/`POST /session`: never fails. No session → `null`; an unreadable or ended one →
    /// `null` with its cookies cleared; otherwise the session, its cookies re-issued (or the
    /// row extended) and the `session` event.
    pub(crate) async fn respond(
        &self,
        presented: &Presented<'_>,
        why: Refresh<'_>,
    ) -> SessionAnswer {
        if presented.cookies.token().is_empty() {
            return SessionAnswer::none(Vec::new());
        }
        match &self.strategy {
            Strategy::Jwt => self.respond_jwt(presented, why).await,
            Strategy::Database(db) => self.respond_database(db, presented, why).await,
        }
    }

    /// The session of a raw token, for the application (Auth.js's `auth()`): no cookies, no
    /// event, no extension. Fails closed.
    pub(crate) async fn peek(&self, secure: bool, raw: &str, now_ms: i64) -> Option<Session> {
        match &self.strategy {
            Strategy::Jwt => Some(self.peek_jwt(secure, raw, now_ms).await?.0),
            Strategy::Database(db) => self.peek_database(db, raw, now_ms).await,
        }
    }

    /// The decoded JWT of a raw token after the `jwt` callback; `None` under the database
    /// strategy.
    pub(crate) async fn token(&self, secure: bool, raw: &str, now_ms: i64) -> Option<Token> {
        match &self.strategy {
            Strategy::Jwt => Some(self.peek_jwt(secure, raw, now_ms).await?.1),
            Strategy::Database(_) => None,
        }
    }

    /// The cookies of a new session for a sign-in.
    pub(crate) async fn sign_in(
        &self,
        presented: &Presented<'_>,
        signed_in: &SignedIn<'_>,
    ) -> Result<Vec<SetCookie>> {
        match (&self.strategy, signed_in.keep) {
            (Strategy::Database(db), Keep::ByStrategy) => {
                self.start_database(db, presented, signed_in.user).await
            }
            (
                Strategy::Database(db),
                Keep::Credentials {
                    database_sessions: true,
                },
            ) => {
                db.store_user(signed_in.user).await?;
                self.start_database(db, presented, signed_in.user).await
            }
            _ => self.start_jwt(presented, signed_in).await,
        }
    }

    /// Ends the session (row deleted, `sign_out` event) and clears its cookies. Never fails:
    /// problems are logged and the cookies are cleared all the same.
    pub(crate) async fn sign_out(&self, presented: &Presented<'_>) -> Vec<SetCookie> {
        if presented.cookies.token().is_empty() {
            return Vec::new();
        }
        match &self.strategy {
            Strategy::Jwt => self.end_jwt(presented).await,
            Strategy::Database(db) => self.end_database(db, presented).await,
        }
        presented.cookies.clear(self.cookie(presented.secure))
    }

    /// The stored user the request is signed in as (for account linking); a session that does
    /// not read counts as none.
    pub(crate) async fn current_user(
        &self,
        adapter: &dyn Adapter,
        presented: &Presented<'_>,
    ) -> Option<AdapterUser> {
        let raw = presented.cookies.token();
        if raw.is_empty() {
            return None;
        }
        match &self.strategy {
            Strategy::Database(db) => db.user_of(raw, presented.now_ms).await,
            Strategy::Jwt => {
                let salt = &self.cookie(presented.secure).name;
                let token = self
                    .codec
                    .decode(salt, presented.secure, raw, presented.now_ms)
                    .await;
                let sub = token.ok().flatten()?.get("sub")?.as_str()?.to_owned();
                adapter.get_user(&sub).await.ok().flatten()
            }
        }
    }
}
