//! Everything `build()` prepares from an [`AuthConfig`], once: validated providers, cookie
//! tables, derived keys, the session strategy, caches. Requests only read it; the public
//! `Auth` is an `Arc` of it.

use std::sync::Arc;

use crate::{
    adapter::{Adapter, MemoryRateLimiter},
    callbacks::{Callbacks, Events},
    clock::{Clock, whole_secs},
    config::{AuthConfig, Pages},
    cookies::{CookieKind, CookieTable},
    error::ConfigError,
    jwt::JwtKeys,
    logger::{Log, WarningCode},
    oauth::{self, HttpClient, checks::CheckKeys, metadata::MetadataCache},
    origin::{OriginResolver, parse_public_url},
    pages::Theme,
    providers::{PreparedProvider, Surroundings},
    secret::Secret,
    session::{SessionSetup, Sessions},
};

/// The state every request reads.
pub(crate) struct Prepared {
    pub(crate) providers: Vec<PreparedProvider>,
    /// `String(secret)` for CSRF and magic-link hashes.
    pub(crate) csrf_secret: Secret,
    pub(crate) base_path: String,
    pub(crate) origin: OriginResolver,
    pub(crate) use_secure_cookies: Option<bool>,
    cookies_secure: CookieTable,
    cookies_plain: CookieTable,
    check_keys_secure: CheckKeys,
    check_keys_plain: CheckKeys,
    /// Keys of the inner `state` JWE (salt `encodedState`).
    pub(crate) state_keys: JwtKeys,
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) metadata: MetadataCache,
    /// The store, when there is one (account linking; email providers hold their own handle).
    pub(crate) adapter: Option<Arc<dyn Adapter>>,
    pub(crate) sessions: Sessions,
    /// The email rate limit's counters when the store keeps none (one process only).
    pub(crate) rate_limits: MemoryRateLimiter,
    pub(crate) pages: Pages,
    pub(crate) theme: Theme,
    pub(crate) callbacks: Arc<dyn Callbacks>,
    pub(crate) events: Arc<dyn Events>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_body_bytes: usize,
    pub(crate) skip_csrf_check: bool,
    /// The configured logger and `debug`.
    pub(crate) log: Log,
}

impl Prepared {
    /// Validates `config` (Auth.js's assertions, each a [`ConfigError`]) and prepares it.
    pub(crate) fn new(config: AuthConfig) -> Result<Self, ConfigError> {
        config.check_globals()?;
        let log = config.log();
        let host_trust = config.host_trust(&log)?;
        let (fixed_origin, url_path) = match &config.url {
            Some(url) => {
                let (origin, path) =
                    parse_public_url(url).ok_or_else(|| ConfigError::InvalidUrl(url.clone()))?;
                (Some(origin), Some(path))
            }
            None => (None, None),
        };
        let base_path = normalize_base_path(
            config
                .base_path
                .as_deref()
                .or(url_path.as_deref().filter(|p| !p.is_empty())),
        )?;
        let http = config.http.clone().unwrap_or_else(oauth::default_client);
        let around = Surroundings {
            adapter: config.adapter.as_ref(),
            redirect_proxy_url: config.redirect_proxy_url.as_deref(),
            http: &http,
            log: &log,
        };
        let mut providers: Vec<PreparedProvider> = Vec::with_capacity(config.providers.len());
        for provider in config.providers.iter().cloned() {
            let prepared = PreparedProvider::prepare(provider, &around)?;
            if providers.iter().any(|p| p.id() == prepared.id()) {
                return Err(ConfigError::InvalidProviderId(prepared.id().to_owned()));
            }
            providers.push(prepared);
        }
        config.check_strategy(&log)?;
        config.check_webauthn()?;
        if config.debug {
            log.warn(WarningCode::DebugEnabled, "debug logging is on");
        }
        let callbacks = config.effective_callbacks();
        let cookies_secure = CookieTable::new(true, &config.cookies);
        let cookies_plain = CookieTable::new(false, &config.cookies);
        let sessions = Sessions::new(SessionSetup {
            database: config.session_store(),
            secrets: config.secrets.clone(),
            cookies: [
                cookies_secure.get(CookieKind::SessionToken).clone(),
                cookies_plain.get(CookieKind::SessionToken).clone(),
            ],
            codec: config.jwt.codec,
            jwt_max_age_secs: whole_secs(config.jwt.max_age.unwrap_or(config.session.max_age)),
            token_cache_slots: config
                .jwt
                .cache_slots
                .unwrap_or(crate::session::TOKEN_CACHE_SLOTS),
            max_age_secs: whole_secs(config.session.max_age),
            update_age_secs: whole_secs(config.session.update_age),
            jwt_update_age_secs: whole_secs(config.jwt.update_age),
            generate_session_token: config.session.generate_session_token.clone(),
            callbacks: callbacks.clone(),
            events: config.events.clone(),
            log: log.clone(),
        });
        Ok(Self {
            providers,
            csrf_secret: config.secrets.joined(),
            base_path,
            origin: OriginResolver::new(
                fixed_origin,
                host_trust,
                config.trusted_proxy_hops.unwrap_or(1),
            ),
            use_secure_cookies: config.use_secure_cookies,
            check_keys_secure: CheckKeys::new(&config.secrets, &cookies_secure),
            check_keys_plain: CheckKeys::new(&config.secrets, &cookies_plain),
            cookies_secure,
            cookies_plain,
            state_keys: JwtKeys::new(&config.secrets, "encodedState"),
            http,
            metadata: MetadataCache::default(),
            adapter: config.adapter,
            sessions,
            rate_limits: MemoryRateLimiter::default(),
            pages: config.pages,
            theme: config.theme,
            callbacks,
            events: config.events,
            clock: config.clock,
            max_body_bytes: config.max_body_bytes,
            skip_csrf_check: config.skip_csrf_check,
            log,
        })
    }

    pub(crate) fn provider(&self, id: &str) -> Option<&PreparedProvider> {
        self.providers.iter().find(|p| p.id() == id)
    }

    pub(crate) fn cookie_table(&self, secure: bool) -> &CookieTable {
        if secure {
            &self.cookies_secure
        } else {
            &self.cookies_plain
        }
    }

    pub(crate) fn check_keys(&self, secure: bool) -> &CheckKeys {
        if secure {
            &self.check_keys_secure
        } else {
            &self.check_keys_plain
        }
    }
}

fn normalize_base_path(base_path: Option<&str>) -> Result<String, ConfigError> {
    let raw = base_path.unwrap_or("/auth");
    let trimmed = raw.trim_end_matches('/');
    let valid = raw.starts_with('/') && !raw.contains(['?', '#', '\\', ' ']) && !raw.contains("//");
    if !valid {
        return Err(ConfigError::InvalidBasePath(raw.to_owned()));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths_are_normalized() {
        assert_eq!(normalize_base_path(None).as_deref(), Ok("/auth"));
        assert_eq!(
            normalize_base_path(Some("/api/auth/")).as_deref(),
            Ok("/api/auth")
        );
        assert_eq!(normalize_base_path(Some("/")).as_deref(), Ok(""));
        assert!(normalize_base_path(Some("auth")).is_err());
        assert!(normalize_base_path(Some("/a?b")).is_err());
        assert!(normalize_base_path(Some("//evil")).is_err());
    }
}
