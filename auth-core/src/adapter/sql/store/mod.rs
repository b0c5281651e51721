//! Every adapter method in SQL, written once and compiled once per dialect (see `sql/mod.rs`).
//!
//! The including module provides `Db`, `Store` (the adapter, with a `pool` field),
//! `begin_write`, and the macros `ts_in!` / `ts_out!`. Placeholders are `$1`, `$2`, ... which
//! both SQLite and PostgreSQL accept.
//!
//! One file per table holds its columns, its statements, its row mapping and the adapter
//! methods on it; the [`Adapter`] impl below only dispatches to them. Writes that span tables
//! live with the table they start from: `delete_user` in `users.rs`, the first sign-in's
//! transaction (user and account) in `accounts.rs`.

use async_trait::async_trait;

// Shared by the table modules.
use super::super::{db_error, is_unique_violation, parse_kind};
use super::{Db, Store, begin_write};
use crate::{
    Result,
    adapter::{
        Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, LinkOutcome,
        RateLimiter, SessionUpdate, UserUpdate, VerificationToken,
    },
};

mod accounts;
mod authenticators;
mod rate_limits;
mod sessions;
mod users;
mod verification_tokens;

/// A row of this dialect.
type DbRow = <Db as sqlx::Database>::Row;

#[async_trait]
impl Adapter for Store {
    async fn create_user(&self, user: AdapterUser) -> Result<AdapterUser> {
        users::create(&self.pool, user).await
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>> {
        users::get(&self.pool, id).await
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>> {
        users::get_by_email(&self.pool, email).await
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>> {
        users::get_by_account(&self.pool, provider, provider_account_id).await
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser> {
        users::update(&self.pool, update).await
    }

    async fn delete_user(&self, id: &str) -> Result<()> {
        users::delete(&self.pool, id).await
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<()> {
        accounts::link(&self.pool, account).await
    }

    async fn create_user_and_link_account(
        &self,
        user: AdapterUser,
        account: AdapterAccount,
    ) -> Result<LinkOutcome> {
        accounts::create_user_and_link(&self.pool, user, account).await
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<()> {
        accounts::unlink(&self.pool, provider, provider_account_id).await
    }

    async fn get_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterAccount>> {
        accounts::get(&self.pool, provider, provider_account_id).await
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        sessions::create(&self.pool, session).await
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>> {
        sessions::get_with_user(&self.pool, session_token).await
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        sessions::update(&self.pool, update).await
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        sessions::delete(&self.pool, session_token).await
    }

    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<VerificationToken> {
        verification_tokens::create(&self.pool, token).await
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Result<Option<VerificationToken>> {
        verification_tokens::take(&self.pool, identifier, token).await
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<Authenticator>> {
        authenticators::get(&self.pool, credential_id).await
    }

    async fn create_authenticator(&self, authenticator: Authenticator) -> Result<Authenticator> {
        authenticators::create(&self.pool, authenticator).await
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<Authenticator>> {
        authenticators::list_by_user(&self.pool, user_id).await
    }

    async fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: i64,
    ) -> Result<Authenticator> {
        authenticators::update_counter(&self.pool, credential_id, counter).await
    }

    fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        Some(self)
    }
}

#[async_trait]
impl RateLimiter for Store {
    async fn hit(&self, key: &str, window_ms: i64, now_ms: i64) -> Result<u64> {
        rate_limits::hit(&self.pool, key, window_ms, now_ms).await
    }
}
