//! Social networks, media, games, sport and regional portals at fixed URLs: 42 School, Bungie,
//! Concept2, Dribbble, EVE Online, FACEIT, Foursquare, Instagram, Kakao, LINE, Mail.ru,
//! Medium, Naver, osu!, Patreon, Pinterest, Roblox, Strava, Threads, TikTok, Trakt, VK,
//! WeChat, Wikimedia, WordPress.com and Yandex.
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use serde_json::Value;

use super::{
    ClientAuth, OAuthProvider, STATE, TokenSet, User, access_token, account_id, callback_error,
    checks, joined, json_request, oauth2, send_json, set_param, standard_profile, style, text,
    userinfo_fn,
};
use crate::Result;

/// 42 School ([intra API](https://api.intra.42.fr/apidoc/guides/web_application_flow)).
///
/// * `https://api.intra.42.fr/oauth/authorize` with scope `public`, token
///   `https://api.intra.42.fr/oauth/token`, userinfo `https://api.intra.42.fr/v2/me`. Checks:
///   PKCE.
/// * Profile: `id`, `usual_full_name`, `email`, `image.link`.
pub fn forty_two_school() -> OAuthProvider {
    oauth2(
        "42-school",
        "42 School",
        "https://api.intra.42.fr/oauth/authorize",
        "https://api.intra.42.fr/oauth/token",
        "https://api.intra.42.fr/v2/me",
    )
    .authorization_param("scope", "public")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("42-school", p, "/id")?),
            name: text(p, "/usual_full_name"),
            email: text(p, "/email"),
            image: text(p, "/image/link"),
        })
    })
    .style(style("42-school", None, None))
}

/// Bungie.net's account API, by the membership id of the token response.
const BUNGIE_ACCOUNT: &str = "https://www.bungie.net/platform/User/GetBungieAccount";

/// Bungie ([OAuth documentation](https://github.com/Bungie-net/api/wiki/OAuth-Documentation)),
/// without an API key: see [`bungie_with_api_key`], which Bungie's API requires.
pub fn bungie() -> OAuthProvider {
    bungie_at(None)
}

/// Bungie with the application's API key, sent as `X-API-Key` with the profile request.
///
/// * `https://www.bungie.net/en/OAuth/Authorize?reauth=true`, token
///   `https://www.bungie.net/platform/app/oauth/token/`; the profile is
///   `GET https://www.bungie.net/platform/User/GetBungieAccount/<membership_id>/254/`, with the
///   `membership_id` of the token response (Auth.js requests the literal
///   `{membershipId}` placeholder; see `auth_core::deviations`). Checks: PKCE.
/// * Profile (in `Response.bungieNetUser`): `membershipId`, `displayName`, no email, the
///   `profilePicturePath` on `https://www.bungie.net`.
pub fn bungie_with_api_key(api_key: impl Into<String>) -> OAuthProvider {
    bungie_at(Some(api_key.into()))
}

fn bungie_at(api_key: Option<String>) -> OAuthProvider {
    oauth2(
        "bungie",
        "Bungie",
        "https://www.bungie.net/en/OAuth/Authorize?reauth=true",
        "https://www.bungie.net/platform/app/oauth/token/",
        "https://www.bungie.net/platform/User/GetBungieAccount/{membershipId}/254/",
    )
    .userinfo_request(userinfo_fn(move |tokens, client| {
        let api_key = api_key.clone();
        Box::pin(async move {
            let token = access_token("bungie", tokens)?;
            let member = tokens
                .fields
                .get("membership_id")
                .and_then(|v| text(v, ""))
                .ok_or_else(|| callback_error("the Bungie token response has no membership_id"))?;
            let url = format!(
                "{BUNGIE_ACCOUNT}/{}/254/",
                super::services::urlencoding_path(&member)
            );
            let mut request = json_request(http::Method::GET, &url)
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"));
            if let Some(key) = api_key {
                request = request.header("X-API-Key", key);
            }
            send_json(client, request, Vec::new()).await
        })
    }))
    .profile(|p, _| {
        let picture = text(p, "/Response/bungieNetUser/profilePicturePath").map(|path| {
            let slash = if path.starts_with('/') { "" } else { "/" };
            format!("https://www.bungie.net{slash}{path}")
        });
        Ok(User {
            id: Some(account_id(
                "bungie",
                p,
                "/Response/bungieNetUser/membershipId",
            )?),
            name: text(p, "/Response/bungieNetUser/displayName"),
            email: None,
            image: picture,
        })
    })
    .style(style("bungie", None, None))
}

