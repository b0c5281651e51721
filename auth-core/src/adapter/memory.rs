//! [`MemoryAdapter`]: every adapter method on in-process maps, with the SQL stores' semantics.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};

use async_trait::async_trait;

use super::{
    Adapter, AdapterAccount, AdapterSession, AdapterUser, Authenticator, LinkOutcome,
    MemoryRateLimiter, RateLimiter, SessionUpdate, UserUpdate, VerificationToken, adapter_error,
};
use crate::{Error, Result};

/// An [`Adapter`] that keeps everything in memory, for tests, examples and development.
///
/// It enforces the same rules as the SQL stores: unique user ids and emails, one link per
/// (`provider`, `provider_account_id`), unique session tokens, verification tokens and
/// credential ids, rows that must belong to an existing user, cascades when a user is deleted,
/// single-use verification tokens, and an atomic
/// [`create_user_and_link_account`](Adapter::create_user_and_link_account).
///
/// Clones share the same data. Nothing survives the process.
#[derive(Debug, Clone, Default)]
pub struct MemoryAdapter {
    state: Arc<Mutex<State>>,
    limits: MemoryRateLimiter,
}

#[derive(Debug, Default)]
struct State {
    users: HashMap<String, AdapterUser>,
    /// email → user id.
    emails: HashMap<String, String>,
    /// (provider, provider account id) → account.
    accounts: HashMap<(String, String), AdapterAccount>,
    sessions: HashMap<String, AdapterSession>,
    /// (identifier, token) → token.
    tokens: HashMap<(String, String), VerificationToken>,
    /// credential id → authenticator (ordered, like the SQL stores' listing).
    authenticators: BTreeMap<String, Authenticator>,
}

fn conflict(message: &'static str) -> Error {
    adapter_error(message, "unique constraint violated")
}

fn missing_user() -> Error {
    adapter_error("the user does not exist", "foreign key constraint violated")
}

impl State {
    fn check_new_user(&self, user: &AdapterUser) -> Result<()> {
        if self.users.contains_key(&user.id) {
            return Err(conflict("a user with this id already exists"));
        }
        if let Some(email) = &user.email
            && self.emails.contains_key(email)
        {
            return Err(conflict("a user with this email already exists"));
        }
        Ok(())
    }

    fn insert_user(&mut self, user: AdapterUser) {
        if let Some(email) = &user.email {
            self.emails.insert(email.clone(), user.id.clone());
        }
        self.users.insert(user.id.clone(), user);
    }

    fn check_new_account(&self, account: &AdapterAccount) -> Result<()> {
        if !self.users.contains_key(&account.user_id) {
            return Err(missing_user());
        }
        if self.accounts.contains_key(&account_key(
            &account.provider,
            &account.provider_account_id,
        )) {
            return Err(conflict("this provider account is already linked"));
        }
        Ok(())
    }

    fn insert_account(&mut self, account: AdapterAccount) {
        let key = account_key(&account.provider, &account.provider_account_id);
        self.accounts.insert(key, account);
    }

    fn user_by_account(&self, provider: &str, provider_account_id: &str) -> Option<AdapterUser> {
        let account = self
            .accounts
            .get(&account_key(provider, provider_account_id))?;
        self.users.get(&account.user_id).cloned()
    }
}

fn account_key(provider: &str, provider_account_id: &str) -> (String, String) {
    (provider.to_owned(), provider_account_id.to_owned())
}

impl MemoryAdapter {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The state, locked. Every method validates before it writes, so a panic while the lock is
    /// held cannot leave half a change behind: a poisoned lock is still consistent.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[async_trait]
impl Adapter for MemoryAdapter {
    async fn create_user(&self, user: AdapterUser) -> Result<AdapterUser> {
        let mut state = self.state();
        state.check_new_user(&user)?;
        state.insert_user(user.clone());
        Ok(user)
    }

    async fn get_user(&self, id: &str) -> Result<Option<AdapterUser>> {
        Ok(self.state().users.get(id).cloned())
    }

    async fn get_user_by_email(&self, email: &str) -> Result<Option<AdapterUser>> {
        let state = self.state();
        Ok(state
            .emails
            .get(email)
            .and_then(|id| state.users.get(id))
            .cloned())
    }

    async fn get_user_by_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterUser>> {
        Ok(self.state().user_by_account(provider, provider_account_id))
    }

    async fn update_user(&self, update: UserUpdate) -> Result<AdapterUser> {
        let mut state = self.state();
        let Some(current) = state.users.get(&update.id) else {
            return Err(adapter_error("the user does not exist", "no row to update"));
        };
        let mut user = current.clone();
        if let Some(name) = update.name {
            user.name = name;
        }
        if let Some(email) = update.email {
            user.email = email;
        }
        if let Some(email_verified) = update.email_verified {
            user.email_verified = email_verified;
        }
        if let Some(image) = update.image {
            user.image = image;
        }
        let old_email = current.email.clone();
        if user.email != old_email {
            if let Some(email) = &user.email
                && state.emails.contains_key(email)
            {
                return Err(conflict("a user with this email already exists"));
            }
            if let Some(old) = &old_email {
                state.emails.remove(old);
            }
        }
        state.insert_user(user.clone());
        Ok(user)
    }

