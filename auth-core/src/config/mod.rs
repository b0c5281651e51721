//! [`AuthConfig`]: every option, set with a builder, validated once by [`AuthConfig::build`].

mod env;
pub(crate) mod origin;

use std::{collections::HashMap, fmt, sync::Arc};

use crate::{
    adapter::Adapter,
    auth::Auth,
    callbacks::{Callbacks, DefaultCallbacks, Events, NoEvents},
    clock::{Clock, SystemClock},
    cookies::{CookieKind, CookieOverride},
    error::ErrorKind,
    jwt::JwtCodec,
    oauth::HttpClient,
    pages::Theme,
    providers::Provider,
    secret::{Secret, SecretList},
};

/// Thirty days, Auth.js's default session lifetime.
pub const DEFAULT_MAX_AGE: i64 = 30 * 24 * 60 * 60;
/// One day, Auth.js's default database-session write throttle.
pub const DEFAULT_UPDATE_AGE: i64 = 24 * 60 * 60;
/// The default cap on request bodies. Auth.js posts are small forms or JSON.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// How sessions are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStrategy {
    /// An encrypted JWT in a cookie (the default without an adapter).
    Jwt,
    /// A session row in a database, its id in the cookie (needs an adapter).
    Database,
}

/// Session options (Auth.js's `session`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// The strategy; `None` picks Auth.js's default (database with an adapter, else JWT).
    pub strategy: Option<SessionStrategy>,
    /// Session lifetime in seconds (default 30 days).
    pub max_age: i64,
    /// How often a database session is extended, in seconds (default 1 day).
    pub update_age: i64,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            strategy: None,
            max_age: DEFAULT_MAX_AGE,
            update_age: DEFAULT_UPDATE_AGE,
        }
    }
}

/// JWT options (Auth.js's `jwt`).
#[derive(Clone, Default)]
pub struct JwtOptions {
    /// Lifetime of the token's `exp`, in seconds (default: the session's `max_age`).
    pub max_age: Option<i64>,
    /// A replacement for the built-in JWE encoding of the session token.
    pub codec: Option<Arc<dyn JwtCodec>>,
}

impl fmt::Debug for JwtOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtOptions")
            .field("max_age", &self.max_age)
            .field("codec", &self.codec.as_ref().map(|_| "custom"))
            .finish()
    }
}

/// Custom pages (Auth.js's `pages`): paths (or URLs) of your own pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pages {
    /// Replaces the built-in sign-in page.
    pub sign_in: Option<String>,
    /// Replaces the built-in sign-out page.
    pub sign_out: Option<String>,
    /// Replaces the built-in error page.
    pub error: Option<String>,
    /// Replaces the built-in "check your email" page.
    pub verify_request: Option<String>,
    /// Where new users go after their first sign-in.
    pub new_user: Option<String>,
}

/// A configuration `build()` refused; each variant is one of Auth.js's configuration assertions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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

/// The configuration of [`Auth`]: a builder whose [`build`](Self::build) checks everything once.
///
/// ```
/// use auth_core::{AuthConfig, User, providers::{CredentialInput, CredentialsProvider}};
///
/// let auth = AuthConfig::new()
///     .secret("a-long-random-secret-from-cargo-xtask-secret")
///     .url("https://app.example.com/auth")
///     .provider(
///         CredentialsProvider::new()
///             .field("username", CredentialInput::text("Username"))
///             .authorize(|c| async move { Ok(c.get("username").map(|u| User::new(u))) }),
///     )
///     .build()
///     .expect("valid configuration");
/// assert_eq!(auth.base_path(), "/auth");
/// ```
#[derive(Clone)]
pub struct AuthConfig {
    pub(crate) providers: Vec<Provider>,
    pub(crate) secrets: SecretList,
    pub(crate) base_path: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) trust_host: Option<bool>,
    pub(crate) use_secure_cookies: Option<bool>,
    pub(crate) cookies: HashMap<CookieKind, CookieOverride>,
    pub(crate) session: SessionOptions,
    pub(crate) jwt: JwtOptions,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) events: Arc<dyn Events>,
    pub(crate) debug: bool,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_body_bytes: usize,
    pub(crate) skip_csrf_check: bool,
    pub(crate) http: Option<Arc<dyn HttpClient>>,
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    pub(crate) redirect_proxy_url: Option<String>,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("providers", &self.providers)
            .field("secrets", &self.secrets)
            .field("base_path", &self.base_path)
            .field("url", &self.url)
            .field("trust_host", &self.trust_host)
            .field("use_secure_cookies", &self.use_secure_cookies)
            .field("cookies", &self.cookies)
            .field("session", &self.session)
            .field("jwt", &self.jwt)
            .field("pages", &self.pages)
            .field("theme", &self.theme)
            .field("debug", &self.debug)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("skip_csrf_check", &self.skip_csrf_check)
            .finish_non_exhaustive()
    }
}

