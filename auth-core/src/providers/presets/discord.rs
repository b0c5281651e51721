//! Discord (OAuth 2).

use serde_json::Value;

use super::{OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "discord";

/// Discord sign-in ([Discord OAuth2](https://discord.com/developers/docs/topics/oauth2)).
///
/// * Callback URL to register: `<origin><base path>/callback/discord`, e.g.
///   `https://app.example.com/auth/callback/discord`.
/// * Environment: `AUTH_DISCORD_ID`, `AUTH_DISCORD_SECRET`.
/// * Endpoints: `https://discord.com/api/oauth2/authorize` (scope `identify email`),
///   `https://discord.com/api/oauth2/token`, userinfo `https://discord.com/api/users/@me`.
///   Checks: PKCE.
/// * Profile: `id` (the snowflake), `name` (`global_name`, or `username`), `email`, and the
///   avatar URL: `https://cdn.discordapp.com/avatars/<id>/<avatar>.<png|gif>` (animated avatars,
///   whose hash starts with `a_`, as GIF), or Discord's default avatar
///   `https://cdn.discordapp.com/embed/avatars/<n>.png` for users without one (`n` =
///   `(id >> 22) % 6` for migrated usernames with discriminator `0`, else `discriminator % 5`).
pub fn discord() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Discord")
        .authorization_url("https://discord.com/api/oauth2/authorize")
        .authorization_param("scope", "identify email")
        .token_url("https://discord.com/api/oauth2/token")
        .userinfo_url("https://discord.com/api/users/@me")
        .profile(profile)
        .style(style(Some("#5865F2"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    let id = account_id(ID, profile, "/id")?;
    let image = match text(profile, "/avatar") {
        Some(avatar) => {
            let format = if avatar.starts_with("a_") {
                "gif"
            } else {
                "png"
            };
            format!("https://cdn.discordapp.com/avatars/{id}/{avatar}.{format}")
        }
        None => {
            let discriminator = text(profile, "/discriminator").unwrap_or_default();
            let number = if discriminator == "0" || discriminator.is_empty() {
                id.parse::<u64>()
                    .map_or(0, |snowflake| (snowflake >> 22) % 6)
            } else {
                discriminator.parse::<u64>().map_or(0, |d| d % 5)
            };
            format!("https://cdn.discordapp.com/embed/avatars/{number}.png")
        }
    };
    Ok(User {
        name: text(profile, "/global_name").or_else(|| text(profile, "/username")),
        email: text(profile, "/email"),
        image: Some(image),
        id,
    })
}