/// Concept2 logbook ([API](https://log.concept2.com/developers/documentation/)).
///
/// * `https://log.concept2.com/oauth/authorize` with scope `user:read,results:write`, token
///   `https://log.concept2.com/oauth/access_token`, userinfo `https://log.concept2.com/api/users/me`.
///   Checks: PKCE.
/// * Profile (wrapped in `data`): `id`, `username`, `email`, `profile_image`.
pub fn concept2() -> OAuthProvider {
    oauth2(
        "concept2",
        "Concept2",
        "https://log.concept2.com/oauth/authorize",
        "https://log.concept2.com/oauth/access_token",
        "https://log.concept2.com/api/users/me",
    )
    .authorization_param("scope", "user:read,results:write")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("concept2", p, "/data/id")?),
            name: text(p, "/data/username"),
            email: text(p, "/data/email"),
            image: text(p, "/data/profile_image"),
        })
    })
    .style(style("concept2", None, None))
}

/// Dribbble ([OAuth](https://developer.dribbble.com/v2/oauth/)).
///
/// * `https://dribbble.com/oauth/authorize` with scope `public` (Auth.js sends
///   `scope=undefined` unless given a scope; see `auth_core::deviations`), token
///   `https://dribbble.com/oauth/token`, userinfo `https://api.dribbble.com/v2/user`. Checks:
///   PKCE. For uploads add `.authorization_param("scope", "public upload")`.
/// * Profile: `id`, `name`, `email`, `avatar_url`.
pub fn dribbble() -> OAuthProvider {
    oauth2(
        "dribbble",
        "Dribbble",
        "https://dribbble.com/oauth/authorize",
        "https://dribbble.com/oauth/token",
        "https://api.dribbble.com/v2/user",
    )
    .authorization_param("scope", "public")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("dribbble", p, "/id")?),
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style("dribbble", Some("#000"), Some("#fff")))
}

/// EVE Online ([SSO](https://docs.esi.evetech.net/docs/sso/)).
///
/// * `https://login.eveonline.com/v2/oauth/authorize` with scope `publicData`, token
///   `https://login.eveonline.com/v2/oauth/token`, userinfo `https://login.eveonline.com/oauth/verify`.
///   Checks: state.
/// * Profile: `CharacterID`, `CharacterName`, no email, the character's 128 px portrait.
pub fn eveonline() -> OAuthProvider {
    oauth2(
        "eveonline",
        "EVE Online",
        "https://login.eveonline.com/v2/oauth/authorize?scope=publicData",
        "https://login.eveonline.com/v2/oauth/token",
        "https://login.eveonline.com/oauth/verify",
    )
    .checks(STATE)
    .profile(|p, _| {
        let id = account_id("eveonline", p, "/CharacterID")?;
        Ok(User {
            name: text(p, "/CharacterName"),
            email: None,
            image: Some(format!(
                "https://image.eveonline.com/Character/{id}_128.jpg"
            )),
            id: Some(id),
        })
    })
    .style(style("eveonline", None, None))
}

/// FACEIT ([Connect](https://docs.faceit.com/getting-started/authentication/faceit-connect)).
///
/// * `https://accounts.faceit.com/accounts?redirect_popup=true`, token
///   `https://api.faceit.com/auth/v1/oauth/token` (HTTP Basic, the default), userinfo
///   `https://api.faceit.com/auth/v1/resources/userinfo`. Checks: PKCE.
/// * Profile: `guid`, `name`, `email`, `picture`.
pub fn faceit() -> OAuthProvider {
    oauth2(
        "faceit",
        "FACEIT",
        "https://accounts.faceit.com/accounts?redirect_popup=true",
        "https://api.faceit.com/auth/v1/oauth/token",
        "https://api.faceit.com/auth/v1/resources/userinfo",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("faceit", p, "/guid")?),
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/picture"),
        })
    })
    .style(style("faceit", None, None))
}

