//! Auth.js's JWT `encode`/`decode` claim rules on top of the JWE layer.
//!
//! * `encode` copies the token claims, then sets `iat` = now, `exp` = now + `maxAge` and
//!   `jti` = a fresh random UUID v4 (overwriting any existing values), serialises the object as
//!   JSON and encrypts it.
//! * `decode` decrypts, requires a top-level JSON object and applies jose's time checks with a
//!   15-second clock tolerance: `exp` (if present) must be a number `> now - 15`, `nbf` (if
//!   present) a number `<= now + 15`, and `iat` (if present) only has to be a number.
//!   There are no `iss`/`aud` checks.

use std::fmt;

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::Value;

use super::jwe::{self, DerivedKey, JweError};

/// A JWT claim set: a JSON object, the same type as a session's [`Token`](crate::Token) (its
/// `Debug` hides the claims' values).
pub type Claims = crate::model::Token;

/// Clock tolerance applied to `exp` and `nbf`, in seconds (Auth.js's `clockTolerance: 15`).
pub const CLOCK_TOLERANCE_SECS: i64 = 15;

/// Auth.js `encode`: copies `claims`, then sets iat = now, exp = now + max_age, jti = fresh
/// random UUID v4 (lowercase, hyphenated; built from 16 getrandom bytes with the version and
/// variant bits set), serialises (serde_json) and encrypts with `key`.
///
/// Existing `iat`/`exp`/`jti` members are overwritten. `exp` saturates instead of overflowing.
///
/// # Panics
///
/// Panics if the operating system's random number generator fails.
#[must_use]
pub(crate) fn encode(
    key: &DerivedKey,
    claims: &Claims,
    max_age_secs: i64,
    now_secs: i64,
) -> String {
    seal(key, claims, now_secs, now_secs.saturating_add(max_age_secs)).0
}

/// [`encode`], also returning what the encoding added to `claims` ([`Added`]): with it, the
/// caller can tell exactly what [`decode`] will give back for the token without decrypting it.
/// `None` instead when a claim holds a float, which serde_json's parser does not promise to read
/// back bit for bit.
pub(crate) fn encode_carrying(
    key: &DerivedKey,
    claims: &Claims,
    max_age_secs: i64,
    now_secs: i64,
) -> (String, Option<Added>) {
    let exp = now_secs.saturating_add(max_age_secs);
    let (token, jti) = seal(key, claims, now_secs, exp);
    let added = (!claims.values().any(holds_float)).then_some(Added {
        iat: now_secs,
        exp,
        jti,
    });
    (token, added)
}

/// The members [`encode_carrying`] set on the claims it encrypted.
#[derive(Debug)]
pub(crate) struct Added {
    iat: i64,
    exp: i64,
    jti: String,
}

impl Added {
    /// `claims` (the ones given to [`encode_carrying`]) as the token carries them: existing
    /// members keep their place, new ones follow, the order `Payload` writes.
    pub(crate) fn apply(self, mut claims: Claims) -> Claims {
        // A re-issued token already has the three: their values are replaced in place, so no
        // key is allocated again.
        set(&mut claims, "iat", self.iat.into());
        set(&mut claims, "exp", self.exp.into());
        set(&mut claims, "jti", Value::String(self.jti));
        claims
    }
}

/// `claims[key] = value`, as `insert` would leave it (an existing member keeps its place).
fn set(claims: &mut Claims, key: &str, value: Value) {
    match claims.get_mut(key) {
        Some(slot) => *slot = value,
        None => {
            claims.insert(key.to_owned(), value);
        }
    }
}

/// Encrypts `claims` with `iat`, `exp` and a fresh `jti`; returns the token and the `jti`. The
/// `jti` and the IV come from one request to the OS generator (a system call per session read).
fn seal(key: &DerivedKey, claims: &Claims, iat: i64, exp: i64) -> (String, String) {
    let random = crate::random::bytes::<32>();
    let (id, iv) = random.split_at(16);
    let jti = crate::random::uuid_v4_from(id.try_into().unwrap_or_default());
    let payload = payload(claims, iat, exp, &jti);
    let token = jwe::encrypt_with_iv(key, payload.as_bytes(), iv.try_into().unwrap_or_default());
    (token, jti)
}

/// Whether `value` is or contains a floating-point number.
fn holds_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(holds_float),
        Value::Object(members) => members.values().any(holds_float),
        _ => false,
    }
}

