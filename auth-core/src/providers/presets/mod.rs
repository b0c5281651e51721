//! Built-in OAuth 2 and OpenID Connect providers, configured as Auth.js configures them.
//!
//! Each function returns an [`OAuthProvider`] with the provider's endpoints (or its issuer, for
//! discovery), default scopes, checks, profile mapping and button style. Every builder method of
//! [`OAuthProvider`] still applies, so a preset is a starting point: add scopes with
//! `.authorization_param("scope", …)`, change the id with `.with_id(…)`, and so on.
//!
//! # Client id, secret and issuer
//!
//! One rule for every preset: the functions take **no arguments**. The client id, the client
//! secret and (for the identity servers you host or rent) the issuer come from
//! [`AuthConfig::env_defaults`](crate::AuthConfig::env_defaults) — `AUTH_<ID>_ID`,
//! `AUTH_<ID>_SECRET` and `AUTH_<ID>_ISSUER`, where `<ID>` is the provider id upper-cased with `-`
//! turned into `_` — or from [`client_id`](OAuthProvider::client_id),
//! [`client_secret`](OAuthProvider::client_secret) and [`issuer`](OAuthProvider::issuer), which
//! win over the environment. The environment is read when `build()` runs, so `env_defaults`
//! may come before or after the providers.
//!
//! Register `<origin><base path>/callback/<id>` as the redirect (callback) URL at the provider,
//! e.g. `https://app.example.com/auth/callback/github` with the default base path `/auth`.
//!
//! | Function | Id | Kind | Environment | Notes |
//! |---|---|---|---|---|
//! | [`apple`] | `apple` | OIDC | `AUTH_APPLE_ID`, `AUTH_APPLE_SECRET` | the secret is a JWT you sign with your Apple key; `form_post` callback |
//! | [`auth0`] | `auth0` | OIDC | `AUTH_AUTH0_ID`, `AUTH_AUTH0_SECRET`, `AUTH_AUTH0_ISSUER` | issuer `https://<tenant>.<region>.auth0.com` |
//! | [`authentik`] | `authentik` | OIDC | `AUTH_AUTHENTIK_ID`, `AUTH_AUTHENTIK_SECRET`, `AUTH_AUTHENTIK_ISSUER` | issuer `https://<host>/application/o/<slug>/` |
//! | [`bitbucket`] | `bitbucket` | OAuth 2 | `AUTH_BITBUCKET_ID`, `AUTH_BITBUCKET_SECRET` | no email |
//! | [`cognito`] | `cognito` | OIDC | `AUTH_COGNITO_ID`, `AUTH_COGNITO_SECRET`, `AUTH_COGNITO_ISSUER` | issuer `https://cognito-idp.<region>.amazonaws.com/<pool id>` |
//! | [`discord`] | `discord` | OAuth 2 | `AUTH_DISCORD_ID`, `AUTH_DISCORD_SECRET` | |
//! | [`facebook`] | `facebook` | OAuth 2 | `AUTH_FACEBOOK_ID`, `AUTH_FACEBOOK_SECRET` | |
//! | [`github`], [`github_enterprise`] | `github` | OAuth 2 | `AUTH_GITHUB_ID`, `AUTH_GITHUB_SECRET` | private emails fetched from `/user/emails` |
//! | [`gitlab`], [`gitlab_self_managed`] | `gitlab` | OAuth 2 | `AUTH_GITLAB_ID`, `AUTH_GITLAB_SECRET` | |
//! | [`google`] | `google` | OIDC | `AUTH_GOOGLE_ID`, `AUTH_GOOGLE_SECRET` | |
//! | [`keycloak`] | `keycloak` | OIDC | `AUTH_KEYCLOAK_ID`, `AUTH_KEYCLOAK_SECRET`, `AUTH_KEYCLOAK_ISSUER` | issuer `https://<host>/realms/<realm>` |
//! | [`linkedin`] | `linkedin` | OIDC | `AUTH_LINKEDIN_ID`, `AUTH_LINKEDIN_SECRET` | |
//! | [`microsoft_entra_id`] | `microsoft-entra-id` | OIDC | `AUTH_MICROSOFT_ENTRA_ID_ID`, `AUTH_MICROSOFT_ENTRA_ID_SECRET`, `AUTH_MICROSOFT_ENTRA_ID_ISSUER` (optional) | default issuer `…/common/v2.0` |
//! | [`okta`] | `okta` | OIDC | `AUTH_OKTA_ID`, `AUTH_OKTA_SECRET`, `AUTH_OKTA_ISSUER` | issuer `https://<org>.okta.com` (or `…/oauth2/<server id>`) |
//! | [`reddit`] | `reddit` | OAuth 2 | `AUTH_REDDIT_ID`, `AUTH_REDDIT_SECRET` | no email |
//! | [`slack`] | `slack` | OIDC | `AUTH_SLACK_ID`, `AUTH_SLACK_SECRET` | HTTPS redirect URLs only |
//! | [`spotify`] | `spotify` | OAuth 2 | `AUTH_SPOTIFY_ID`, `AUTH_SPOTIFY_SECRET` | |
//! | [`twitch`] | `twitch` | OIDC | `AUTH_TWITCH_ID`, `AUTH_TWITCH_SECRET` | |
//! | [`twitter`] | `twitter` | OAuth 2 | `AUTH_TWITTER_ID`, `AUTH_TWITTER_SECRET` | X's OAuth 2.0; no email |
//! | [`zitadel`] | `zitadel` | OIDC | `AUTH_ZITADEL_ID`, `AUTH_ZITADEL_SECRET`, `AUTH_ZITADEL_ISSUER` | issuer `https://<instance>.zitadel.cloud` |
//!
//! The other presets of Auth.js follow the same rule; each reads `AUTH_<ID>_ID` and
//! `AUTH_<ID>_SECRET`, plus the variable shown:
//!
//! | Function | Id | Kind | Also |
//! |---|---|---|---|
//! | [`forty_two_school`] | `42-school` | OAuth 2 |  |
//! | [`asgardeo`] | `asgardeo` | OIDC | `AUTH_ASGARDEO_ISSUER` |
//! | [`atlassian`] | `atlassian` | OAuth 2 |  |
//! | [`azure_ad_b2c`] | `azure-ad-b2c` | OIDC | `AUTH_AZURE_AD_B2C_ISSUER` |
//! | [`azure_ad`] | `azure-ad` | OIDC |  |
//! | [`azure_devops`] | `azure-devops` | OAuth 2 |  |
//! | [`bankid_no`] | `bankid-no` | OIDC |  |
//! | [`battlenet`] | `battlenet` | OIDC | `AUTH_BATTLENET_ISSUER` |
//! | [`beyondidentity`] | `beyondidentity` | OIDC | `AUTH_BEYONDIDENTITY_ISSUER` |
//! | [`box_com`] | `box` | OAuth 2 |  |
//! | [`boxyhq_saml`] | `boxyhq-saml` | OAuth 2 | `AUTH_BOXYHQ_SAML_ISSUER` |
//! | [`bungie`], [`bungie_with_api_key`] | `bungie` | OAuth 2 |  |
//! | [`click_up`] | `click-up` | OAuth 2 |  |
//! | [`coinbase`] | `coinbase` | OAuth 2 |  |
//! | [`concept2`] | `concept2` | OAuth 2 |  |
//! | [`descope`] | `descope` | OIDC | `AUTH_DESCOPE_ISSUER` (optional) |
//! | [`dribbble`] | `dribbble` | OAuth 2 |  |
//! | [`dropbox`] | `dropbox` | OAuth 2 |  |
//! | [`duende_identity_server6`] | `duende-identity-server6` | OIDC | `AUTH_DUENDE_IDENTITY_SERVER6_ISSUER` |
//! | [`eventbrite`] | `eventbrite` | OAuth 2 |  |
//! | [`eveonline`] | `eveonline` | OAuth 2 |  |
//! | [`faceit`] | `faceit` | OAuth 2 |  |
//! | [`figma`] | `figma` | OAuth 2 |  |
//! | [`foursquare`] | `foursquare` | OAuth 2 |  |
//! | [`freshbooks`] | `freshbooks` | OAuth 2 |  |
//! | [`frontegg`] | `frontegg` | OIDC | `AUTH_FRONTEGG_ISSUER` |
//! | [`fusionauth`] | `fusionauth` | OIDC | `AUTH_FUSIONAUTH_ISSUER` |
//! | [`hubspot`] | `hubspot` | OAuth 2 |  |
//! | [`huggingface`] | `huggingface` | OIDC |  |
//! | [`identity_server4`] | `identity-server4` | OIDC | `AUTH_IDENTITY_SERVER4_ISSUER` |
//! | [`instagram`] | `instagram` | OAuth 2 |  |
//! | [`kakao`] | `kakao` | OAuth 2 |  |
//! | [`kinde`] | `kinde` | OIDC | `AUTH_KINDE_ISSUER` |
//! | [`line`](fn@line) | `line` | OIDC |  |
//! | [`logto`] | `logto` | OIDC | `AUTH_LOGTO_ISSUER` |
//! | [`mailchimp`] | `mailchimp` | OAuth 2 |  |
//! | [`mailru`] | `mailru` | OAuth 2 |  |
//! | [`mastodon`] | `mastodon` | OAuth 2 | `AUTH_MASTODON_ISSUER` |
//! | [`mattermost`] | `mattermost` | OAuth 2 | `AUTH_MATTERMOST_ISSUER` |
//! | [`medium`] | `medium` | OAuth 2 |  |
//! | [`naver`] | `naver` | OAuth 2 |  |
//! | [`netlify`] | `netlify` | OAuth 2 |  |
//! | [`netsuite`] | `netsuite` | OAuth 2 | `AUTH_NETSUITE_ISSUER` (`https://<account>.app.netsuite.com`), and `userinfo_url` |
//! | [`nextcloud`] | `nextcloud` | OAuth 2 | `AUTH_NEXTCLOUD_ISSUER` |
//! | [`notion`] | `notion` | OAuth 2 |  |
//! | [`onelogin`] | `onelogin` | OIDC | `AUTH_ONELOGIN_ISSUER` |
//! | [`hydra`] | `hydra` | OIDC | `AUTH_HYDRA_ISSUER` |
//! | [`osso`] | `osso` | OAuth 2 | `AUTH_OSSO_ISSUER` |
//! | [`osu`] | `osu` | OAuth 2 |  |
//! | [`passage`] | `passage` | OIDC | `AUTH_PASSAGE_ISSUER` |
//! | [`patreon`] | `patreon` | OAuth 2 |  |
//! | [`ping_id`] | `ping-id` | OIDC | `AUTH_PING_ID_ISSUER` |
//! | [`pinterest`] | `pinterest` | OAuth 2 |  |
//! | [`pipedrive`] | `pipedrive` | OAuth 2 |  |
//! | [`roblox`] | `roblox` | OIDC |  |
//! | [`salesforce`] | `salesforce` | OIDC |  |
//! | [`simplelogin`] | `simplelogin` | OIDC |  |
//! | [`strava`] | `strava` | OAuth 2 |  |
//! | [`threads`] | `threads` | OAuth 2 |  |
//! | [`tiktok`] | `tiktok` | OAuth 2 |  |
//! | [`todoist`] | `todoist` | OAuth 2 |  |
//! | [`trakt`] | `trakt` | OAuth 2 |  |
//! | [`united_effects`] | `united-effects` | OIDC | `AUTH_UNITED_EFFECTS_ISSUER` |
//! | [`vipps`] | `vipps` | OIDC |  |
//! | [`vk`] | `vk` | OAuth 2 |  |
//! | [`webex`] | `webex` | OAuth 2 |  |
//! | [`wechat`] | `wechat` | OAuth 2 |  |
//! | [`wikimedia`] | `wikimedia` | OAuth 2 |  |
//! | [`wordpress`] | `wordpress` | OAuth 2 |  |
//! | [`workos`] | `workos` | OAuth 2 |  |
//! | [`yandex`] | `yandex` | OAuth 2 |  |
//! | [`zoho`] | `zoho` | OAuth 2 |  |
//! | [`zoom`] | `zoom` | OAuth 2 |  |
//!
//! The user each preset maps to has `id` = the account id **at the provider** (as text), so it
//! becomes the account's `provider_account_id`; the session user gets its own id.
//!
//! # Example: GitHub and Google with two variables each
//!
//! ```
//! use auth_core::{AuthConfig, providers::presets};
//!
//! // In production: `.env_defaults()`, reading these from the process environment.
//! let env = |name: &str| {
//!     let value = match name {
//!         "AUTH_SECRET" => "generate-one-with-cargo-xtask-secret",
//!         "AUTH_URL" => "https://app.example.com/auth",
//!         "AUTH_GITHUB_ID" => "Ov23liExampleClientId",
//!         "AUTH_GITHUB_SECRET" => "github-client-secret",
//!         "AUTH_GOOGLE_ID" => "1234-example.apps.googleusercontent.com",
//!         "AUTH_GOOGLE_SECRET" => "google-client-secret",
//!         _ => return None,
//!     };
//!     Some(value.to_owned())
//! };
//!
//! let auth = AuthConfig::new()
//!     // Callback URLs to register: https://app.example.com/auth/callback/github
//!     // and https://app.example.com/auth/callback/google.
//!     .provider(presets::github())
//!     .provider(presets::google())
//!     .env_defaults_from(env)
//!     .build()
//!     .expect("valid configuration");
//! # let _ = auth;
//! ```
//!
//! Without the environment, set the values on the preset:
//!
//! ```
//! use auth_core::providers::presets;
//!
//! let keycloak = presets::keycloak()
//!     .issuer("https://sso.example.com/realms/main")
//!     .client_id("my-app")
//!     .client_secret("keycloak-client-secret");
//! # let _ = keycloak;
//! ```