    async fn delete_user(&self, id: &str) -> Result<()> {
        let mut state = self.state();
        if let Some(user) = state.users.remove(id)
            && let Some(email) = &user.email
        {
            state.emails.remove(email);
        }
        state.accounts.retain(|_, a| a.user_id != id);
        state.sessions.retain(|_, s| s.user_id != id);
        state.authenticators.retain(|_, a| a.user_id != id);
        Ok(())
    }

    async fn link_account(&self, account: AdapterAccount) -> Result<()> {
        let mut state = self.state();
        state.check_new_account(&account)?;
        state.insert_account(account);
        Ok(())
    }

    async fn create_user_and_link_account(
        &self,
        user: AdapterUser,
        mut account: AdapterAccount,
    ) -> Result<LinkOutcome> {
        let mut state = self.state();
        if let Some(existing) =
            state.user_by_account(&account.provider, &account.provider_account_id)
        {
            return Ok(LinkOutcome {
                user: existing,
                created: false,
            });
        }
        state.check_new_user(&user)?;
        account.user_id.clone_from(&user.id);
        state.insert_user(user.clone());
        state.insert_account(account);
        Ok(LinkOutcome {
            user,
            created: true,
        })
    }

    async fn unlink_account(&self, provider: &str, provider_account_id: &str) -> Result<()> {
        self.state()
            .accounts
            .remove(&account_key(provider, provider_account_id));
        Ok(())
    }

    async fn get_account(
        &self,
        provider: &str,
        provider_account_id: &str,
    ) -> Result<Option<AdapterAccount>> {
        Ok(self
            .state()
            .accounts
            .get(&account_key(provider, provider_account_id))
            .cloned())
    }

    async fn create_session(&self, session: AdapterSession) -> Result<AdapterSession> {
        let mut state = self.state();
        if !state.users.contains_key(&session.user_id) {
            return Err(missing_user());
        }
        if state.sessions.contains_key(session.session_token.expose()) {
            return Err(conflict("a session with this token already exists"));
        }
        state
            .sessions
            .insert(session.session_token.expose().to_owned(), session.clone());
        Ok(session)
    }

    async fn get_session_and_user(
        &self,
        session_token: &str,
    ) -> Result<Option<(AdapterSession, AdapterUser)>> {
        let state = self.state();
        let Some(session) = state.sessions.get(session_token) else {
            return Ok(None);
        };
        Ok(state
            .users
            .get(&session.user_id)
            .map(|user| (session.clone(), user.clone())))
    }

    async fn update_session(&self, update: SessionUpdate) -> Result<Option<AdapterSession>> {
        let mut state = self.state();
        Ok(state
            .sessions
            .get_mut(update.session_token.expose())
            .map(|s| {
                s.expires = update.expires;
                s.clone()
            }))
    }

    async fn delete_session(&self, session_token: &str) -> Result<Option<AdapterSession>> {
        Ok(self.state().sessions.remove(session_token))
    }

    async fn create_verification_token(
        &self,
        token: VerificationToken,
    ) -> Result<VerificationToken> {
        let mut state = self.state();
        let key = (token.identifier.clone(), token.token.expose().to_owned());
        if state.tokens.contains_key(&key) {
            return Err(conflict("this verification token already exists"));
        }
        state.tokens.insert(key, token.clone());
        Ok(token)
    }

    async fn use_verification_token(
        &self,
        identifier: &str,
        token: &str,
    ) -> Result<Option<VerificationToken>> {
        Ok(self
            .state()
            .tokens
            .remove(&(identifier.to_owned(), token.to_owned())))
    }

    async fn get_authenticator(&self, credential_id: &str) -> Result<Option<Authenticator>> {
        Ok(self.state().authenticators.get(credential_id).cloned())
    }

    async fn create_authenticator(&self, authenticator: Authenticator) -> Result<Authenticator> {
        let mut state = self.state();
        if !state.users.contains_key(&authenticator.user_id) {
            return Err(missing_user());
        }
        if state
            .authenticators
            .contains_key(&authenticator.credential_id)
        {
            return Err(conflict(
                "an authenticator with this credential id already exists",
            ));
        }
        state
            .authenticators
            .insert(authenticator.credential_id.clone(), authenticator.clone());
        Ok(authenticator)
    }

    async fn list_authenticators_by_user_id(&self, user_id: &str) -> Result<Vec<Authenticator>> {
        Ok(self
            .state()
            .authenticators
            .values()
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect())
    }

    async fn update_authenticator_counter(
        &self,
        credential_id: &str,
        counter: i64,
    ) -> Result<Authenticator> {
        let mut state = self.state();
        let Some(authenticator) = state.authenticators.get_mut(credential_id) else {
            return Err(adapter_error(
                "the authenticator does not exist",
                "no row to update",
            ));
        };
        authenticator.counter = counter;
        Ok(authenticator.clone())
    }
    fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        Some(&self.limits)
    }
}
