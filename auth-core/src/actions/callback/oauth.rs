//! OAuth 2 / OpenID Connect callback (spec §8.4): checks, code exchange, id_token
//! verification, profile, then the shared sign-in ending.

use std::collections::HashMap;

use serde_json::Value;

use crate::actions::login::{self, Verified};
use crate::{
    context::RequestContext,
    cookies::SetCookie,
    error::{CheckFailure, Error, ErrorKind},
    model::{Account, User},
    oauth::{
        callback_error,
        checks::Check,
        get_json,
        id_token::{self, Expected, IdTokenError},
        token::{self, CodeExchange},
    },
    providers::{OAuthClient, ProviderKind, TokenSet},
    random,
    request::Method,
    response::AuthResponse,
    secret::constant_time_eq,
    session::Keep,
};

/// The callback's parameters: the form body for `form_post` providers (and any POST), the query
/// otherwise.
fn parameters(ctx: &RequestContext<'_>) -> HashMap<String, String> {
    if ctx.method == Method::Post {
        ctx.body
            .iter()
            .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
            .collect()
    } else {
        ctx.query.clone()
    }
}

pub(super) async fn callback(
    ctx: &RequestContext<'_>,
    provider: &OAuthClient,
) -> Result<AuthResponse, Error> {
    let params = parameters(ctx);
    let auth = ctx.auth;
    let now = ctx.now_ms.div_euclid(1000);
    let keys = auth.check_keys(ctx.secure);
    let cookie = |check: Check| ctx.cookies.get(&ctx.cookie(check.cookie()).name);
    let mut cleared = Vec::new();
    let mut clear = |check: Check| {
        let spec = ctx.cookie(check.cookie());
        cleared.push(SetCookie::removal(&spec.name, spec));
    };

    // 0. On the redirect proxy, a callback started by another deployment goes back there.
    if let Some(response) = proxy_hop(ctx, provider, &params, now)? {
        return Ok(response);
    }

    // 1. state: the cookie must be there and match the parameter exactly.
    let state = if provider.checks.state {
        let sealed = keys.unseal(Check::State, cookie(Check::State), &provider.id, now)?;
        clear(Check::State);
        Some(sealed)
    } else {
        None
    };
    let metadata = auth
        .metadata
        .for_endpoints(&*auth.http, &provider.endpoints)
        .await?;

    // 2. RFC 9207: the `iss` parameter names the issuer we expect.
    let templated = metadata
        .issuer
        .as_deref()
        .is_some_and(|issuer| issuer.contains(crate::oauth::metadata::TENANT_PLACEHOLDER));
    match (params.get("iss"), &metadata.issuer) {
        (Some(iss), Some(issuer)) if !templated && iss != issuer => {
            return Err(callback_error(format!(
                "unexpected iss parameter {iss:?} (RFC 9207): expected {issuer:?}"
            )));
        }
        (None, _) if metadata.authorization_response_iss_parameter_supported => {
            return Err(callback_error(
                "the iss parameter is missing although the provider announces RFC 9207",
            ));
        }
        _ => {}
    }
    if let Some(expected) = &state {
        let sent = params.get("state").map(String::as_str).unwrap_or_default();
        if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
            return Err(Error::invalid_check("state", CheckFailure::Mismatch));
        }
    }
    // 3. The provider's own refusal (after iss and state, as in Auth.js).
    if let Some(error) = params.get("error") {
        return Err(Error::new(
            ErrorKind::OAuthCallbackError,
            format!(
                "provider {} answered error={error:?} ({})",
                provider.id,
                params.get("error_description").map_or("", String::as_str)
            ),
        ));
    }
    if params.contains_key("id_token")
        || params.contains_key("token")
        || params.contains_key("response")
    {
        return Err(callback_error(
            "implicit, hybrid and JARM responses are not supported",
        ));
    }
    let code = params
        .get("code")
        .filter(|c| !c.is_empty())
        .ok_or_else(|| callback_error("the callback has no code"))?;

    // 4. PKCE and nonce cookies.
    let verifier = if provider.checks.pkce {
        let v = keys.unseal(Check::Pkce, cookie(Check::Pkce), &provider.id, now)?;
        clear(Check::Pkce);
        Some(v)
    } else {
        None
    };
    let nonce = if provider.checks.nonce {
        let n = keys.unseal(Check::Nonce, cookie(Check::Nonce), &provider.id, now)?;
        clear(Check::Nonce);
        Some(n)
    } else {
        None
    };

    // 5. Code exchange.
    let token_url = metadata
        .token_endpoint
        .as_ref()
        .ok_or_else(|| callback_error("the provider has no token endpoint"))?;
    let client_id = provider.client_id.as_str();
    let redirect_uri = provider.redirect_uri(ctx.action_url(&format!("callback/{}", provider.id)));
    let mut fields = token::exchange(
        &*auth.http,
        CodeExchange {
            token_url,
            client_id,
            client_secret: provider.client_secret.as_ref(),
            auth: &provider.client_auth,
            code,
            redirect_uri: &redirect_uri,
            code_verifier: verifier,
            shape: &provider.token_request,
            now_secs: now,
        },
    )
    .await?;
    if let Some(expires_in) = fields.get("expires_in").and_then(Value::as_i64) {
        fields.insert("expires_at".into(), Value::from(now + expires_in));
    }
    let tokens = TokenSet { fields };

    // 6. id_token: required for OIDC, verified whenever it can be.
    let claims = match (tokens.id_token(), &metadata.issuer) {
        (Some(raw), Some(issuer)) => {
            let expected = Expected {
                issuer,
                client_id,
                nonce: nonce.as_deref(),
                algorithms: &metadata.id_token_signing_alg_values_supported,
                required_alg: provider.id_token_alg.as_deref(),
                client_secret: provider.client_secret.as_ref(),
                now_secs: now,
            };
            Some(verify_id_token(ctx, &metadata, raw, &expected).await?)
        }
        (Some(_), None) => {
            ctx.auth.log.debug(
                "id_token ignored: the provider has no issuer to check it against",
                || serde_json::json!({"provider": provider.id}),
            );
            None
        }
        (None, _) if provider.kind == ProviderKind::Oidc => {
            return Err(callback_error("the OpenID provider returned no id_token"));
        }
        (None, _) => None,
    };

    // 7. Profile.
    let mut profile = match (&claims, provider.id_token) {
        (Some(claims), true) => claims.clone(),
        _ => userinfo(ctx, provider, &metadata, &tokens, claims.as_ref()).await?,
    };
    // Apple sends the user's name once, at first consent, as a `user` form field.
    if provider.form_post
        && let (Some(user), Some(object)) = (params.get("user"), profile.as_object_mut())
        && let Ok(value) = serde_json::from_str::<Value>(user)
    {
        object.insert("user".into(), value);
    }
    let mapped = (provider.profile)(&profile, &tokens).map_err(|e| {
        Error::new(
            ErrorKind::CallbackRouteError,
            "OAuthProfileParseError: the profile callback failed",
        )
        .with_source(e)
    })?;
    let user = User {
        id: random::uuid_v4(),
        email: mapped.email.as_ref().map(|e| e.to_lowercase()),
        ..mapped.clone()
    };
    let account = Account {
        provider: provider.id.clone(),
        kind: provider.kind,
        provider_account_id: if mapped.id.is_empty() {
            random::uuid_v4()
        } else {
            mapped.id.clone()
        },
        extra: tokens.fields,
    };
    let mut verified = Verified {
        user,
        account,
        profile: Some(profile),
        credentials: None,
        verification_request: false,
    };
    // The `sign_in` callback sees the stored owner of the account when there is one.
    let provider_user = verified.user.clone();
    if let Some(owner) = login::stored_owner(ctx, &verified.account).await? {
        verified.user = owner;
    }
    if let Some(redirect) = login::ask_sign_in(ctx, &verified).await? {
        return Ok(redirect.cookies(cleared));
    }
    verified.user = provider_user;
    let login = login::handle_login_or_register(ctx, &verified).await?;
    login::establish_session(ctx, &verified, &login, Keep::ByStrategy, cleared).await
}

