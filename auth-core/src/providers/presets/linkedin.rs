//! LinkedIn (Sign In with LinkedIn using OpenID Connect).

use super::{Checks, ClientAuth, OAuthProvider, oidc, style};

/// Sign In with LinkedIn using OpenID Connect ([LinkedIn docs](https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2)).
///
/// * Callback URL to register ("Authorized redirect URLs for your app"):
///   `<origin><base path>/callback/linkedin`, e.g. `https://app.example.com/auth/callback/linkedin`.
///   The app needs the "Sign In with LinkedIn using OpenID Connect" product.
/// * Environment: `AUTH_LINKEDIN_ID`, `AUTH_LINKEDIN_SECRET`.
/// * Issuer `https://www.linkedin.com/oauth` (endpoints from discovery), scope
///   `openid profile email`, client authentication `client_secret_post`, checks: state only
///   (as in Auth.js).
/// * Profile: the verified id_token's `sub`, `name`, `email`, `picture`.
pub fn linkedin() -> OAuthProvider {
    oidc("linkedin", "LinkedIn")
        .issuer("https://www.linkedin.com/oauth")
        .client_auth(ClientAuth::SecretPost)
        .checks(Checks {
            pkce: false,
            state: true,
            nonce: false,
        })
        .style(style(Some("#069"), Some("#fff")))
}
