//! Work, developer and business services at fixed URLs: Atlassian, Azure DevOps, BankID Norge,
//! Box, ClickUp, Coinbase, Dropbox, Eventbrite, Figma, FreshBooks, HubSpot, Hugging Face,
//! Mailchimp, Netlify, Notion, Pipedrive, Salesforce, SimpleLogin, Todoist, Vipps, Webex,
//! WorkOS, Zoho and Zoom.
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use base64::Engine as _;
use serde_json::Value;

use super::{
    ClientAuth, HttpClient, OAuthProvider, STATE, TokenSet, User, access_token, account_id,
    callback_error, checks, joined, json_request, oauth2, send_json, standard_profile, style, text,
    userinfo_fn,
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
            id: Some(account_id("atlassian", p, "/account_id")?),
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/picture"),
        })
    })
    .style(style("atlassian", Some("#fff"), Some("#0052cc")))
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
            id: Some(account_id("azure-devops", p, "/id")?),
            name: text(p, "/displayName"),
            email: text(p, "/emailAddress"),
            image: text(p, "/coreAttributes/Avatar/value/value")
                .map(|data| format!("data:image/jpeg;base64,{data}")),
        })
    })
    .style(style("azure-devops", None, None))
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
                id: Some(account_id("bankid-no", p, "/sub")?),
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: None,
            })
        })
        .style(style("bankid-no", Some("#39134c"), Some("#fff")))
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
            id: Some(account_id("box", p, "/id")?),
            name: text(p, "/name"),
            email: text(p, "/login"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style("box", Some("#0075C9"), Some("#fff")))
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
            id: Some(account_id("click-up", p, "/user/id")?),
            name: text(p, "/user/username"),
            email: None,
            image: text(p, "/user/profilePicture"),
        })
    })
    .style(style("click-up", Some("#24292f"), Some("#fff")))
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
            id: Some(account_id("coinbase", p, "/data/id")?),
            name: text(p, "/data/name"),
            email: text(p, "/data/email"),
            image: text(p, "/data/avatar_url"),
        })
    })
    .style(style("coinbase", Some("#0052ff"), None))
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
            id: Some(account_id("dropbox", p, "/account_id")?),
            name: text(p, "/name/display_name"),
            email: text(p, "/email"),
            image: text(p, "/profile_photo_url"),
        })
    })
    .style(style("dropbox", Some("#0061fe"), None))
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
            id: Some(account_id("eventbrite", p, "/id")?),
            name: text(p, "/name"),
            email,
            image: text(p, "/image_id").map(|image| {
                format!("https://img.evbuc.com/https%3A%2F%2Fcdn.evbuc.com%2Fimages%2F{image}%2F1%2Foriginal.jpg")
            }),
        })
    })
    .style(style("eventbrite", Some("#f05537"), Some("#fff")))
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
            id: Some(account_id("figma", p, "/id")?),
            name: text(p, "/handle"),
            email: text(p, "/email"),
            image: text(p, "/img_url"),
        })
    })
    .style(style("figma", Some("#ff7237"), Some("#fff")))
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
            id: Some(account_id("freshbooks", p, "/response/id")?),
            name: joined(p, &["/response/first_name", "/response/last_name"]),
            email: text(p, "/response/email"),
            image: None,
        })
    })
    .style(style("freshbooks", Some("#0075dd"), Some("#fff")))
}

/// HubSpot ([OAuth](https://developers.hubspot.com/docs/api/working-with-oauth)).
///
/// * `https://app.hubspot.com/oauth/authorize` with scope `oauth`, token
///   `https://api.hubapi.com/oauth/v1/token` (`client_secret_post`); the profile is
///   `GET https://api.hubapi.com/oauth/v1/access-tokens/<access token>`. Checks: PKCE.
/// * Profile: `user_id`, `user` (the email) as name and email; no image.
pub fn hubspot() -> OAuthProvider {
    const USERINFO: &str = "https://api.hubapi.com/oauth/v1/access-tokens";
    oauth2(
        "hubspot",
        "HubSpot",
        "https://app.hubspot.com/oauth/authorize",
        "https://api.hubapi.com/oauth/v1/token",
        USERINFO,
    )
    .authorization_param("scope", "oauth")
    .client_auth(ClientAuth::SecretPost)
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("hubspot", tokens)?;
            let url = format!("{USERINFO}/{}", urlencoding_path(token));
            send_json(client, json_request(http::Method::GET, &url), Vec::new()).await
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("hubspot", p, "/user_id")?),
            name: text(p, "/user"),
            email: text(p, "/user"),
            image: None,
        })
    })
    .style(style("hubspot", Some("#ff7a59"), Some("#fff")))
}