async fn verify_id_token(
    ctx: &RequestContext<'_>,
    metadata: &crate::oauth::metadata::Metadata,
    raw: &str,
    expected: &Expected<'_>,
) -> Result<Value, Error> {
    // HS256 & co. (OIDC Core §10.1): the client secret is the key, no JWK set to fetch.
    if expected
        .required_alg
        .is_some_and(id_token::is_hmac_algorithm)
    {
        return id_token::verify_hmac(raw, expected)
            .map_err(|why| callback_error(format!("id_token: {why}")));
    }
    let auth = ctx.auth;
    let jwks_url = metadata
        .jwks_uri
        .as_ref()
        .ok_or_else(|| callback_error("the provider has no jwks_uri to verify its id_token"))?;
    let keys = auth.metadata.jwks(&*auth.http, jwks_url, false).await?;
    match id_token::verify(raw, &keys, expected) {
        Ok(claims) => Ok(claims),
        Err(IdTokenError::UnknownKey) => {
            // The provider may have rotated its keys: refetch once.
            let keys = auth.metadata.jwks(&*auth.http, jwks_url, true).await?;
            id_token::verify(raw, &keys, expected).map_err(|e| match e {
                IdTokenError::UnknownKey => {
                    callback_error("id_token: no key of the provider's JWK set matches its kid")
                }
                IdTokenError::Invalid(why) => callback_error(format!("id_token: {why}")),
            })
        }
        Err(IdTokenError::Invalid(why)) => Err(callback_error(format!("id_token: {why}"))),
    }
}

