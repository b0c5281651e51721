//! JWT sessions wire-compatible with Auth.js (`@auth/core/jwt`): JWE `dir` + `A256CBC-HS512`
//! (and `A256GCM` on decode), keys from HKDF-SHA256 with the cookie name as salt, `kid`
//! thumbprints, secret rotation and 15 s of clock tolerance.
//!
//! Read a session cookie made by an Auth.js app (or by this crate) from another Rust service:
//!
//! ```
//! use auth_core::{jwt::{self, GetTokenParams}, SecretList};
//! use http::HeaderMap;
//!
//! let secrets = SecretList::single("the-same-AUTH_SECRET-as-the-auth-js-app");
//! let headers = HeaderMap::new(); // the incoming request's headers
//! let token = jwt::get_token(&headers, &GetTokenParams::new(&secrets)).expect("a secret is set");
//! assert!(token.is_none()); // no session cookie in these headers
//! ```

mod claims;
mod jwe;

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use http::{HeaderMap, header::AUTHORIZATION};
use percent_encoding::percent_decode_str;

pub(crate) use claims::Added;
pub use claims::{CLOCK_TOLERANCE_SECS, Claims, JwtError};
pub use jwe::{DerivedKey, JweError};

use std::time::Duration;

use crate::{
    clock::whole_secs,
    cookies::{RequestCookies, SessionCookies},
    error::{Error, ErrorKind},
    model::Token,
    secret::SecretList,
};

/// Thirty days, Auth.js's default session lifetime (and of the JWT inside it).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The keys of one salt, derived from every secret once (the first secret encrypts).
#[derive(Debug)]
pub struct JwtKeys {
    keys: Vec<DerivedKey>,
}

impl JwtKeys {
    /// Derives the keys of `salt` (the cookie name) from each secret.
    pub fn new(secrets: &SecretList, salt: &str) -> Self {
        Self {
            keys: secrets
                .iter()
                .map(|s| DerivedKey::derive(s.expose().as_bytes(), salt))
                .collect(),
        }
    }

    /// Encodes `claims` with the first secret, setting `iat`, `exp` (`now + max_age`) and `jti`.
    pub fn encode(
        &self,
        claims: &Claims,
        max_age_secs: i64,
        now_secs: i64,
    ) -> Result<String, Error> {
        Ok(claims::encode(
            self.first()?,
            claims,
            max_age_secs,
            now_secs,
        ))
    }

    /// [`encode`](Self::encode), also returning what it added to the claims, from which
    /// [`decode`](Self::decode)'s result is known (`None` when they hold a float, which may not
    /// read back bit for bit).
    pub(crate) fn encode_carrying(
        &self,
        claims: &Claims,
        max_age_secs: i64,
        now_secs: i64,
    ) -> Result<(String, Option<claims::Added>), Error> {
        Ok(claims::encode_carrying(
            self.first()?,
            claims,
            max_age_secs,
            now_secs,
        ))
    }

    /// The key tokens are encrypted with: the first secret's.
    fn first(&self) -> Result<&DerivedKey, Error> {
        self.keys
            .first()
            .ok_or_else(|| Error::new(ErrorKind::MissingSecret, "no secret to encode with"))
    }

    /// Decodes and checks a token made with any of the secrets.
    pub fn decode(&self, token: &str, now_secs: i64) -> Result<Claims, JwtError> {
        claims::decode(&self.keys, token, now_secs)
    }

    /// The time checks of [`decode`](Self::decode) alone, for claims it returned earlier.
    pub(crate) fn check_times(claims: &Claims, now_secs: i64) -> Result<(), JwtError> {
        claims::validate_times(claims, now_secs)
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Arguments of [`encode`].
#[derive(Debug, Clone, Copy)]
pub struct EncodeParams<'a> {
    /// The claims.
    pub token: &'a Claims,
    /// The secrets; the first encrypts.
    pub secret: &'a SecretList,
    /// The salt: the session cookie's name (`authjs.session-token` or
    /// `__Secure-authjs.session-token`).
    pub salt: &'a str,
    /// Lifetime (default 30 days), in whole seconds in `exp`.
    pub max_age: Option<Duration>,
}

/// Auth.js's `encode`. Derives the key on each call: reuse a [`JwtKeys`] on hot paths.
pub fn encode(params: &EncodeParams<'_>) -> Result<String, Error> {
    if params.secret.is_empty() {
        return Err(Error::new(
            ErrorKind::MissingSecret,
            "Please define a `secret`",
        ));
    }
    JwtKeys::new(params.secret, params.salt).encode(
        params.token,
        whole_secs(params.max_age.unwrap_or(DEFAULT_MAX_AGE)),
        now_secs(),
    )
}

/// Arguments of [`decode`]. `Debug` hides the token.
#[derive(Clone, Copy)]
pub struct DecodeParams<'a> {
    /// The JWE string.
    pub token: &'a str,
    /// The secrets; any of them may have made the token.
    pub secret: &'a SecretList,
    /// The salt the token was made with.
    pub salt: &'a str,
}

impl std::fmt::Debug for DecodeParams<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecodeParams")
            .field("token", &format_args!("[redacted]"))
            .field("secret", self.secret)
            .field("salt", &self.salt)
            .finish()
    }
}

/// Auth.js's `decode`: `Ok(None)` for an empty token, an error for anything that does not
/// decrypt, parse or pass the `exp`/`nbf` checks.
pub fn decode(params: &DecodeParams<'_>) -> Result<Option<Claims>, JwtError> {
    if params.token.is_empty() {
        return Ok(None);
    }
    JwtKeys::new(params.secret, params.salt)
        .decode(params.token, now_secs())
        .map(Some)
}

