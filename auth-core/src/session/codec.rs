//! The session token of the JWT strategy: the built-in JWE (keys derived once per cookie name
//! at build, tokens it issued or decoded remembered in a [`TokenCache`]) or a custom
//! [`JwtCodec`].

use std::sync::Arc;

use crate::{
    Result,
    error::{Error, ErrorKind},
    jwt::{Added, CodecDecode, CodecEncode, JwtCodec, JwtError, JwtKeys},
    model::Token,
    secret::SecretList,
};

use super::token_cache::TokenCache;

/// A session token just encoded.
pub(crate) struct Encoded {
    /// The cookie value.
    pub(crate) value: String,
    /// What the built-in codec added to the claims (to remember the token by).
    added: Option<Added>,
}

/// Encodes and decodes session tokens. The salt is the session cookie's name, so a secure and
/// a plain deployment never read each other's tokens (Auth.js).
pub(crate) struct TokenCodec {
    keys_secure: JwtKeys,
    keys_plain: JwtKeys,
    custom: Option<Arc<dyn JwtCodec>>,
    /// The built-in codec's known tokens (unused with a custom codec).
    known: TokenCache,
    secrets: SecretList,
    /// `jwt.max_age` in seconds.
    max_age_secs: i64,
}

impl TokenCodec {
    pub(crate) fn new(
        secrets: &SecretList,
        salts: [&str; 2],
        custom: Option<Arc<dyn JwtCodec>>,
        max_age_secs: i64,
        cache_slots: usize,
    ) -> Self {
        let [secure, plain] = salts;
        Self {
            keys_secure: JwtKeys::new(secrets, secure),
            keys_plain: JwtKeys::new(secrets, plain),
            known: TokenCache::new(if custom.is_some() { 0 } else { cache_slots }),
            custom,
            secrets: secrets.clone(),
            max_age_secs,
        }
    }

    fn keys(&self, secure: bool) -> &JwtKeys {
        if secure {
            &self.keys_secure
        } else {
            &self.keys_plain
        }
    }

    /// The token as a cookie value.
    pub(crate) async fn encode(
        &self,
        salt: &str,
        secure: bool,
        token: &Token,
        now_ms: i64,
    ) -> Result<Encoded> {
        match &self.custom {
            Some(codec) => codec
                .encode(CodecEncode {
                    token,
                    secret: &self.secrets,
                    salt,
                    max_age: std::time::Duration::from_secs(self.max_age_secs.unsigned_abs()),
                })
                .await
                .map(|value| Encoded { value, added: None }),
            None => {
                let (value, added) = self.keys(secure).encode_carrying(
                    token,
                    self.max_age_secs,
                    now_ms.div_euclid(1000),
                )?;
                Ok(Encoded { value, added })
            }
        }
    }

    /// Remembers that `encoded` was made from `token`, so that its next read skips the
    /// decryption (built-in codec only; `token` is given up rather than copied).
    pub(crate) fn remember(&self, secure: bool, encoded: Encoded, token: Token) {
        if let Some(added) = encoded.added {
            self.known.put(secure, &encoded.value, added.apply(token));
        }
    }

    /// The token of a cookie value; `Ok(None)` when a custom codec finds no session.
    pub(crate) async fn decode(
        &self,
        salt: &str,
        secure: bool,
        raw: &str,
        now_ms: i64,
    ) -> Result<Option<Token>> {
        match &self.custom {
            Some(codec) => {
                codec
                    .decode(CodecDecode {
                        token: raw,
                        secret: &self.secrets,
                        salt,
                    })
                    .await
            }
            None => self
                .decode_builtin(secure, raw, now_ms.div_euclid(1000))
                .map(Some),
        }
    }

    /// The built-in decode: a known token's claims (time checks only), else the full check,
    /// after which the token is known.
    fn decode_builtin(&self, secure: bool, raw: &str, now_secs: i64) -> Result<Token> {
        let decoded = match self.known.get(secure, raw) {
            Some(claims) => JwtKeys::check_times(&claims, now_secs).map(|()| claims),
            None => self.keys(secure).decode(raw, now_secs).inspect(|claims| {
                if !self.known.is_off() {
                    self.known.put(secure, raw, claims.clone());
                }
            }),
        };
        decoded.map_err(|e: JwtError| {
            Error::new(
                ErrorKind::JwtSessionError,
                "the session token could not be decoded",
            )
            .with_source(e)
            .caused_by_client()
        })
    }
}
