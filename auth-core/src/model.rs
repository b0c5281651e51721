//! The data that flows through sign-in and sessions: users, accounts, sessions and JWT claims.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The claims of a JWT session (Auth.js's `JWT`): `name`, `email`, `picture`, `sub` by default,
/// plus whatever the `jwt` callback adds, plus `iat`, `exp`, `jti` once encoded.
///
/// A JSON object: it derefs to the [`Map`] of its claims and converts to and from one, and it
/// serialises as that object. A `jwt` callback may copy an access token into it, so `Debug`
/// prints the claim names with every value hidden except the times `iat`, `nbf` and `exp`.
///
/// Cloning is cheap: clones share one map until one of them is changed (through `DerefMut`),
/// which then copies it. Each session read hands the remembered claims of its token to the
/// callbacks this way, without copying them.
#[derive(Clone, Default, PartialEq)]
pub struct Token(Arc<Map<String, Value>>);

impl Token {
    /// No claims.
    pub fn new() -> Self {
        Self::default()
    }

    /// The claims as a map (copied only when another clone still shares them).
    pub fn into_map(self) -> Map<String, Value> {
        Arc::unwrap_or_clone(self.0)
    }

    /// The claim `key` as a `T` (`token.get_as::<String>("role")`), or `None` when it is
    /// absent or of another shape.
    pub fn get_as<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        get_as(&self.0, key)
    }

    /// Whether `self` and `other` are clones that no change has separated: then their claims
    /// are equal without comparing them.
    pub(crate) fn is_shared_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Token {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Token {
    fn deref_mut(&mut self) -> &mut Self::Target {
        Arc::make_mut(&mut self.0)
    }
}

impl Serialize for Token {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Token {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self::from)
    }
}

impl From<Map<String, Value>> for Token {
    fn from(claims: Map<String, Value>) -> Self {
        Self(Arc::new(claims))
    }
}

impl From<Token> for Map<String, Value> {
    fn from(token: Token) -> Self {
        token.into_map()
    }
}

impl From<Token> for Value {
    fn from(token: Token) -> Self {
        Value::Object(token.into_map())
    }
}

impl IntoIterator for Token {
    type Item = (String, Value);
    type IntoIter = serde_json::map::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.into_map().into_iter()
    }
}

impl<'a> IntoIterator for &'a Token {
    type Item = (&'a String, &'a Value);
    type IntoIter = serde_json::map::Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<(String, Value)> for Token {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        Self::from(Map::from_iter(iter))
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Token")
            .field(&crate::secret::RedactedMap::new(
                &self.0,
                &["iat", "nbf", "exp"],
            ))
            .finish()
    }
}

/// The kind of a provider (Auth.js's provider `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OAuth 2.
    OAuth,
    /// OpenID Connect.
    Oidc,
    /// Email magic links.
    Email,
    /// Username and password (or anything `authorize` checks).
    Credentials,
    /// WebAuthn passkeys.
    WebAuthn,
}

impl ProviderKind {
    /// The `type` string Auth.js uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OAuth => "oauth",
            Self::Oidc => "oidc",
            Self::Email => "email",
            Self::Credentials => "credentials",
            Self::WebAuthn => "webauthn",
        }
    }
}

/// A signed-in user, as a provider or `authorize` returns it and as every callback and event
/// sees it.
///
/// The id is a plain `String`: every user the core hands to a callback or event has one. Only
/// what `authorize` or a provider's profile mapping returns may leave it empty (Auth.js's
/// optional `id`): the core then gives the user a random UUID before any callback runs. An
/// empty id is left out of the JSON form, as Auth.js leaves out an absent one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id (empty only before the core assigned one).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl User {
    /// A user with an id and nothing else.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }

    /// Sets the display name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the email address.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the avatar URL.
    #[must_use]
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }

    /// Auth.js's default JWT at sign-in: `{name, email, picture, sub}`; absent values are left
    /// out, as JavaScript drops `undefined`.
    pub(crate) fn default_token(&self) -> Token {
        let mut token = Token::new();
        let fields = [
            ("name", self.name.as_deref()),
            ("email", self.email.as_deref()),
            ("picture", self.image.as_deref()),
            ("sub", Some(self.id.as_str()).filter(|id| !id.is_empty())),
        ];
        for (key, value) in fields {
            if let Some(v) = value {
                token.insert(key.to_owned(), Value::String(v.to_owned()));
            }
        }
        token
    }
}