impl AuthConfig {
    /// An empty configuration with Auth.js's defaults.
    pub fn new() -> Self {
        Self {
            providers: Vec::new(),
            secrets: SecretList::default(),
            base_path: None,
            url: None,
            trust_host: None,
            use_secure_cookies: None,
            cookies: HashMap::new(),
            session: SessionOptions::default(),
            jwt: JwtOptions::default(),
            pages: Pages::default(),
            theme: Theme::default(),
            callbacks: Arc::new(DefaultCallbacks),
            events: Arc::new(NoEvents),
            debug: false,
            clock: Arc::new(SystemClock),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            skip_csrf_check: false,
            http: None,
            adapter: None,
            redirect_proxy_url: None,
        }
    }

    /// Routes every OAuth provider's callback through one stable deployment
    /// (`AUTH_REDIRECT_PROXY_URL`), e.g. `https://auth.example.com/auth`. Every deployment must
    /// share the secret. Not used by `form_post` providers.
    #[must_use]
    pub fn redirect_proxy_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_proxy_url = Some(url.into());
        self
    }

    /// Stores users, accounts and sessions with `adapter`. With an adapter, sessions default to
    /// the database strategy (Auth.js's rule); set [`SessionOptions::strategy`] to keep JWTs.
    #[must_use]
    pub fn adapter(mut self, adapter: impl Adapter) -> Self {
        self.adapter = Some(Arc::new(adapter));
        self
    }

    /// The session strategy in force: the configured one, else database with an adapter and
    /// JWT without.
    pub fn session_strategy(&self) -> SessionStrategy {
        self.session.strategy.unwrap_or(if self.adapter.is_some() {
            SessionStrategy::Database
        } else {
            SessionStrategy::Jwt
        })
    }

    /// Replaces the outbound HTTP client of OAuth providers (default: reqwest with rustls).
    #[must_use]
    pub fn http_client(mut self, client: impl HttpClient) -> Self {
        self.http = Some(Arc::new(client));
        self
    }

    /// Adds a provider.
    #[must_use]
    pub fn provider(mut self, provider: impl Into<Provider>) -> Self {
        self.providers.push(provider.into());
        self
    }

    /// Sets the secret (`AUTH_SECRET`).
    #[must_use]
    pub fn secret(mut self, secret: impl Into<Secret>) -> Self {
        self.secrets = SecretList::single(secret);
        self
    }

    /// Sets several secrets for rotation: the first encrypts, all decrypt.
    #[must_use]
    pub fn secrets(mut self, secrets: SecretList) -> Self {
        self.secrets = secrets;
        self
    }

    /// Sets the path the routes live under (default `/auth`).
    #[must_use]
    pub fn base_path(mut self, base_path: impl Into<String>) -> Self {
        self.base_path = Some(base_path.into());
        self
    }

    /// Sets the public URL of the auth routes (`AUTH_URL`), e.g. `https://app.example.com/auth`.
    /// Its origin is used for every redirect and cookie decision; its path becomes the base path
    /// when none is set.
    #[must_use]
    pub fn url(mut self, url: impl Into<String>) -> Self {
        self.url = Some(url.into());
        self
    }

    /// Trusts the `Host` and `X-Forwarded-Host`/`X-Forwarded-Proto` headers to tell the origin
    /// (`AUTH_TRUST_HOST`). Only turn this on behind a proxy that sets them, or in development.
    #[must_use]
    pub fn trust_host(mut self, trust: bool) -> Self {
        self.trust_host = Some(trust);
        self
    }

    /// Forces secure (`__Secure-`, `Secure`) cookies on or off; by default they follow the scheme.
    #[must_use]
    pub fn use_secure_cookies(mut self, secure: bool) -> Self {
        self.use_secure_cookies = Some(secure);
        self
    }

    /// Overrides the name or options of one cookie.
    #[must_use]
    pub fn cookie(mut self, kind: CookieKind, options: CookieOverride) -> Self {
        self.cookies.insert(kind, options);
        self
    }

    /// Sets the session options.
    #[must_use]
    pub fn session(mut self, session: SessionOptions) -> Self {
        self.session = session;
        self
    }

    /// Sets the JWT options.
    #[must_use]
    pub fn jwt(mut self, jwt: JwtOptions) -> Self {
        self.jwt = jwt;
        self
    }

    /// Sets custom pages.
    #[must_use]
    pub fn pages(mut self, pages: Pages) -> Self {
        self.pages = pages;
        self
    }

    /// Sets the theme of the built-in pages.
    #[must_use]
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    /// Sets the callbacks.
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

    /// Logs debug details of every flow (at `DEBUG` level; never secrets).
    #[must_use]
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// Replaces the clock (for tests).
    #[must_use]
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Caps request bodies (default 64 KiB); larger ones get `413 Payload Too Large`.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Turns CSRF checks off, like Auth.js's `skipCSRFCheck`.
    ///
    /// # Security Warning
    /// Only for frameworks that protect every POST themselves. Without it, any site can make a
    /// signed-in browser sign out or update its session.
    #[must_use]
    pub fn dangerously_skip_csrf_check(mut self) -> Self {
        self.skip_csrf_check = true;
        self
    }

    /// Fills unset options from the process environment (Auth.js's `setEnvDefaults`): see
    /// [`env_defaults_from`](Self::env_defaults_from).
    #[must_use]
    pub fn env_defaults(self) -> Self {
        self.env_defaults_from(|name| std::env::var(name).ok())
    }

    /// Fills unset options from the variables `get` returns:
    /// `AUTH_SECRET` and `AUTH_SECRET_1..3` (the highest number encrypts; `NEXTAUTH_SECRET` as a
    /// fallback), `AUTH_URL` (or `NEXTAUTH_URL`; also sets the base path from its path and
    /// trusts the host), `AUTH_TRUST_HOST`, and each provider's `AUTH_<ID>_ID`/`_SECRET`/`_ISSUER`.
    #[must_use]
    pub fn env_defaults_from(mut self, get: impl Fn(&str) -> Option<String>) -> Self {
        env::apply(&mut self, &get);
        self
    }

    /// Validates the configuration and prepares everything requests need (derived keys, cookie
    /// tables, page data), so no request does avoidable work.
    pub fn build(self) -> Result<Auth, ConfigError> {
        self.validate()?;
        Auth::from_config(self)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.url.is_none() && self.trust_host != Some(true) {
            return Err(ConfigError::UntrustedHost);
        }
        if self.secrets.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        if self.session.max_age <= 0 {
            return Err(ConfigError::InvalidDuration("session.max_age"));
        }
        if self.session.update_age < 0 {
            return Err(ConfigError::InvalidDuration("session.update_age"));
        }
        if self.jwt.max_age.is_some_and(|m| m <= 0) {
            return Err(ConfigError::InvalidDuration("jwt.max_age"));
        }
        let mut seen = std::collections::HashSet::new();
        for provider in &self.providers {
            let id = provider.id();
            let usable = !id.is_empty()
                && id != "undefined"
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
            if !usable || !seen.insert(id.to_owned()) {
                return Err(ConfigError::InvalidProviderId(id.to_owned()));
            }
            match provider {
                Provider::Credentials(p) if p.authorizer().is_none() => {
                    return Err(ConfigError::MissingAuthorize(id.to_owned()));
                }
                Provider::Email(p) => {
                    if self.adapter.is_none() {
                        return Err(ConfigError::MissingAdapter);
                    }
                    if p.max_age <= 0 {
                        return Err(ConfigError::InvalidDuration("email max_age"));
                    }
                }
                Provider::OAuth(p) => {
                    validate_oauth(p)?;
                    let proxy = p
                        .redirect_proxy_url
                        .as_ref()
                        .or(self.redirect_proxy_url.as_ref());
                    if let Some(url) = proxy
                        && origin::parse_public_url(url).is_none()
                    {
                        return Err(ConfigError::InvalidUrl(url.clone()));
                    }
                }
                _ => {}
            }
        }
        if self.session_strategy() == SessionStrategy::Database {
            if self.adapter.is_none() {
                return Err(ConfigError::MissingAdapter);
            }
            // Credentials sign in with JWTs unless they opted into database sessions.
            let only_jwt_credentials = !self.providers.is_empty()
                && self.providers.iter().all(|p| match p {
                    Provider::Credentials(c) => !c.uses_database_sessions(),
                    _ => false,
                });
            // Auth.js only asserts this for an explicit strategy; an implicit one (an adapter)
            // would leave every credentials sign-in without a readable session.
            if only_jwt_credentials {
                return Err(ConfigError::UnsupportedStrategy);
            }
        }
        Ok(())
    }
}

