//! Work, developer and business services at fixed URLs, H to Z: HubSpot, Hugging Face,
//! Mailchimp, Netlify, Notion, Pipedrive, Salesforce, SimpleLogin, Todoist, Vipps, Webex, WorkOS,
//! Zoho and Zoom.
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use super::{
    ClientAuth, OAuthProvider, User, access_token, account_id, callback_error, checks, joined,
    json_request, oauth2, send_json, standard_profile, style, text, userinfo_fn,
};
use crate::encoding::encode_component;

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
            let url = format!("{USERINFO}/{}", encode_component(token));
            send_json(client, json_request(http::Method::GET, &url), Vec::new()).await
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: account_id("hubspot", p, "/user_id")?,
            name: text(p, "/user"),
            email: text(p, "/user"),
            image: None,
        })
    })
    .style(style(Some("#ff7a59"), Some("#fff")))
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
        .style(style(Some("#FFD21E"), Some("#000")))
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
            id: account_id("mailchimp", p, "/login/login_id")?,
            name: text(p, "/accountname"),
            email: text(p, "/login/email"),
            image: None,
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
            id: account_id("netlify", p, "/id")?,
            name: text(p, "/full_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style(Some("#32e6e2"), None))
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
            id: account_id("notion", p, "/id")?,
            name: text(p, "/name"),
            email: text(p, "/person/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style(Some("#fff"), Some("#000")))
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
            id: account_id("pipedrive", p, "/data/id")?,
            name: text(p, "/data/name"),
            email: text(p, "/data/email"),
            image: text(p, "/data/icon_url"),
        })
    })
    .style(style(None, None))
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
        .style(style(Some("#00a1e0"), None))
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
                id: account_id("simplelogin", p, "/sub")?,
                name: text(p, "/name"),
                email: text(p, "/email"),
                image: text(p, "/avatar_url"),
            })
        })
        .style(style(Some("#e3156a"), None))
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
            id: account_id("todoist", p, "/id")?,
            name: text(p, "/full_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_big"),
        })
    })
    .style(style(Some("#E44332"), Some("#000")))
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
        .style(style(Some("#f05c18"), None))
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
            id: account_id("webex", p, "/id")?,
            name: text(p, "/displayName"),
            email: text(p, "/emails/0"),
            image: text(p, "/avatar"),
        })
    })
    .style(style(None, None))
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
            id: account_id("workos", p, "/id")?,
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/raw_attributes/picture"),
        })
    })
    .style(style(Some("#6363f1"), Some("#fff")))
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
            id: account_id("zoho", p, "/ZUID")?,
            name: joined(p, &["/First_Name", "/Last_Name"]),
            email: text(p, "/Email"),
            image: None,
        })
    })
    .style(style(None, None))
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
            id: account_id("zoom", p, "/id")?,
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/pic_url"),
        })
    })
    .style(style(Some("#0b5cff"), Some("#fff")))
}
