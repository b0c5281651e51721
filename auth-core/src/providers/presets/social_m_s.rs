//! Social networks, media, games, sport and regional portals at fixed URLs, M to S: Mail.ru,
//! Medium, Naver, osu!, Patreon, Pinterest, Roblox and Strava.
//!
//! Each reads `AUTH_<ID>_ID` and `AUTH_<ID>_SECRET` (see the [module](super) documentation)
//! and wants `<origin><base path>/callback/<id>` registered as its redirect URI.

use super::{
    ClientAuth, OAuthProvider, User, account_id, checks, joined, oauth2, standard_profile, style,
    text,
};

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
    .style(style(None, None))
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
            id: account_id("medium", p, "/data/id")?,
            name: text(p, "/data/name"),
            email: None,
            image: text(p, "/data/imageUrl"),
        })
    })
    .style(style(None, None))
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
            id: account_id("naver", p, "/response/id")?,
            name: text(p, "/response/nickname"),
            email: text(p, "/response/email"),
            image: text(p, "/response/profile_image"),
        })
    })
    .style(style(None, None))
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
            id: account_id("osu", p, "/id")?,
            name: text(p, "/username"),
            email: None,
            image: text(p, "/avatar_url"),
        })
    })
    .style(style(None, None))
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
            id: account_id("patreon", p, "/data/id")?,
            name: text(p, "/data/attributes/full_name"),
            email: text(p, "/data/attributes/email"),
            image: text(p, "/data/attributes/image_url"),
        })
    })
    .style(style(Some("#e85b46"), Some("#fff")))
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
            id: account_id("pinterest", p, "/username")?,
            name: text(p, "/username"),
            email: None,
            image: text(p, "/profile_image"),
        })
    })
    .style(style(Some("#bd081c"), None))
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
        .style(style(Some("#5865F2"), Some("#fff")))
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
            id: account_id("strava", p, "/id")?,
            name: joined(p, &["/firstname", "/lastname"]),
            email: None,
            image: text(p, "/profile"),
        })
    })
    .style(style(None, None))
}
