//! Secret values: the auth secret and tokens that must never reach a log.
//!
//! Each type redacts itself in `Debug`, has no `Display`, and compares in constant time.

use std::fmt;

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

/// Compares two byte strings in constant time (for equal lengths; the length itself is not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
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
    fn equality_is_by_value() {
        assert_eq!(Secret::new("a"), Secret::new("a"));
        assert_ne!(Secret::new("a"), Secret::new("b"));
        assert!(!constant_time_eq(b"ab", b"abc"));
    }
}
