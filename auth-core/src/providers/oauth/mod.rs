//! OAuth 2 and OpenID Connect providers (spec §8.1).

mod client;
mod profile;

use std::{fmt, sync::Arc};

use serde_json::{Map, Value};

pub use profile::{ProfileFn, TokenSet, UserinfoFn, default_profile};

use super::ProviderKind;
use crate::{
    Result,
    model::User,
    oauth::{ClientAuth, TokenRequest},
    secret::Secret,
};

/// Which checks protect the authorization round trip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checks {
    /// PKCE with S256 (default on).
    pub pkce: bool,
    /// A sealed `state` parameter.
    pub state: bool,
    /// An OpenID Connect `nonce` (OIDC only).
    pub nonce: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Self {
            pkce: true,
            state: false,
            nonce: false,
        }
    }
}

impl Checks {
    /// PKCE, state and nonce all on.
    pub fn all() -> Self {
        Self {
            pkce: true,
            state: true,
            nonce: true,
        }
    }
}

/// The look of the provider's button on the built-in sign-in page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProviderStyle {
    /// Logo URL, shown as an `<img>`. Without one (the presets' default) the sign-in page shows
    /// the logo the crate ships for the provider's id, inline, if it has one.
    pub logo: Option<String>,
    /// Brand colour (Auth.js `style.brandColor ?? style.bg`): tints the button on hover.
    pub brand_color: Option<String>,
    /// Auth.js's `style.text`. Kept for completeness; the built-in page, like Auth.js 0.41.3's,
    /// paints every label in the theme's text colour, legible on the neutral button.
    pub text: Option<String>,
}

/// Shapes what is stored of a sign-in's tokens (Auth.js `provider.account(tokens)`): receives
/// the token response (with `expires_at`) and returns the fields the adapter keeps
/// (`access_token`, `refresh_token`, `expires_at`, `token_type`, `scope`, `id_token`,
/// `session_state`; others are not stored). The `jwt` callback and the events still see the
/// whole token response.
pub type AccountFn = Arc<dyn Fn(&TokenSet) -> Map<String, Value> + Send + Sync>;

/// Derives settings from others once they are known (a preset whose endpoints hang off the
/// deployer's issuer, or whose authorization request repeats the client id): run whenever the
/// issuer or the client id is set, by the builder or from the environment.
pub(crate) type DeriveFn = Arc<dyn Fn(&mut OAuthProvider) + Send + Sync>;

/// An OAuth 2 or OpenID Connect provider.
///
/// ```
/// use auth_core::providers::{Checks, OAuthProvider};
///
/// let provider = OAuthProvider::oidc("keycloak", "Keycloak")
///     .issuer("https://sso.example.com/realms/main")
///     .client_id("my-app")
///     .client_secret("from AUTH_KEYCLOAK_SECRET")
///     .checks(Checks::all());
/// # let _ = provider;
/// ```
#[derive(Clone)]
pub struct OAuthProvider {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: ProviderKind,
    pub(crate) issuer: Option<String>,
    pub(crate) authorization_url: Option<String>,
    pub(crate) authorization_params: Vec<(String, String)>,
    pub(crate) token_url: Option<String>,
    pub(crate) userinfo_url: Option<String>,
    pub(crate) jwks_url: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) client_auth: ClientAuth,
    pub(crate) checks: Checks,
    pub(crate) profile: ProfileFn,
    pub(crate) userinfo: Option<UserinfoFn>,
    pub(crate) style: ProviderStyle,
    pub(crate) allow_dangerous_email_account_linking: bool,
    pub(crate) id_token: bool,
    pub(crate) form_post: bool,
    pub(crate) redirect_proxy_url: Option<String>,
    pub(crate) account: Option<AccountFn>,
    pub(crate) id_token_signed_response_alg: Option<String>,
    pub(crate) token_request: TokenRequest,
    pub(crate) derive: Option<DeriveFn>,
}

impl fmt::Debug for OAuthProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthProvider")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("issuer", &self.issuer)
            .field("authorization_url", &self.authorization_url)
            .field("token_url", &self.token_url)
            .field("userinfo_url", &self.userinfo_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("checks", &self.checks)
            .finish_non_exhaustive()
    }
}

