//! Providers: the ways a user can sign in.
//!
//! Credentials, OAuth 2 and OpenID Connect providers; email and WebAuthn providers plug into
//! the same [`Provider`] enum.

mod credentials;
mod email;
mod oauth;
mod prepared;
pub mod presets;
mod webauthn;

pub use crate::{
    model::ProviderKind,
    oauth::{ClientAuth, TokenParam, TokenRequest},
};
pub use credentials::{
    Authorize, AuthorizeFuture, CredentialInput, Credentials, CredentialsProvider,
};
pub use email::{EmailProvider, NormalizeFn, RateLimit, default_normalize};
pub use oauth::{
    AccountFn, Checks, OAuthProvider, ProfileFn, ProviderStyle, TokenSet, UserinfoFn,
    default_profile,
};
pub(crate) use prepared::{
    CredentialsSignIn, EmailSignIn, OAuthClient, PreparedProvider, Surroundings, WebAuthnSignIn,
};
pub use webauthn::{RelyingParty, ResidentKey, UserVerification, WebAuthnField, WebAuthnProvider};

/// A configured provider.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Provider {
    /// A credentials provider.
    Credentials(CredentialsProvider),
    /// An OAuth 2 or OpenID Connect provider.
    OAuth(Box<OAuthProvider>),
    /// An email (magic link) provider.
    Email(Box<EmailProvider>),
    /// A WebAuthn provider (passkeys).
    WebAuthn(Box<WebAuthnProvider>),
}

impl Provider {
    /// The provider id used in URLs (`/auth/signin/<id>`).
    pub fn id(&self) -> &str {
        match self {
            Self::Credentials(p) => p.provider_id(),
            Self::OAuth(p) => &p.id,
            Self::Email(p) => &p.id,
            Self::WebAuthn(p) => &p.id,
        }
    }

    /// The display name.
    pub fn name(&self) -> &str {
        match self {
            Self::Credentials(p) => p.display_name(),
            Self::OAuth(p) => &p.name,
            Self::Email(p) => &p.name,
            Self::WebAuthn(p) => &p.name,
        }
    }

    /// The provider kind.
    pub fn kind(&self) -> ProviderKind {
        match self {
            Self::Credentials(_) => ProviderKind::Credentials,
            Self::OAuth(p) => p.kind,
            Self::Email(_) => ProviderKind::Email,
            Self::WebAuthn(_) => ProviderKind::WebAuthn,
        }
    }

    /// Fills unset options from `AUTH_<ID>_*` variables (spec §15.2): OAuth's `_ID`, `_SECRET`
    /// and `_ISSUER`, email's `_KEY`. Credentials providers take nothing from the environment.
    pub(crate) fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) {
        match self {
            Self::Credentials(_) | Self::WebAuthn(_) => {}
            Self::Email(p) => p.apply_env(env),
            Self::OAuth(p) => p.apply_env(env),
        }
    }
}

impl From<OAuthProvider> for Provider {
    fn from(provider: OAuthProvider) -> Self {
        Self::OAuth(Box::new(provider))
    }
}

impl From<EmailProvider> for Provider {
    fn from(provider: EmailProvider) -> Self {
        Self::Email(Box::new(provider))
    }
}

impl From<WebAuthnProvider> for Provider {
    fn from(provider: WebAuthnProvider) -> Self {
        Self::WebAuthn(Box::new(provider))
    }
}

impl From<CredentialsProvider> for Provider {
    fn from(provider: CredentialsProvider) -> Self {
        Self::Credentials(provider)
    }
}

/// The `AUTH_<ID>` prefix of a provider's environment variables: the id upper-cased with `-`
/// turned into `_` (`microsoft-entra-id` → `AUTH_MICROSOFT_ENTRA_ID`).
pub fn env_prefix(id: &str) -> String {
    format!("AUTH_{}", id.to_ascii_uppercase().replace('-', "_"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn env_prefix_follows_auth_js() {
        assert_eq!(
            super::env_prefix("microsoft-entra-id"),
            "AUTH_MICROSOFT_ENTRA_ID"
        );
        assert_eq!(super::env_prefix("github"), "AUTH_GITHUB");
    }
}
