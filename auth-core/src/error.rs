//! One error type whose kinds mirror Auth.js's error types.
//!
//! Each kind knows its Auth.js `type` string, whether that type may be shown to the client
//! (otherwise the client sees `Configuration`), and which page (`signin` or `error`) an error of
//! that kind is reported on.

use std::{borrow::Cow, fmt};

/// The kinds of error, one per Auth.js error `type` that this crate can raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The `sign_in` callback refused the sign-in.
    AccessDenied,
    /// An adapter (database) call failed.
    AdapterError,
    /// An unexpected failure inside the `callback` action.
    CallbackRouteError,
    /// Credentials were rejected by `authorize`.
    CredentialsSignin,
    /// An event handler failed (logged only).
    EventError,
    /// A `callbackUrl` in the query or cookie is neither a relative path nor an http(s) URL.
    InvalidCallbackUrl,
    /// A state, PKCE, nonce or challenge check failed.
    InvalidCheck,
    /// An OAuth provider has neither an issuer nor the endpoint it needs.
    InvalidEndpoints,
    /// No or the wrong kind of provider for this action.
    InvalidProvider,
    /// A JWT session could not be decoded or processed.
    JwtSessionError,
    /// A feature needs an adapter and none is configured.
    MissingAdapter,
    /// A credentials provider has no `authorize` function.
    MissingAuthorize,
    /// The CSRF token was missing or wrong on a protected POST.
    MissingCsrf,
    /// No secret is configured.
    MissingSecret,
    /// The provider's callback carried an `error`.
    OAuthCallbackError,
    /// Account linking was refused.
    OAuthAccountNotLinked,
    /// A database session lookup failed.
    SessionTokenError,
    /// Sign-out could not decode or delete the session (logged only).
    SignOutError,
    /// The URL or method does not name an action.
    UnknownAction,
    /// Database sessions were asked for with only credentials providers.
    UnsupportedStrategy,
    /// The host is not trusted and no public URL is configured.
    UntrustedHost,
    /// A magic link was unknown, used or expired.
    Verification,
    /// The configuration is invalid in a way not covered by a more specific kind.
    Configuration,
}

/// The page an error is reported on (Auth.js's error `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    /// The sign-in page (`/signin?error=…`).
    SignIn,
    /// The error page (`/error?error=…`).
    Error,
}

impl ErrorKind {
    /// Auth.js's `type` string for this kind.
    pub fn type_name(self) -> &'static str {
        match self {
            Self::AccessDenied => "AccessDenied",
            Self::AdapterError => "AdapterError",
            Self::CallbackRouteError => "CallbackRouteError",
            Self::CredentialsSignin => "CredentialsSignin",
            Self::EventError => "EventError",
            Self::InvalidCallbackUrl => "InvalidCallbackUrl",
            Self::InvalidCheck => "InvalidCheck",
            Self::InvalidEndpoints => "InvalidEndpoints",
            Self::InvalidProvider => "InvalidProvider",
            Self::JwtSessionError => "JWTSessionError",
            Self::MissingAdapter => "MissingAdapter",
            Self::MissingAuthorize => "MissingAuthorize",
            Self::MissingCsrf => "MissingCSRF",
            Self::MissingSecret => "MissingSecret",
            Self::OAuthCallbackError => "OAuthCallbackError",
            Self::OAuthAccountNotLinked => "OAuthAccountNotLinked",
            Self::SessionTokenError => "SessionTokenError",
            Self::SignOutError => "SignOutError",
            Self::UnknownAction => "UnknownAction",
            Self::UnsupportedStrategy => "UnsupportedStrategy",
            Self::UntrustedHost => "UntrustedHost",
            Self::Verification => "Verification",
            Self::Configuration => "Configuration",
        }
    }

    /// Whether the `type` may be shown to the client. Every other kind is reported as
    /// `Configuration`, so internals do not leak.
    pub fn is_client_safe(self) -> bool {
        matches!(
            self,
            Self::CredentialsSignin
                | Self::OAuthAccountNotLinked
                | Self::OAuthCallbackError
                | Self::AccessDenied
                | Self::Verification
                | Self::MissingCsrf
        )
    }

    /// The code placed in `?error=`: the type for client-safe kinds, else `Configuration`.
    pub fn client_code(self) -> &'static str {
        if self.is_client_safe() {
            self.type_name()
        } else {
            "Configuration"
        }
    }

    /// The page errors of this kind are reported on.
    pub fn page(self) -> ErrorPage {
        match self {
            Self::CredentialsSignin
            | Self::MissingCsrf
            | Self::OAuthAccountNotLinked
            | Self::OAuthCallbackError => ErrorPage::SignIn,
            _ => ErrorPage::Error,
        }
    }
}

