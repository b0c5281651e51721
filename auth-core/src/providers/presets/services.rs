//! Work, developer and business services at fixed URLs, A to G: Atlassian, Azure DevOps,
//! BankID Norge, Box, ClickUp, Coinbase, Dropbox, Eventbrite, Figma and FreshBooks (H to Z in
//! `services_h_z.rs`).
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use base64::Engine as _;
use serde_json::Value;

use super::{
    ClientAuth, HttpClient, OAuthProvider, STATE, TokenSet, User, access_token, account_id,
    callback_error, checks, joined, json_request, oauth2, send_json, style, text, userinfo_fn,
};
use crate::Result;

/// Atlassian ([OAuth 2.0 (3LO) apps](https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/)).
///
/// * `https://auth.atlassian.com/authorize` with `audience=api.atlassian.com` and scope
///   `read:me`; token `https://auth.atlassian.com/oauth/token`; userinfo
///   `https://api.atlassian.com/me`. Checks: state (no PKCE, as in Auth.js).
/// * Profile: `account_id`, `name`, `email`, `picture`.
pub fn atlassian() -> OAuthProvider {
    oauth2(
        "atlassian",
        "Atlassian",
        "https://auth.atlassian.com/authorize",
        "https://auth.atlassian.com/oauth/token",
        "https://api.atlassian.com/me",
    )
    .authorization_param("audience", "api.atlassian.com")
    .authorization_param("scope", "read:me")
    .checks(STATE)
    .profile(|p, _| {
        Ok(User {
            id: account_id("atlassian", p, "/account_id")?,
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/picture"),
        })
    })
    .style(style(Some("#fff"), Some("#0052cc")))
}

/// Azure DevOps ([OAuth 2.0 apps](https://learn.microsoft.com/en-us/azure/devops/integrate/get-started/authentication/azure-devops-oauth)).
///
/// * `https://app.vssps.visualstudio.com/oauth2/authorize`, scope `vso.profile`; token
///   `https://app.vssps.visualstudio.com/oauth2/token`; userinfo
///   `https://app.vssps.visualstudio.com/_apis/profile/profiles/me?details=true&coreAttributes=Avatar&api-version=6.0`.
/// * Profile: `id`, `displayName`, `emailAddress`, and the avatar as a `data:image/jpeg` URL.
///
/// Azure DevOps OAuth apps (deprecated by Microsoft, no new registrations) want
/// `response_type=Assertion` and a JWT-bearer code exchange, which neither Auth.js 0.41.3
/// (whose `token.request` core v5 never calls, and whose token URL is the authorization URL)
/// nor this crate performs: see `auth_core::deviations`. Sign in to Azure DevOps with
/// [`microsoft_entra_id`](super::microsoft_entra_id) and the scope
/// `499b84ac-1321-427f-aa17-267ca6975798/.default` instead.
pub fn azure_devops() -> OAuthProvider {
    oauth2(
        "azure-devops",
        "Azure DevOps",
        "https://app.vssps.visualstudio.com/oauth2/authorize",
        "https://app.vssps.visualstudio.com/oauth2/token",
        "https://app.vssps.visualstudio.com/_apis/profile/profiles/me?details=true&coreAttributes=Avatar&api-version=6.0",
    )
    .authorization_param("scope", "vso.profile")
    .profile(|p, _| {
        Ok(User {
            id: account_id("azure-devops", p, "/id")?,
            name: text(p, "/displayName"),
            email: text(p, "/emailAddress"),
            image: text(p, "/coreAttributes/Avatar/value/value")
                .map(|data| format!("data:image/jpeg;base64,{data}")),
        })
    })
    .style(style(None, None))
}

/// The userinfo endpoint of BankID Norge's production realm.
const BANKID_USERINFO: &str =
    "https://auth.bankid.no/auth/realms/prod/protocol/openid-connect/userinfo";

