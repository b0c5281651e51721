//! What an OAuth sign-in gets from the provider, and how it becomes a [`User`]: the
//! [`TokenSet`], the profile mapping ([`ProfileFn`], [`default_profile`]) and custom userinfo
//! requests ([`UserinfoFn`]).

use std::{fmt, sync::Arc};

use serde_json::{Map, Value};

use crate::{
    Result,
    model::{TOKEN_SET_SHOWN, User},
    secret::RedactedMap,
};

/// The tokens of a sign-in, as the token endpoint returned them (plus `expires_at`).
///
/// `Debug` hides every value except `expires_at`, `expires_in`, `token_type` and `scope`.
#[derive(Clone, Default, PartialEq)]
pub struct TokenSet {
    /// Every field of the token response, with `expires_at` (epoch seconds) added when
    /// `expires_in` was given.
    pub fields: Map<String, Value>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("fields", &RedactedMap::new(&self.fields, TOKEN_SET_SHOWN))
            .finish()
    }
}

impl TokenSet {
    /// A field as text.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    /// The access token.
    pub fn access_token(&self) -> Option<&str> {
        self.get("access_token")
    }

    /// The id_token, if any.
    pub fn id_token(&self) -> Option<&str> {
        self.get("id_token")
    }
}

/// Maps a provider profile to a user whose `id` is the user's id **at the provider** (the
/// account id). `Err` is logged as `OAuthProfileParseError`.
pub type ProfileFn = Arc<dyn Fn(&Value, &TokenSet) -> Result<User> + Send + Sync>;

/// Fetches the profile itself, for providers whose userinfo needs more than one GET (e.g.
/// GitHub's private emails). Receives the token set and the HTTP client.
pub type UserinfoFn = Arc<
    dyn for<'a> Fn(
            &'a TokenSet,
            &'a dyn crate::oauth::HttpClient,
        ) -> std::pin::Pin<
            Box<dyn std::future::Future<Output = Result<Value>> + Send + 'a>,
        > + Send
        + Sync,
>;

/// Auth.js's default profile mapping: `id` from `sub` (or `id`), `name` from `name`,
/// `nickname` or `preferred_username`, `email`, `image` from `picture`.
pub fn default_profile(profile: &Value, _tokens: &TokenSet) -> Result<User> {
    let text = |key: &str| match profile.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok(User {
        id: text("sub").or_else(|| text("id")).unwrap_or_default(),
        name: text("name")
            .or_else(|| text("nickname"))
            .or_else(|| text("preferred_username")),
        email: text("email"),
        image: text("picture"),
    })
}
