//! JWE compact serialisation with `alg: "dir"`, wire-compatible with Auth.js (`jose` v6).
//!
//! * Encoding always produces `enc: "A256CBC-HS512"` (RFC 7518 §5.2.5) with the protected header
//!   `{"alg":"dir","enc":"A256CBC-HS512","kid":"<thumbprint>"}`.
//! * Decoding accepts `enc` `A256CBC-HS512` and `A256GCM`, and only `alg: "dir"`.
//! * Keys are derived like Auth.js does: HKDF-SHA-256 over the secret, salted with the cookie
//!   name, with info `"Auth.js Generated Encryption Key (<salt>)"`.
//!
//! The CBC-HMAC tag is checked first, in constant time, and only then is the ciphertext
//! decrypted and unpadded; a bad tag and bad padding give the same error, so there is no
//! padding oracle.

mod key;

use std::borrow::Cow;
use std::fmt;

use aes::Aes256;
use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit};
use hmac::Mac;
use serde::Deserialize;
use serde::de::IgnoredAny;
use subtle::ConstantTimeEq;

pub use key::DerivedKey;

/// Tokens longer than this many bytes are rejected as [`JweError::Malformed`] before any
/// work is done (Auth.js session cookies are chunked at about 4 KB each).
pub(crate) const MAX_TOKEN_LEN: usize = 64 * 1024;

/// `enc` value written by [`encrypt`] and accepted by [`decrypt`].
pub(crate) const ENC_A256CBC_HS512: &str = "A256CBC-HS512";

/// Additional `enc` value accepted by [`decrypt`] (never produced by [`encrypt`]).
pub(crate) const ENC_A256GCM: &str = "A256GCM";

/// Length in bytes of the A256CBC-HS512 initialisation vector.
const CBC_IV_LEN: usize = 16;
/// Length in bytes of the A256CBC-HS512 authentication tag (truncated HMAC-SHA-512).
const CBC_TAG_LEN: usize = 32;
/// Length in bytes of the A256GCM nonce.
const GCM_IV_LEN: usize = 12;
/// Length in bytes of the A256GCM authentication tag.
const GCM_TAG_LEN: usize = 16;
/// Decoded protected headers up to this size are parsed from a stack buffer.
const HEADER_STACK_LEN: usize = 512;

/// Why a token could not be decrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JweError {
    /// Not a compact JWE this decoder understands: wrong number of parts, bad base64url, a
    /// protected header that is not a JSON object or lacks `alg`/`enc`, a non-empty encrypted-key
    /// part, a wrong IV length, or a token longer than 64 KiB.
    Malformed,
    /// `alg` is not `dir`, `enc` is not `A256CBC-HS512`/`A256GCM`, or the header uses `zip` or
    /// `crit`.
    UnsupportedAlgorithm,
    /// The header names a `kid` that none of the keys has (or no key was given): Auth.js's
    /// "no matching decryption secret".
    NoMatchingSecret,
    /// Authentication or decryption failed (bad tag, bad padding, wrong tag length).
    DecryptionFailed,
}

impl fmt::Display for JweError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JweError::Malformed => "malformed JWE",
            JweError::UnsupportedAlgorithm => "JWE algorithm not allowed",
            JweError::NoMatchingSecret => "no matching decryption secret",
            JweError::DecryptionFailed => "decryption operation failed",
        })
    }
}

impl std::error::Error for JweError {}

/// Encrypts `plaintext` as a compact JWE (`dir`, `A256CBC-HS512`) with a fresh random IV (the
/// tests' shorthand; tokens are made by the claims layer, which draws the IV with the `jti`).
///
/// # Panics
///
/// Panics if the operating system's random number generator fails (a reused or predictable IV
/// is not an acceptable fallback).
#[cfg(test)]
#[must_use]
pub(crate) fn encrypt(key: &DerivedKey, plaintext: &[u8]) -> String {
    encrypt_with_iv(key, plaintext, crate::random::bytes::<CBC_IV_LEN>())
}