/// Foursquare ([authentication](https://docs.foursquare.com/developer/reference/personalization-apis-authentication)).
///
/// * `https://foursquare.com/oauth2/authenticate`, token `https://foursquare.com/oauth2/access_token`;
///   the profile is `GET https://api.foursquare.com/v2/users/self?v=20230131&oauth_token=<token>`.
///   Checks: PKCE.
/// * Profile (in `response.user`): `id`, `firstName lastName`, `contact.email`, the photo at
///   `<prefix>original<suffix>`.
pub fn foursquare() -> OAuthProvider {
    const USERINFO: &str = "https://api.foursquare.com/v2/users/self?v=20230131";
    oauth2(
        "foursquare",
        "Foursquare",
        "https://foursquare.com/oauth2/authenticate",
        "https://foursquare.com/oauth2/access_token",
        USERINFO,
    )
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("foursquare", tokens)?;
            let mut url = url::Url::parse(USERINFO)
                .map_err(|e| callback_error(format!("Foursquare URL: {e}")))?;
            url.query_pairs_mut().append_pair("oauth_token", token);
            send_json(
                client,
                json_request(http::Method::GET, url.as_str()),
                Vec::new(),
            )
            .await
        })
    }))
    .profile(|p, _| {
        let user = p.pointer("/response/user").unwrap_or(&Value::Null);
        let image = match (text(user, "/photo/prefix"), text(user, "/photo/suffix")) {
            (Some(prefix), Some(suffix)) => Some(format!("{prefix}original{suffix}")),
            _ => None,
        };
        Ok(User {
            id: Some(account_id("foursquare", p, "/response/user/id")?),
            name: joined(user, &["/firstName", "/lastName"]),
            email: text(user, "/contact/email"),
            image,
        })
    })
    .style(style("foursquare", Some("#000"), Some("#fff")))
}

/// Instagram ([Basic Display API](https://developers.facebook.com/docs/instagram-basic-display-api)).
///
/// * `https://api.instagram.com/oauth/authorize` with scope `user_profile`, token
///   `https://api.instagram.com/oauth/access_token` (`client_secret_post`), userinfo
///   `https://graph.instagram.com/me?fields=id,username,account_type,name`. Checks: PKCE.
/// * Profile: `id`, `username`; no email, no image.
pub fn instagram() -> OAuthProvider {
    oauth2(
        "instagram",
        "Instagram",
        "https://api.instagram.com/oauth/authorize?scope=user_profile",
        "https://api.instagram.com/oauth/access_token",
        "https://graph.instagram.com/me?fields=id,username,account_type,name",
    )
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("instagram", p, "/id")?),
            name: text(p, "/username"),
            email: None,
            image: None,
        })
    })
    .style(style("instagram", Some("#fff"), Some("#000")))
}

/// Kakao ([Kakao Login](https://developers.kakao.com/docs/latest/en/kakaologin/rest-api)).
///
/// * `https://kauth.kakao.com/oauth/authorize?scope` (an empty scope: the consent items set up
///   for the app), token `https://kauth.kakao.com/oauth/token` (`client_secret_post`), userinfo
///   `https://kapi.kakao.com/v2/user/me`. Checks: PKCE.
/// * Profile: `id`, `kakao_account.profile.nickname`, `kakao_account.email`,
///   `kakao_account.profile.profile_image_url`.
pub fn kakao() -> OAuthProvider {
    oauth2(
        "kakao",
        "Kakao",
        "https://kauth.kakao.com/oauth/authorize?scope",
        "https://kauth.kakao.com/oauth/token",
        "https://kapi.kakao.com/v2/user/me",
    )
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("kakao", p, "/id")?),
            name: text(p, "/kakao_account/profile/nickname"),
            email: text(p, "/kakao_account/email"),
            image: text(p, "/kakao_account/profile/profile_image_url"),
        })
    })
    .style(style("kakao", None, None))
}

