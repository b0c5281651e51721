//! Providers as `build()` prepares them. Each assertion Auth.js makes at start-up is made once
//! here, and what it established becomes a plain value: a client id is a `String`, endpoints
//! are parsed `Url`s, a credentials provider has its `authorize`, an email provider holds its
//! store. Requests only read these.

use std::{fmt, sync::Arc};

use url::Url;

use super::{
    AccountFn, Authorize, Checks, CredentialsProvider, EmailProvider, OAuthProvider, ProfileFn,
    Provider, ProviderStyle, UserinfoFn, WebAuthnProvider, env_prefix,
};
use crate::{
    adapter::Adapter,
    csrf,
    error::ConfigError,
    model::ProviderKind,
    oauth::{
        ClientAuth,
        metadata::{Endpoints, Metadata},
    },
    origin::parse_public_url,
    secret::Secret,
};

/// A provider ready to serve requests.
pub(crate) enum PreparedProvider {
    /// Credentials, with the `authorize` that `build()` found.
    Credentials(CredentialsSignIn),
    /// OAuth 2 or OpenID Connect.
    OAuth(Box<OAuthClient>),
    /// Email magic links, with the store their tokens live in.
    Email(Box<EmailSignIn>),
    /// WebAuthn (passkeys), with the store of its authenticators.
    WebAuthn(Box<WebAuthnSignIn>),
}

/// A WebAuthn provider and the store of its users, accounts and authenticators.
pub(crate) struct WebAuthnSignIn {
    pub(crate) provider: WebAuthnProvider,
    pub(crate) adapter: Arc<dyn Adapter>,
}

/// A credentials provider and its `authorize`.
pub(crate) struct CredentialsSignIn {
    pub(crate) provider: CredentialsProvider,
    pub(crate) authorize: Arc<dyn Authorize>,
}

/// An email provider and the store of its verification tokens and users.
pub(crate) struct EmailSignIn {
    pub(crate) provider: EmailProvider,
    pub(crate) adapter: Arc<dyn Adapter>,
}

impl EmailSignIn {
    /// The stored form of a magic-link token: `sha256hex(token + String(secret))`, with the
    /// provider's own secret when it has one, else `auth_secret` (the joined `AUTH_SECRET`s).
    pub(crate) fn hash_token(&self, token: &str, auth_secret: &Secret) -> String {
        csrf::hash(token, self.provider.secret.as_ref().unwrap_or(auth_secret))
    }
}

/// The callback of a provider whose sign-ins go through a redirect proxy.
#[derive(Debug, Clone)]
pub(crate) struct RedirectProxy {
    /// `<proxy>/callback/<id>`: the redirect URI registered at the provider.
    pub(crate) callback: String,
    /// The proxy deployment's origin.
    pub(crate) origin: String,
}

/// A client registration at an OAuth 2 / OpenID Connect provider.
pub(crate) struct OAuthClient {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: ProviderKind,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<Secret>,
    pub(crate) client_auth: ClientAuth,
    pub(crate) endpoints: Endpoints,
    pub(crate) authorization_params: Vec<(String, String)>,
    /// The checks in force (`nonce` only for OpenID Connect, `state` forced by a proxy).
    pub(crate) checks: Checks,
    pub(crate) profile: ProfileFn,
    pub(crate) userinfo: Option<UserinfoFn>,
    pub(crate) style: ProviderStyle,
    pub(crate) allow_dangerous_email_account_linking: bool,
    /// Whether the profile comes from the verified id_token (else from userinfo).
    pub(crate) id_token: bool,
    pub(crate) form_post: bool,
    pub(crate) redirect_proxy: Option<RedirectProxy>,
    /// Shapes the stored account (Auth.js `account(tokens)`); `None`: the standard fields.
    pub(crate) account: Option<AccountFn>,
    /// The one algorithm id_tokens must be signed with (`client.id_token_signed_response_alg`).
    pub(crate) id_token_alg: Option<String>,
    /// What the token request carries beyond the standard one.
    pub(crate) token_request: crate::oauth::TokenRequest,
}

impl OAuthClient {
    /// The redirect URI of this provider's sign-ins: the proxy's callback, else `own` (this
    /// deployment's callback URL).
    pub(crate) fn redirect_uri(&self, own: String) -> String {
        match &self.redirect_proxy {
            Some(proxy) => proxy.callback.clone(),
            None => own,
        }
    }
}