mod apple;
mod bitbucket;
mod discord;
mod facebook;
mod github;
mod gitlab;
mod google;
mod hosted;
mod linkedin;
mod microsoft_entra_id;
mod reddit;
mod self_hosted;
mod services;
mod services_h_z;
mod slack;
mod social;
mod social_m_s;
mod social_t_z;
mod spotify;
mod twitch;
mod twitter;

#[cfg(test)]
mod tests;

use std::{future::Future, pin::Pin, sync::Arc};

use serde_json::Value;

pub use apple::apple;
pub use bitbucket::bitbucket;
pub use discord::discord;
pub use facebook::facebook;
pub use github::{github, github_enterprise};
pub use gitlab::{gitlab, gitlab_self_managed};
pub use google::google;
pub use hosted::{
    asgardeo, auth0, authentik, azure_ad_b2c, battlenet, beyondidentity, cognito, descope,
    duende_identity_server6, frontegg, fusionauth, hydra, identity_server4, keycloak, kinde, logto,
    okta, onelogin, passage, ping_id, united_effects, zitadel,
};
pub use linkedin::linkedin;
pub use microsoft_entra_id::{azure_ad, microsoft_entra_id, microsoft_entra_id_with_photo};
pub use reddit::reddit;
pub use self_hosted::{boxyhq_saml, mastodon, mattermost, netsuite, nextcloud, osso};
pub use services::{
    atlassian, azure_devops, bankid_no, box_com, click_up, coinbase, dropbox, eventbrite, figma,
    freshbooks,
};
pub use services_h_z::{
    hubspot, huggingface, mailchimp, netlify, notion, pipedrive, salesforce, simplelogin, todoist,
    vipps, webex, workos, zoho, zoom,
};
pub use slack::slack;
pub use social::{
    bungie, bungie_with_api_key, concept2, dribbble, eveonline, faceit, forty_two_school,
    foursquare, instagram, kakao, line,
};
pub use social_m_s::{mailru, medium, naver, osu, patreon, pinterest, roblox, strava};
pub use social_t_z::{threads, tiktok, trakt, vk, wechat, wikimedia, wordpress, yandex};
pub use spotify::spotify;
pub use twitch::twitch;
pub use twitter::twitter;

