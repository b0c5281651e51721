//! Google (OpenID Connect).

use super::{OAuthProvider, oidc, style};

/// Google sign-in ([Google identity](https://developers.google.com/identity/openid-connect/openid-connect)).
///
/// * Callback URL to register ("Authorized redirect URIs"): `<origin><base path>/callback/google`,
///   e.g. `https://app.example.com/auth/callback/google`.
/// * Environment: `AUTH_GOOGLE_ID`, `AUTH_GOOGLE_SECRET`.
/// * Issuer `https://accounts.google.com` (endpoints from discovery), scope
///   `openid profile email`, checks: PKCE. The profile comes from the verified id_token: `sub`,
///   `name`, `email`, `picture`.
///
/// Google returns a refresh token only on the first consent; ask for one every time with
/// `.authorization_param("access_type", "offline").authorization_param("prompt", "consent")`.
/// The id_token's `email_verified` and `hd` (hosted domain) claims reach the `sign_in` callback
/// in the profile, to restrict sign-ins to a domain.
pub fn google() -> OAuthProvider {
    oidc("google", "Google")
        .issuer("https://accounts.google.com")
        .style(style(Some("#1a73e8"), Some("#fff")))
}
