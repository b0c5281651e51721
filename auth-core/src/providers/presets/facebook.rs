//! Facebook (OAuth 2).

use serde_json::Value;

use super::{OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "facebook";

/// Facebook Login ([manual login flow](https://developers.facebook.com/docs/facebook-login/guides/advanced/manual-flow)).
///
/// * Callback URL to register ("Valid OAuth Redirect URIs"): `<origin><base path>/callback/facebook`,
///   e.g. `https://app.example.com/auth/callback/facebook`. Live apps cannot use `localhost`.
/// * Environment: `AUTH_FACEBOOK_ID` (the app id), `AUTH_FACEBOOK_SECRET` (the app secret).
/// * Endpoints: `https://www.facebook.com/v19.0/dialog/oauth` (scope `email`),
///   `https://graph.facebook.com/oauth/access_token`, userinfo
///   `https://graph.facebook.com/me?fields=id,name,email,picture` (bearer token). Checks: PKCE.
/// * Profile: `id` (app-scoped user id), `name`, `email` (absent for accounts without a
///   confirmed address, e.g. some phone sign-ups), `picture.data.url`.
pub fn facebook() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Facebook")
        .authorization_url("https://www.facebook.com/v19.0/dialog/oauth")
        .authorization_param("scope", "email")
        .token_url("https://graph.facebook.com/oauth/access_token")
        .userinfo_url("https://graph.facebook.com/me?fields=id,name,email,picture")
        .profile(profile)
        .style(style(Some("#006aff"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/id")?,
        name: text(profile, "/name"),
        email: text(profile, "/email"),
        image: text(profile, "/picture/data/url"),
    })
}