/// Encrypts `plaintext` as a compact JWE (`dir`, `A256CBC-HS512`) with the given IV.
///
/// Deterministic: the IV must be fresh random bytes for real tokens (the claims layer draws it
/// with the `jti`); tests and vectors pass fixed ones.
#[must_use]
pub(crate) fn encrypt_with_iv(key: &DerivedKey, plaintext: &[u8], iv: [u8; 16]) -> String {
    let ciphertext = cbc::Encryptor::<Aes256>::inner_iv_init(key.cipher.clone(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = cbc_tag(key, key.header_b64.as_bytes(), &iv, &ciphertext);

    let capacity = key.header_b64.len()
        + 2
        + b64_len(CBC_IV_LEN)
        + 1
        + b64_len(ciphertext.len())
        + 1
        + b64_len(CBC_TAG_LEN);
    let mut out = String::with_capacity(capacity);
    out.push_str(&key.header_b64);
    out.push_str("..");
    B64.encode_string(iv, &mut out);
    out.push('.');
    B64.encode_string(&ciphertext, &mut out);
    out.push('.');
    B64.encode_string(tag, &mut out);
    out
}

/// Decrypts a compact JWE made by Auth.js (or by [`encrypt`]) and returns the plaintext.
///
/// Key selection follows Auth.js: without a `kid` in the header only `keys[0]` is tried;
/// otherwise the key whose thumbprint ([`DerivedKey::kid`] for `A256CBC-HS512`,
/// [`DerivedKey::kid_gcm`] for `A256GCM`) equals the header's `kid` is used.
///
/// # Errors
///
/// See [`JweError`]. Never panics, whatever the input.
pub(crate) fn decrypt(keys: &[DerivedKey], token: &str) -> Result<Vec<u8>, JweError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(JweError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header_b64), Some(encrypted_key), Some(iv_b64), Some(ct_b64), Some(tag_b64), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(JweError::Malformed);
    };

    // Decode the protected header into a stack buffer when it is small (it always is for
    // Auth.js tokens: 130 bytes).
    let mut stack = [0u8; HEADER_STACK_LEN];
    let heap;
    let header_bytes: &[u8] = if b64_decoded_max(header_b64.len()) <= HEADER_STACK_LEN {
        let n = B64
            .decode_slice(header_b64, &mut stack)
            .map_err(|_| JweError::Malformed)?;
        &stack[..n]
    } else {
        heap = B64.decode(header_b64).map_err(|_| JweError::Malformed)?;
        &heap
    };
    let header: Header<'_> =
        serde_json::from_slice(header_bytes).map_err(|_| JweError::Malformed)?;

    if header.crit.0 || header.zip.0 {
        return Err(JweError::UnsupportedAlgorithm);
    }
    let alg = header
        .alg
        .filter(|a| !a.is_empty())
        .ok_or(JweError::Malformed)?;
    let enc = header
        .enc
        .filter(|e| !e.is_empty())
        .ok_or(JweError::Malformed)?;
    if alg != "dir" {
        return Err(JweError::UnsupportedAlgorithm);
    }
    let enc = match &*enc {
        ENC_A256CBC_HS512 => Enc::A256CbcHs512,
        ENC_A256GCM => Enc::A256Gcm,
        _ => return Err(JweError::UnsupportedAlgorithm),
    };

    let key = select_key(keys, &header.kid, enc)?;

    // `dir` has no encrypted key (jose checks this after resolving the key).
    if !encrypted_key.is_empty() {
        return Err(JweError::Malformed);
    }

    let aad = header_b64.as_bytes();
    match enc {
        Enc::A256CbcHs512 => {
            let iv = decode_fixed::<CBC_IV_LEN>(iv_b64).ok_or(JweError::Malformed)?;
            let tag = decode_tag::<CBC_TAG_LEN>(tag_b64)?;
            let mut buf = decode_ciphertext(ct_b64)?;
            decrypt_cbc(key, aad, &iv, &mut buf, &tag)?;
            Ok(buf)
        }
        Enc::A256Gcm => {
            let iv = decode_fixed::<GCM_IV_LEN>(iv_b64).ok_or(JweError::Malformed)?;
            let tag = decode_tag::<GCM_TAG_LEN>(tag_b64)?;
            let mut buf = decode_ciphertext(ct_b64)?;
            decrypt_gcm(key, aad, iv, &mut buf, tag)?;
            Ok(buf)
        }
    }
}

/// Content-encryption algorithms accepted on decode.
#[derive(Clone, Copy)]
enum Enc {
    A256CbcHs512,
    A256Gcm,
}

/// The protected-header members we look at (others are ignored, as jose does).
#[derive(Deserialize)]
struct Header<'a> {
    #[serde(borrow, default)]
    alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    enc: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kid: Kid<'a>,
    #[serde(default)]
    zip: Present,
    #[serde(default)]
    crit: Present,
}

/// The header's `kid`: absent, a string, or something else (`null`, a number, …), which
/// Auth.js compares with `===` and so never matches.
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Kid<'a> {
    /// No `kid` member.
    #[default]
    #[serde(skip)]
    Absent,
    /// A string `kid`.
    Str(#[serde(borrow)] Cow<'a, str>),
    /// Any other JSON value.
    Other(IgnoredAny),
}

