//! Twitch (OpenID Connect).

use super::{ClientAuth, OAuthProvider, oidc, style};

/// The claims Twitch only puts in the id_token when asked.
const CLAIMS: &str = r#"{"id_token":{"email":null,"picture":null,"preferred_username":null}}"#;

/// Twitch sign-in ([OIDC authorization code flow](https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/)).
///
/// * Callback URL to register ("OAuth Redirect URLs"): `<origin><base path>/callback/twitch`,
///   e.g. `https://app.example.com/auth/callback/twitch`.
/// * Environment: `AUTH_TWITCH_ID`, `AUTH_TWITCH_SECRET`.
/// * Issuer `https://id.twitch.tv/oauth2` (endpoints from discovery), scope
///   `openid user:read:email`, a `claims` parameter asking for `email`, `picture` and
///   `preferred_username` in the id_token, client authentication `client_secret_post`,
///   checks: PKCE.
/// * Profile: the verified id_token's `sub`, `preferred_username` as the name, `email`,
///   `picture`.
pub fn twitch() -> OAuthProvider {
    oidc("twitch", "Twitch")
        .issuer("https://id.twitch.tv/oauth2")
        .authorization_param("scope", "openid user:read:email")
        .authorization_param("claims", CLAIMS)
        .client_auth(ClientAuth::SecretPost)
        .style(style(Some("#65459B"), Some("#fff")))
}