/// The profile from the userinfo endpoint (or the provider's own request). For OIDC, its
/// `sub` must be the id_token's.
async fn userinfo(
    ctx: &RequestContext<'_>,
    provider: &OAuthClient,
    metadata: &crate::oauth::metadata::Metadata,
    tokens: &TokenSet,
    claims: Option<&Value>,
) -> Result<Value, Error> {
    let auth = ctx.auth;
    let profile = if let Some(fetch) = &provider.userinfo {
        fetch(tokens, &*auth.http).await?
    } else {
        let url = metadata
            .userinfo_endpoint
            .as_ref()
            .ok_or_else(|| callback_error("No userinfo endpoint configured"))?;
        let access_token = tokens
            .access_token()
            .ok_or_else(|| callback_error("the token response has no access_token"))?;
        get_json(&*auth.http, url.as_str(), Some(access_token)).await?
    };
    if !profile.is_object() {
        return Err(callback_error("the userinfo response is not a JSON object"));
    }
    if let Some(claims) = claims
        && profile.get("sub") != claims.get("sub")
    {
        return Err(callback_error("userinfo sub differs from the id_token's"));
    }
    Ok(profile)
}

/// Auth.js's redirect-proxy hop (spec §8.7): on the deployment that owns the proxy URL, a
/// `state` whose `origin` names another deployment's callback sends the browser there with
/// every callback parameter.
fn proxy_hop(
    ctx: &RequestContext<'_>,
    provider: &OAuthClient,
    params: &HashMap<String, String>,
    now: i64,
) -> Result<Option<AuthResponse>, Error> {
    let Some(proxy) = &provider.redirect_proxy else {
        return Ok(None);
    };
    let on_proxy = proxy.origin == ctx.origin.url;
    let Some(state) = params.get("state").filter(|_| on_proxy) else {
        return Ok(None);
    };
    let inner = ctx
        .auth
        .state_keys
        .decode(state, now)
        .map_err(|_| Error::invalid_check("state", CheckFailure::Undecryptable))?;
    let Some(origin) = inner.get("origin").and_then(Value::as_str) else {
        return Ok(None);
    };
    let Ok(mut target) = url::Url::parse(origin) else {
        return Err(Error::invalid_check("state", CheckFailure::Undecryptable));
    };
    if target.origin().ascii_serialization() == ctx.origin.url {
        return Ok(None);
    }
    let mut pairs: Vec<(&String, &String)> = params.iter().collect();
    pairs.sort();
    target.query_pairs_mut().extend_pairs(pairs);
    ctx.auth.log.debug(
        "Proxy redirecting to",
        || serde_json::json!({"origin": target.origin().ascii_serialization()}),
    );
    Ok(Some(AuthResponse::redirect(target.to_string())))
}