/// Whether a header member is present at all (even as `null`).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Present(true))
    }
}

/// Auth.js's key selection: first key when there is no `kid`, else the thumbprint match.
fn select_key<'k>(
    keys: &'k [DerivedKey],
    kid: &Kid<'_>,
    enc: Enc,
) -> Result<&'k DerivedKey, JweError> {
    match kid {
        Kid::Absent => keys.first().ok_or(JweError::NoMatchingSecret),
        Kid::Str(kid) => keys
            .iter()
            .find(|k| {
                let own = match enc {
                    Enc::A256CbcHs512 => k.kid(),
                    Enc::A256Gcm => k.kid_gcm(),
                };
                own == kid.as_ref()
            })
            .ok_or(JweError::NoMatchingSecret),
        Kid::Other(_) => Err(JweError::NoMatchingSecret),
    }
}

/// Verifies the CBC-HS512 tag in constant time, then decrypts and unpads `buf` in place.
fn decrypt_cbc(
    key: &DerivedKey,
    aad: &[u8],
    iv: &[u8; CBC_IV_LEN],
    buf: &mut Vec<u8>,
    tag: &[u8; CBC_TAG_LEN],
) -> Result<(), JweError> {
    let expected = cbc_tag(key, aad, iv, buf);
    if !bool::from(expected.ct_eq(tag)) {
        return Err(JweError::DecryptionFailed);
    }
    let len = cbc::Decryptor::<Aes256>::inner_iv_init(key.cipher.clone(), &(*iv).into())
        .decrypt_padded::<Pkcs7>(buf)
        .map_err(|_| JweError::DecryptionFailed)?
        .len();
    buf.truncate(len);
    Ok(())
}

/// Verifies and decrypts an A256GCM ciphertext in place (the key is the first 32 bytes).
fn decrypt_gcm(
    key: &DerivedKey,
    aad: &[u8],
    iv: [u8; GCM_IV_LEN],
    buf: &mut [u8],
    tag: [u8; GCM_TAG_LEN],
) -> Result<(), JweError> {
    let cipher = Aes256Gcm::new(&key.mac_key.into());
    cipher
        .decrypt_inout_detached(&iv.into(), aad, buf.into(), &tag.into())
        .map_err(|_| JweError::DecryptionFailed)
}

/// First 32 bytes of HMAC-SHA-512(MAC_KEY, AAD ‖ IV ‖ CT ‖ AL), AL = AAD bit length, u64 BE.
fn cbc_tag(
    key: &DerivedKey,
    aad: &[u8],
    iv: &[u8; CBC_IV_LEN],
    ciphertext: &[u8],
) -> [u8; CBC_TAG_LEN] {
    let mut mac = key.mac.clone();
    mac.update(aad);
    mac.update(iv);
    mac.update(ciphertext);
    let al = u64::try_from(aad.len()).unwrap_or(u64::MAX).wrapping_mul(8);
    mac.update(&al.to_be_bytes());
    let full = mac.finalize().into_bytes();
    let mut tag = [0u8; CBC_TAG_LEN];
    tag.copy_from_slice(&full[..CBC_TAG_LEN]);
    tag
}

/// Decodes base64url that must yield exactly `N` bytes.
fn decode_fixed<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != b64_len(N) {
        return None;
    }
    let mut out = [0u8; N];
    match B64.decode_slice(s, &mut out) {
        Ok(n) if n == N => Some(out),
        _ => None,
    }
}

/// Decodes the tag: bad base64url is malformed, a wrong length is an authentication failure
/// (as in jose).
fn decode_tag<const N: usize>(s: &str) -> Result<[u8; N], JweError> {
    if s.len() != b64_len(N) {
        return Err(JweError::DecryptionFailed);
    }
    decode_fixed::<N>(s).ok_or(JweError::Malformed)
}

/// Decodes the ciphertext into the one buffer that becomes the plaintext.
fn decode_ciphertext(s: &str) -> Result<Vec<u8>, JweError> {
    let mut buf = Vec::new();
    B64.decode_vec(s, &mut buf)
        .map_err(|_| JweError::Malformed)?;
    Ok(buf)
}

/// Length of unpadded base64 for `n` bytes.
const fn b64_len(n: usize) -> usize {
    (n / 3) * 4 + [0, 2, 3][n % 3]
}

/// Upper bound of the decoded size of `n` base64 characters.
const fn b64_decoded_max(n: usize) -> usize {
    n.div_ceil(4) * 3
}

#[cfg(test)]
mod tests;
