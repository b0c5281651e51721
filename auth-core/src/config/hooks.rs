//! The hooks of [`AuthConfig`]: callbacks (as traits or closures), events, debug output.

use std::{future::Future, sync::Arc};

use super::AuthConfig;
use crate::{
    Result,
    callbacks::{Callbacks, Events, JwtArgs, SessionArgs, SignInArgs, SignInDecision, closures},
    logger::{Log, Logger},
    model::{Session, Token},
};

impl AuthConfig {
    /// Sets the callbacks. A closure set with [`jwt_callback`](Self::jwt_callback),
    /// [`session_callback`](Self::session_callback), [`sign_in_callback`](Self::sign_in_callback)
    /// or [`redirect_callback`](Self::redirect_callback) replaces that one method, whichever
    /// comes first.
    #[must_use]
    pub fn callbacks(mut self, callbacks: impl Callbacks) -> Self {
        self.callbacks = Arc::new(callbacks);
        self
    }

    /// Sets the event handlers.
    #[must_use]
    pub fn events(mut self, events: impl Events) -> Self {
        self.events = Arc::new(events);
        self
    }

    /// Turns on debug messages (Auth.js's `debug`): they go to the [`logger`](Self::logger)'s
    /// `debug`, by default `tracing` at `INFO` level, so they show without a `RUST_LOG`
    /// change; `build()` warns (`debug-enabled`). Off, they only reach `tracing` at `DEBUG`.
    /// Never secrets.
    #[must_use]
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// Sends the core's errors, warnings and debug messages to `logger` (Auth.js's `logger`)
    /// instead of `tracing`.
    #[must_use]
    pub fn logger(mut self, logger: impl Logger) -> Self {
        self.logger = Some(Arc::new(logger));
        self
    }

    /// The logging every part of the core uses.
    pub(crate) fn log(&self) -> Log {
        Log::new(self.logger.clone(), self.debug)
    }

    /// The `jwt` callback as a closure (see [`Callbacks::jwt`]): it replaces that method of the
    /// [`callbacks`](Self::callbacks), whichever is set first.
    ///
    /// ```
    /// use auth_core::AuthConfig;
    ///
    /// let config = AuthConfig::new().jwt_callback(|args| async move {
    ///     let mut token = args.token;
    ///     if let Some(user) = args.user {
    ///         let role = if user.email.as_deref() == Some("alice@example.com") { "admin" } else { "user" };
    ///         token.insert("role".into(), role.into());
    ///     }
    ///     Ok(Some(token))
    /// });
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn jwt_callback<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(JwtArgs) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Option<Token>>> + Send + 'static,
    {
        self.closures.jwt = Some(closures::boxed(f));
        self
    }

    /// The `session` callback as a closure (see [`Callbacks::session`]).
    #[must_use]
    pub fn session_callback<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(SessionArgs) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Session>> + Send + 'static,
    {
        self.closures.session = Some(closures::boxed(f));
        self
    }

    /// The `sign_in` callback as a closure (see [`Callbacks::sign_in`]).
    #[must_use]
    pub fn sign_in_callback<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(SignInArgs) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SignInDecision>> + Send + 'static,
    {
        self.closures.sign_in = Some(closures::boxed(f));
        self
    }

    /// The `redirect` callback as a closure of `(url, base_url)` (see [`Callbacks::redirect`];
    /// [`default_redirect`](crate::callbacks::default_redirect) is Auth.js's rule).
    #[must_use]
    pub fn redirect_callback<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(String, String) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String>> + Send + 'static,
    {
        let f = Arc::new(f);
        self.closures.redirect = Some(closures::boxed(move |(url, base): (String, String)| {
            f(url, base)
        }));
        self
    }

    /// The callbacks requests run: the trait with the closures in place of its methods.
    pub(crate) fn effective_callbacks(&self) -> Arc<dyn Callbacks> {
        self.closures.over(self.callbacks.clone())
    }
}