/// `value` percent-encoded for one path segment.
pub(super) fn urlencoding_path(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Hugging Face ([Sign in with Hugging Face](https://huggingface.co/docs/hub/oauth)).
///
/// * Issuer `https://huggingface.co` (discovery), scope `openid profile email`; checks: state
///   and PKCE.
/// * Profile: the standard claims (`sub`, `name` or `preferred_username`, `email`, `picture`).
pub fn huggingface() -> OAuthProvider {
    OAuthProvider::oidc("huggingface", "Hugging Face")
        .issuer("https://huggingface.co")
        .checks(checks(true, true, false))
        .profile(standard_profile("huggingface"))
        .style(style("huggingface", Some("#FFD21E"), Some("#000")))
}

/// Mailchimp ([OAuth 2](https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/)).
///
/// * `https://login.mailchimp.com/oauth2/authorize`, token
///   `https://login.mailchimp.com/oauth2/token`, userinfo
///   `https://login.mailchimp.com/oauth2/metadata`. Checks: PKCE.
/// * Profile: `login.login_id`, `accountname`, `login.email`; no image.
pub fn mailchimp() -> OAuthProvider {
    oauth2(
        "mailchimp",
        "Mailchimp",
        "https://login.mailchimp.com/oauth2/authorize",
        "https://login.mailchimp.com/oauth2/token",
        "https://login.mailchimp.com/oauth2/metadata",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("mailchimp", p, "/login/login_id")?),
            name: text(p, "/accountname"),
            email: text(p, "/login/email"),
            image: None,
        })
    })
    .style(style("mailchimp", Some("#000"), Some("#fff")))
}

/// Netlify ([OAuth2](https://docs.netlify.com/api/get-started/#authentication)).
///
/// * `https://app.netlify.com/authorize?scope` (an empty scope), token
///   `https://api.netlify.com/oauth/token`, userinfo `https://api.netlify.com/api/v1/user`.
///   Checks: PKCE.
/// * Profile: `id`, `full_name`, `email`, `avatar_url`.
pub fn netlify() -> OAuthProvider {
    oauth2(
        "netlify",
        "Netlify",
        "https://app.netlify.com/authorize?scope",
        "https://api.netlify.com/oauth/token",
        "https://api.netlify.com/api/v1/user",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("netlify", p, "/id")?),
            name: text(p, "/full_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style("netlify", Some("#32e6e2"), None))
}

/// Notion ([authorization](https://developers.notion.com/docs/authorization)).
///
/// * `https://api.notion.com/v1/oauth/authorize` with `owner=user` (and the standard scope, as
///   in Auth.js), token `https://api.notion.com/v1/oauth/token`; the profile is
///   `GET https://api.notion.com/v1/users/me` with `Notion-Version: 2022-06-28`, whose
///   `bot.owner.user` is the user. Checks: PKCE.
/// * Profile: `id`, `name`, `person.email`, `avatar_url`.
///
/// Auth.js sends `redirect_uri=undefined` (its `redirectUri` option, unset, overrides the
/// callback URL); this preset sends the callback URL (see `auth_core::deviations`).
pub fn notion() -> OAuthProvider {
    const HOST: &str = "https://api.notion.com";
    oauth2(
        "notion",
        "Notion",
        "https://api.notion.com/v1/oauth/authorize",
        "https://api.notion.com/v1/oauth/token",
        "https://api.notion.com/v1/users",
    )
    .authorization_param("owner", "user")
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("notion", tokens)?;
            let request = json_request(http::Method::GET, &format!("{HOST}/v1/users/me"))
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
                .header("Notion-Version", "2022-06-28");
            let answer = send_json(client, request, Vec::new()).await?;
            answer
                .pointer("/bot/owner/user")
                .cloned()
                .ok_or_else(|| callback_error("the Notion answer has no bot.owner.user"))
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("notion", p, "/id")?),
            name: text(p, "/name"),
            email: text(p, "/person/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style("notion", Some("#fff"), Some("#000")))
}

/// Pipedrive ([OAuth authorization](https://pipedrive.readme.io/docs/marketplace-oauth-authorization)).
///
/// * `https://oauth.pipedrive.com/oauth/authorize`, token `https://oauth.pipedrive.com/oauth/token`,
///   userinfo `https://api.pipedrive.com/users/me`. Checks: PKCE.
/// * Profile (wrapped in `data`): `id`, `name`, `email`, `icon_url`.
pub fn pipedrive() -> OAuthProvider {
    oauth2(
        "pipedrive",
        "Pipedrive",
        "https://oauth.pipedrive.com/oauth/authorize",
        "https://oauth.pipedrive.com/oauth/token",
        "https://api.pipedrive.com/users/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("pipedrive", p, "/data/id")?),
            name: text(p, "/data/name"),
            email: text(p, "/data/email"),
            image: text(p, "/data/icon_url"),
        })
    })
    .style(style("pipedrive", None, None))
}

