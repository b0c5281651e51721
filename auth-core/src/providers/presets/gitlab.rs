//! GitLab (OAuth 2), gitlab.com or self-managed.

use serde_json::Value;

use super::{OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "gitlab";

/// GitLab.com sign-in ([GitLab as an OAuth 2 provider](https://docs.gitlab.com/ee/api/oauth2.html)).
///
/// * Callback URL to register: `<origin><base path>/callback/gitlab`, e.g.
///   `https://app.example.com/auth/callback/gitlab`.
/// * Environment: `AUTH_GITLAB_ID`, `AUTH_GITLAB_SECRET`.
/// * Endpoints: `https://gitlab.com/oauth/authorize` (scope `read_user`, which also grants the
///   email), `https://gitlab.com/oauth/token`, userinfo `https://gitlab.com/api/v4/user`.
///   Checks: PKCE.
/// * Profile: `id` (numeric, as text), `name` (or `username`), `email`, `avatar_url`.
pub fn gitlab() -> OAuthProvider {
    gitlab_self_managed("https://gitlab.com")
}

/// A self-managed GitLab at `base_url` (e.g. `https://gitlab.example.com`): the endpoints of
/// [`gitlab`] under that URL. Same id (`gitlab`) and environment variables.
pub fn gitlab_self_managed(base_url: impl AsRef<str>) -> OAuthProvider {
    let base = base_url.as_ref().trim_end_matches('/');
    OAuthProvider::oauth(ID, "GitLab")
        .authorization_url(format!("{base}/oauth/authorize"))
        .authorization_param("scope", "read_user")
        .token_url(format!("{base}/oauth/token"))
        .userinfo_url(format!("{base}/api/v4/user"))
        .profile(profile)
        .style(style(Some("#FC6D26"), Some("#fff")))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    let id = text(profile, "/sub").map_or_else(|| account_id(ID, profile, "/id"), Ok)?;
    Ok(User {
        id,
        name: text(profile, "/name").or_else(|| text(profile, "/username")),
        email: text(profile, "/email"),
        image: text(profile, "/avatar_url"),
    })
}