/// LINE ([LINE Login](https://developers.line.biz/en/docs/line-login/integrate-line-login/)).
///
/// * Issuer `https://access.line.me` (discovery); checks: state.
/// * Profile: the standard claims (`sub`, `name`, `email`, `picture`).
///
/// LINE signs the id_tokens of web logins with HS256 (the channel secret). This crate verifies
/// id_tokens with asymmetric keys only, so such sign-ins fail at the id_token check; Auth.js
/// does not verify id_token signatures at all (see `auth_core::deviations`).
pub fn line() -> OAuthProvider {
    OAuthProvider::oidc("line", "LINE")
        .issuer("https://access.line.me")
        .checks(STATE)
        .profile(standard_profile("line"))
        .style(style("line", Some("#00C300"), Some("#fff")))
}

/// Mail.ru ([OAuth 2.0](https://oauth.mail.ru/docs/)).
///
/// * `https://oauth.mail.ru/login?scope=userinfo`, token `https://oauth.mail.ru/token`,
///   userinfo `https://oauth.mail.ru/userinfo`. Checks: PKCE.
/// * Profile: Auth.js's default one (`id`, `name`, `email`; Mail.ru calls the picture
///   `image`, which that mapping does not read).
pub fn mailru() -> OAuthProvider {
    oauth2(
        "mailru",
        "Mail.ru",
        "https://oauth.mail.ru/login?scope=userinfo",
        "https://oauth.mail.ru/token",
        "https://oauth.mail.ru/userinfo",
    )
    .profile(standard_profile("mailru"))
    .style(style("mailru", None, None))
}

/// Medium ([API](https://github.com/Medium/medium-api-docs)).
///
/// * `https://medium.com/m/oauth/authorize?scope=basicProfile`, token
///   `https://api.medium.com/v1/tokens`, userinfo `https://api.medium.com/v1/me`. Checks: PKCE.
/// * Profile (wrapped in `data`): `id`, `name`, no email, `imageUrl`.
pub fn medium() -> OAuthProvider {
    oauth2(
        "medium",
        "Medium",
        "https://medium.com/m/oauth/authorize?scope=basicProfile",
        "https://api.medium.com/v1/tokens",
        "https://api.medium.com/v1/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("medium", p, "/data/id")?),
            name: text(p, "/data/name"),
            email: None,
            image: text(p, "/data/imageUrl"),
        })
    })
    .style(style("medium", None, None))
}

/// Naver ([Naver Login](https://developers.naver.com/docs/login/api/api.md)).
///
/// * `https://nid.naver.com/oauth2.0/authorize`, token `https://nid.naver.com/oauth2.0/token`,
///   userinfo `https://openapi.naver.com/v1/nid/me`. Checks: PKCE.
/// * Profile (wrapped in `response`): `id`, `nickname`, `email`, `profile_image`.
pub fn naver() -> OAuthProvider {
    oauth2(
        "naver",
        "Naver",
        "https://nid.naver.com/oauth2.0/authorize",
        "https://nid.naver.com/oauth2.0/token",
        "https://openapi.naver.com/v1/nid/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("naver", p, "/response/id")?),
            name: text(p, "/response/nickname"),
            email: text(p, "/response/email"),
            image: text(p, "/response/profile_image"),
        })
    })
    .style(style("naver", None, None))
}

/// osu! ([OAuth](https://osu.ppy.sh/docs/index.html#authentication)).
///
/// * `https://osu.ppy.sh/oauth/authorize?scope=identify`, token `https://osu.ppy.sh/oauth/token`,
///   userinfo `https://osu.ppy.sh/api/v2/me`. Checks: PKCE.
/// * Profile: `id`, `username`, no email, `avatar_url`.
pub fn osu() -> OAuthProvider {
    oauth2(
        "osu",
        "osu!",
        "https://osu.ppy.sh/oauth/authorize?scope=identify",
        "https://osu.ppy.sh/oauth/token",
        "https://osu.ppy.sh/api/v2/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("osu", p, "/id")?),
            name: text(p, "/username"),
            email: None,
            image: text(p, "/avatar_url"),
        })
    })
    .style(style("osu", None, None))
}