/// Auth.js's `InvalidEndpoints` assertion, and a client id.
fn validate_oauth(p: &crate::providers::OAuthProvider) -> Result<(), ConfigError> {
    let id = p.provider_id();
    if p.client_id.as_deref().is_none_or(str::is_empty) {
        let env = crate::providers::env_prefix(id)
            .trim_start_matches("AUTH_")
            .to_owned();
        return Err(ConfigError::MissingClientId(id.to_owned(), env));
    }
    if p.issuer.is_none() {
        let missing = if p.authorization_url.is_none() {
            Some("authorization")
        } else if p.token_url.is_none() {
            Some("token")
        } else if p.userinfo_url.is_none() && p.userinfo.is_none() {
            Some("userinfo")
        } else {
            None
        };
        if let Some(endpoint) = missing {
            return Err(ConfigError::InvalidEndpoints(id.to_owned(), endpoint));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::CredentialsProvider;

    fn base() -> AuthConfig {
        AuthConfig::new().secret("s").trust_host(true)
    }

    #[test]
    fn each_assertion_has_its_error() {
        assert_eq!(
            AuthConfig::new().secret("s").build().err(),
            Some(ConfigError::UntrustedHost)
        );
        assert_eq!(
            AuthConfig::new().trust_host(true).build().err(),
            Some(ConfigError::MissingSecret)
        );
        assert_eq!(
            base().provider(CredentialsProvider::new()).build().err(),
            Some(ConfigError::MissingAuthorize("credentials".into()))
        );
        let creds = CredentialsProvider::new().authorize(|_| async { Ok(None) });
        assert_eq!(
            base()
                .provider(creds.clone())
                .session(SessionOptions {
                    strategy: Some(SessionStrategy::Database),
                    ..Default::default()
                })
                .build()
                .err(),
            Some(ConfigError::MissingAdapter)
        );
        assert_eq!(
            base().provider(creds.clone()).provider(creds).build().err(),
            Some(ConfigError::InvalidProviderId("credentials".into()))
        );
        assert_eq!(
            base().base_path("auth").build().err(),
            Some(ConfigError::InvalidBasePath("auth".into()))
        );
        assert_eq!(
            AuthConfig::new().secret("s").url("ftp://x").build().err(),
            Some(ConfigError::InvalidUrl("ftp://x".into()))
        );
        assert_eq!(ConfigError::MissingSecret.kind(), ErrorKind::MissingSecret);
    }

    #[test]
    fn base_path_comes_from_the_url_unless_set() {
        let auth = AuthConfig::new()
            .secret("s")
            .url("https://a.test/api/auth")
            .build()
            .expect("ok");
        assert_eq!(auth.base_path(), "/api/auth");
        let auth = AuthConfig::new()
            .secret("s")
            .url("https://a.test/api/auth")
            .base_path("/custom/")
            .build()
            .expect("ok");
        assert_eq!(auth.base_path(), "/custom");
        assert_eq!(base().build().expect("ok").base_path(), "/auth");
    }
}