/// What preparing a provider needs from the rest of the configuration.
pub(crate) struct Surroundings<'a> {
    pub(crate) adapter: Option<&'a Arc<dyn Adapter>>,
    /// The global redirect proxy (`AUTH_REDIRECT_PROXY_URL`).
    pub(crate) redirect_proxy_url: Option<&'a str>,
    /// The outbound HTTP client (HTTP email services send with it).
    pub(crate) http: &'a Arc<dyn crate::oauth::HttpClient>,
    /// Where build-time warnings go.
    pub(crate) log: &'a crate::logger::Log,
}

impl PreparedProvider {
    /// Checks `provider` (Auth.js's assertions) and prepares it.
    pub(crate) fn prepare(
        provider: Provider,
        around: &Surroundings<'_>,
    ) -> Result<Self, ConfigError> {
        check_id(provider.id())?;
        Ok(match provider {
            Provider::Credentials(provider) => {
                let authorize = provider
                    .authorizer()
                    .cloned()
                    .ok_or_else(|| ConfigError::MissingAuthorize(provider.provider_id().into()))?;
                Self::Credentials(CredentialsSignIn {
                    provider,
                    authorize,
                })
            }
            Provider::Email(provider) => {
                let adapter = around.adapter.cloned().ok_or(ConfigError::MissingAdapter)?;
                if provider.max_age.as_secs() == 0 {
                    return Err(ConfigError::InvalidDuration("email max_age"));
                }
                if provider.rate_limit.is_some() && adapter.rate_limiter().is_none() {
                    around.log.warn(
                        crate::logger::WarningCode::NoRateLimiter,
                        &format!(
                            "the adapter keeps no rate limiter: magic-link requests of \"{}\" are \
                             counted in this process only (not shared between servers, reset by \
                             a restart)",
                            provider.id
                        ),
                    );
                }
                Self::Email(Box::new(EmailSignIn {
                    provider: prepare_email(*provider, around)?,
                    adapter,
                }))
            }
            Provider::OAuth(provider) => Self::OAuth(Box::new(prepare_oauth(*provider, around)?)),
            Provider::WebAuthn(provider) => {
                let adapter = around.adapter.cloned().ok_or(ConfigError::MissingAdapter)?;
                // Auth.js's `MissingWebAuthnAutocomplete`: autofill needs a `webauthn` field.
                let autofill = provider.form_fields.iter().any(|f| {
                    f.autocomplete
                        .as_deref()
                        .is_some_and(|a| a.split_whitespace().any(|t| t == "webauthn"))
                });
                if provider.enable_conditional_ui && !autofill {
                    return Err(ConfigError::MissingWebAuthnAutocomplete(
                        provider.id.clone(),
                    ));
                }
                if provider.timeout.as_millis() == 0 {
                    return Err(ConfigError::InvalidDuration("webauthn timeout"));
                }
                Self::WebAuthn(Box::new(WebAuthnSignIn {
                    provider: *provider,
                    adapter,
                }))
            }
        })
    }

    /// The provider id used in URLs.
    pub(crate) fn id(&self) -> &str {
        match self {
            Self::Credentials(p) => p.provider.provider_id(),
            Self::OAuth(p) => &p.id,
            Self::Email(p) => &p.provider.id,
            Self::WebAuthn(p) => &p.provider.id,
        }
    }

    /// The display name.
    pub(crate) fn name(&self) -> &str {
        match self {
            Self::Credentials(p) => p.provider.display_name(),
            Self::OAuth(p) => &p.name,
            Self::Email(p) => &p.provider.name,
            Self::WebAuthn(p) => &p.provider.name,
        }
    }

    /// The provider kind.
    pub(crate) fn kind(&self) -> ProviderKind {
        match self {
            Self::Credentials(_) => ProviderKind::Credentials,
            Self::OAuth(p) => p.kind,
            Self::Email(_) => ProviderKind::Email,
            Self::WebAuthn(_) => ProviderKind::WebAuthn,
        }
    }
}

impl fmt::Debug for PreparedProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.id())
            .field("kind", &self.kind())
            .finish_non_exhaustive()
    }
}

/// An HTTP email service gets its key (the provider's, or `AUTH_<ID>_KEY`), the provider's
/// name and the configuration's client; without a key it could never send.
fn prepare_email(
    mut provider: EmailProvider,
    around: &Surroundings<'_>,
) -> Result<EmailProvider, ConfigError> {
    if let Some(mailer) = provider.http_mailer.take() {
        let mailer = mailer.prepared(provider.api_key.as_ref(), &provider.name, around.http);
        if !mailer.has_api_key() {
            return Err(ConfigError::InvalidProvider(
                provider.id.clone(),
                format!(
                    "{} needs an API key (set {}_KEY)",
                    mailer.service().name(),
                    env_prefix(&provider.id)
                ),
            ));
        }
        provider.mailer = Arc::new(mailer);
    }
    Ok(provider)
}

