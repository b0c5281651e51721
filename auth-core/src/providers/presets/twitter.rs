//! Twitter / X (OAuth 2.0).

use serde_json::Value;

use super::{Checks, OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "twitter";

/// Sign in with X (formerly Twitter) over [OAuth 2.0](https://docs.x.com/resources/fundamentals/authentication/oauth-2-0/authorization-code)
/// (Auth.js's `version: "2.0"`; OAuth 1.0a is not supported).
///
/// * Callback URL to register (the app's "Callback URI / Redirect URL"; the app type must be a
///   confidential "Web App"): `<origin><base path>/callback/twitter`, e.g.
///   `https://app.example.com/auth/callback/twitter`.
/// * Environment: `AUTH_TWITTER_ID`, `AUTH_TWITTER_SECRET` (the OAuth 2.0 client id and secret,
///   not the API key).
/// * Endpoints: `https://x.com/i/oauth2/authorize` (scope
///   `users.read tweet.read offline.access`), `https://api.x.com/2/oauth2/token`, userinfo
///   `https://api.x.com/2/users/me?user.fields=profile_image_url`. Checks: PKCE and state.
/// * Profile (X wraps it in `data`): `data.id`, `data.name`, `data.email` (absent: this scope
///   set releases no email), `data.profile_image_url`.
pub fn twitter() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Twitter")
        .authorization_url("https://x.com/i/oauth2/authorize")
        .authorization_param("scope", "users.read tweet.read offline.access")
        .token_url("https://api.x.com/2/oauth2/token")
        .userinfo_url("https://api.x.com/2/users/me?user.fields=profile_image_url")
        .checks(Checks {
            pkce: true,
            state: true,
            nonce: false,
        })
        .profile(profile)
        .style(style(Some("#1da1f2"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/data/id")?,
        name: text(profile, "/data/name"),
        email: text(profile, "/data/email"),
        image: text(profile, "/data/profile_image_url"),
    })
}
