//! Spotify (OAuth 2).

use serde_json::Value;

use super::{OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "spotify";

/// Spotify sign-in ([authorization code flow](https://developer.spotify.com/documentation/web-api/tutorials/code-flow)).
///
/// * Callback URL to register ("Redirect URIs"; Spotify rejects `localhost`, use
///   `http://127.0.0.1:<port>` in development): `<origin><base path>/callback/spotify`, e.g.
///   `https://app.example.com/auth/callback/spotify`.
/// * Environment: `AUTH_SPOTIFY_ID`, `AUTH_SPOTIFY_SECRET`.
/// * Endpoints: `https://accounts.spotify.com/authorize` (scope `user-read-email`),
///   `https://accounts.spotify.com/api/token`, userinfo `https://api.spotify.com/v1/me`.
///   Checks: PKCE.
/// * Profile: `id`, `display_name`, `email`, the first of `images`.
pub fn spotify() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Spotify")
        .authorization_url("https://accounts.spotify.com/authorize")
        .authorization_param("scope", "user-read-email")
        .token_url("https://accounts.spotify.com/api/token")
        .userinfo_url("https://api.spotify.com/v1/me")
        .profile(profile)
        .style(style(Some("#2ebd59"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/id")?,
        name: text(profile, "/display_name"),
        email: text(profile, "/email"),
        image: text(profile, "/images/0/url"),
    })
}
