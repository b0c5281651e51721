//! The authorization request of an OAuth sign-in (spec §8.2): the provider's URL with every
//! parameter, and the sealed check cookies.

use base64::Engine as _;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::{
    context::RequestContext,
    cookies::{SameSite, SetCookie},
    error::Error,
    oauth::{
        callback_error,
        checks::{CHECK_MAX_AGE, Check},
    },
    providers::OAuthClient,
    random,
    response::AuthResponse,
};

/// Parameters a request's query may not override (Auth.js lets it override all of them).
const PROTECTED: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
];

fn b64url(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn set(params: &mut Vec<(String, String)>, name: &str, value: String) {
    match params.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = value,
        None => params.push((name.to_owned(), value)),
    }
}

pub(super) async fn redirect(
    ctx: &RequestContext<'_>,
    provider: &OAuthClient,
) -> Result<AuthResponse, Error> {
    let auth = ctx.auth;
    let metadata = auth
        .metadata
        .for_endpoints(&*auth.http, &provider.endpoints)
        .await?;
    let mut url = metadata.authorization_endpoint.clone().ok_or_else(|| {
        callback_error(format!(
            "provider {} has no authorization endpoint",
            provider.id
        ))
    })?;
    let mut params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    for (name, value) in &provider.authorization_params {
        set(&mut params, name, value.clone());
    }
    if !params.iter().any(|(n, _)| n == "scope") {
        set(&mut params, "scope", "openid profile email".to_owned());
    }
    set(&mut params, "response_type", "code".to_owned());
    set(&mut params, "client_id", provider.client_id.clone());
    let own_callback = ctx.action_url(&format!("callback/{}", provider.id));
    let redirect_uri = provider.redirect_uri(own_callback.clone());
    set(&mut params, "redirect_uri", redirect_uri.clone());
    let mut query: Vec<(&String, &String)> = ctx.query.iter().collect();
    query.sort();
    for (name, value) in query {
        if !PROTECTED.contains(&name.as_str()) {
            set(&mut params, name, value.clone());
        }
    }

    let now = ctx.now_ms.div_euclid(1000);
    let keys = auth.check_keys(ctx.secure);
    let mut cookies = Vec::new();
    let mut seal = |check: Check, value: &str| -> Result<(), Error> {
        let spec = ctx.cookie(check.cookie());
        let mut cookie = SetCookie::new(spec, keys.seal(check, value, &provider.id, now)?);
        cookie.expires = Some(ctx.now_ms + CHECK_MAX_AGE * 1000);
        if provider.form_post && check != Check::Pkce {
            // The provider POSTs back cross-site: Lax cookies would not come along.
            cookie.options.same_site = SameSite::None;
            cookie.options.secure = true;
        }
        cookies.push(cookie);
        Ok(())
    };
    if provider.checks.state {
        let mut inner = Map::new();
        if redirect_uri != own_callback {
            // Behind a redirect proxy: the proxy sends the callback back to this deployment.
            inner.insert("origin".into(), Value::String(own_callback.clone()));
        }
        inner.insert(
            "random".into(),
            Value::String(b64url(&random::bytes::<32>())),
        );
        let state = auth.state_keys.encode(&inner.into(), CHECK_MAX_AGE, now)?;
        seal(Check::State, &state)?;
        set(&mut params, "state", state);
    }
    if provider.checks.pkce {
        let verifier = b64url(&random::bytes::<32>());
        let challenge = b64url(&Sha256::digest(verifier.as_bytes()));
        seal(Check::Pkce, &verifier)?;
        set(&mut params, "code_challenge", challenge);
        set(&mut params, "code_challenge_method", "S256".to_owned());
    }
    if provider.checks.nonce {
        let nonce = b64url(&random::bytes::<32>());
        seal(Check::Nonce, &nonce)?;
        set(&mut params, "nonce", nonce);
    }
    url.set_query(None);
    url.query_pairs_mut().extend_pairs(&params);
    ctx.auth.log.debug("authorization url is ready", || {
        serde_json::json!({"provider": provider.id, "origin": url.origin().ascii_serialization()})
    });
    Ok(AuthResponse::redirect(url.to_string()).cookies(cookies))
}