/// Patreon ([OAuth](https://docs.patreon.com/#oauth)).
///
/// * `https://www.patreon.com/oauth2/authorize` with scope `identity identity[email]`, token
///   `https://www.patreon.com/api/oauth2/token`, userinfo
///   `https://www.patreon.com/api/oauth2/api/current_user`. Checks: PKCE.
/// * Profile (JSON:API, in `data`): `id`, `attributes.full_name`, `attributes.email`,
///   `attributes.image_url`.
pub fn patreon() -> OAuthProvider {
    oauth2(
        "patreon",
        "Patreon",
        "https://www.patreon.com/oauth2/authorize",
        "https://www.patreon.com/api/oauth2/token",
        "https://www.patreon.com/api/oauth2/api/current_user",
    )
    .authorization_param("scope", "identity identity[email]")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("patreon", p, "/data/id")?),
            name: text(p, "/data/attributes/full_name"),
            email: text(p, "/data/attributes/email"),
            image: text(p, "/data/attributes/image_url"),
        })
    })
    .style(style("patreon", Some("#e85b46"), Some("#fff")))
}

/// Pinterest ([authentication](https://developers.pinterest.com/docs/getting-started/authentication/)).
///
/// * `https://www.pinterest.com/oauth` with scope `user_accounts:read`, token
///   `https://api.pinterest.com/v5/oauth/token`, userinfo `https://api.pinterest.com/v5/user_account`.
///   Checks: PKCE.
/// * Profile: `username` as id and name, no email, `profile_image`.
pub fn pinterest() -> OAuthProvider {
    oauth2(
        "pinterest",
        "Pinterest",
        "https://www.pinterest.com/oauth",
        "https://api.pinterest.com/v5/oauth/token",
        "https://api.pinterest.com/v5/user_account",
    )
    .authorization_param("scope", "user_accounts:read")
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("pinterest", p, "/username")?),
            name: text(p, "/username"),
            email: None,
            image: text(p, "/profile_image"),
        })
    })
    .style(style("pinterest", Some("#bd081c"), None))
}

/// Roblox ([OAuth 2.0](https://create.roblox.com/docs/cloud/open-cloud/oauth2-overview)).
///
/// * Issuer `https://apis.roblox.com/oauth/` (discovery), scope `openid profile`; checks: PKCE
///   and state.
/// * Profile: the standard claims (`sub`, `name` or `nickname` or `preferred_username`,
///   `picture`; Roblox releases no email).
pub fn roblox() -> OAuthProvider {
    OAuthProvider::oidc("roblox", "Roblox")
        .issuer("https://apis.roblox.com/oauth/")
        .authorization_param("scope", "openid profile")
        .checks(checks(true, true, false))
        .profile(standard_profile("roblox"))
        .style(style("roblox", Some("#5865F2"), Some("#fff")))
}

/// Strava ([authentication](https://developers.strava.com/docs/authentication/)).
///
/// * `https://www.strava.com/api/v3/oauth/authorize` with scope `read` and
///   `approval_prompt=auto`, token `https://www.strava.com/api/v3/oauth/token`
///   (`client_secret_post`), userinfo `https://www.strava.com/api/v3/athlete`. Checks: PKCE.
/// * Profile: `id`, `firstname lastname`, no email, `profile` (the picture).
pub fn strava() -> OAuthProvider {
    oauth2(
        "strava",
        "Strava",
        "https://www.strava.com/api/v3/oauth/authorize",
        "https://www.strava.com/api/v3/oauth/token",
        "https://www.strava.com/api/v3/athlete",
    )
    .authorization_param("scope", "read")
    .authorization_param("approval_prompt", "auto")
    .authorization_param("response_type", "code")
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("strava", p, "/id")?),
            name: joined(p, &["/firstname", "/lastname"]),
            email: None,
            image: text(p, "/profile"),
        })
    })
    .style(style("strava", None, None))
}

