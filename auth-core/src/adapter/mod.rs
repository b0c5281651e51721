//! Persistence: the [`Adapter`] trait (every Auth.js adapter method), its data model, and the
//! stores that implement it.
//!
//! Every method is required, so a store that compiles supports every feature (email, database
//! sessions, account linking, WebAuthn); nothing is discovered missing while serving. Errors are
//! [`Error`]s of kind [`ErrorKind::AdapterError`] (build them with [`adapter_error`]); the client
//! only ever sees `error=Configuration`.
//!
//! The stores: [`MemoryAdapter`] (always built), `SqliteAdapter` (feature `sqlite`) and
//! `PostgresAdapter` (feature `postgres`), both on sqlx with the schema of Auth.js's SQL
//! adapters. The feature `testing` adds `testing`, the conformance suite every store passes.

mod memory;
mod models;
mod rate_limit;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

use async_trait::async_trait;

pub use memory::MemoryAdapter;
pub use models::{
    AdapterAccount, AdapterSession, AdapterUser, Authenticator, SessionUpdate, Timestamp,
    UserUpdate, VerificationToken,
};
pub use rate_limit::{MemoryRateLimiter, RateLimiter, window_start};
#[cfg(feature = "postgres")]
pub use sql::postgres::PostgresAdapter;
#[cfg(feature = "sqlite")]
pub use sql::sqlite::SqliteAdapter;

use crate::{Error, ErrorKind, Result};

/// An `AdapterError` carrying `source`, for adapter implementations.
pub fn adapter_error(
    message: &'static str,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    Error::new(ErrorKind::AdapterError, message).with_source(source)
}

/// What [`Adapter::create_user_and_link_account`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkOutcome {
    /// The user the account belongs to.
    pub user: AdapterUser,
    /// True when this call created the user (false when a concurrent first sign-in won).
    pub created: bool,
}

/// The storage Auth.js needs: users, accounts, sessions, verification tokens and authenticators
/// (spec §7). Implementations must be safe to call concurrently.
#[async_trait]
pub trait Adapter: Send + Sync + 'static {
    /// Stores a new user (its `id` is a fresh UUID proposed by the core) and returns it.
    async fn create_user(&self, user: AdapterUser) -> Result<AdapterUser>;
    /// The user with this id.
    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>>;
    /// The user with this email address.
    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>>;
    /// The user who owns the account (`provider`, `provider_account_id`).
    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>>;
    /// Changes the fields set in `update`; returns the updated user.
    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser>;
    /// Deletes a user with their accounts, sessions and authenticators.
    async fn delete_user(&self, id: &str) -> Result<()>;
    /// Links an account to its user.
    async fn link_account(&self, account: AdapterAccount) -> Result<()>;
    /// Creates `user` and links `account` to it (its `user_id` is set to `user.id`) in one
    /// transaction. When the account already exists (a concurrent first sign-in won), nothing is
    /// written and its user is returned with `created: false`.
    async fn create_user_and_link_account(
        &self,
        user: AdapterUser,
        account: AdapterAccount,
    ) -> Result<LinkOutcome>;
    /// Removes an account link.
    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<()>;
    /// The account (`provider`, `provider_account_id`).
    async fn get_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterAccount>>;
    /// Stores a new database session.
    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession>;
    /// The session with this token and its user.
    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>>;
    /// Extends a session; `None` when it does not exist.
    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>>;
    /// Deletes a session and returns it (`None` when it did not exist).
    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>>;
    /// Stores a verification token (its `token` is already hashed).
    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<VerificationToken>;
    /// Deletes and returns the matching verification token: each token works once.
    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Result<Option<VerificationToken>>;
    /// The authenticator with this credential id.
    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<Authenticator>>;
    /// Stores an authenticator.
    async fn create_authenticator(&self, authenticator: Authenticator) -> Result<Authenticator>;
    /// Every authenticator of a user (empty when none).
    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<Authenticator>>;
    /// Sets an authenticator's signature counter.
    async fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: i64,
    ) -> Result<Authenticator>;

    /// The store's fixed-window counters (the email provider's link limit), shared by every
    /// server on the store. The built-in stores return themselves; the default `None` makes
    /// the core count in its own process's memory (and say so at start-up).
    fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        None
    }
}
