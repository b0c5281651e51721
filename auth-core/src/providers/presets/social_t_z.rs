//! Social networks, media, games, sport and regional portals at fixed URLs, T to Z: Threads,
//! TikTok, Trakt, VK, WeChat, Wikimedia, WordPress.com and Yandex.
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use serde_json::Value;

use super::{
    ClientAuth, OAuthProvider, STATE, TokenSet, User, access_token, account_id, callback_error,
    joined, json_request, oauth2, send_json, set_param, style, text, userinfo_fn,
};
use crate::Result;
use crate::oauth::{TokenParam, TokenRequest};

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
            id: account_id("threads", user, "/id")?,
            name: text(user, "/username"),
            email: None,
            image: text(user, "/threads_profile_picture_url"),
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
/// TikTok's token endpoint wants the client id as `client_key`: the token request carries it
/// besides the standard fields (Auth.js appends it with a custom fetch).
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
    .token_request(TokenRequest::new().body_param("client_key", TokenParam::ClientId))
    .profile(|p, _| {
        Ok(User {
            id: account_id("tiktok", p, "/data/user/open_id")?,
            name: text(p, "/data/user/display_name"),
            email: None,
            image: text(p, "/data/user/avatar_url"),
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
            id: account_id("trakt", p, "/ids/slug")?,
            name: text(p, "/name"),
            email: None,
            image: text(p, "/images/avatar/full"),
        })
    })
    .style(style(Some("#ED2224"), Some("#fff")))
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
            id: account_id("vk", p, "/id")?,
            name: joined(p, &["/first_name", "/last_name"]),
            email: text(p, "/email"),
            image: text(p, "/photo_100"),
        })
    })
    .style(style(Some("#07F"), Some("#fff")))
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
/// WeChat's token endpoint wants `appid` and `secret` (the client id and secret) as query
/// parameters of the token URL and answers without a `token_type`: as Auth.js's
/// `token.params` and `token.conform` do, the token request adds both parameters to the URL
/// and an answer without `token_type` counts as `bearer`.
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
    .token_request(
        TokenRequest::new()
            .query_param("appid", TokenParam::ClientId)
            .query_param("secret", TokenParam::ClientSecret)
            .default_token_type("bearer"),
    )
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
            id: account_id("wechat", p, "/unionid")?,
            name: text(p, "/nickname"),
            email: None,
            image: text(p, "/headimgurl"),
        })
    })
    .style(style(Some("#fff"), Some("#000")))
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
            id: account_id("wikimedia", p, "/sub")?,
            name: text(p, "/username"),
            email: text(p, "/email"),
            image: None,
        })
    })
    .style(style(Some("#000"), Some("#fff")))
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
            id: account_id("wordpress", p, "/ID")?,
            name: text(p, "/display_name"),
            email: text(p, "/email"),
            image: text(p, "/avatar_URL"),
        })
    })
    .style(style(None, None))
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
    .style(style(Some("#ffcc00"), Some("#000")))
}

fn yandex_profile(p: &Value, _tokens: &TokenSet) -> Result<User> {
    let empty = p.get("is_avatar_empty").and_then(Value::as_bool) == Some(true);
    Ok(User {
        id: account_id("yandex", p, "/id")?,
        name: text(p, "/display_name")
            .or_else(|| text(p, "/real_name"))
            .or_else(|| text(p, "/first_name")),
        email: text(p, "/default_email").or_else(|| text(p, "/emails/0")),
        image: text(p, "/default_avatar_id")
            .filter(|_| !empty)
            .map(|id| format!("https://avatars.yandex.net/get-yapic/{id}/islands-200")),
    })
}