/// Threads ([Threads API](https://developers.facebook.com/docs/threads/get-started)).
///
/// * `https://threads.net/oauth/authorize?scope=threads_basic`, token
///   `https://graph.threads.net/oauth/access_token` (`client_secret_post`), userinfo
///   `https://graph.threads.net/v1.0/me?fields=id,username,threads_profile_picture_url`.
///   Checks: state.
/// * Profile: `id`, `username`, no email, `threads_profile_picture_url`, read at the top level
///   where Threads puts them (Auth.js reads them from a `data` member the answer does not have;
///   see `auth_core::deviations`), or from `data` if present.
pub fn threads() -> OAuthProvider {
    oauth2(
        "threads",
        "Threads",
        "https://threads.net/oauth/authorize?scope=threads_basic",
        "https://graph.threads.net/oauth/access_token",
        "https://graph.threads.net/v1.0/me?fields=id,username,threads_profile_picture_url",
    )
    .checks(STATE)
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        let user = p.get("data").filter(|d| d.is_object()).unwrap_or(p);
        Ok(User {
            id: Some(account_id("threads", user, "/id")?),
            name: text(user, "/username"),
            email: None,
            image: text(user, "/threads_profile_picture_url"),
        })
    })
    .style(style("threads", Some("#000"), Some("#fff")))
}

/// TikTok ([Login Kit for web](https://developers.tiktok.com/doc/login-kit-web)).
///
/// * `https://www.tiktok.com/v2/auth/authorize` with `client_key` = the client id (filled in
///   whenever the client id is set, also from `AUTH_TIKTOK_ID`) and scope `user.info.basic`,
///   token `https://open.tiktokapis.com/v2/oauth/token/` (`client_secret_post`), userinfo
///   `https://open.tiktokapis.com/v2/user/info/?fields=open_id,avatar_url,display_name`.
///   Checks: PKCE.
/// * Profile (in `data.user`): `open_id`, `display_name`, no email, `avatar_url`.
///
/// TikTok's token endpoint wants the client id as `client_key`, which Auth.js adds to the token
/// request with a custom fetch; this crate's code exchange sends the standard `client_id`.
pub fn tiktok() -> OAuthProvider {
    oauth2(
        "tiktok",
        "TikTok",
        "https://www.tiktok.com/v2/auth/authorize",
        "https://open.tiktokapis.com/v2/oauth/token/",
        "https://open.tiktokapis.com/v2/user/info/?fields=open_id,avatar_url,display_name",
    )
    .authorization_param("scope", "user.info.basic")
    .client_auth(ClientAuth::SecretPost)
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("tiktok", p, "/data/user/open_id")?),
            name: text(p, "/data/user/display_name"),
            email: None,
            image: text(p, "/data/user/avatar_url"),
        })
    })
    .style(style("tiktok", Some("#000"), Some("#fff")))
    .derive(|p| {
        if let Some(id) = p.client_id.clone() {
            set_param(p, "client_key", id);
        }
    })
}

/// Trakt ([API](https://trakt.docs.apiary.io/#reference/authentication-oauth)).
///
/// * `https://trakt.tv/oauth/authorize?scope=`, token `https://api.trakt.tv/oauth/token`; the
///   profile is `GET https://api.trakt.tv/users/me?extended=full` with `trakt-api-version: 2`
///   and `trakt-api-key` = the client id. Checks: PKCE.
/// * Profile: `ids.slug`, `name`, no email (Trakt releases none), `images.avatar.full`.
pub fn trakt() -> OAuthProvider {
    oauth2(
        "trakt",
        "Trakt",
        "https://trakt.tv/oauth/authorize?scope=",
        "https://api.trakt.tv/oauth/token",
        "https://api.trakt.tv/users/me?extended=full",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("trakt", p, "/ids/slug")?),
            name: text(p, "/name"),
            email: None,
            image: text(p, "/images/avatar/full"),
        })
    })
    .style(style("trakt", Some("#ED2224"), Some("#fff")))
    .derive(|p| {
        let client_id = p.client_id.clone().unwrap_or_default();
        p.userinfo = Some(userinfo_fn(move |tokens, client| {
            let client_id = client_id.clone();
            Box::pin(async move {
                let token = access_token("trakt", tokens)?;
                let request = json_request(
                    http::Method::GET,
                    "https://api.trakt.tv/users/me?extended=full",
                )
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"))
                .header("trakt-api-version", "2")
                .header("trakt-api-key", client_id);
                send_json(client, request, Vec::new()).await
            })
        }));
    })
}