/// Every preset with its defaults (client id, secret and, where needed, issuer still to be set
/// or taken from `AUTH_<ID>_*`), e.g. to enable those whose variables are present.
pub fn all() -> Vec<super::OAuthProvider> {
    vec![
        forty_two_school(),
        apple(),
        asgardeo(),
        atlassian(),
        auth0(),
        authentik(),
        azure_ad_b2c(),
        azure_ad(),
        azure_devops(),
        bankid_no(),
        battlenet(),
        beyondidentity(),
        bitbucket(),
        box_com(),
        boxyhq_saml(),
        bungie(),
        click_up(),
        cognito(),
        coinbase(),
        concept2(),
        descope(),
        discord(),
        dribbble(),
        dropbox(),
        duende_identity_server6(),
        eventbrite(),
        eveonline(),
        facebook(),
        faceit(),
        figma(),
        foursquare(),
        freshbooks(),
        frontegg(),
        fusionauth(),
        github(),
        gitlab(),
        google(),
        hubspot(),
        huggingface(),
        identity_server4(),
        instagram(),
        kakao(),
        keycloak(),
        kinde(),
        line(),
        linkedin(),
        logto(),
        mailchimp(),
        mailru(),
        mastodon(),
        mattermost(),
        medium(),
        microsoft_entra_id(),
        naver(),
        netlify(),
        netsuite(),
        nextcloud(),
        notion(),
        okta(),
        onelogin(),
        hydra(),
        osso(),
        osu(),
        passage(),
        patreon(),
        ping_id(),
        pinterest(),
        pipedrive(),
        reddit(),
        roblox(),
        salesforce(),
        simplelogin(),
        slack(),
        spotify(),
        strava(),
        threads(),
        tiktok(),
        todoist(),
        trakt(),
        twitch(),
        twitter(),
        united_effects(),
        vipps(),
        vk(),
        webex(),
        wechat(),
        wikimedia(),
        wordpress(),
        workos(),
        yandex(),
        zitadel(),
        zoho(),
        zoom(),
    ]
}