/// The account a user signed in with (Auth.js's `Account`).
///
/// `Debug` hides the values of `extra` (the OAuth tokens) except `expires_at`, `token_type` and
/// `scope`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// The provider id, e.g. `credentials` or `github`.
    pub provider: String,
    /// The provider kind.
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    /// The user's id at the provider.
    #[serde(rename = "providerAccountId")]
    pub provider_account_id: String,
    /// Token fields (`access_token`, `refresh_token`, `expires_at`, …) for OAuth accounts.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("provider_account_id", &self.provider_account_id)
            .field(
                "extra",
                &crate::secret::RedactedMap::new(&self.extra, TOKEN_SET_SHOWN),
            )
            .finish()
    }
}

/// The fields of a token response whose values `Debug` may show: none of them is a credential.
pub(crate) const TOKEN_SET_SHOWN: &[&str] = &["expires_at", "expires_in", "token_type", "scope"];

/// The user part of a [`Session`].
///
/// `Debug` hides the values of `extra`, where a `session` callback may put a token.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionUser {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Fields a `session` callback added to the user.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("name", &self.name)
            .field("email", &self.email)
            .field("image", &self.image)
            .field("extra", &crate::secret::RedactedMap::new(&self.extra, &[]))
            .finish()
    }
}

/// The session exposed to the browser by `GET /auth/session` and to the application.
///
/// `Debug` hides the values of `extra`, where a `session` callback may put a token (Auth.js's
/// `session.accessToken = token.accessToken`).
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The signed-in user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SessionUser>,
    /// When the session expires, as an ISO 8601 string (`2025-01-31T12:00:00.000Z`).
    pub expires: String,
    /// Fields a `session` callback added.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("expires", &self.expires)
            .field("extra", &crate::secret::RedactedMap::new(&self.extra, &[]))
            .finish()
    }
}

impl Session {
    /// The field `key` a `session` callback added, as a `T`, or `None` when it is absent or of
    /// another shape.
    pub fn get_as<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        get_as(&self.extra, key)
    }

    /// Auth.js's default session for a JWT: the user from `name`, `email` and `picture`.
    pub(crate) fn from_token(token: &Token, expires: String) -> Self {
        let text = |key: &str| token.get(key).and_then(Value::as_str).map(str::to_owned);
        Self {
            user: Some(SessionUser {
                name: text("name"),
                email: text("email"),
                image: text("picture"),
                extra: Map::new(),
            }),
            expires,
            extra: Map::new(),
        }
    }
}

/// `map[key]` deserialised as a `T`.
fn get_as<T: serde::de::DeserializeOwned>(map: &Map<String, Value>, key: &str) -> Option<T> {
    T::deserialize(map.get(key)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_clones_share_claims_until_one_changes() {
        let mut first = Token::new();
        first.insert("sub".into(), "1".into());
        let mut second = first.clone();
        assert!(second.is_shared_with(&first));
        second.insert("role".into(), "admin".into());
        assert!(
            !second.is_shared_with(&first),
            "a change separates the clones"
        );
        assert_eq!(first.len(), 1, "the other clone keeps its claims");
        assert_eq!(second.len(), 2);
        let equal: Token = first.clone().into_iter().collect();
        assert!(equal == first && !equal.is_shared_with(&first));
        assert_eq!(
            serde_json::to_string(&second).expect("json"),
            r#"{"sub":"1","role":"admin"}"#
        );
        let back: Token = serde_json::from_str(r#"{"sub":"1"}"#).expect("token");
        assert_eq!(back, first);
    }

    #[test]
    fn default_token_drops_absent_fields() {
        let user = User::new("1").name("Alice");
        let token = user.default_token();
        assert_eq!(
            Value::Object(token.into()),
            serde_json::json!({"name": "Alice", "sub": "1"})
        );
    }

    #[test]
    fn session_serialises_like_auth_js() {
        let token = User::new("1")
            .name("Alice")
            .email("alice@example.com")
            .default_token();
        let session = Session::from_token(&token, "2026-12-27T05:08:15.666Z".into());
        assert_eq!(
            serde_json::to_value(&session).expect("json"),
            serde_json::json!({"user": {"name": "Alice", "email": "alice@example.com"}, "expires": "2026-12-27T05:08:15.666Z"})
        );
    }
}