/// VK ([VK ID](https://id.vk.com/about/business/go/docs/en/vkid/latest/vk-id/intro/start-page)).
///
/// * `https://oauth.vk.com/authorize?scope=email&v=5.131`, token
///   `https://oauth.vk.com/access_token?v=5.131` (`client_secret_post`); the profile is the first
///   entry of `GET https://api.vk.com/method/users.get?fields=photo_100&v=5.131`, with the
///   `email` of the token response. Checks: PKCE.
/// * Profile: `id`, `first_name last_name`, `email`, `photo_100`.
pub fn vk() -> OAuthProvider {
    const USERINFO: &str = "https://api.vk.com/method/users.get?fields=photo_100&v=5.131";
    oauth2(
        "vk",
        "VK",
        "https://oauth.vk.com/authorize?scope=email&v=5.131",
        "https://oauth.vk.com/access_token?v=5.131",
        USERINFO,
    )
    .client_auth(ClientAuth::SecretPost)
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("vk", tokens)?;
            let request = json_request(http::Method::GET, USERINFO)
                .header(http::header::AUTHORIZATION, format!("Bearer {token}"));
            let answer = send_json(client, request, Vec::new()).await?;
            let mut profile = answer
                .pointer("/response/0")
                .cloned()
                .filter(Value::is_object)
                .ok_or_else(|| callback_error("the VK answer has no user"))?;
            if let (Some(email), Some(fields)) = (tokens.get("email"), profile.as_object_mut()) {
                fields.insert("email".into(), Value::String(email.to_owned()));
            }
            Ok(profile)
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("vk", p, "/id")?),
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/photo_100"),
        })
    })
    .style(style("vk", Some("#07F"), Some("#fff")))
}

/// WeChat ([Website App login](https://developers.weixin.qq.com/doc/oplatform/en/Website_App/WeChat_Login/Wechat_Login.html))
/// as an Official Account (Auth.js's default `platformType`).
///
/// * `https://open.weixin.qq.com/connect/oauth2/authorize` with `appid` = the client id (filled
///   in whenever the client id is set, also from `AUTH_WECHAT_ID`) and scope `snsapi_userinfo`,
///   token `https://api.weixin.qq.com/sns/oauth2/access_token`; the profile is
///   `GET https://api.weixin.qq.com/sns/userinfo?access_token=…&openid=…&lang=zh_CN`. Checks:
///   state.
/// * Profile: `unionid`, `nickname`, no email, `headimgurl`.
///
/// WeChat's token endpoint wants `appid` and `secret` parameters and answers without a
/// `token_type`, which Auth.js adds with its `token.params` and `conform`; this crate's code
/// exchange sends the standard parameters and requires a `token_type`.
pub fn wechat() -> OAuthProvider {
    oauth2(
        "wechat",
        "WeChat",
        "https://open.weixin.qq.com/connect/oauth2/authorize",
        "https://api.weixin.qq.com/sns/oauth2/access_token",
        "https://api.weixin.qq.com/sns/userinfo",
    )
    .authorization_param("scope", "snsapi_userinfo")
    .checks(STATE)
    .userinfo_request(userinfo_fn(|tokens, client| {
        Box::pin(async move {
            let token = access_token("wechat", tokens)?;
            let openid = tokens
                .fields
                .get("openid")
                .and_then(|v| text(v, ""))
                .unwrap_or_default();
            let mut url = url::Url::parse("https://api.weixin.qq.com/sns/userinfo")
                .map_err(|e| callback_error(format!("WeChat URL: {e}")))?;
            url.query_pairs_mut()
                .append_pair("access_token", token)
                .append_pair("openid", &openid)
                .append_pair("lang", "zh_CN");
            send_json(
                client,
                json_request(http::Method::GET, url.as_str()),
                Vec::new(),
            )
            .await
        })
    }))
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("wechat", p, "/unionid")?),
            name: text(p, "/nickname"),
            email: None,
            image: text(p, "/headimgurl"),
        })
    })
    .style(style("wechat", Some("#fff"), Some("#000")))
    .derive(|p| {
        if let Some(id) = p.client_id.clone() {
            set_param(p, "appid", id);
        }
    })
}

