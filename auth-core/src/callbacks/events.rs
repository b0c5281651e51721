//! The `Events` trait (Auth.js's `events`): notifications after sign-in, sign-out, user and
//! account changes and session reads, with their messages.

use async_trait::async_trait;
use serde_json::Value;

use crate::{
    error::{Error, ErrorKind},
    logger::Log,
    model::{Account, Session, Token, User},
};

/// A message of the `sign_in` event.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SignInEvent<'a> {
    /// The signed-in user.
    pub user: &'a User,
    /// The account used.
    pub account: Option<&'a Account>,
    /// The provider profile (OAuth).
    pub profile: Option<&'a Value>,
    /// Whether the user was just created.
    pub is_new_user: Option<bool>,
}

/// A message of the `sign_out` event.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum SignOutEvent<'a> {
    /// The decoded JWT of the ended session.
    Token(&'a Token),
    /// The deleted database session (`None` when it was already gone).
    Session(Option<&'a crate::adapter::AdapterSession>),
}

/// A message of the `link_account` event.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct LinkAccountEvent<'a> {
    /// The user the account was linked to.
    pub user: &'a User,
    /// The linked account.
    pub account: &'a Account,
    /// The provider-derived user.
    pub profile: &'a User,
}

/// A message of the `session` event.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SessionEvent<'a> {
    /// The session returned to the client.
    pub session: &'a Session,
    /// The JWT (JWT strategy).
    pub token: Option<&'a Token>,
}

/// Error type of event handlers: logged as `EventError` and otherwise ignored.
pub type EventResult = std::result::Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Auth.js's events: notifications awaited in order at their call site. A failing handler is
/// logged as `EventError` and never changes the response.
#[async_trait]
pub trait Events: Send + Sync + 'static {
    /// After a successful sign-in.
    async fn sign_in(&self, message: SignInEvent<'_>) -> EventResult {
        let _ = message;
        Ok(())
    }
    /// On sign-out of a session.
    async fn sign_out(&self, message: SignOutEvent<'_>) -> EventResult {
        let _ = message;
        Ok(())
    }
    /// After a user was created.
    async fn create_user(&self, user: &User) -> EventResult {
        let _ = user;
        Ok(())
    }
    /// After a user was updated.
    async fn update_user(&self, user: &User) -> EventResult {
        let _ = user;
        Ok(())
    }
    /// After an account was linked to a user.
    async fn link_account(&self, message: LinkAccountEvent<'_>) -> EventResult {
        let _ = message;
        Ok(())
    }
    /// After a session was read or updated.
    async fn session(&self, message: SessionEvent<'_>) -> EventResult {
        let _ = message;
        Ok(())
    }
}

/// No event handlers.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoEvents;

impl Events for NoEvents {}

/// Logs a failed event as Auth.js's `EventError`.
pub(crate) fn log_event(log: &Log, name: &str, result: EventResult) {
    if let Err(error) = result {
        let message = format!("the {name} event failed");
        log.error(
            "EventError",
            &Error::new(ErrorKind::EventError, message).with_source(error),
        );
    }
}
