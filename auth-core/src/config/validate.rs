//! The assertions `build()` makes on the configuration as a whole (Auth.js
//! `lib/utils/assert.ts`); each provider's own are made where it is prepared.

use super::{AuthConfig, SessionStrategy};
use crate::{
    error::ConfigError,
    logger::{Log, WarningCode},
    origin::{HostTrust, parse_trusted_host},
    providers::Provider,
};

impl AuthConfig {
    /// The secret and the lifetimes, checked before any provider. (Host trust is no longer a
    /// build error: without a URL or trust, only loopback hosts are served; see
    /// [`host_trust`](Self::host_trust).)
    pub(crate) fn check_globals(&self) -> Result<(), ConfigError> {
        if self.secrets.is_empty() {
            return Err(ConfigError::MissingSecret);
        }
        // Lifetimes are whole seconds on the wire: less than one is none.
        if self.session.max_age.as_secs() == 0 {
            return Err(ConfigError::InvalidDuration("session.max_age"));
        }
        if self.jwt.max_age.is_some_and(|m| m.as_secs() == 0) {
            return Err(ConfigError::InvalidDuration("jwt.max_age"));
        }
        let update_age = self.jwt.update_age.as_secs();
        let token_life = self.jwt.max_age.unwrap_or(self.session.max_age).as_secs();
        if update_age > 0 && update_age >= token_life.min(self.session.max_age.as_secs()) {
            return Err(ConfigError::JwtUpdateAgeTooLong);
        }
        Ok(())
    }

    /// Which hosts requests may name when no URL is configured: the trusted-host list, else
    /// any host with `trust_host` (logged as a warning), else loopback only.
    pub(crate) fn host_trust(&self, log: &Log) -> Result<HostTrust, ConfigError> {
        if !self.trusted_hosts.is_empty() {
            let list = self
                .trusted_hosts
                .iter()
                .map(|h| {
                    parse_trusted_host(h).ok_or_else(|| ConfigError::InvalidTrustedHost(h.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(HostTrust::List(list));
        }
        if self.trust_host == Some(true) {
            if self.url.is_none() {
                log.warn(
                    WarningCode::TrustHost,
                    "every Host and X-Forwarded-Host is trusted to tell the origin of links and \
                     redirects; set AUTH_URL, or AUTH_TRUSTED_HOSTS to the hosts your proxy serves",
                );
            }
            return Ok(HostTrust::Any);
        }
        Ok(HostTrust::Loopback)
    }

    /// The session strategy against the store and the providers, checked after the providers.
    pub(crate) fn check_strategy(&self, log: &Log) -> Result<(), ConfigError> {
        if self.session.strategy.is_none()
            && self.adapter.is_some()
            && let Some(id) = self.jwt_credentials()
        {
            tracing::info!(
                target: "auth_core",
                provider = id,
                "[auth][info] sessions stay JWTs although an adapter is set: the credentials \
                 provider signs in with JWTs. For database sessions, call \
                 .database_sessions(true) on it and set .session_strategy(SessionStrategy::Database)"
            );
        }
        if self.effective_session_strategy() == SessionStrategy::Database {
            if self.adapter.is_none() {
                return Err(ConfigError::MissingAdapter);
            }
            // Credentials sign in with JWTs unless they opted into database sessions.
            let only_jwt_credentials = !self.providers.is_empty()
                && self.providers.iter().all(|p| match p {
                    Provider::Credentials(c) => !c.uses_database_sessions(),
                    _ => false,
                });
            // An implicit database strategy never gets here with such providers (the default
            // stays JWT); an explicit one with only them is Auth.js's `UnsupportedStrategy`.
            if only_jwt_credentials {
                return Err(ConfigError::UnsupportedStrategy);
            }
            if let Some(id) = self.jwt_credentials() {
                log.warn(
                    WarningCode::CredentialsJwtSessions,
                    &format!(
                        "the credentials provider \"{id}\" signs in with JWTs, which database \
                         sessions do not read: call .database_sessions(true) on it"
                    ),
                );
            }
        }
        Ok(())
    }

    /// Auth.js's `DuplicateConditionalUI`: at most one WebAuthn provider may offer autofill.
    pub(crate) fn check_webauthn(&self) -> Result<(), ConfigError> {
        let autofill = self
            .providers
            .iter()
            .filter(|p| matches!(p, Provider::WebAuthn(w) if w.enable_conditional_ui))
            .count();
        if autofill > 1 {
            return Err(ConfigError::DuplicateConditionalUI);
        }
        Ok(())
    }
}
