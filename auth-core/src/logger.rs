//! Logging (Auth.js's `logger` and `debug`): every error, warning and debug message of the core
//! goes through one handle, to the configured [`Logger`] or, by default, to `tracing`.
//!
//! Nothing logged carries a secret or a token: messages are Auth.js's error types, the core's
//! own sentences, provider ids and hosts.
//!
//! ```
//! use auth_core::{AuthConfig, Error, logger::{Logger, WarningCode}};
//!
//! struct Metrics;
//!
//! impl Logger for Metrics {
//!     fn error(&self, code: &str, error: &Error) {
//!         eprintln!("auth error {code}: {}", error.message());
//!     }
//!     fn warn(&self, code: WarningCode, message: &str) {
//!         eprintln!("auth warning {}: {message}", code.as_str());
//!     }
//! }
//!
//! let config = AuthConfig::new().logger(Metrics).debug(true);
//! # let _ = config;
//! ```

use std::{fmt, sync::Arc};

use serde_json::Value;

use crate::error::Error;

/// Warnings, by code: Auth.js's own (`debug-enabled`, `csrf-disabled`) and the core's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WarningCode {
    /// `debug-enabled`: [`AuthConfig::debug`](crate::AuthConfig::debug) is on.
    DebugEnabled,
    /// `csrf-disabled`: CSRF checks are off.
    CsrfDisabled,
    /// `trust-host`: every host is trusted to tell the origin, with no URL set.
    TrustHost,
    /// `untrusted-host`: a request for a host that is not trusted, or with no usable host.
    UntrustedHost,
    /// `credentials-jwt-sessions`: a credentials provider signs in with JWTs, which the
    /// database strategy in force does not read.
    CredentialsJwtSessions,
    /// `no-rate-limiter`: magic-link requests are counted in this process only.
    NoRateLimiter,
    /// `email-rate-limited`: too many sign-in links requested for one address.
    EmailRateLimited,
    /// `bad-request`: a request the core cannot read (body over the limit, bad JSON).
    BadRequest,
    /// `session-token`: a generated session token was empty, or an old session row could not
    /// be deleted.
    SessionToken,
    /// `session-too-large`: the session cookie needs more chunks than are read back.
    SessionTooLarge,
    /// `cross-site`: [`Auth::refuse_cross_site`](crate::Auth::refuse_cross_site) refused a
    /// request from another site.
    CrossSite,
}

impl WarningCode {
    /// The code as text (`debug-enabled`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::DebugEnabled => "debug-enabled",
            Self::CsrfDisabled => "csrf-disabled",
            Self::TrustHost => "trust-host",
            Self::UntrustedHost => "untrusted-host",
            Self::CredentialsJwtSessions => "credentials-jwt-sessions",
            Self::NoRateLimiter => "no-rate-limiter",
            Self::EmailRateLimited => "email-rate-limited",
            Self::BadRequest => "bad-request",
            Self::SessionToken => "session-token",
            Self::SessionTooLarge => "session-too-large",
            Self::CrossSite => "cross-site",
        }
    }
}

impl fmt::Display for WarningCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Auth.js's `logger`: implement the methods you want; the others log through `tracing` as the
/// core does without a logger.
pub trait Logger: Send + Sync + 'static {
    /// An error. `code` is Auth.js's error type (`JWTSessionError`, `SignOutError`,
    /// `EventError`, `CallbackRouteError`, …). By default: `tracing` at `ERROR`, or `WARN` when
    /// the client caused it.
    fn error(&self, code: &str, error: &Error) {
        let kind = error.kind().type_name();
        let source = std::error::Error::source(error).map(ToString::to_string);
        if error.is_client_caused() {
            tracing::warn!(target: "auth_core", kind, message = error.message(), source, "[auth][warn] {code}");
        } else {
            tracing::error!(target: "auth_core", kind, message = error.message(), source, "[auth][error] {code}");
        }
    }

    /// A warning, with what to do about it. By default: `tracing` at `WARN`.
    fn warn(&self, code: WarningCode, message: &str) {
        tracing::warn!(target: "auth_core", "[auth][warn][{code}] {message}");
    }

    /// A debug message, only called with [`AuthConfig::debug`](crate::AuthConfig::debug) on.
    /// By default: `tracing` at `INFO`, so that turning `debug` on shows it.
    fn debug(&self, message: &str, metadata: &Value) {
        tracing::info!(target: "auth_core", "[auth][debug]: {message} {metadata}");
    }
}

/// The logger used without one: `tracing`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingLogger;

impl Logger for TracingLogger {}

/// The configured logger and `debug`, as every part of the core logs through them.
#[derive(Clone)]
pub(crate) struct Log {
    logger: Arc<dyn Logger>,
    debug: bool,
}

impl Default for Log {
    fn default() -> Self {
        Self::new(None, false)
    }
}

impl fmt::Debug for Log {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Log")
            .field("debug", &self.debug)
            .finish_non_exhaustive()
    }
}

impl Log {
    pub(crate) fn new(logger: Option<Arc<dyn Logger>>, debug: bool) -> Self {
        Self {
            logger: logger.unwrap_or_else(|| Arc::new(TracingLogger)),
            debug,
        }
    }

    /// An error, as Auth.js's `code` (usually the error's own type).
    pub(crate) fn error(&self, code: &str, error: &Error) {
        self.logger.error(code, error);
    }

    /// A warning.
    pub(crate) fn warn(&self, code: WarningCode, message: &str) {
        self.logger.warn(code, message);
    }

    /// A debug message: to the logger with `debug` on; else only to `tracing` at `DEBUG` (the
    /// metadata is made only when it is used).
    pub(crate) fn debug(&self, message: &str, metadata: impl FnOnce() -> Value) {
        if self.debug {
            self.logger.debug(message, &metadata());
        } else if tracing::enabled!(target: "auth_core", tracing::Level::DEBUG) {
            let metadata = metadata();
            tracing::debug!(target: "auth_core", "[auth][debug]: {message} {metadata}");
        }
    }
}