impl OAuthProvider {
    fn new(kind: ProviderKind, id: &str, name: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            kind,
            issuer: None,
            authorization_url: None,
            authorization_params: Vec::new(),
            token_url: None,
            userinfo_url: None,
            jwks_url: None,
            client_id: None,
            client_secret: None,
            client_auth: ClientAuth::default(),
            checks: Checks::default(),
            profile: Arc::new(default_profile),
            userinfo: None,
            style: ProviderStyle::default(),
            allow_dangerous_email_account_linking: false,
            id_token: kind == ProviderKind::Oidc,
            form_post: false,
            redirect_proxy_url: None,
            account: None,
            id_token_signed_response_alg: None,
            token_request: TokenRequest::default(),
            derive: None,
        }
    }

    /// Runs the preset's [`DeriveFn`], if any.
    fn derived(mut self) -> Self {
        self.run_derive();
        self
    }

    fn run_derive(&mut self) {
        if let Some(derive) = self.derive.clone() {
            derive(self);
        }
    }

    /// Sets the [`DeriveFn`] (for presets) and runs it once.
    #[must_use]
    pub(crate) fn derive(mut self, derive: impl Fn(&mut Self) + Send + Sync + 'static) -> Self {
        self.derive = Some(Arc::new(derive));
        self.derived()
    }

    /// An OAuth 2 provider (`type: "oauth"`): set its endpoints, or an issuer for discovery.
    pub fn oauth(id: &str, name: &str) -> Self {
        Self::new(ProviderKind::OAuth, id, name)
    }

    /// An OpenID Connect provider (`type: "oidc"`): endpoints come from the issuer's discovery
    /// document, the profile from the verified id_token.
    pub fn oidc(id: &str, name: &str) -> Self {
        Self::new(ProviderKind::Oidc, id, name)
    }

    /// Changes the id (for two providers of one kind).
    #[must_use]
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Changes the display name.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The issuer, for discovery (`<issuer>/.well-known/openid-configuration`) and id_token
    /// checks.
    #[must_use]
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self.derived()
    }

    /// The authorization endpoint (its query parameters are kept).
    #[must_use]
    pub fn authorization_url(mut self, url: impl Into<String>) -> Self {
        self.authorization_url = Some(url.into());
        self
    }

    /// Adds a parameter to every authorization request (`scope`, `prompt`, …); a later call
    /// with the same name replaces the value.
    #[must_use]
    pub fn authorization_param(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        let name = name.into();
        let value = value.into();
        if name == "response_mode" && value == "form_post" {
            self.form_post = true;
        }
        self.authorization_params.retain(|(n, _)| *n != name);
        self.authorization_params.push((name, value));
        self
    }

    /// The token endpoint.
    #[must_use]
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The userinfo endpoint.
    #[must_use]
    pub fn userinfo_url(mut self, url: impl Into<String>) -> Self {
        self.userinfo_url = Some(url.into());
        self
    }

    /// The JWK set used to verify id_tokens (default: discovery's `jwks_uri`).
    #[must_use]
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// The client id (`AUTH_<ID>_ID`).
    #[must_use]
    pub fn client_id(mut self, id: impl Into<String>) -> Self {
        self.client_id = Some(id.into());
        self.derived()
    }

    /// The client secret (`AUTH_<ID>_SECRET`).
    #[must_use]
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// The checks (default: PKCE only, as in Auth.js).
    #[must_use]
    pub fn checks(mut self, checks: Checks) -> Self {
        self.checks = checks;
        self
    }

    /// Maps the provider's profile to a user (`id` = the account id at the provider).
    #[must_use]
    pub fn profile(
        mut self,
        profile: impl Fn(&Value, &TokenSet) -> Result<User> + Send + Sync + 'static,
    ) -> Self {
        self.profile = Arc::new(profile);
        self
    }

    /// Fetches the profile with custom requests instead of one userinfo GET.
    #[must_use]
    pub fn userinfo_request(mut self, fetch: UserinfoFn) -> Self {
        self.userinfo = Some(fetch);
        self
    }

    /// For OIDC: read the profile from the userinfo endpoint instead of the id_token.
    #[must_use]
    pub fn profile_from_userinfo(mut self) -> Self {
        self.id_token = false;
        self
    }

    /// The button's look.
    #[must_use]
    pub fn style(mut self, style: ProviderStyle) -> Self {
        self.style = style;
        self
    }

    /// Links a first sign-in with this provider to an existing user with the same email.
    ///
    /// # Security Warning
    /// Only for providers that verify email addresses; otherwise anyone who registers your
    /// users' addresses there can take over their accounts.
    #[must_use]
    pub fn allow_dangerous_email_account_linking(mut self) -> Self {
        self.allow_dangerous_email_account_linking = true;
        self
    }

    /// Routes this provider's callbacks through one stable deployment (Auth.js's
    /// `redirectProxyUrl`), e.g. `https://auth.example.com/auth`: preview deployments sharing
    /// the secret then need only that one redirect URI registered. Forces the `state` check.
    /// Overrides the global [`AuthConfig::redirect_proxy_url`](crate::AuthConfig::redirect_proxy_url).
    #[must_use]
    pub fn redirect_proxy_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_proxy_url = Some(url.into());
        self
    }

    /// Shapes the stored account from the token response (Auth.js `account(tokens)`; default:
    /// the standard token fields as they came). See [`AccountFn`].
    #[must_use]
    pub fn account(
        mut self,
        account: impl Fn(&TokenSet) -> Map<String, Value> + Send + Sync + 'static,
    ) -> Self {
        self.account = Some(Arc::new(account));
        self
    }

    /// The configured issuer, if any.
    pub fn issuer_url(&self) -> Option<&str> {
        self.issuer.as_deref()
    }

    /// The configured authorization endpoint, if any (else it comes from discovery).
    pub fn authorization_endpoint(&self) -> Option<&str> {
        self.authorization_url.as_deref()
    }

    /// The provider's id.
    pub fn provider_id(&self) -> &str {
        &self.id
    }

    /// The OAuth or OIDC kind.
    pub fn kind(&self) -> ProviderKind {
        self.kind
    }

    /// Fills unset client id, secret and issuer from `AUTH_<ID>_ID`, `_SECRET`, `_ISSUER`.
    pub(crate) fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) {
        let prefix = super::env_prefix(&self.id);
        let get = |suffix: &str| env(&format!("{prefix}_{suffix}")).filter(|v| !v.is_empty());
        if self.client_id.is_none() {
            self.client_id = get("ID");
        }
        if self.client_secret.is_none() {
            self.client_secret = get("SECRET").map(Secret::from);
        }
        if self.issuer.is_none() {
            self.issuer = get("ISSUER");
        }
        self.run_derive();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_profile_follows_auth_js() {
        let profile = serde_json::json!({"sub": "42", "preferred_username": "octo", "email": "O@x.io", "picture": "p"});
        let user = default_profile(&profile, &TokenSet::default()).expect("profile");
        assert_eq!(user.id, "42");
        assert_eq!(user.name.as_deref(), Some("octo"));
        assert_eq!(user.image.as_deref(), Some("p"));
        let numeric =
            default_profile(&serde_json::json!({"id": 7}), &TokenSet::default()).expect("profile");
        assert_eq!(numeric.id, "7");
    }

    #[test]
    fn env_fills_only_unset_values() {
        let env = |k: &str| match k {
            "AUTH_MY_IDP_ID" => Some("env-id".to_owned()),
            "AUTH_MY_IDP_SECRET" => Some("env-secret".to_owned()),
            "AUTH_MY_IDP_ISSUER" => Some("https://idp".to_owned()),
            _ => None,
        };
        let mut p = OAuthProvider::oidc("my-idp", "IdP").client_id("configured");
        p.apply_env(&env);
        assert_eq!(p.client_id.as_deref(), Some("configured"));
        assert_eq!(
            p.client_secret.as_ref().map(Secret::expose),
            Some("env-secret")
        );
        assert_eq!(p.issuer.as_deref(), Some("https://idp"));
    }
}