use super::{Checks, ClientAuth, OAuthProvider, ProviderStyle, TokenSet, UserinfoFn};
use crate::{
    Result,
    model::User,
    oauth::{HttpClient, callback_error},
};

/// The scope OpenID Connect presets ask for unless the provider needs another.
const OIDC_SCOPE: &str = "openid profile email";

/// The button style: Auth.js's brand colour and text colour. No logo URL: the sign-in page shows
/// the logo the crate ships for the provider's id.
fn style(brand_color: Option<&str>, text: Option<&str>) -> ProviderStyle {
    ProviderStyle {
        logo: None,
        brand_color: brand_color.map(str::to_owned),
        text: text.map(str::to_owned),
    }
}

/// The value at the JSON `pointer` as text: strings (unless empty) as they are, numbers in
/// decimal, anything else `None`.
fn text(profile: &Value, pointer: &str) -> Option<String> {
    match profile.pointer(pointer)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The account id at `pointer`; a profile without one cannot be linked to an account.
fn account_id(provider: &str, profile: &Value, pointer: &str) -> Result<String> {
    text(profile, pointer).ok_or_else(|| {
        callback_error(format!(
            "the {provider} profile has no account id (`{pointer}`)"
        ))
    })
}

/// The standard OpenID Connect claims as a user: `sub` (required), `name` (or `nickname`, or
/// `preferred_username`), `email`, `picture`. Auth.js's default profile, minus the random id it
/// invents when `sub` is missing.
fn oidc_profile(
    provider: &'static str,
) -> impl Fn(&Value, &TokenSet) -> Result<User> + Send + Sync + 'static {
    move |profile, _tokens| {
        Ok(User {
            id: account_id(provider, profile, "/sub")?,
            name: text(profile, "/name")
                .or_else(|| text(profile, "/nickname"))
                .or_else(|| text(profile, "/preferred_username")),
            email: text(profile, "/email"),
            image: text(profile, "/picture"),
        })
    }
}