/// Why a state, PKCE, nonce or challenge check failed (`InvalidCheck`), each with its own hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CheckFailure {
    /// The check cookie was not sent: third-party cookie blocking, a different host or scheme
    /// between sign-in and callback, or a callback opened in another browser.
    Missing,
    /// The check cookie is older than its 15 minutes: the sign-in took too long.
    Expired,
    /// The check cookie does not decrypt: the secret changed, or the cookie was tampered with.
    Undecryptable,
    /// The check cookie was made for another provider's sign-in.
    WrongProvider,
    /// The value sent back by the provider differs from the cookie (a forged or replayed
    /// callback).
    Mismatch,
}

impl CheckFailure {
    /// A hint for the log.
    pub fn hint(self) -> &'static str {
        match self {
            Self::Missing => {
                "the check cookie was not sent back: is the callback on the same host and scheme as the sign-in, and are cookies allowed?"
            }
            Self::Expired => "the check cookie expired (15 minutes): the sign-in took too long",
            Self::Undecryptable => {
                "the check cookie does not decrypt: was the secret changed, or the cookie tampered with?"
            }
            Self::WrongProvider => "the check cookie belongs to another provider's sign-in",
            Self::Mismatch => {
                "the provider's value does not match the check cookie: a forged or replayed callback"
            }
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An error raised while handling an Auth.js request or building the configuration.
pub struct Error {
    kind: ErrorKind,
    message: Cow<'static, str>,
    code: Option<String>,
    check: Option<CheckFailure>,
    source: Option<BoxError>,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with a message for the logs (never shown to the client).
    pub fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            code: None,
            check: None,
            source: None,
        }
    }

    /// An `InvalidCheck` error: the `check` (`state`, `pkceCodeVerifier`, `nonce`) failed.
    pub fn invalid_check(check: &str, failure: CheckFailure) -> Self {
        let mut error = Self::new(
            ErrorKind::InvalidCheck,
            format!("{check} value could not be parsed: {}", failure.hint()),
        );
        error.check = Some(failure);
        error
    }

    /// Why a check failed, for `InvalidCheck` errors.
    pub fn check_failure(&self) -> Option<CheckFailure> {
        self.check
    }

    /// A `CredentialsSignin` error with a client-safe `code` (Auth.js default: `credentials`).
    ///
    /// The code is placed in the redirect URL (`&code=…`), so it must not carry secrets.
    pub fn credentials_signin(code: impl Into<String>) -> Self {
        let mut error = Self::new(ErrorKind::CredentialsSignin, "credentials were rejected");
        error.code = Some(code.into());
        error
    }

