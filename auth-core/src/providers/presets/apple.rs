//! Sign in with Apple (OpenID Connect, `form_post` callback).

use serde_json::Value;

use super::{Checks, ClientAuth, OAuthProvider, TokenSet, User, account_id, style, text};
use crate::Result;

const ID: &str = "apple";

/// Sign in with Apple ([Apple's REST API](https://developer.apple.com/documentation/sign_in_with_apple/sign_in_with_apple_rest_api)).
///
/// * Callback URL to register (the Services ID's "Return URLs", HTTPS only):
///   `<origin><base path>/callback/apple`, e.g. `https://app.example.com/auth/callback/apple`.
/// * Environment: `AUTH_APPLE_ID` (the Services ID, e.g. `com.example.web`) and
///   `AUTH_APPLE_SECRET`: not a fixed secret but an ES256 JWT signed with your Sign in with
///   Apple key (`iss` = team id, `sub` = Services ID, `aud` = `https://appleid.apple.com`, at
///   most six months valid), so it must be regenerated before it expires.
/// * Issuer `https://appleid.apple.com` (endpoints from discovery), scope `name email`,
///   `response_mode=form_post` (Apple POSTs the callback, so the check cookies are
///   `SameSite=None; Secure` and the site must use HTTPS), client authentication
///   `client_secret_post`, checks: nonce and state (no PKCE, as in Auth.js).
/// * Profile: the verified id_token's `sub` and `email` (possibly a private relay address);
///   `name` is the `user.name.firstName` and `lastName` Apple sends (as the `user` form field)
///   only on the first consent, else the email; no image.
pub fn apple() -> OAuthProvider {
    OAuthProvider::oidc(ID, "Apple")
        .issuer("https://appleid.apple.com")
        .authorization_param("scope", "name email")
        .authorization_param("response_mode", "form_post")
        .client_auth(ClientAuth::SecretPost)
        .checks(Checks {
            pkce: false,
            state: true,
            nonce: true,
        })
        .profile(profile)
        .style(style(Some("#000"), Some("#fff")))
}

/// The first-consent `user` object, whether it arrives parsed or as the JSON text of the form
/// field.
fn user_name(profile: &Value) -> Option<String> {
    let user = match profile.get("user")? {
        Value::String(json) => serde_json::from_str(json).ok()?,
        other => other.clone(),
    };
    let parts: Vec<String> = ["/name/firstName", "/name/lastName"]
        .iter()
        .filter_map(|pointer| text(&user, pointer))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

fn profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    let email = text(profile, "/email");
    Ok(User {
        id: account_id(ID, profile, "/sub")?,
        name: user_name(profile).or_else(|| email.clone()),
        email,
        image: None,
    })
}