/// BankID Norge ([OpenID Connect](https://developer.bankid.no/bankid-with-biometrics/apis/oidc/)).
///
/// * Issuer `https://auth.bankid.no/auth/realms/prod` (discovery), with `ui_locales=no` and
///   `login_hint=BIS`; `client_secret_post`; checks: PKCE, state and nonce.
/// * The profile comes from the userinfo endpoint (Auth.js's `idToken: false`), which BankID
///   signs (`application/jwt`): its claims are read after the id_token was verified, and its
///   `sub` must match the id_token's. Profile: `sub`, `name`, `email`; no image.
pub fn bankid_no() -> OAuthProvider {
    OAuthProvider::oidc("bankid-no", "BankID Norge")
        .issuer("https://auth.bankid.no/auth/realms/prod")
        .authorization_param("ui_locales", "no")
        .authorization_param("login_hint", "BIS")
        .client_auth(ClientAuth::SecretPost)
        .checks(checks(true, true, true))
        .profile_from_userinfo()
        .userinfo_request(userinfo_fn(|tokens, client| {
            Box::pin(bankid_userinfo(tokens, client))
        }))
        .profile(|p, _| {
            Ok(User {
                id: account_id("bankid-no", p, "/sub")?,
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style(Some("#39134c"), Some("#fff")))
}

/// BankID's userinfo, JSON or a signed JWT (whose payload is read).
async fn bankid_userinfo(tokens: &TokenSet, client: &dyn HttpClient) -> Result<Value> {
    let token = access_token("bankid-no", tokens)?;
    let request = http::Request::get(BANKID_USERINFO)
        .header(http::header::ACCEPT, "application/jwt, application/json")
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Vec::new())
        .map_err(|e| callback_error(format!("BankID userinfo request: {e}")))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| callback_error(format!("GET {BANKID_USERINFO}: {e}")))?;
    if !response.status().is_success() {
        return Err(callback_error(format!(
            "GET {BANKID_USERINFO} answered {}",
            response.status()
        )));
    }
    jwt_or_json(response.body())
}

/// A JSON object, or the payload of a compact JWS holding one.
pub(super) fn jwt_or_json(body: &[u8]) -> Result<Value> {
    if let Ok(value @ Value::Object(_)) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let invalid = || callback_error("the userinfo answer is neither JSON nor a JWT");
    let text = std::str::from_utf8(body).map_err(|_| invalid())?.trim();
    let payload = text.split('.').nth(1).ok_or_else(invalid)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| invalid())?;
    match serde_json::from_slice(&bytes) {
        Ok(value @ Value::Object(_)) => Ok(value),
        _ => Err(invalid()),
    }
}

/// Box ([OAuth 2.0](https://developer.box.com/guides/authentication/oauth2/)).
///
/// * `https://account.box.com/api/oauth2/authorize` (no scope of its own: the standard
///   `openid profile email` goes along, as in Auth.js), token `https://api.box.com/oauth2/token`,
///   userinfo `https://api.box.com/2.0/users/me`. Checks: PKCE.
/// * Profile: `id`, `name`, `login` (the email), `avatar_url`.
pub fn box_com() -> OAuthProvider {
    oauth2(
        "box",
        "Box",
        "https://account.box.com/api/oauth2/authorize",
        "https://api.box.com/oauth2/token",
        "https://api.box.com/2.0/users/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: account_id("box", p, "/id")?,
            name: text(p, "/name"),
            email: text(p, "/login"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style(Some("#0075C9"), Some("#fff")))
}

/// ClickUp ([authentication](https://clickup.com/api/developer-portal/authentication/)).
///
/// * `https://app.clickup.com/api`, token `https://api.clickup.com/api/v2/oauth/token`, userinfo
///   `https://api.clickup.com/api/v2/user`. Checks: state.
/// * Profile (wrapped in `user`): `id`, `username`, no email, `profilePicture` as the image
///   (Auth.js keeps it under its own name, so its users get no image).
pub fn click_up() -> OAuthProvider {
    oauth2(
        "click-up",
        "ClickUp",
        "https://app.clickup.com/api",
        "https://api.clickup.com/api/v2/oauth/token",
        "https://api.clickup.com/api/v2/user",
    )
    .checks(STATE)
    .profile(|p, _| {
        Ok(User {
            id: account_id("click-up", p, "/user/id")?,
            name: text(p, "/user/username"),
            email: None,
            image: text(p, "/user/profilePicture"),
        })
    })
    .style(style(Some("#24292f"), Some("#fff")))
}

/// Coinbase ([Sign in with Coinbase](https://docs.cdp.coinbase.com/coinbase-app/docs/coinbase-app-integration)).
///
/// * `https://login.coinbase.com/oauth2/auth` with scope `wallet:user:email wallet:user:read`,
///   token `https://login.coinbase.com/oauth2/token`, userinfo `https://api.coinbase.com/v2/user`.
///   Checks: PKCE.
/// * Profile (wrapped in `data`): `id`, `name`, `email`, `avatar_url`.
pub fn coinbase() -> OAuthProvider {
    oauth2(
        "coinbase",
        "Coinbase",
        "https://login.coinbase.com/oauth2/auth?scope=wallet:user:email+wallet:user:read",
        "https://login.coinbase.com/oauth2/token",
        "https://api.coinbase.com/v2/user",
    )
    .profile(|p, _| {
        Ok(User {
            id: account_id("coinbase", p, "/data/id")?,
            name: text(p, "/data/name"),
            email: text(p, "/data/email"),
            image: text(p, "/data/avatar_url"),
        })
    })
    .style(style(Some("#0052ff"), None))
}

/// Dropbox ([OAuth guide](https://developers.dropbox.com/oauth-guide)).
///
/// * `https://www.dropbox.com/oauth2/authorize` with `token_access_type=offline` and scope
///   `account_info.read`; token `https://api.dropboxapi.com/oauth2/token`; the profile is a
///   `POST https://api.dropboxapi.com/2/users/get_current_account` with the bearer token.
///   Checks: PKCE.
/// * Profile: `account_id`, `name.display_name`, `email`, `profile_photo_url`.
pub fn dropbox() -> OAuthProvider {
    const USERINFO: &str = "https://api.dropboxapi.com/2/users/get_current_account";
    oauth2(
        "dropbox",
        "Dropbox",
        "https://www.dropbox.com/oauth2/authorize",
        "https://api.dropboxapi.com/oauth2/token",
        USERINFO,
    )
    .authorization_param("token_access_type", "offline")
    .authorization_param("scope", "account_info.read")
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("dropbox", tokens)?;
            let request = json_request(http::Method::POST, USERINFO)
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"));
            send_json(client, request, Vec::new()).await
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: account_id("dropbox", p, "/account_id")?,
            name: text(p, "/name/display_name"),
            email: text(p, "/email"),
            image: text(p, "/profile_photo_url"),
        })
    })
    .style(style(Some("#0061fe"), None))
}