/// An id must be usable in a URL path segment (and not JavaScript's `undefined`).
fn check_id(id: &str) -> Result<(), ConfigError> {
    let usable = !id.is_empty()
        && id != "undefined"
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
    if usable {
        Ok(())
    } else {
        Err(ConfigError::InvalidProviderId(id.to_owned()))
    }
}

fn parse_endpoint(text: Option<String>) -> Result<Option<Url>, ConfigError> {
    text.map(|text| match Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(ConfigError::InvalidUrl(text)),
    })
    .transpose()
}

/// Auth.js's `InvalidEndpoints` assertion, a client id, parsed endpoints and the proxy.
fn prepare_oauth(p: OAuthProvider, around: &Surroundings<'_>) -> Result<OAuthClient, ConfigError> {
    let id = p.id;
    let Some(client_id) = p.client_id.filter(|c| !c.is_empty()) else {
        let env = env_prefix(&id).trim_start_matches("AUTH_").to_owned();
        return Err(ConfigError::MissingClientId(id, env));
    };
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
            return Err(ConfigError::InvalidEndpoints(id, endpoint));
        }
    }
    let issuer = p.issuer;
    let configured = Metadata {
        issuer: issuer.clone(),
        authorization_endpoint: parse_endpoint(p.authorization_url)?,
        token_endpoint: parse_endpoint(p.token_url)?,
        userinfo_endpoint: parse_endpoint(p.userinfo_url)?,
        jwks_uri: parse_endpoint(p.jwks_url)?,
        ..Metadata::default()
    };
    // Discovery only when the configured endpoints are not enough.
    let complete = configured.authorization_endpoint.is_some()
        && configured.token_endpoint.is_some()
        && (configured.jwks_uri.is_some() || !p.id_token)
        && (configured.userinfo_endpoint.is_some() || p.id_token);
    let discovery = match issuer {
        Some(issuer) if !complete => parse_endpoint(Some(issuer))?,
        _ => None,
    };
    // The global redirect proxy reaches every OAuth provider but `form_post` ones, and a
    // proxied provider always checks `state`, which carries the deployment to return to.
    let proxy_url = match p.redirect_proxy_url {
        _ if p.form_post => None,
        Some(own) => Some(own),
        None => around.redirect_proxy_url.map(str::to_owned),
    };
    let redirect_proxy = match proxy_url {
        None => None,
        Some(url) => {
            let (origin, _) =
                parse_public_url(&url).ok_or_else(|| ConfigError::InvalidUrl(url.clone()))?;
            Some(RedirectProxy {
                callback: format!("{}/callback/{id}", url.trim_end_matches('/')),
                origin: origin.url,
            })
        }
    };
    if let Some(alg) = &p.id_token_signed_response_alg
        && !crate::oauth::id_token::is_allowed_algorithm(alg)
        && !crate::oauth::id_token::is_hmac_algorithm(alg)
    {
        return Err(ConfigError::InvalidProvider(
            id,
            format!(
                "id_token_signed_response_alg {alg:?} is not a JWS algorithm this crate verifies"
            ),
        ));
    }
    let needs_secret = match (&p.client_auth, &p.id_token_signed_response_alg) {
        (ClientAuth::SecretJwt(_), _) => Some("client_secret_jwt"),
        (_, Some(alg)) if crate::oauth::id_token::is_hmac_algorithm(alg) => {
            Some("an HMAC id_token_signed_response_alg")
        }
        _ => None,
    };
    if let Some(what) = needs_secret
        && p.client_secret.as_ref().is_none_or(Secret::is_empty)
    {
        let env = env_prefix(&id);
        return Err(ConfigError::InvalidProvider(
            id,
            format!("{what} needs the client secret (set {env}_SECRET)"),
        ));
    }
    let mut checks = p.checks;
    checks.state |= redirect_proxy.is_some();
    checks.nonce &= p.kind == ProviderKind::Oidc;
    Ok(OAuthClient {
        id,
        name: p.name,
        kind: p.kind,
        client_id,
        client_secret: p.client_secret,
        client_auth: p.client_auth,
        endpoints: Endpoints {
            configured: Arc::new(configured),
            discovery,
        },
        authorization_params: p.authorization_params,
        checks,
        profile: p.profile,
        userinfo: p.userinfo,
        style: p.style,
        allow_dangerous_email_account_linking: p.allow_dangerous_email_account_linking,
        id_token: p.id_token,
        form_post: p.form_post,
        redirect_proxy,
        account: p.account,
        id_token_alg: p.id_token_signed_response_alg,
        token_request: p.token_request,
    })
}