/// Salesforce ([OpenID Connect](https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm)).
///
/// * Issuer `https://login.salesforce.com` (discovery; use [`issuer`](OAuthProvider::issuer)
///   for a My Domain or sandbox); checks: PKCE, state and nonce.
/// * The profile comes from the userinfo endpoint (Auth.js's `idToken: false`): `sub` (or
///   `user_id`… as Auth.js's default profile: `sub`, else `id`), `name`, `email`, `picture`.
pub fn salesforce() -> OAuthProvider {
    OAuthProvider::oidc("salesforce", "Salesforce")
        .issuer("https://login.salesforce.com")
        .checks(checks(true, true, true))
        .profile_from_userinfo()
        .profile(standard_profile("salesforce"))
        .style(style("salesforce", Some("#00a1e0"), None))
}

/// SimpleLogin ([Sign in with SimpleLogin](https://simplelogin.io/developer/)).
///
/// * Issuer `https://app.simplelogin.io` (discovery); checks: PKCE.
/// * Profile: `sub`, `name`, `email`, `avatar_url`.
pub fn simplelogin() -> OAuthProvider {
    OAuthProvider::oidc("simplelogin", "SimpleLogin")
        .issuer("https://app.simplelogin.io")
        .profile(|p, _| {
            Ok(User {
                id: Some(account_id("simplelogin", p, "/sub")?),
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: text(p, "/avatar_url"),
            })
        })
        .style(style("simplelogin", Some("#e3156a"), None))
}

/// Todoist ([authorization](https://developer.todoist.com/guides/#authorization)).
///
/// * `https://todoist.com/oauth/authorize` with scope `data:read`, token
///   `https://todoist.com/oauth/access_token` (`client_secret_post`); the profile is the `user`
///   of `POST https://api.todoist.com/sync/v9/sync` (`{"sync_token":"*","resource_types":"[\"user\"]"}`).
///   Checks: PKCE.
/// * Profile: `id`, `full_name`, `email`, `avatar_big`.
///
/// Auth.js 0.41.3's preset has a userinfo request without a URL, which its own start-up check
/// refuses (`InvalidEndpoints`); see `auth_core::deviations`.
pub fn todoist() -> OAuthProvider {
    const SYNC: &str = "https://api.todoist.com/sync/v9/sync";
    oauth2(
        "todoist",
        "Todoist",
        "https://todoist.com/oauth/authorize",
        "https://todoist.com/oauth/access_token",
        SYNC,
    )
    .authorization_param("scope", "data:read")
    .client_auth(ClientAuth::SecretPost)
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("todoist", tokens)?;
            let request = json_request(http::Method::POST, SYNC)
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
                .header(http::header::CONTENT_TYPE, "application/json");
            let body = serde_json::json!({"sync_token": "*", "resource_types": "[\"user\"]"});
            let answer = send_json(client, request, body.to_string().into_bytes()).await?;
            answer
                .get("user")
                .cloned()
                .ok_or_else(|| callback_error("the Todoist answer has no user"))
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("todoist", p, "/id")?),
            name: text(p, "/full_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_big"),
        })
    })
    .style(style("todoist", Some("#E44332"), Some("#000")))
}

