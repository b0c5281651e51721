//! The adapter conformance suite (Auth.js's `packages/utils/adapter.ts`, extended): checks that
//! any [`Adapter`] must pass, for the stores of this crate and for your own.
//!
//! Each check is a `pub async fn` that takes the adapter under test and panics with a message
//! naming what went wrong. The checks make their own rows with random ids and emails, so they can
//! share one store, run in any order, and run in parallel. [`run_all`] runs every check in turn.
//!
//! The concurrency checks spawn Tokio tasks: run them on a multi-thread runtime
//! (`#[tokio::test(flavor = "multi_thread")]`) so that the calls really overlap.
//!
//! The checks are grouped by table, one file each (`users.rs`, `accounts.rs`, `sessions.rs`,
//! `verification_tokens.rs`, `authenticators.rs`, `rate_limits.rs`), plus `timestamps.rs` and
//! `concurrency.rs`;
//! this file holds [`run_all`] and the row builders they share.
//!
//! ```
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! use auth_core::adapter::{MemoryAdapter, testing};
//!
//! testing::run_all(&MemoryAdapter::new()).await;
//! # });
//! ```

mod accounts;
mod authenticators;
mod concurrency;
mod rate_limits;
mod sessions;
mod timestamps;
mod users;
mod verification_tokens;

use std::fmt::Debug;

use super::{Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, Timestamp};
use crate::{ErrorKind, Result, model::ProviderKind, random::uuid_v4};

pub use accounts::{
    account_rules, accounts, create_user_and_link_account, create_user_and_link_account_is_atomic,
    unlink_account,
};
pub use authenticators::authenticators;
pub use concurrency::{
    concurrent_first_sign_in, concurrent_first_sign_in_distinct_emails,
    concurrent_verification_token_use,
};
pub use rate_limits::{concurrent_rate_limit_hits, rate_limits};
pub use sessions::{expired_sessions_are_returned, session_rules, sessions};
pub use timestamps::timestamps_round_trip;
pub use users::{delete_user_cascades, update_user, user_uniqueness, users};
pub use verification_tokens::verification_tokens;

/// How many tasks the concurrency checks start at once.
pub const CONCURRENCY: usize = 16;

/// An instant with milliseconds, so that a store that drops them fails.
const T0: Timestamp = Timestamp(1_700_000_000_123);

/// Runs every check against `adapter`, one after the other.
pub async fn run_all<A: Adapter + Clone>(adapter: &A) {
    users(adapter).await;
    user_uniqueness(adapter).await;
    update_user(adapter).await;
    accounts(adapter).await;
    account_rules(adapter).await;
    unlink_account(adapter).await;
    sessions(adapter).await;
    expired_sessions_are_returned(adapter).await;
    session_rules(adapter).await;
    verification_tokens(adapter).await;
    authenticators(adapter).await;
    delete_user_cascades(adapter).await;
    create_user_and_link_account(adapter).await;
    create_user_and_link_account_is_atomic(adapter).await;
    timestamps_round_trip(adapter).await;
    concurrent_first_sign_in(adapter).await;
    concurrent_first_sign_in_distinct_emails(adapter).await;
    concurrent_verification_token_use(adapter).await;
    rate_limits(adapter).await;
    concurrent_rate_limit_hits(adapter).await;
}

/// A new user with every field set and a random id and email.
fn new_user() -> AdapterUser {
    let id = uuid_v4();
    AdapterUser {
        email: Some(format!("{id}@example.com")),
        name: Some(format!("User {id}")),
        email_verified: None,
        image: Some(format!("https://example.com/{id}.png")),
        id,
    }
}

/// An account of `user_id` at `provider` with every optional field set.
fn new_account(user_id: &str, provider: &str, kind: ProviderKind) -> AdapterAccount {
    let provider_account_id = uuid_v4();
    AdapterAccount {
        user_id: user_id.to_owned(),
        kind,
        provider: provider.to_owned(),
        refresh_token: Some(format!("refresh-{provider_account_id}").into()),
        access_token: Some(format!("access-{provider_account_id}").into()),
        expires_at: Some(1_700_003_600),
        token_type: Some("bearer".to_owned()),
        scope: Some("openid email profile".to_owned()),
        id_token: Some(format!("id-token-{provider_account_id}").into()),
        session_state: Some("state".to_owned()),
        provider_account_id,
    }
}

/// An account with only the required fields.
fn bare_account(user_id: &str, provider: &str, kind: ProviderKind) -> AdapterAccount {
    AdapterAccount {
        refresh_token: None,
        access_token: None,
        expires_at: None,
        token_type: None,
        scope: None,
        id_token: None,
        session_state: None,
        ..new_account(user_id, provider, kind)
    }
}

fn new_session(user_id: &str, expires: Timestamp) -> AdapterSession {
    AdapterSession {
        session_token: uuid_v4().into(),
        user_id: user_id.to_owned(),
        expires,
    }
}

fn new_authenticator(user_id: &str, provider_account_id: &str) -> Authenticator {
    Authenticator {
        credential_id: format!("cred-{}", uuid_v4()),
        user_id: user_id.to_owned(),
        provider_account_id: provider_account_id.to_owned(),
        credential_public_key: "pQECAyYgASFYIA==".to_owned(),
        counter: 1,
        credential_device_type: "singleDevice".to_owned(),
        credential_backed_up: false,
        transports: Some("internal,hybrid".to_owned()),
    }
}

/// The value of an adapter call that must succeed.
fn ok<T>(result: Result<T>, call: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("{call} failed: {e} ({e:?})"),
    }
}

/// Asserts that an adapter call failed with an `AdapterError`.
fn rejected<T: Debug>(result: Result<T>, call: &str) {
    match result {
        Ok(value) => panic!("{call} should have been rejected, but returned {value:?}"),
        Err(e) => assert_eq!(
            e.kind(),
            ErrorKind::AdapterError,
            "{call} should fail with an AdapterError, not {e:?}"
        ),
    }
}

async fn create_user(adapter: &impl Adapter, user: &AdapterUser) {
    let created = ok(adapter.create_user(user.clone()).await, "create_user");
    assert_eq!(&created, user, "create_user must return the user as stored");
}
