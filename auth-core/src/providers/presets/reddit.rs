//! Reddit (OAuth 2).

use serde_json::Value;

use super::{Checks, OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "reddit";

/// Reddit sign-in ([Reddit OAuth2](https://github.com/reddit-archive/reddit/wiki/OAuth2)).
///
/// * Callback URL to register (a "web app"; Reddit allows exactly one redirect URI per app):
///   `<origin><base path>/callback/reddit`, e.g. `https://app.example.com/auth/callback/reddit`.
/// * Environment: `AUTH_REDDIT_ID`, `AUTH_REDDIT_SECRET`. The token endpoint requires HTTP
///   Basic client authentication (the default, `client_secret_basic`).
/// * Endpoints: `https://www.reddit.com/api/v1/authorize` (scope `identity`),
///   `https://www.reddit.com/api/v1/access_token`, userinfo
///   `https://oauth.reddit.com/api/v1/me`. Checks: state only (Reddit has no PKCE).
/// * Profile: `id`, `name` (the username), no email (Reddit releases none), `icon_img` (the
///   avatar, with the HTML escaping Reddit applies to its URLs undone).
///
/// The access token lasts one hour and comes without a refresh token; for one, ask for a
/// permanent grant: `.authorization_param("duration", "permanent")`.
pub fn reddit() -> OAuthProvider {
    OAuthProvider::oauth(ID, "Reddit")
        .authorization_url("https://www.reddit.com/api/v1/authorize")
        .authorization_param("scope", "identity")
        .token_url("https://www.reddit.com/api/v1/access_token")
        .userinfo_url("https://oauth.reddit.com/api/v1/me")
        .checks(Checks {
            pkce: false,
            state: true,
            nonce: false,
        })
        .profile(profile)
        .style(style(Some("#000"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/id")?,
        name: text(profile, "/name"),
        email: None,
        image: text(profile, "/icon_img").map(|url| url.replace("&amp;", "&")),
    })
}