/// An OpenID Connect preset with the standard scope and profile.
fn oidc(id: &'static str, name: &str) -> OAuthProvider {
    OAuthProvider::oidc(id, name)
        .authorization_param("scope", OIDC_SCOPE)
        .profile(oidc_profile(id))
}

/// Turns a closure into a [`UserinfoFn`] (the bound lets the compiler infer the closure's
/// higher-ranked signature).
fn userinfo_fn<F>(fetch: F) -> UserinfoFn
where
    F: for<'a> Fn(
            &'a TokenSet,
            &'a dyn HttpClient,
        ) -> Pin<Box<dyn Future<Output = Result<Value>> + Send + 'a>>
        + Send
        + Sync
        + 'static,
{
    Arc::new(fetch)
}

/// The access token of a sign-in, which custom userinfo requests need.
fn access_token<'a>(provider: &str, tokens: &'a TokenSet) -> Result<&'a str> {
    tokens
        .access_token()
        .ok_or_else(|| callback_error(format!("the {provider} token response has no access_token")))
}

/// The `User-Agent` of the presets' own requests (GitHub refuses requests without one).
const USER_AGENT: &str = concat!("auth-core/", env!("CARGO_PKG_VERSION"));

/// GET `url` with the bearer token and our `User-Agent`; the raw response.
async fn bearer_get(
    client: &dyn HttpClient,
    url: &str,
    token: &str,
    accept: &str,
) -> Result<http::Response<Vec<u8>>> {
    let request = http::Request::get(url)
        .header(http::header::ACCEPT, accept)
        .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
        .header(http::header::USER_AGENT, USER_AGENT)
        .body(Vec::new())
        .map_err(|e| callback_error(format!("invalid URL {url}: {e}")))?;
    client
        .execute(request)
        .await
        .map_err(|e| callback_error(format!("GET {url}: {e}")))
}