/// Arguments of [`get_token`].
#[derive(Debug, Clone, Copy)]
pub struct GetTokenParams<'a> {
    /// The secrets.
    pub secret: &'a SecretList,
    /// Read the `__Secure-` cookie (default false).
    pub secure_cookie: bool,
    /// Another cookie name (default from `secure_cookie`).
    pub cookie_name: Option<&'a str>,
    /// Another salt (default the cookie name).
    pub salt: Option<&'a str>,
}

impl<'a> GetTokenParams<'a> {
    /// Defaults: plain cookie name, salt = cookie name.
    pub fn new(secret: &'a SecretList) -> Self {
        Self {
            secret,
            secure_cookie: false,
            cookie_name: None,
            salt: None,
        }
    }
}

/// Auth.js's `getToken`: reads the session token from the (possibly chunked) session cookie, or
/// else from `Authorization: Bearer <token>`, and decodes it. `Ok(None)` when there is no token
/// or it does not decode; an error only when no secret is given.
pub fn get_token(
    headers: &HeaderMap,
    params: &GetTokenParams<'_>,
) -> Result<Option<Claims>, Error> {
    if params.secret.is_empty() {
        return Err(Error::new(
            ErrorKind::MissingSecret,
            "Please define a `secret`",
        ));
    }
    let default_name = if params.secure_cookie {
        "__Secure-authjs.session-token"
    } else {
        "authjs.session-token"
    };
    let name = params.cookie_name.unwrap_or(default_name);
    let Some(token) = read_token(headers, name) else {
        return Ok(None);
    };
    let salt = params.salt.unwrap_or(name);
    Ok(JwtKeys::new(params.secret, salt)
        .decode(&token, now_secs())
        .ok())
}

/// The session token of a request: the joined cookie chunks, else a bearer token.
pub(crate) fn read_token(headers: &HeaderMap, cookie_name: &str) -> Option<String> {
    let cookies = RequestCookies::from_headers(headers);
    let session = SessionCookies::read(&cookies, cookie_name);
    if !session.token().is_empty() {
        return Some(session.token().to_owned());
    }
    let auth = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let bearer = auth.strip_prefix("Bearer ")?.split(' ').next()?;
    let decoded = percent_decode_str(bearer).decode_utf8().ok()?;
    (!decoded.is_empty()).then(|| decoded.into_owned())
}

/// Arguments of [`JwtCodec::encode`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CodecEncode<'a> {
    /// The claims.
    pub token: &'a Token,
    /// The configured secrets.
    pub secret: &'a SecretList,
    /// The salt (the session cookie name).
    pub salt: &'a str,
    /// `jwt.max_age`.
    pub max_age: Duration,
}

/// Arguments of [`JwtCodec::decode`]. `Debug` hides the token.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct CodecDecode<'a> {
    /// The token from the cookie.
    pub token: &'a str,
    /// The configured secrets.
    pub secret: &'a SecretList,
    /// The salt (the session cookie name).
    pub salt: &'a str,
}

impl std::fmt::Debug for CodecDecode<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodecDecode")
            .field("token", &format_args!("[redacted]"))
            .field("secret", self.secret)
            .field("salt", &self.salt)
            .finish()
    }
}

/// A replacement for the built-in session-token encoding (Auth.js's `jwt.encode`/`jwt.decode`).
/// Check cookies always use the built-in JWE.
#[async_trait]
pub trait JwtCodec: Send + Sync + 'static {
    /// Turns claims into the cookie value.
    async fn encode(&self, params: CodecEncode<'_>) -> crate::Result<String>;
    /// Reads the cookie value; `Ok(None)` means no session.
    async fn decode(&self, params: CodecDecode<'_>) -> crate::Result<Option<Token>>;
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn get_token_reads_cookies_and_bearer_tokens() {
        let secrets = SecretList::single("secret");
        let mut claims = Claims::new();
        claims.insert("sub".into(), "42".into());
        let jwe = encode(&EncodeParams {
            token: &claims,
            secret: &secrets,
            salt: "authjs.session-token",
            max_age: None,
        })
        .expect("encode");

        let mut headers = HeaderMap::new();
        let cookie = format!("authjs.session-token={jwe}");
        headers.insert("cookie", HeaderValue::from_str(&cookie).expect("header"));
        let got = get_token(&headers, &GetTokenParams::new(&secrets)).expect("secret");
        assert_eq!(got.and_then(|c| c.get("sub").cloned()), Some("42".into()));

        let mut headers = HeaderMap::new();
        let bearer = format!("Bearer {jwe}");
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&bearer).expect("header"),
        );
        assert!(
            get_token(&headers, &GetTokenParams::new(&secrets))
                .expect("ok")
                .is_some()
        );

        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer %E0%A4%A"));
        assert_eq!(
            get_token(&headers, &GetTokenParams::new(&secrets)).expect("ok"),
            None
        );

        let other = SecretList::single("other");
        let mut headers = HeaderMap::new();
        headers.insert("cookie", HeaderValue::from_str(&cookie).expect("header"));
        assert_eq!(
            get_token(&headers, &GetTokenParams::new(&other)).expect("ok"),
            None
        );
        assert!(get_token(&headers, &GetTokenParams::new(&SecretList::default())).is_err());
    }
}