/// Eventbrite ([authentication](https://www.eventbrite.com/platform/docs/authentication)).
///
/// * `https://www.eventbrite.com/oauth/authorize` with scope `user.profile`, token
///   `https://www.eventbrite.com/oauth/token` (`client_secret_post`), userinfo
///   `https://www.eventbriteapi.com/v3/users/me/`. Checks: PKCE.
/// * Profile: `id`, `name`, the `primary` entry of `emails`, and the image from `image_id`.
pub fn eventbrite() -> OAuthProvider {
    oauth2(
        "eventbrite",
        "Eventbrite",
        "https://www.eventbrite.com/oauth/authorize",
        "https://www.eventbrite.com/oauth/token",
        "https://www.eventbriteapi.com/v3/users/me/",
    )
    .authorization_param("scope", "user.profile")
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        let email = p
            .get("emails")
            .and_then(Value::as_array)
            .and_then(|emails| {
                emails
                    .iter()
                    .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
            })
            .and_then(|e| text(e, "/email"));
        Ok(User {
            id: account_id("eventbrite", p, "/id")?,
            name: text(p, "/name"),
            email,
            image: text(p, "/image_id").map(|image| {
                format!("https://img.evbuc.com/https%3A%2F%2Fcdn.evbuc.com%2Fimages%2F{image}%2F1%2Foriginal.jpg")
            }),
        })
    })
    .style(style(Some("#f05537"), Some("#fff")))
}

/// Figma ([OAuth 2](https://www.figma.com/developers/api#oauth2)).
///
/// * `https://www.figma.com/oauth` with scope `files:read`, token
///   `https://api.figma.com/v1/oauth/token`, userinfo `https://api.figma.com/v1/me`. Checks:
///   state.
/// * Profile: `id`, `handle`, `email`, `img_url`.
pub fn figma() -> OAuthProvider {
    oauth2(
        "figma",
        "Figma",
        "https://www.figma.com/oauth",
        "https://api.figma.com/v1/oauth/token",
        "https://api.figma.com/v1/me",
    )
    .authorization_param("scope", "files:read")
    .checks(STATE)
    .profile(|p, _| {
        Ok(User {
            id: account_id("figma", p, "/id")?,
            name: text(p, "/handle"),
            email: text(p, "/email"),
            image: text(p, "/img_url"),
        })
    })
    .style(style(Some("#ff7237"), Some("#fff")))
}

/// FreshBooks ([authentication](https://www.freshbooks.com/api/authentication)).
///
/// * `https://auth.freshbooks.com/service/auth/oauth/authorize`, token
///   `https://api.freshbooks.com/auth/oauth/token`, userinfo
///   `https://api.freshbooks.com/auth/api/v1/users/me`. Checks: PKCE.
/// * Profile (wrapped in `response`): `id`, `first_name last_name`, `email`; no image.
pub fn freshbooks() -> OAuthProvider {
    oauth2(
        "freshbooks",
        "Freshbooks",
        "https://auth.freshbooks.com/service/auth/oauth/authorize",
        "https://api.freshbooks.com/auth/oauth/token",
        "https://api.freshbooks.com/auth/api/v1/users/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: account_id("freshbooks", p, "/response/id")?,
            name: joined(p, &["/response/first_name", "/response/last_name"]),
            email: text(p, "/response/email"),
            image: None,
        })
    })
    .style(style(Some("#0075dd"), Some("#fff")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_may_be_a_jwt() {
        let claims = serde_json::json!({"sub": "9578-6000-4-9021", "name": "Kari Nordmann"});
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims).expect("json"));
        let jwt = format!("eyJhbGciOiJSUzI1NiJ9.{payload}.c2lnbmF0dXJl");
        assert_eq!(jwt_or_json(jwt.as_bytes()).expect("a JWT"), claims);
        assert_eq!(
            jwt_or_json(claims.to_string().as_bytes()).expect("JSON"),
            claims
        );
        assert!(jwt_or_json(b"<html>").is_err());
    }
}
