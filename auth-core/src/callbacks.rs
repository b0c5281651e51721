//! The `Callbacks` and `Events` traits, with Auth.js's defaults (spec §12).
//!
//! Implement only the methods you need; every method has Auth.js's default behaviour.
//!
//! ```
//! use auth_core::{Result, Token, callbacks::{Callbacks, JwtParams, JwtTrigger}};
//!
//! struct CopyNameOnUpdate;
//!
//! #[async_trait::async_trait]
//! impl Callbacks for CopyNameOnUpdate {
//!     async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
//!         let mut token = params.token;
//!         if params.trigger == Some(JwtTrigger::Update) {
//!             if let Some(name) = params.session.and_then(|s| s.get("name")).and_then(|n| n.as_str()) {
//!                 token.insert("name".into(), name.into());
//!             }
//!         }
//!         Ok(Some(token))
//!     }
//! }
//! ```

use async_trait::async_trait;
use serde_json::Value;

use crate::{
    Result,
    model::{Account, Session, Token, User},
    providers::Credentials,
};

/// What the `sign_in` callback decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInDecision {
    /// Go on with the sign-in.
    Allow,
    /// Refuse it: the user lands on the error page with `error=AccessDenied`.
    Deny,
    /// Stop and send the user to this URL (checked by the `redirect` callback).
    Redirect(String),
}

/// Arguments of the `sign_in` callback.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct SignInParams<'a> {
    /// The user about to sign in.
    pub user: &'a User,
    /// The account used.
    pub account: Option<&'a Account>,
    /// The provider's raw profile (OAuth).
    pub profile: Option<&'a Value>,
    /// The submitted form (credentials).
    pub credentials: Option<&'a Credentials>,
    /// True when an email link is being requested rather than used.
    pub email_verification_request: bool,
}

/// Why the `jwt` callback runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JwtTrigger {
    /// At sign-in of an existing user.
    SignIn,
    /// At sign-in of a user just created.
    SignUp,
    /// On `POST /session` (a session update).
    Update,
}

/// Arguments of the `jwt` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct JwtParams<'a> {
    /// The token so far.
    pub token: Token,
    /// The user, at sign-in only.
    pub user: Option<&'a User>,
    /// The account, at sign-in only (OAuth tokens live here).
    pub account: Option<&'a Account>,
    /// The provider profile, at OAuth sign-in only.
    pub profile: Option<&'a Value>,
    /// Whether the user was just created, at sign-in only.
    pub is_new_user: Option<bool>,
    /// Why the callback runs; `None` on a plain session read.
    pub trigger: Option<JwtTrigger>,
    /// The `data` sent with a session update.
    pub session: Option<&'a Value>,
}

/// Arguments of the `session` callback.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SessionParams<'a> {
    /// The default session.
    pub session: Session,
    /// The JWT (JWT strategy).
    pub token: Option<&'a Token>,
    /// The user (database strategy).
    pub user: Option<&'a User>,
    /// The `data` sent with a session update (database strategy).
    pub new_session: Option<&'a Value>,
    /// `Update` on a session update (database strategy).
    pub trigger: Option<JwtTrigger>,
}

/// Auth.js's callbacks. Every method defaults to Auth.js's behaviour.
#[async_trait]
pub trait Callbacks: Send + Sync + 'static {
    /// Decides whether a sign-in may go on. Default: allow.
    async fn sign_in(&self, params: SignInParams<'_>) -> Result<SignInDecision> {
        let _ = params;
        Ok(SignInDecision::Allow)
    }

    /// Decides where to send the user after sign-in or sign-out. `base_url` is the origin.
    /// Default: [`default_redirect`], which only allows the same origin.
    async fn redirect(&self, url: &str, base_url: &str) -> Result<String> {
        Ok(default_redirect(url, base_url))
    }

    /// Shapes the JWT; returning `None` ends the session. Default: the token unchanged.
    async fn jwt(&self, params: JwtParams<'_>) -> Result<Option<Token>> {
        Ok(Some(params.token))
    }

    /// Shapes the session exposed to the client. Default: the session unchanged.
    async fn session(&self, params: SessionParams<'_>) -> Result<Session> {
        Ok(params.session)
    }
}

/// The callbacks with every default.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultCallbacks;

impl Callbacks for DefaultCallbacks {}

/// Auth.js's default `redirect`, made stricter: a relative path is joined to the origin; an
/// absolute URL is kept only when it has the same origin; anything else (another origin,
/// `//host`, `/\host`, `javascript:`, unparsable text) gives the origin.
pub fn default_redirect(url: &str, base_url: &str) -> String {
    // The answer for the origin itself (the callback-url cookie of most requests) is the
    // origin, whichever branch below would take it: no URL parsing.
    if url == base_url {
        return base_url.to_owned();
    }
    let has_control = url.chars().any(|c| c.is_control());
    if url.starts_with('/') {
        let second = url.as_bytes().get(1).copied();
        if !has_control && second != Some(b'/') && second != Some(b'\\') {
            return format!("{base_url}{url}");
        }
        return base_url.to_owned();
    }
    match (url::Url::parse(url), url::Url::parse(base_url)) {
        (Ok(target), Ok(base))
            if !has_control
                && matches!(target.scheme(), "http" | "https")
                && target.origin() == base.origin() =>
        {
            url.to_owned()
        }
        _ => base_url.to_owned(),
    }
}

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
pub(crate) fn log_event(name: &str, result: EventResult) {
    if let Err(error) = result {
        tracing::error!(target: "auth_core::events", event = name, %error, "[auth][error] EventError");
    }
}

#[cfg(test)]
mod tests {
    use super::default_redirect;

    const BASE: &str = "http://app.test:3000";

    #[test]
    fn redirect_keeps_same_origin_only() {
        let cases = [
            ("/dashboard?a=1", "http://app.test:3000/dashboard?a=1"),
            ("http://app.test:3000/x", "http://app.test:3000/x"),
            ("https://app.test:3000/x", BASE),
            ("http://app.test:3001/x", BASE),
            ("https://evil.test/", BASE),
            ("//evil.test/", BASE),
            ("/\\evil.test/", BASE),
            ("javascript:alert(1)", BASE),
            ("http://app.test:3000@evil.test/", BASE),
            ("/ok\r\nSet-Cookie: x=1", BASE),
            ("not a url", BASE),
            ("", BASE),
        ];
        for (input, expected) in cases {
            assert_eq!(default_redirect(input, BASE), expected, "{input}");
        }
    }
}
