//! [`AuthConfig`]: every option, set with a builder; `build()` (next to `Auth`) validates it once.

mod env;
mod hooks;
mod options;
mod session;
mod validate;

use std::{collections::HashMap, fmt, sync::Arc};

pub use options::{DEFAULT_MAX_BODY_BYTES, DEFAULT_UPDATE_AGE, Pages, SessionStrategy};
pub(crate) use options::{JwtOptions, SessionOptions};

use crate::{
    adapter::Adapter,
    callbacks::{CallbackClosures, Callbacks, DefaultCallbacks, Events, NoEvents},
    clock::{Clock, SystemClock},
    cookies::{CookieKind, CookieOverride},
    oauth::HttpClient,
    pages::Theme,
    providers::Provider,
    secret::{Secret, SecretList},
};

/// The configuration of [`Auth`](crate::Auth): a builder whose [`build`](Self::build) checks
/// everything once.
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
    pub(crate) trusted_hosts: Vec<String>,
    pub(crate) trusted_proxy_hops: Option<usize>,
    pub(crate) use_secure_cookies: Option<bool>,
    pub(crate) cookies: HashMap<CookieKind, CookieOverride>,
    pub(crate) session: SessionOptions,
    pub(crate) jwt: JwtOptions,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) closures: CallbackClosures,
    pub(crate) events: Arc<dyn Events>,
    pub(crate) debug: bool,
    pub(crate) logger: Option<Arc<dyn crate::logger::Logger>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_body_bytes: usize,
    pub(crate) skip_csrf_check: bool,
    pub(crate) http: Option<Arc<dyn HttpClient>>,
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    pub(crate) redirect_proxy_url: Option<String>,
    /// Where [`build`](Self::build) reads `AUTH_*` variables from, if anywhere.
    pub(crate) env: Option<env::EnvSource>,
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
            .field("trusted_hosts", &self.trusted_hosts)
            .field("trusted_proxy_hops", &self.trusted_proxy_hops)
            .field("use_secure_cookies", &self.use_secure_cookies)
            .field("cookies", &self.cookies)
            .field("session", &self.session)
            .field("jwt", &self.jwt)
            .field("pages", &self.pages)
            .field("theme", &self.theme)
            .field("debug", &self.debug)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("skip_csrf_check", &self.skip_csrf_check)
            .field("env_defaults", &self.env.is_some())
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
            trusted_hosts: Vec::new(),
            trusted_proxy_hops: None,
            use_secure_cookies: None,
            cookies: HashMap::new(),
            session: SessionOptions::default(),
            jwt: JwtOptions::default(),
            pages: Pages::default(),
            theme: Theme::default(),
            callbacks: Arc::new(DefaultCallbacks),
            closures: CallbackClosures::default(),
            events: Arc::new(NoEvents),
            debug: false,
            logger: None,
            clock: Arc::new(SystemClock),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            skip_csrf_check: false,
            http: None,
            adapter: None,
            redirect_proxy_url: None,
            env: None,
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
    /// the database strategy (Auth.js's rule), unless a credentials provider signs in with JWTs
    /// (see [`effective_session_strategy`](Self::effective_session_strategy)); set
    /// [`session_strategy`](Self::session_strategy) to choose.
    #[must_use]
    pub fn adapter(mut self, adapter: impl Adapter) -> Self {
        self.adapter = Some(Arc::new(adapter));
        self
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

    /// Trusts the `Host` and `X-Forwarded-Host`/`X-Forwarded-Proto` (or RFC 7239 `Forwarded`)
    /// headers to tell the origin of any host (`AUTH_TRUST_HOST`), as Auth.js does. Only turn
    /// this on behind a proxy that sets them; prefer [`url`](Self::url) or
    /// [`trusted_hosts`](Self::trusted_hosts). `build()` logs a warning when it is on without a
    /// URL.
    ///
    /// Without a URL and without trust, only loopback hosts (`localhost`, `127.0.0.0/8`,
    /// `[::1]`, any port) are served, so development needs no setting; any other host gets
    /// `400`. With a URL, the headers are never read.
    #[must_use]
    pub fn trust_host(mut self, trust: bool) -> Self {
        self.trust_host = Some(trust);
        self
    }

    /// Trusts the forwarded headers, like [`trust_host`](Self::trust_host), but only for these
    /// hosts (`AUTH_TRUSTED_HOSTS`, comma-separated): `app.example.com` (any port) or
    /// `app.example.com:8443`. Requests for any other host get `400`.
    #[must_use]
    pub fn trusted_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.trusted_hosts = hosts.into_iter().map(Into::into).collect();
        self
    }

    /// How many proxies append to `X-Forwarded-Host`/`X-Forwarded-Proto`/`Forwarded`
    /// (`AUTH_TRUSTED_PROXY_HOPS`, default 1): the value used is this many from the right, so
    /// values a client sent (on the left) are never used. `0` counts as 1.
    #[must_use]
    pub fn trusted_proxy_hops(mut self, hops: usize) -> Self {
        self.trusted_proxy_hops = Some(hops);
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

    /// Fills unset options from the process environment (Auth.js's `setEnvDefaults`) when
    /// [`build`](Self::build) runs: see [`env_defaults_from`](Self::env_defaults_from).
    #[must_use]
    pub fn env_defaults(self) -> Self {
        self.env_defaults_from(|name| std::env::var(name).ok())
    }

    /// Fills unset options from the variables `get` returns, when [`build`](Self::build) runs,
    /// so the call may come anywhere in the chain: providers added after it still read their
    /// variables, and options set explicitly (before or after it) always win. The variables:
    /// `AUTH_SECRET` and `AUTH_SECRET_1..3` (the highest number encrypts; `NEXTAUTH_SECRET` as a
    /// fallback), `AUTH_URL` (or `NEXTAUTH_URL`; also sets the base path from its path and
    /// trusts the host), `AUTH_TRUST_HOST`, `AUTH_TRUSTED_HOSTS` (comma-separated),
    /// `AUTH_TRUSTED_PROXY_HOPS`, each OAuth provider's `AUTH_<ID>_ID`/`_SECRET`/`_ISSUER` and
    /// each email provider's `AUTH_<ID>_KEY`.
    #[must_use]
    pub fn env_defaults_from(
        mut self,
        get: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Arc::new(get));
        self
    }

    /// The configuration `build()` validates: the recorded environment applied to the unset
    /// options.
    pub(crate) fn with_env_applied(mut self) -> Self {
        if let Some(get) = self.env.take() {
            env::apply(&mut self, &*get);
        }
        self
    }
}

#[cfg(test)]
mod tests;