/// Builds the JSON payload `encode` encrypts: the claims with `iat`, `exp` and `jti` set, as
/// a copy of the claims with the three inserted would serialise (existing members keep their
/// place, new ones follow in that order), written straight from `claims` without copying them.
fn payload(claims: &Claims, iat: i64, exp: i64, jti: &str) -> String {
    serde_json::to_string(&Payload {
        claims,
        iat,
        exp,
        jti,
    })
    .unwrap_or_default()
}

/// The claims of [`payload`] with the times and id replaced.
struct Payload<'a> {
    claims: &'a Claims,
    iat: i64,
    exp: i64,
    jti: &'a str,
}

impl Serialize for Payload<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let (mut iat, mut exp, mut jti) = (false, false, false);
        for (key, value) in self.claims {
            match key.as_str() {
                "iat" => {
                    iat = true;
                    map.serialize_entry(key, &self.iat)?;
                }
                "exp" => {
                    exp = true;
                    map.serialize_entry(key, &self.exp)?;
                }
                "jti" => {
                    jti = true;
                    map.serialize_entry(key, self.jti)?;
                }
                _ => map.serialize_entry(key, value)?,
            }
        }
        if !iat {
            map.serialize_entry("iat", &self.iat)?;
        }
        if !exp {
            map.serialize_entry("exp", &self.exp)?;
        }
        if !jti {
            map.serialize_entry("jti", self.jti)?;
        }
        map.end()
    }
}

/// Auth.js `decode`: decrypts with `keys`, parses the payload as a JSON object, checks exp (if
/// present, must be > now - 15) and nbf (if present, <= now + 15); iat only type-checked (must
/// be a number if present).
///
/// # Errors
///
/// [`JwtError::Jwe`] when the token cannot be decrypted, [`JwtError::InvalidPayload`] when the
/// plaintext is not a JSON object or a time claim is not a number, [`JwtError::Expired`] and
/// [`JwtError::NotYetValid`] for the time checks.
pub(crate) fn decode(keys: &[DerivedKey], token: &str, now_secs: i64) -> Result<Claims, JwtError> {
    let plaintext = jwe::decrypt(keys, token)?;
    let claims: Claims =
        serde_json::from_slice(&plaintext).map_err(|_| JwtError::InvalidPayload)?;
    validate_times(&claims, now_secs)?;
    Ok(claims)
}

/// jose's `validateClaimsSet` time checks, in jose's order (iat, nbf, exp).
pub(crate) fn validate_times(claims: &Claims, now_secs: i64) -> Result<(), JwtError> {
    if let Some(iat) = claims.get("iat") {
        number(iat)?;
    }
    if let Some(nbf) = claims.get("nbf") {
        let nbf = number(nbf)?;
        if nbf > now_secs.saturating_add(CLOCK_TOLERANCE_SECS) as f64 {
            return Err(JwtError::NotYetValid);
        }
    }
    if let Some(exp) = claims.get("exp") {
        let exp = number(exp)?;
        if exp <= now_secs.saturating_sub(CLOCK_TOLERANCE_SECS) as f64 {
            return Err(JwtError::Expired);
        }
    }
    Ok(())
}

/// A JSON number as `f64` (JavaScript's view of numbers), anything else is invalid.
fn number(value: &Value) -> Result<f64, JwtError> {
    value.as_f64().ok_or(JwtError::InvalidPayload)
}

/// Why a session token was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtError {
    /// The JWE layer rejected the token.
    Jwe(JweError),
    /// The plaintext is not a JSON object, or `iat`/`nbf`/`exp` is present but not a number.
    InvalidPayload,
    /// `exp` is at or before `now - 15 s` (jose's `JWTExpired`).
    Expired,
    /// `nbf` is after `now + 15 s`.
    NotYetValid,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Jwe(e) => fmt::Display::fmt(e, f),
            JwtError::InvalidPayload => f.write_str("invalid JWT claims set"),
            JwtError::Expired => f.write_str("\"exp\" claim timestamp check failed"),
            JwtError::NotYetValid => f.write_str("\"nbf\" claim timestamp check failed"),
        }
    }
}

impl std::error::Error for JwtError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JwtError::Jwe(e) => Some(e),
            _ => None,
        }
    }
}

impl From<JweError> for JwtError {
    fn from(e: JweError) -> Self {
        JwtError::Jwe(e)
    }
}

#[cfg(test)]
mod tests;
