//! [`ConfigError`]: why `build()` refused a configuration, one variant per assertion.

use std::fmt;

use super::ErrorKind;

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
    ///
    /// No longer returned by `build()`: without either, only loopback hosts are served and other
    /// hosts get `400` (see the deviations). Kept for code that matches on it.
    #[error(
        "UntrustedHost: set the public URL (AUTH_URL) or trust the Host header (AUTH_TRUST_HOST=true)"
    )]
    UntrustedHost,
    /// An entry of `trusted_hosts` (`AUTH_TRUSTED_HOSTS`) is not a plain `host` or `host:port`.
    #[error("Configuration: invalid trusted host {0:?}: use host or host:port")]
    InvalidTrustedHost(String),
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
    #[error(
        "UnsupportedStrategy: signing in with credentials only works with JWT sessions; set \
         .session_strategy(SessionStrategy::Jwt), or call .database_sessions(true) on the \
         credentials provider"
    )]
    UnsupportedStrategy,
    /// Database sessions need an adapter.
    #[error("MissingAdapter: database sessions need an adapter")]
    MissingAdapter,
    /// A lifetime is shorter than one second (lifetimes are whole seconds on the wire).
    #[error("Configuration: {0} must be at least one second")]
    InvalidDuration(&'static str),
    /// `jwt_update_age` is not shorter than the session's or the token's lifetime: sessions
    /// would end before any read re-issued them.
    #[error(
        "Configuration: jwt_update_age must be shorter than session.max_age and jwt.max_age, or zero"
    )]
    JwtUpdateAgeTooLong,
    /// An OAuth provider has neither an issuer nor this endpoint.
    #[error(
        "InvalidEndpoints: Provider \"{0}\" is missing both `issuer` and `{1}` endpoint config. At least one of them is required"
    )]
    InvalidEndpoints(String, &'static str),
    /// An OAuth provider has no client id (`AUTH_<ID>_ID`).
    #[error("Configuration: provider \"{0}\" has no client id (set AUTH_{1}_ID)")]
    MissingClientId(String, String),
    /// A provider lacks something its configuration needs, or holds an unusable value: the
    /// provider id, then what (e.g. an HTTP email service without its `AUTH_<ID>_KEY`).
    #[error("Configuration: provider \"{0}\": {1}")]
    InvalidProvider(String, String),
    /// More than one WebAuthn provider offers conditional UI (the browser's passkey autofill).
    #[error(
        "DuplicateConditionalUI: Multiple providers have 'enableConditionalUI' set to True. Only one provider can have this option enabled at a time"
    )]
    DuplicateConditionalUI,
    /// A WebAuthn provider with conditional UI has no form field whose `autocomplete` holds
    /// `webauthn`.
    #[error(
        "MissingWebAuthnAutocomplete: Provider \"{0}\" has 'enableConditionalUI' set to True, but none of its formFields have 'webauthn' in their autocomplete param"
    )]
    MissingWebAuthnAutocomplete(String),
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
            Self::DuplicateConditionalUI => ErrorKind::DuplicateConditionalUi,
            Self::MissingWebAuthnAutocomplete(_) => ErrorKind::MissingWebAuthnAutocomplete,
            _ => ErrorKind::Configuration,
        }
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
