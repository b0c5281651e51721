//! GitHub (OAuth 2), including GitHub Enterprise Server.

use serde_json::Value;

use super::{
    HttpClient, OAuthProvider, TokenSet, User, access_token, account_id, bearer_get_json, style,
    text, userinfo_fn,
};
use crate::Result;

const ID: &str = "github";
const ACCEPT: &str = "application/vnd.github+json";

/// GitHub sign-in ([GitHub OAuth apps](https://docs.github.com/en/apps/oauth-apps)).
///
/// * Callback URL to register: `<origin><base path>/callback/github`, e.g.
///   `https://app.example.com/auth/callback/github`.
/// * Environment: `AUTH_GITHUB_ID`, `AUTH_GITHUB_SECRET`.
/// * Endpoints: `https://github.com/login/oauth/authorize` (scope `read:user user:email`),
///   `https://github.com/login/oauth/access_token`, userinfo `https://api.github.com/user`;
///   issuer `https://github.com/login/oauth` (only for checking an RFC 9207 `iss`; no
///   discovery). Checks: PKCE.
/// * Profile: `id` (the numeric user id, as text), `name` (or `login`), `email`, `avatar_url`.
///
/// A user without a public email gets one from `GET https://api.github.com/user/emails`
/// (which the `user:email` scope allows): the primary address if it is verified, otherwise the
/// first verified one, otherwise none. Unlike Auth.js, an unverified address is never used, so
/// it cannot link the sign-in to someone else's account. A failing emails request leaves the
/// email empty rather than failing the sign-in.
pub fn github() -> OAuthProvider {
    at("https://github.com", "https://api.github.com")
}

/// GitHub Enterprise Server at `base_url` (e.g. `https://github.example.com`): every URL of
/// [`github`] moves to `<base_url>/login/oauth/…`, the API to `<base_url>/api/v3`. Same id
/// (`github`) and environment variables; use [`with_id`](OAuthProvider::with_id) to offer both
/// github.com and an Enterprise server.
pub fn github_enterprise(base_url: impl AsRef<str>) -> OAuthProvider {
    let base = base_url.as_ref().trim_end_matches('/');
    at(base, &format!("{base}/api/v3"))
}

fn at(base: &str, api: &str) -> OAuthProvider {
    let api = api.to_owned();
    let emails = format!("{api}/user/emails");
    let user = format!("{api}/user");
    OAuthProvider::oauth(ID, "GitHub")
        .issuer(format!("{base}/login/oauth"))
        .authorization_url(format!("{base}/login/oauth/authorize"))
        .authorization_param("scope", "read:user user:email")
        .token_url(format!("{base}/login/oauth/access_token"))
        .userinfo_url(user.clone())
        .userinfo_request(userinfo_fn(move |tokens, client| {
            Box::pin(fetch_profile(user.clone(), emails.clone(), tokens, client))
        }))
        .profile(profile)
        .style(style(Some("#24292f"), Some("#fff")))
}

/// `GET /user`, plus `GET /user/emails` when the profile has no email.
async fn fetch_profile(
    user_url: String,
    emails_url: String,
    tokens: &TokenSet,
    client: &dyn HttpClient,
) -> Result<Value> {
    let token = access_token(ID, tokens)?;
    let mut profile = bearer_get_json(client, &user_url, token, ACCEPT).await?;
    if text(&profile, "/email").is_none() {
        match bearer_get_json(client, &emails_url, token, ACCEPT).await {
            Ok(emails) => {
                if let (Some(email), Some(fields)) =
                    (verified_email(&emails), profile.as_object_mut())
                {
                    fields.insert("email".into(), Value::String(email));
                }
            }
            Err(error) => {
                tracing::warn!(target: "auth_core::oauth", provider = ID, %error, "could not read the GitHub user's emails");
            }
        }
    }
    Ok(profile)
}

/// The primary address if verified, else the first verified one.
fn verified_email(emails: &Value) -> Option<String> {
    let verified: Vec<&Value> = emails
        .as_array()?
        .iter()
        .filter(|e| e.get("verified").and_then(Value::as_bool) == Some(true))
        .collect();
    verified
        .iter()
        .find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
        .or_else(|| verified.first())
        .and_then(|e| text(e, "/email"))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    Ok(User {
        id: account_id(ID, profile, "/id")?,
        name: text(profile, "/name").or_else(|| text(profile, "/login")),
        email: text(profile, "/email"),
        image: text(profile, "/avatar_url"),
    })
}
