//! Microsoft Entra ID, formerly Azure Active Directory (OpenID Connect).

use base64::Engine as _;
use serde_json::Value;

use super::{
    HttpClient, OAuthProvider, TokenSet, User, access_token, account_id, bearer_get,
    callback_error, style, text, userinfo_fn,
};
use crate::Result;

const ID: &str = "microsoft-entra-id";
/// The issuer that accepts work, school and personal Microsoft accounts.
pub(super) const COMMON_ISSUER: &str = "https://login.microsoftonline.com/common/v2.0";
/// The environment variable naming a tenant's issuer.
const ISSUER_VARIABLE: &str = "AUTH_MICROSOFT_ENTRA_ID_ISSUER";

/// Microsoft Entra ID sign-in ([Microsoft identity platform](https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc)),
/// with the user's 48×48 photo.
///
/// * Callback URL to register (a "Web" platform redirect URI):
///   `<origin><base path>/callback/microsoft-entra-id`, e.g.
///   `https://app.example.com/auth/callback/microsoft-entra-id`.
/// * Environment: `AUTH_MICROSOFT_ENTRA_ID_ID` (the application (client) id),
///   `AUTH_MICROSOFT_ENTRA_ID_SECRET` (a client secret's *value*), and optionally
///   `AUTH_MICROSOFT_ENTRA_ID_ISSUER`.
/// * Issuer: `AUTH_MICROSOFT_ENTRA_ID_ISSUER` from the process environment when this function
///   runs (as Auth.js reads it), else `https://login.microsoftonline.com/common/v2.0`, which
///   accepts any Microsoft account. To admit only your organisation, use its tenant:
///   `https://login.microsoftonline.com/<tenant id>/v2.0`; `…/organizations/v2.0` admits any
///   work or school account and `…/consumers/v2.0` only personal ones. [`issuer`](OAuthProvider::issuer)
///   overrides all of this.
/// * Scope `openid profile email User.Read`; checks: PKCE; endpoints from discovery.
/// * Profile: the verified id_token's `sub` (unique per application), `name`, `email` (only
///   present when the account has one and the `email` claim is released), and as `image` the
///   photo from `GET https://graph.microsoft.com/v1.0/me/photos/48x48/$value` as a `data:` URL
///   (none when the user has no photo or Graph refuses).
///
/// The id_token stays the source of the profile: the photo request only adds a `picture`
/// claim to it, after the id_token was verified.
pub fn microsoft_entra_id() -> OAuthProvider {
    microsoft_entra_id_with_photo(Some(48))
}

/// Azure Active Directory, Auth.js's `azure-ad`: [`microsoft_entra_id`] under the id
/// `azure-ad` and the name "Azure Active Directory", as Auth.js re-exports it. Same issuer
/// rule (`AUTH_MICROSOFT_ENTRA_ID_ISSUER`, read when this function runs, else the common
/// issuer), credentials from `AUTH_AZURE_AD_ID` and `AUTH_AZURE_AD_SECRET`; register
/// `<origin><base path>/callback/azure-ad`.
pub fn azure_ad() -> OAuthProvider {
    microsoft_entra_id()
        .with_id("azure-ad")
        .with_name("Azure Active Directory")
        .style(style(Some("#0072c6"), Some("#fff")))
}

/// [`microsoft_entra_id`] with another photo size (Graph serves 48, 64, 96, 120, 240, 360,
/// 432, 504 and 648 pixels), or with `None` no Graph request and no image. Larger photos make
/// larger JWT session cookies.
pub fn microsoft_entra_id_with_photo(size: Option<u32>) -> OAuthProvider {
    let provider = OAuthProvider::oidc(ID, "Microsoft Entra ID")
        .issuer(issuer_from(&|name| std::env::var(name).ok()))
        .authorization_param("scope", "openid profile email User.Read")
        .profile(profile)
        .style(style(Some("#0072c6"), Some("#fff")));
    match size {
        Some(size) => provider
            .profile_from_userinfo()
            .userinfo_request(userinfo_fn(move |tokens, client| {
                Box::pin(claims_with_photo(size, tokens, client))
            })),
        None => provider,
    }
}

/// The issuer named by `AUTH_MICROSOFT_ENTRA_ID_ISSUER`, else the common one.
pub(super) fn issuer_from(env: &dyn Fn(&str) -> Option<String>) -> String {
    env(ISSUER_VARIABLE)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| COMMON_ISSUER.to_owned())
}

/// The id_token's claims plus `picture`, the Graph photo as a `data:` URL.
///
/// The callback has verified this id_token (signature, issuer, audience, nonce, expiry) before
/// it asks for the profile, and it checks that the profile's `sub` is the verified one; here
/// the claims are only read.
async fn claims_with_photo(size: u32, tokens: &TokenSet, client: &dyn HttpClient) -> Result<Value> {
    let raw = tokens
        .id_token()
        .ok_or_else(|| callback_error("the Microsoft Entra ID token response has no id_token"))?;
    let mut claims = id_token_claims(raw)?;
    let token = access_token(ID, tokens)?;
    let url = format!("https://graph.microsoft.com/v1.0/me/photos/{size}x{size}/$value");
    match bearer_get(client, &url, token, "image/*").await {
        Ok(response) if response.status().is_success() && !response.body().is_empty() => {
            let mime = response
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .map(str::trim)
                .filter(|v| is_image_type(v))
                .unwrap_or("image/jpeg");
            let data = base64::engine::general_purpose::STANDARD.encode(response.body());
            if let Some(fields) = claims.as_object_mut() {
                fields.insert(
                    "picture".into(),
                    Value::String(format!("data:{mime};base64,{data}")),
                );
            }
        }
        Ok(response) => {
            tracing::debug!(target: "auth_core::oauth", provider = ID, status = %response.status(), "no Microsoft Graph photo");
        }
        Err(error) => {
            tracing::warn!(target: "auth_core::oauth", provider = ID, %error, "the Microsoft Graph photo request failed");
        }
    }
    Ok(claims)
}

/// `image/<subtype>` with a plain subtype, safe to put in a `data:` URL.
fn is_image_type(mime: &str) -> bool {
    mime.strip_prefix("image/").is_some_and(|subtype| {
        !subtype.is_empty()
            && subtype
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

/// The payload of a compact JWS, unverified (see [`claims_with_photo`]).
pub(super) fn id_token_claims(raw: &str) -> Result<Value> {
    let invalid = || callback_error("the Microsoft Entra ID id_token is not a JWT");
    let payload = raw.split('.').nth(1).ok_or_else(invalid)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid())?;
    match serde_json::from_slice(&bytes) {
        Ok(claims @ Value::Object(_)) => Ok(claims),
        _ => Err(invalid()),
    }
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/sub")?,
        name: text(profile, "/name"),
        email: text(profile, "/email"),
        image: text(profile, "/picture"),
    })
}