    /// Attaches the underlying cause.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The kind of error.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The client-safe detail code of a `CredentialsSignin` error.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The log message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.kind).field("message", &self.message);
        if let Some(code) = &self.code {
            s.field("code", code);
        }
        if let Some(source) = &self.source {
            s.field("source", source);
        }
        s.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}. Read more at https://errors.authjs.dev#{}",
            self.kind.type_name(),
            self.message,
            self.kind.type_name().to_ascii_lowercase()
        )
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A configuration `build()` refused; each variant is one of Auth.js's configuration assertions.
///
/// `Debug` shows the same message as `Display` (what `.expect()` and `main`'s `Err` print).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No secret: set `AUTH_SECRET` (generate one with `cargo xtask secret`).
    #[error("MissingSecret: Please define a `secret` (AUTH_SECRET)")]
    MissingSecret,
    /// Neither a public URL (`AUTH_URL`) nor `trust_host`: the origin cannot be trusted.
    #[error(
        "UntrustedHost: set the public URL (AUTH_URL) or trust the Host header (AUTH_TRUST_HOST=true)"
    )]
    UntrustedHost,
    /// The public URL is not an absolute http(s) URL.
    #[error("Configuration: invalid url {0:?}")]
    InvalidUrl(String),
    /// The base path is not a path.
    #[error(
        "Configuration: invalid base path {0:?}: it must start with '/' and hold no '?', '#' or '\\'"
    )]
    InvalidBasePath(String),
    /// Two providers share an id, or an id is not usable in a URL.
    #[error("Configuration: invalid or duplicate provider id {0:?}")]
    InvalidProviderId(String),
    /// A credentials provider has no `authorize`.
    #[error("MissingAuthorize: the credentials provider {0:?} has no `authorize`")]
    MissingAuthorize(String),
    /// Database sessions were asked for with only credentials providers.
    #[error("UnsupportedStrategy: signing in with credentials only works with JWT sessions")]
    UnsupportedStrategy,
    /// Database sessions need an adapter.
    #[error("MissingAdapter: database sessions need an adapter")]
    MissingAdapter,
    /// A lifetime is not positive.
    #[error("Configuration: {0} must be positive")]
    InvalidDuration(&'static str),
    /// An OAuth provider has neither an issuer nor this endpoint.
    #[error(
        "InvalidEndpoints: Provider \"{0}\" is missing both `issuer` and `{1}` endpoint config. At least one of them is required"
    )]
    InvalidEndpoints(String, &'static str),
    /// An OAuth provider has no client id (`AUTH_<ID>_ID`).
    #[error("Configuration: provider \"{0}\" has no client id (set AUTH_{1}_ID)")]
    MissingClientId(String, String),
}

impl ConfigError {
    /// The Auth.js error kind of this assertion.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::MissingSecret => ErrorKind::MissingSecret,
            Self::UntrustedHost => ErrorKind::UntrustedHost,
            Self::MissingAuthorize(_) => ErrorKind::MissingAuthorize,
            Self::UnsupportedStrategy => ErrorKind::UnsupportedStrategy,
            Self::MissingAdapter => ErrorKind::MissingAdapter,
            Self::InvalidEndpoints(..) => ErrorKind::InvalidEndpoints,
            _ => ErrorKind::Configuration,
        }
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_auth_js_client_safe_set_keeps_its_type() {
        assert_eq!(ErrorKind::AccessDenied.client_code(), "AccessDenied");
        assert_eq!(ErrorKind::MissingCsrf.client_code(), "MissingCSRF");
        assert_eq!(ErrorKind::AdapterError.client_code(), "Configuration");
        assert_eq!(ErrorKind::InvalidCheck.client_code(), "Configuration");
        assert_eq!(ErrorKind::JwtSessionError.client_code(), "Configuration");
    }

    #[test]
    fn kinds_pick_their_page() {
        assert_eq!(ErrorKind::CredentialsSignin.page(), ErrorPage::SignIn);
        assert_eq!(ErrorKind::MissingCsrf.page(), ErrorPage::SignIn);
        assert_eq!(ErrorKind::AccessDenied.page(), ErrorPage::Error);
        assert_eq!(ErrorKind::Verification.page(), ErrorPage::Error);
    }

    #[test]
    fn display_links_the_docs() {
        let e = Error::new(ErrorKind::MissingSecret, "Please define a `secret`");
        assert_eq!(
            e.to_string(),
            "MissingSecret: Please define a `secret`. Read more at https://errors.authjs.dev#missingsecret"
        );
    }
}
