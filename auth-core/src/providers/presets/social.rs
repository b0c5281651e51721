//! Social networks, media, games, sport and regional portals at fixed URLs, 0 to L: 42 School,
//! Bungie, Concept2, Dribbble, EVE Online, FACEIT, Foursquare, Instagram, Kakao and LINE (M to
//! Z in `social_m_s.rs` and `social_t_z.rs`).
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use serde_json::Value;

use super::{
    ClientAuth, OAuthProvider, STATE, User, access_token, account_id, callback_error, joined,
    json_request, oauth2, send_json, standard_profile, style, text, userinfo_fn,
};

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
            id: account_id("42-school", p, "/id")?,
            name: text(p, "/usual_full_name"),
            email: text(p, "/email"),
            image: text(p, "/image/link"),
        })
    })
    .style(style(None, None))
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
                crate::encoding::encode_component(&member)
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
            id: account_id("bungie", p, "/Response/bungieNetUser/membershipId")?,
            name: text(p, "/Response/bungieNetUser/displayName"),
            email: None,
            image: picture,
        })
    })
    .style(style(None, None))
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
            id: account_id("concept2", p, "/data/id")?,
            name: text(p, "/data/username"),
            email: text(p, "/data/email"),
            image: text(p, "/data/profile_image"),
        })
    })
    .style(style(None, None))
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
            id: account_id("dribbble", p, "/id")?,
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_url"),
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
            id,
        })
    })
    .style(style(None, None))
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
            id: account_id("faceit", p, "/guid")?,
            name: text(p, "/name"),
            email: text(p, "/email"),
            image: text(p, "/picture"),
        })
    })
    .style(style(None, None))
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
            id: account_id("foursquare", p, "/response/user/id")?,
            name: joined(user, &["/firstName", "/lastName"]),
            email: text(user, "/contact/email"),
            image,
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
            id: account_id("instagram", p, "/id")?,
            name: text(p, "/username"),
            email: None,
            image: None,
        })
    })
    .style(style(Some("#fff"), Some("#000")))
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
            id: account_id("kakao", p, "/id")?,
            name: text(p, "/kakao_account/profile/nickname"),
            email: text(p, "/kakao_account/email"),
            image: text(p, "/kakao_account/profile/profile_image_url"),
        })
    })
    .style(style(None, None))
}

/// LINE ([LINE Login](https://developers.line.biz/en/docs/line-login/integrate-line-login/)).
///
/// * Issuer `https://access.line.me` (discovery); checks: state.
/// * Profile: the standard claims (`sub`, `name`, `email`, `picture`).
///
/// LINE signs the id_tokens of web logins with HS256 and the channel secret (Auth.js's
/// `client.id_token_signed_response_alg: "HS256"`): this crate verifies that MAC with the client
/// secret, where Auth.js does not verify id_token signatures at all (see
/// `auth_core::deviations`). `build()` wants the secret (`AUTH_LINE_SECRET`).
pub fn line() -> OAuthProvider {
    OAuthProvider::oidc("line", "LINE")
        .issuer("https://access.line.me")
        .checks(STATE)
        .id_token_signed_response_alg("HS256")
        .profile(standard_profile("line"))
        .style(style(Some("#00C300"), Some("#fff")))
}
