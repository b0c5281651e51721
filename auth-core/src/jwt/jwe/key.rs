//! [`DerivedKey`]: the key material Auth.js derives from a secret and a salt.

use std::fmt;

use aes::Aes256;
use aes_gcm::KeyInit;
use base64::Engine as _;
use hkdf::Hkdf;
use hmac::Hmac;
use sha2::{Digest, Sha256, Sha512};

use super::B64;

/// Key material derived once per (secret, salt): 64-byte A256CBC-HS512 key (its first 32 bytes
/// are the A256GCM key, HKDF output being a prefix stream) and both `kid` thumbprints.
///
/// Derive it once (e.g. at start-up, per secret and cookie name) and reuse it: derivation costs
/// an HKDF and two hashes, and the HMAC key schedule is cached inside.
#[derive(Clone)]
pub struct DerivedKey {
    /// First half of the HKDF output: HMAC-SHA-512 key for CBC-HS512, and the whole A256GCM key.
    pub(super) mac_key: [u8; 32],
    /// Second half of the HKDF output: AES-256-CBC key (requests use its schedule, `cipher`;
    /// the tests check the bytes against Auth.js's).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) enc_key: [u8; 32],
    /// HMAC-SHA-512 state already keyed with `mac_key` (cloned per message).
    pub(super) mac: Hmac<Sha512>,
    /// The AES-256 key schedule of `enc_key`, expanded once.
    pub(super) cipher: Aes256,
    /// SHA-512 RFC 7638 thumbprint of the 64-byte key.
    kid: String,
    /// SHA-256 RFC 7638 thumbprint of the 32-byte key.
    kid_gcm: String,
    /// Base64url of the protected header that [`encrypt`] writes.
    pub(super) header_b64: String,
}

impl DerivedKey {
    /// Derives the key Auth.js uses for `secret` and `salt`.
    ///
    /// HKDF-SHA-256 with `ikm` = `secret`, `salt` = UTF-8 of `salt` and `info` =
    /// `"Auth.js Generated Encryption Key (<salt>)"`, 64 bytes of output.
    #[must_use]
    pub fn derive(secret: &[u8], salt: &str) -> DerivedKey {
        let hkdf = Hkdf::<Sha256>::new(Some(salt.as_bytes()), secret);
        let mut okm = [0u8; 64];
        hkdf.expand_multi_info(
            &[b"Auth.js Generated Encryption Key (", salt.as_bytes(), b")"],
            &mut okm,
        )
        .expect("64 bytes is a valid HKDF-SHA-256 output length");
        let mut mac_key = [0u8; 32];
        let mut enc_key = [0u8; 32];
        mac_key.copy_from_slice(&okm[..32]);
        enc_key.copy_from_slice(&okm[32..]);

        let kid = thumbprint::<Sha512>(&okm);
        let kid_gcm = thumbprint::<Sha256>(&mac_key);
        okm.fill(0);

        let mut header = String::with_capacity(48 + kid.len());
        header.push_str(r#"{"alg":"dir","enc":"A256CBC-HS512","kid":""#);
        header.push_str(&kid);
        header.push_str(r#""}"#);
        let header_b64 = B64.encode(header.as_bytes());

        let mac = <Hmac<Sha512> as KeyInit>::new_from_slice(&mac_key)
            .expect("HMAC accepts keys of any length");

        let cipher = <Aes256 as KeyInit>::new(&enc_key.into());

        DerivedKey {
            mac_key,
            enc_key,
            mac,
            cipher,
            kid,
            kid_gcm,
            header_b64,
        }
    }

    /// SHA-512 RFC 7638 thumbprint of the 64-byte key: the `kid` that encryption puts in the
    /// header and that selects this key for `A256CBC-HS512` tokens.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// SHA-256 RFC 7638 thumbprint of the 32-byte key: the `kid` that selects this key for
    /// `A256GCM` tokens.
    #[must_use]
    pub fn kid_gcm(&self) -> &str {
        &self.kid_gcm
    }

    /// The full 64-byte derived key (test-only accessor, for comparing with vectors).
    #[cfg(test)]
    pub(crate) fn key_bytes(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.mac_key);
        out[32..].copy_from_slice(&self.enc_key);
        out
    }
}

impl fmt::Debug for DerivedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DerivedKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

/// RFC 7638 thumbprint of a symmetric key as an `oct` JWK, hashed with `D`, base64url.
fn thumbprint<D: Digest>(key: &[u8]) -> String {
    let mut hasher = D::new();
    hasher.update(br#"{"k":""#);
    hasher.update(B64.encode(key).as_bytes());
    hasher.update(br#"","kty":"oct"}"#);
    B64.encode(hasher.finalize())
}