/// Vipps MobilePay ([Login API](https://developer.vippsmobilepay.com/docs/APIs/login-api/)).
///
/// * Issuer `https://api.vipps.no/access-management-1.0/access/` (discovery), scope
///   `openid name email`; checks: PKCE, state and nonce.
/// * The profile comes from the userinfo endpoint (Auth.js's `idToken: false`): `sub`, `name`,
///   `email`.
pub fn vipps() -> OAuthProvider {
    OAuthProvider::oidc("vipps", "Vipps")
        .issuer("https://api.vipps.no/access-management-1.0/access/")
        .authorization_param("scope", "openid name email")
        .checks(checks(true, true, true))
        .profile_from_userinfo()
        .profile(standard_profile("vipps"))
        .style(style("vipps", Some("#f05c18"), None))
}

/// Webex ([integrations](https://developer.webex.com/docs/integrations)).
///
/// * `https://webexapis.com/v1/authorize` with scope `spark:kms spark:people_read`, token
///   `https://webexapis.com/v1/access_token`, userinfo `https://webexapis.com/v1/people/me`.
///   Checks: PKCE.
/// * Profile: `id`, `displayName`, the first of `emails`, `avatar`.
pub fn webex() -> OAuthProvider {
    oauth2(
        "webex",
        "Webex",
        "https://webexapis.com/v1/authorize",
        "https://webexapis.com/v1/access_token",
        "https://webexapis.com/v1/people/me",
    )
    .authorization_param("scope", "spark:kms spark:people_read")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("webex", p, "/id")?),
            name: text(p, "/displayName"),
            email: text(p, "/emails/0"),
            image: text(p, "/avatar"),
        })
    })
    .style(style("webex", None, None))
}

/// WorkOS ([SSO](https://workos.com/docs/sso)).
///
/// * `https://api.workos.com/sso/authorize?connection=` (add the connection, organization or
///   provider with `.authorization_param("connection", "conn_…")` or the sign-in request's
///   query), token `https://api.workos.com/sso/token` (`client_secret_post`), userinfo
///   `https://api.workos.com/sso/profile`. Checks: PKCE.
/// * Profile: `id`, `first_name last_name`, `email`, `raw_attributes.picture`.
pub fn workos() -> OAuthProvider {
    oauth2(
        "workos",
        "WorkOS",
        "https://api.workos.com/sso/authorize?connection=",
        "https://api.workos.com/sso/token",
        "https://api.workos.com/sso/profile",
    )
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("workos", p, "/id")?),
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/raw_attributes/picture"),
        })
    })
    .style(style("workos", Some("#6363f1"), Some("#fff")))
}

/// Zoho ([OAuth 2.0](https://www.zoho.com/accounts/protocol/oauth.html)).
///
/// * `https://accounts.zoho.com/oauth/v2/auth` with scope `AaaServer.profile.Read`, token
///   `https://accounts.zoho.com/oauth/v2/token`, userinfo `https://accounts.zoho.com/oauth/user/info`.
///   Checks: PKCE.
/// * Profile: `ZUID`, `First_Name Last_Name`, `Email`; no image.
pub fn zoho() -> OAuthProvider {
    oauth2(
        "zoho",
        "Zoho",
        "https://accounts.zoho.com/oauth/v2/auth?scope=AaaServer.profile.Read",
        "https://accounts.zoho.com/oauth/v2/token",
        "https://accounts.zoho.com/oauth/user/info",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("zoho", p, "/ZUID")?),
            name: joined(p, &["/First_Name", "/Last_Name"]),
            email: text(p, "/Email"),
            image: None,
        })
    })
    .style(style("zoho", None, None))
}

/// Zoom ([OAuth](https://developers.zoom.us/docs/integrations/oauth/)).
///
/// * `https://zoom.us/oauth/authorize?scope` (an empty scope: the app's configured scopes),
///   token `https://zoom.us/oauth/token`, userinfo `https://api.zoom.us/v2/users/me`. Checks:
///   PKCE.
/// * Profile: `id`, `first_name last_name`, `email`, `pic_url`.
pub fn zoom() -> OAuthProvider {
    oauth2(
        "zoom",
        "Zoom",
        "https://zoom.us/oauth/authorize?scope",
        "https://zoom.us/oauth/token",
        "https://api.zoom.us/v2/users/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("zoom", p, "/id")?),
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/pic_url"),
        })
    })
    .style(style("zoom", Some("#0b5cff"), Some("#fff")))
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

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(urlencoding_path("a b/c+d"), "a%20b%2Fc%2Bd");
    }
}