/// Wikimedia ([OAuth 2](https://api.wikimedia.org/wiki/Authentication)).
///
/// * `https://meta.wikimedia.org/w/rest.php/oauth2/authorize?scope=` (an empty scope), token
///   `https://meta.wikimedia.org/w/rest.php/oauth2/access_token`, userinfo
///   `https://meta.wikimedia.org/w/rest.php/oauth2/resource/profile`. Checks: PKCE.
/// * Profile: `sub`, `username`, `email`; no image.
pub fn wikimedia() -> OAuthProvider {
    oauth2(
        "wikimedia",
        "Wikimedia",
        "https://meta.wikimedia.org/w/rest.php/oauth2/authorize?scope=",
        "https://meta.wikimedia.org/w/rest.php/oauth2/access_token",
        "https://meta.wikimedia.org/w/rest.php/oauth2/resource/profile",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("wikimedia", p, "/sub")?),
            name: text(p, "/username"),
            email: text(p, "/email"),
            image: None,
        })
    })
    .style(style("wikimedia", Some("#000"), Some("#fff")))
}

/// WordPress.com ([OAuth2](https://developer.wordpress.com/docs/oauth2/)).
///
/// * `https://public-api.wordpress.com/oauth2/authorize?scope=auth`, token
///   `https://public-api.wordpress.com/oauth2/token`, userinfo
///   `https://public-api.wordpress.com/rest/v1/me`. Checks: PKCE.
/// * Profile: `ID`, `display_name`, `email`, `avatar_URL`.
pub fn wordpress() -> OAuthProvider {
    oauth2(
        "wordpress",
        "WordPress.com",
        "https://public-api.wordpress.com/oauth2/authorize?scope=auth",
        "https://public-api.wordpress.com/oauth2/token",
        "https://public-api.wordpress.com/rest/v1/me",
    )
    .profile(|p, _| {
        Ok(User {
            id: Some(account_id("wordpress", p, "/ID")?),
            name: text(p, "/display_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_URL"),
        })
    })
    .style(style("wordpress", None, None))
}

/// Yandex ([Yandex ID](https://yandex.com/dev/id/doc/en/)).
///
/// * `https://oauth.yandex.ru/authorize?scope=login:info+login:email+login:avatar`, token
///   `https://oauth.yandex.ru/token`, userinfo `https://login.yandex.ru/info?format=json`.
///   Checks: PKCE.
/// * Profile: `id`, `display_name` (or `real_name`, or `first_name`), `default_email` (or the
///   first of `emails`), and the 200 px avatar unless `is_avatar_empty`.
pub fn yandex() -> OAuthProvider {
    oauth2(
        "yandex",
        "Yandex",
        "https://oauth.yandex.ru/authorize?scope=login:info+login:email+login:avatar",
        "https://oauth.yandex.ru/token",
        "https://login.yandex.ru/info?format=json",
    )
    .profile(yandex_profile)
    .style(style("yandex", Some("#ffcc00"), Some("#000")))
}

fn yandex_profile(p: &Value, _tokens: &TokenSet) -> Result<User> {
    let empty = p.get("is_avatar_empty").and_then(Value::as_bool) == Some(true);
    Ok(User {
        id: Some(account_id("yandex", p, "/id")?),
        name: text(p, "/display_name")
            .or_else(|| text(p, "/real_name"))
            .or_else(|| text(p, "/first_name")),
        email: text(p, "/default_email").or_else(|| text(p, "/emails/0")),
        image: text(p, "/default_avatar_id")
            .filter(|_| !empty)
            .map(|id| format!("https://avatars.yandex.net/get-yapic/{id}/islands-200")),
    })
}
