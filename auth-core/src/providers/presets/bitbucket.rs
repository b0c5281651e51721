//! Bitbucket Cloud (OAuth 2).

use serde_json::Value;

use super::{OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "bitbucket";

/// Bitbucket Cloud sign-in ([OAuth on Bitbucket Cloud](https://support.atlassian.com/bitbucket-cloud/docs/use-oauth-on-bitbucket-cloud/)).
///
/// * Callback URL to register (the OAuth consumer's "Callback URL"):
///   `<origin><base path>/callback/bitbucket`, e.g. `https://app.example.com/auth/callback/bitbucket`.
/// * Environment: `AUTH_BITBUCKET_ID` (the consumer's key), `AUTH_BITBUCKET_SECRET`.
/// * Endpoints: `https://bitbucket.org/site/oauth2/authorize` (scope `account`),
///   `https://bitbucket.org/site/oauth2/access_token`, userinfo
///   `https://api.bitbucket.org/2.0/user`. Checks: PKCE.
/// * Profile: `account_id` (the Atlassian account id), `display_name` (or `username`),
///   `links.avatar.href`; no email, as in Auth.js (`/2.0/user` has none; it would take the
///   `email` scope and a request to `/2.0/user/emails`).
pub fn bitbucket() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Bitbucket")
        .authorization_url("https://bitbucket.org/site/oauth2/authorize")
        .authorization_param("scope", "account")
        .token_url("https://bitbucket.org/site/oauth2/access_token")
        .userinfo_url("https://api.bitbucket.org/2.0/user")
        .profile(profile)
        .style(style(Some("#205081"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/account_id")?,
        name: text(profile, "/display_name").or_else(|| text(profile, "/username")),
        email: None,
        image: text(profile, "/links/avatar/href"),
    })
}
