//! Secret values: the auth secret and tokens that must never reach a log.
//!
//! Each type redacts itself in `Debug`, has no `Display`, and compares in constant time.
//!
//! The token types ([`AccessToken`], [`RefreshToken`], [`IdToken`], [`SessionToken`],
//! [`HashedToken`]) are distinct types with one API: build them with `From<String>` or
//! `From<&str>`, read them with `expose()`. They serialise as the plain string, so JSON and the
//! SQL stores see exactly what they saw before.
//!
//! ```
//! use auth_core::secret::AccessToken;
//!
//! let token = AccessToken::from("gho_16C7e42F292c6912E7710c838347Ae178B4a");
//! assert_eq!(format!("{token:?}"), "AccessToken([redacted])");
//! assert_eq!(token.expose(), "gho_16C7e42F292c6912E7710c838347Ae178B4a");
//! assert_eq!(serde_json::to_string(&token).unwrap(), r#""gho_16C7e42F292c6912E7710c838347Ae178B4a""#);
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

/// The secret used to encrypt session tokens and to hash CSRF tokens (`AUTH_SECRET`).
///
/// `Debug` prints `Secret([redacted])`; there is no `Display`.
#[derive(Clone)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().into_boxed_str())
    }

    /// The secret's text. Call sites that use it are the only places it leaves this type.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (an empty secret is rejected at build).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl Eq for Secret {}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

/// An ordered list of secrets for rotation: the first encrypts, all decrypt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecretList(Vec<Secret>);

impl SecretList {
    /// A list of one secret.
    pub fn single(secret: impl Into<Secret>) -> Self {
        Self(vec![secret.into()])
    }

    /// The secrets in order; the first one encrypts.
    pub fn iter(&self) -> impl Iterator<Item = &Secret> {
        self.0.iter()
    }

    /// Whether no (non-empty) secret is configured.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Secret::is_empty)
    }

    /// Auth.js's `String(secret)`: the secrets joined with commas. CSRF and email-token hashes
    /// use this form, so they stay compatible with Auth.js deployments sharing the secret.
    pub(crate) fn joined(&self) -> Secret {
        let parts: Vec<&str> = self.0.iter().map(Secret::expose).collect();
        Secret::new(parts.join(","))
    }
}

impl<S: Into<Secret>> FromIterator<S> for SecretList {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Self(iter.into_iter().map(Into::into).collect())
    }
}

/// Defines a token type: a string with a redacted `Debug`, no `Display`, constant-time
/// equality, `expose()`, and a plain-string serde form.
macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` prints the type name and `[redacted]`; there is no `Display`. Equality is
        /// constant-time. Serialises as the plain string.
        #[derive(Clone, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a token value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The token's text. Call sites that use it are the only places it leaves this
            /// type.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// The token's text, owned.
            pub fn into_exposed(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret_string! {
    /// An OAuth access token (`access_token` of a token response, `AdapterAccount`).
    AccessToken
}

secret_string! {
    /// An OAuth refresh token (`refresh_token` of a token response, `AdapterAccount`).
    RefreshToken
}

secret_string! {
    /// An OpenID Connect id_token, as the provider sent it (`AdapterAccount`).
    IdToken
}

secret_string! {
    /// The opaque token of a database session: the session cookie's value and the key of its
    /// row (`AdapterSession`, `SessionUpdate`).
    SessionToken
}

secret_string! {
    /// The stored form of a magic-link token, `sha256hex(token + secret)` (the `token` of a
    /// [`VerificationToken`](crate::adapter::VerificationToken) row). Whoever knows it cannot
    /// sign in, but it is kept out of logs all the same.
    HashedToken
}

/// Prints a JSON map with every value replaced by `[redacted]`, except for the keys in
/// `shown` (harmless fields such as `exp` or `token_type`), for the `Debug` of maps that may
/// hold tokens.
pub(crate) struct RedactedMap<'a> {
    map: &'a Map<String, Value>,
    shown: &'a [&'a str],
}

impl<'a> RedactedMap<'a> {
    /// `map`, printing the values of the keys in `shown` only.
    pub(crate) fn new(map: &'a Map<String, Value>, shown: &'a [&'a str]) -> Self {
        Self { map, shown }
    }
}

impl fmt::Debug for RedactedMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_map();
        for (key, value) in self.map {
            let value = if self.shown.contains(&key.as_str()) {
                Shown::Json(value)
            } else {
                Shown::Redacted
            };
            out.entry(key, &value);
        }
        out.finish()
    }
}

/// Prints a JSON value as its object's keys with every value `[redacted]`, or `[redacted]` when
/// it is not an object.
pub(crate) struct RedactedJson<'a>(pub(crate) &'a Value);

impl fmt::Debug for RedactedJson<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => RedactedMap::new(map, &[]).fmt(f),
            _ => Shown::Redacted.fmt(f),
        }
    }
}

/// A value of a [`RedactedMap`] as printed: its JSON, or `[redacted]`.
enum Shown<'a> {
    Json(&'a Value),
    Redacted,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json(value) => fmt::Display::fmt(value, f),
            Self::Redacted => f.write_str("[redacted]"),
        }
    }
}

/// Compares two byte strings in constant time (for equal lengths; the length itself is not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    // Eight bytes at a time, every byte looked at whatever the others hold: the differences are
    // OR-ed together and only the total is tested (`subtle`'s per-byte loop costs several
    // instructions a byte, and session tokens are compared on every request).
    let mut difference = 0u64;
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    for (x, y) in a_words.remainder().iter().zip(b_words.remainder()) {
        difference |= u64::from(x ^ y);
    }
    for (x, y) in a_words.zip(b_words) {
        let x = u64::from_ne_bytes(x.try_into().unwrap_or_default());
        let y = u64::from_ne_bytes(y.try_into().unwrap_or_default());
        difference |= x ^ y;
    }
    bool::from(difference.ct_eq(&0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let secret = Secret::new("hunter2-very-secret");
        let printed = format!("{secret:?} {:?}", SecretList::single(secret.clone()));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("redacted"));
    }

    #[test]
    fn joined_matches_javascript_string_of_an_array() {
        let list: SecretList = ["new", "old"].into_iter().collect();
        assert_eq!(list.joined().expose(), "new,old");
        assert_eq!(SecretList::single("a").joined().expose(), "a");
    }

    #[test]
    fn redacted_maps_show_only_the_chosen_values() {
        let mut map = Map::new();
        map.insert("access_token".into(), "at-secret".into());
        map.insert("expires_at".into(), 17.into());
        map.insert("token_type".into(), "bearer".into());
        let shown = format!(
            "{:?}",
            RedactedMap::new(&map, &["expires_at", "token_type"])
        );
        assert_eq!(
            shown,
            r#"{"access_token": [redacted], "expires_at": 17, "token_type": "bearer"}"#
        );
        let body = Value::from("at-secret");
        assert_eq!(format!("{:?}", RedactedJson(&body)), "[redacted]");
    }

    #[test]
    fn equality_is_by_value() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert!(!constant_time_eq(b"ab", b"abc"));
    }

    #[test]
    fn token_types_compare_by_value() {
        assert_eq!(SessionToken::from("a"), SessionToken::new("a".to_owned()));
        assert_ne!(SessionToken::from("a"), SessionToken::from("ab"));
        assert_eq!(
            format!("{:?}", HashedToken::from("h")),
            "HashedToken([redacted])"
        );
    }
}