/// [`bearer_get`] for a JSON answer; a non-2xx status is an error.
async fn bearer_get_json(
    client: &dyn HttpClient,
    url: &str,
    token: &str,
    accept: &str,
) -> Result<Value> {
    let response = bearer_get(client, url, token, accept).await?;
    if !response.status().is_success() {
        return Err(callback_error(format!(
            "GET {url} answered {}",
            response.status()
        )));
    }
    serde_json::from_slice(response.body())
        .map_err(|e| callback_error(format!("GET {url}: the answer is not JSON: {e}")))
}

/// `Checks` from three flags.
const fn checks(pkce: bool, state: bool, nonce: bool) -> Checks {
    Checks { pkce, state, nonce }
}

/// The `state` check alone (providers without PKCE).
const STATE: Checks = checks(false, true, false);

/// An OAuth 2 preset with fixed authorization, token and userinfo endpoints.
fn oauth2(
    id: &'static str,
    name: &str,
    authorization: &str,
    token: &str,
    userinfo: &str,
) -> OAuthProvider {
    OAuthProvider::oauth(id, name)
        .authorization_url(authorization)
        .token_url(token)
        .userinfo_url(userinfo)
}

/// Auth.js's default profile: `id` from `sub`, else `id` (required here), `name` from `name`,
/// `nickname` or `preferred_username`, `email`, `image` from `picture`.
fn standard_profile(
    provider: &'static str,
) -> impl Fn(&Value, &TokenSet) -> Result<User> + Send + Sync + 'static {
    move |profile, _tokens| {
        let id = text(profile, "/sub").map_or_else(|| account_id(provider, profile, "/id"), Ok)?;
        Ok(User {
            id,
            name: text(profile, "/name")
                .or_else(|| text(profile, "/nickname"))
                .or_else(|| text(profile, "/preferred_username")),
            email: text(profile, "/email"),
            image: text(profile, "/picture"),
        })
    }
}

/// The texts at `pointers` that are present, joined by a space; `None` when none is.
fn joined(profile: &Value, pointers: &[&str]) -> Option<String> {
    let parts: Vec<String> = pointers.iter().filter_map(|p| text(profile, p)).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A [`DeriveFn`](super::oauth::DeriveFn) that places a preset at its issuer once the issuer is
/// known: `place` gets the provider and the issuer without its trailing slash.
fn at_issuer(
    place: impl Fn(&mut OAuthProvider, &str) + Send + Sync + 'static,
) -> impl Fn(&mut OAuthProvider) + Send + Sync + 'static {
    move |provider| {
        if let Some(issuer) = provider.issuer.clone() {
            place(provider, issuer.trim_end_matches('/'));
        }
    }
}

/// A request to `url` accepting JSON, with our `User-Agent`.
fn json_request(method: http::Method, url: &str) -> http::request::Builder {
    http::Request::builder()
        .method(method)
        .uri(url)
        .header(http::header::ACCEPT, "application/json")
        .header(http::header::USER_AGENT, USER_AGENT)
}

/// Sends a request built by [`json_request`] and parses the JSON answer; a non-2xx status is
/// an error.
async fn send_json(
    client: &dyn HttpClient,
    request: http::request::Builder,
    body: Vec<u8>,
) -> Result<Value> {
    let what = format!(
        "{} {}",
        request.method_ref().map_or("GET", http::Method::as_str),
        request
            .uri_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    let request = request
        .body(body)
        .map_err(|e| callback_error(format!("{what}: invalid request: {e}")))?;
    let response = client
        .execute(request)
        .await
        .map_err(|e| callback_error(format!("{what}: {e}")))?;
    if !response.status().is_success() {
        return Err(callback_error(format!(
            "{what} answered {}",
            response.status()
        )));
    }
    serde_json::from_slice(response.body())
        .map_err(|e| callback_error(format!("{what}: the answer is not JSON: {e}")))
}

/// Sets an authorization parameter of a provider in place (as
/// [`OAuthProvider::authorization_param`] does).
fn set_param(provider: &mut OAuthProvider, name: &str, value: String) {
    provider.authorization_params.retain(|(n, _)| n != name);
    provider.authorization_params.push((name.to_owned(), value));
}
