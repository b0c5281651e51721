//! The assertions `build()` makes on the configuration as a whole (Auth.js
//! `lib/utils/assert.ts`); each provider's own are made where it is prepared.

use super::{AuthConfig, SessionStrategy};
use crate::{error::ConfigError, providers::Provider};

impl AuthConfig {
    /// Host trust, the secret and the lifetimes, checked before any provider.
    pub(crate) fn check_globals(&self) -> Result<(), ConfigError> {
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
        Ok(())
    }

    /// The session strategy against the store and the providers, checked after the providers.
    pub(crate) fn check_strategy(&self) -> Result<(), ConfigError> {
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
