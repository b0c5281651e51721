//! Sealed check cookies (spec §8.3): `state`, PKCE `code_verifier` and `nonce` values kept in
//! JWE cookies (salt = cookie name, 15 minutes, bound to the provider that made them).

use serde_json::Value;

use crate::{
    cookies::{CookieKind, CookieTable},
    error::{CheckFailure, Error},
    jwt::{Claims, JwtError, JwtKeys},
    secret::SecretList,
};

/// Check cookies live 15 minutes.
pub(crate) const CHECK_MAX_AGE: i64 = 900;

/// One check: its cookie and its name in Auth.js's messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    State,
    Pkce,
    Nonce,
    /// The WebAuthn ceremony state (`authjs.challenge`).
    Challenge,
}

impl Check {
    pub(crate) fn cookie(self) -> CookieKind {
        match self {
            Self::State => CookieKind::State,
            Self::Pkce => CookieKind::PkceCodeVerifier,
            Self::Nonce => CookieKind::Nonce,
            Self::Challenge => CookieKind::WebauthnChallenge,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::Pkce => "pkceCodeVerifier",
            Self::Nonce => "nonce",
            Self::Challenge => "challenge",
        }
    }
}

/// The keys of every check cookie for one cookie table, derived once at build.
#[derive(Debug)]
pub(crate) struct CheckKeys {
    state: JwtKeys,
    pkce: JwtKeys,
    nonce: JwtKeys,
    challenge: JwtKeys,
}

impl CheckKeys {
    pub(crate) fn new(secrets: &SecretList, table: &CookieTable) -> Self {
        let keys = |check: Check| JwtKeys::new(secrets, &table.get(check.cookie()).name);
        Self {
            state: keys(Check::State),
            pkce: keys(Check::Pkce),
            nonce: keys(Check::Nonce),
            challenge: keys(Check::Challenge),
        }
    }

    fn keys(&self, check: Check) -> &JwtKeys {
        match check {
            Check::State => &self.state,
            Check::Pkce => &self.pkce,
            Check::Nonce => &self.nonce,
            Check::Challenge => &self.challenge,
        }
    }

    /// The cookie value sealing `value` for `provider`.
    pub(crate) fn seal(
        &self,
        check: Check,
        value: &str,
        provider: &str,
        now_secs: i64,
    ) -> Result<String, Error> {
        let mut claims = Claims::new();
        claims.insert("value".into(), Value::String(value.to_owned()));
        claims.insert("provider".into(), Value::String(provider.to_owned()));
        self.keys(check).encode(&claims, CHECK_MAX_AGE, now_secs)
    }

    /// The value sealed in `cookie`, if it was made for `provider` and is still valid.
    pub(crate) fn unseal(
        &self,
        check: Check,
        cookie: Option<&str>,
        provider: &str,
        now_secs: i64,
    ) -> Result<String, Error> {
        let fail = |failure| Error::invalid_check(check.name(), failure);
        let cookie = cookie
            .filter(|c| !c.is_empty())
            .ok_or_else(|| fail(CheckFailure::Missing))?;
        let claims = self
            .keys(check)
            .decode(cookie, now_secs)
            .map_err(|e| match e {
                JwtError::Expired => fail(CheckFailure::Expired),
                _ => fail(CheckFailure::Undecryptable),
            })?;
        if claims.get("provider").and_then(Value::as_str) != Some(provider) {
            return Err(fail(CheckFailure::WrongProvider));
        }
        claims
            .get("value")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| fail(CheckFailure::Undecryptable))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn seals_are_bound_to_provider_and_time() {
        let secrets = SecretList::single("secret");
        let table = CookieTable::new(false, &HashMap::new());
        let keys = CheckKeys::new(&secrets, &table);
        let sealed = keys
            .seal(Check::State, "abc", "github", 1_000)
            .expect("seal");
        assert_eq!(
            keys.unseal(Check::State, Some(&sealed), "github", 1_000)
                .expect("ok"),
            "abc"
        );
        let failure = |r: Result<String, Error>| r.expect_err("fails").check_failure();
        assert_eq!(
            failure(keys.unseal(Check::State, Some(&sealed), "google", 1_000)),
            Some(CheckFailure::WrongProvider)
        );
        assert_eq!(
            failure(keys.unseal(Check::State, Some(&sealed), "github", 1_000 + 900 + 16)),
            Some(CheckFailure::Expired)
        );
        assert_eq!(
            failure(keys.unseal(Check::Pkce, Some(&sealed), "github", 1_000)),
            Some(CheckFailure::Undecryptable)
        );
        assert_eq!(
            failure(keys.unseal(Check::State, None, "github", 1_000)),
            Some(CheckFailure::Missing)
        );
    }
}
