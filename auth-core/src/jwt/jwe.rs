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

use std::borrow::Cow;
use std::fmt;

use aes::Aes256;
use aes_gcm::aead::AeadInOut;
use aes_gcm::{Aes256Gcm, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde::de::IgnoredAny;
use sha2::{Digest, Sha256, Sha512};
use subtle::ConstantTimeEq;

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

/// Key material derived once per (secret, salt): 64-byte A256CBC-HS512 key (its first 32 bytes
/// are the A256GCM key, HKDF output being a prefix stream) and both `kid` thumbprints.
///
/// Derive it once (e.g. at start-up, per secret and cookie name) and reuse it: derivation costs
/// an HKDF and two hashes, and the HMAC key schedule is cached inside.
#[derive(Clone)]
pub struct DerivedKey {
    /// First half of the HKDF output: HMAC-SHA-512 key for CBC-HS512, and the whole A256GCM key.
    mac_key: [u8; 32],
    /// Second half of the HKDF output: AES-256-CBC key.
    enc_key: [u8; 32],
    /// HMAC-SHA-512 state already keyed with `mac_key` (cloned per message).
    mac: Hmac<Sha512>,
    /// SHA-512 RFC 7638 thumbprint of the 64-byte key.
    kid: String,
    /// SHA-256 RFC 7638 thumbprint of the 32-byte key.
    kid_gcm: String,
    /// Base64url of the protected header that [`encrypt`] writes.
    header_b64: String,
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

        DerivedKey {
            mac_key,
            enc_key,
            mac,
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

/// Encrypts `plaintext` as a compact JWE (`dir`, `A256CBC-HS512`) with a fresh random IV.
///
/// # Panics
///
/// Panics if the operating system's random number generator fails (a reused or predictable IV
/// is not an acceptable fallback).
#[must_use]
pub(crate) fn encrypt(key: &DerivedKey, plaintext: &[u8]) -> String {
    encrypt_with_iv(key, plaintext, crate::random::bytes::<CBC_IV_LEN>())
}

/// Encrypts `plaintext` as a compact JWE (`dir`, `A256CBC-HS512`) with the given IV.
///
/// Deterministic; meant for tests and vectors. Never reuse an IV for real tokens: use
/// [`encrypt`].
#[must_use]
pub(crate) fn encrypt_with_iv(key: &DerivedKey, plaintext: &[u8], iv: [u8; 16]) -> String {
    let ciphertext = cbc::Encryptor::<Aes256>::new(&key.enc_key.into(), &iv.into())
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
    let len = cbc::Decryptor::<Aes256>::new(&key.enc_key.into(), &(*iv).into())
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
mod tests {
    use super::*;
    use serde_json::Value;

    const VECTORS: &str = include_str!("../../tests/fixtures/authjs-vectors.json");

    fn vectors() -> Value {
        serde_json::from_str(VECTORS).expect("vectors parse")
    }

    fn jwt_cases() -> Vec<Value> {
        vectors()["jwt"].as_array().expect("jwt array").clone()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
            .collect()
    }

    /// Keys for a case's `decode` block (secret is a string or an array).
    fn decode_keys(case: &Value) -> Vec<DerivedKey> {
        let salt = case["decode"]["salt"].as_str().expect("salt");
        match &case["decode"]["secret"] {
            Value::String(s) => vec![DerivedKey::derive(s.as_bytes(), salt)],
            Value::Array(a) => a
                .iter()
                .map(|s| DerivedKey::derive(s.as_str().expect("secret").as_bytes(), salt))
                .collect(),
            other => panic!("unexpected secret {other}"),
        }
    }

    fn case(name: &str) -> Value {
        jwt_cases()
            .into_iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no case {name}"))
    }

    fn basic_key() -> DerivedKey {
        DerivedKey::derive(
            b"harness-test-secret-0123456789abcdef0123456789abcdef",
            "authjs.session-token",
        )
    }

    fn parts(token: &str) -> Vec<&str> {
        token.split('.').collect()
    }

    /// Tiny deterministic PRNG (xorshift64*) so the fuzz test is reproducible.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            self.0 = x;
            x.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn key_derivation_matches_every_vector() {
        let cases = jwt_cases();
        assert_eq!(cases.len(), 16);
        for c in &cases {
            let kd = &c["keyDerivation"];
            let key = DerivedKey::derive(
                kd["ikm"].as_str().expect("ikm").as_bytes(),
                kd["salt"].as_str().expect("salt"),
            );
            let expected = kd["derivedKeyHex"].as_str().expect("hex");
            let len = kd["lengthBytes"].as_u64().expect("len") as usize;
            assert_eq!(hex(&key.key_bytes()[..len]), expected, "{}", c["name"]);
            let kid = kd["kid"].as_str().expect("kid");
            match len {
                64 => {
                    assert_eq!(key.kid(), kid, "{}", c["name"]);
                    assert_eq!(kd["kidHash"], "SHA-512");
                    assert_eq!(hex(&key.mac_key), kd["macKeyHex"].as_str().expect("mac"));
                    assert_eq!(hex(&key.enc_key), kd["aesKeyHex"].as_str().expect("aes"));
                }
                32 => {
                    assert_eq!(key.kid_gcm(), kid, "{}", c["name"]);
                    assert_eq!(kd["kidHash"], "SHA-256");
                }
                other => panic!("unexpected length {other}"),
            }
            // The header kid of every kid-bearing vector is the thumbprint of its key.
            if let Some(hkid) = c["jweStructure"]["protectedHeader"]["kid"].as_str() {
                assert_eq!(hkid, kid, "{}", c["name"]);
            }
        }
    }

    #[test]
    fn spec_table_values() {
        let rows = [
            (
                "authjs.session-token",
                "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025131e90695ff072a9d148f1511c7a4981a85b63a628311da1fa7ccfc49c47c2bb",
                "7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ",
            ),
            (
                "__Secure-authjs.session-token",
                "0d8bf2d720367891eda6b7cc8f1960cf3fac4c0e5972e05c0ea71f835d01d69a60b8d258a71a473d46b0eec5ed3dfe45a7bcfbe54ccfa14f50206f3af0f777f5",
                "7E3YIGAxRtn6djTGy1UjZrFvXELHKzM9vfWl0nQ4b88EsnrmmX0grN0VKis7G3fjgB626TXm_lEtBG1N0E7Xyg",
            ),
            (
                "encodedState",
                "873919037dab91c0520af9b5dbaa5c3642b0ee31f816a0b08fc766b788879243af6b009a41598809c140510bd5f782dfe391ce3792140318fad4e4cd6b6d99a4",
                "ze1rGMPGVDubcXDnXo8NkdIqeDyuSSG3mI5gRPgxRiRlgDu9MMjrpKw4-pNomgcTqiQZlith1dCysR6uVPfKfg",
            ),
        ];
        for (salt, key_hex, kid) in rows {
            let key = DerivedKey::derive(b"secret", salt);
            assert_eq!(hex(&key.key_bytes()), key_hex, "{salt}");
            assert_eq!(key.kid(), kid, "{salt}");
        }
        let key = DerivedKey::derive(b"secret", "authjs.session-token");
        assert_eq!(
            hex(&key.key_bytes()[..32]),
            "b1ef6cdd915c44c0a71232574a6a70546a5e16d12bb38df4638e3b96bdd32025"
        );
        assert_eq!(key.kid_gcm(), "tgdt-VLOTRviBTc4vwSS-WjOhg14Bq0M6tGDvSzfdgs");
    }

    #[test]
    fn fresh_token_header_and_part_lengths() {
        let key = DerivedKey::derive(b"secret", "authjs.session-token");
        let token = encrypt(&key, br#"{"sub":"1"}"#);
        let p = parts(&token);
        assert_eq!(p.len(), 5);
        assert_eq!(
            (p[0].len(), p[1].len(), p[2].len(), p[4].len()),
            (174, 0, 22, 43)
        );
        let header = B64.decode(p[0]).expect("b64");
        assert_eq!(
            std::str::from_utf8(&header).expect("utf8"),
            r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"7x9DUMVaEU6giab0l0OWDt4e4SsRH_cbwMof2EzEyy6onK5o8xSPPB799RVoqm2v6z674kQCv9jom2T8S-a1dQ"}"#
        );
    }

    #[test]
    fn fixed_iv_vector_reencodes_byte_for_byte() {
        let c = case("deterministic-fixed-iv");
        let key = DerivedKey::derive(
            c["encode"]["secret"].as_str().expect("secret").as_bytes(),
            c["encode"]["salt"].as_str().expect("salt"),
        );
        let iv: [u8; 16] = unhex(c["fixed"]["ivHex"].as_str().expect("iv"))
            .try_into()
            .expect("16 bytes");
        let plaintext = c["plaintext"].as_str().expect("plaintext");
        let token = encrypt_with_iv(&key, plaintext.as_bytes(), iv);
        assert_eq!(token, c["jwe"].as_str().expect("jwe"));
        assert_eq!(
            parts(&token)[0],
            c["jweStructure"]["protectedHeaderB64"].as_str().expect("h")
        );
        assert_eq!(
            decrypt(&[key], &token).expect("decrypts"),
            plaintext.as_bytes()
        );
    }

    #[test]
    fn vector_plaintexts_decrypt_at_jwe_level() {
        // Every vector that carries its plaintext decrypts to exactly those bytes (when the
        // right keys are given); the key set is the one that encrypted it.
        for c in jwt_cases() {
            let Some(pt) = c["plaintext"].as_str() else {
                continue;
            };
            let kd = &c["keyDerivation"];
            let key = DerivedKey::derive(
                kd["ikm"].as_str().expect("ikm").as_bytes(),
                kd["salt"].as_str().expect("salt"),
            );
            let token = c["jwe"].as_str().expect("jwe");
            assert_eq!(
                decrypt(std::slice::from_ref(&key), token).expect("decrypts"),
                pt.as_bytes(),
                "{}",
                c["name"]
            );
            let structure = &c["jweStructure"];
            let p = parts(token);
            assert_eq!(
                B64.decode(p[2]).expect("iv").len() as u64,
                structure["ivLen"].as_u64().expect("ivLen")
            );
            assert_eq!(
                B64.decode(p[4]).expect("tag").len() as u64,
                structure["tagLen"].as_u64().expect("tagLen")
            );
        }
    }

    #[test]
    fn gcm_vector_needs_gcm_kid() {
        let c = case("a256gcm-accepted");
        let token = c["jwe"].as_str().expect("jwe");
        let keys = decode_keys(&c);
        assert!(decrypt(&keys, token).is_ok());
        // A key set without the right secret: no matching kid.
        let other = DerivedKey::derive(b"other", "authjs.session-token");
        assert_eq!(
            decrypt(std::slice::from_ref(&other), token),
            Err(JweError::NoMatchingSecret)
        );
        // The right secret is found even in second position.
        let keys2 = vec![other, keys[0].clone()];
        assert!(decrypt(&keys2, token).is_ok());
    }

    #[test]
    fn round_trip_various_lengths() {
        let key = basic_key();
        for len in [0usize, 1, 15, 16, 17, 31, 32, 33, 100, 4096] {
            let pt: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let token = encrypt(&key, &pt);
            assert_eq!(
                decrypt(std::slice::from_ref(&key), &token).expect("round trip"),
                pt
            );
            let ct_len = B64.decode(parts(&token)[3]).expect("ct").len();
            assert_eq!(ct_len, (len / 16 + 1) * 16);
        }
    }

    #[test]
    fn random_iv_differs_between_calls() {
        let key = basic_key();
        let a = encrypt(&key, b"same");
        let b = encrypt(&key, b"same");
        assert_ne!(a, b);
        assert_ne!(parts(&a)[2], parts(&b)[2]);
    }

    #[test]
    fn rotation_selects_by_kid() {
        let new = DerivedKey::derive(b"new", "authjs.session-token");
        let old = DerivedKey::derive(b"old", "authjs.session-token");
        let token_old = encrypt(&old, b"from old");
        let keys = [new.clone(), old.clone()];
        assert_eq!(decrypt(&keys, &token_old).expect("old"), b"from old");
        let token_new = encrypt(&new, b"from new");
        assert_eq!(decrypt(&keys, &token_new).expect("new"), b"from new");
        assert_eq!(
            decrypt(std::slice::from_ref(&new), &token_old),
            Err(JweError::NoMatchingSecret)
        );
        assert_eq!(decrypt(&[], &token_old), Err(JweError::NoMatchingSecret));
    }

    /// Builds a token whose header has no `kid`, encrypted with `key`.
    fn kidless_token(key: &DerivedKey, plaintext: &[u8]) -> String {
        let header = B64.encode(br#"{"alg":"dir","enc":"A256CBC-HS512"}"#);
        let iv = [7u8; 16];
        let ct = cbc::Encryptor::<Aes256>::new(&key.enc_key.into(), &iv.into())
            .encrypt_padded_vec::<Pkcs7>(plaintext);
        let tag = cbc_tag(key, header.as_bytes(), &iv, &ct);
        format!(
            "{header}..{}.{}.{}",
            B64.encode(iv),
            B64.encode(&ct),
            B64.encode(tag)
        )
    }

    #[test]
    fn kidless_header_uses_only_first_key() {
        let first = DerivedKey::derive(b"first", "authjs.session-token");
        let second = DerivedKey::derive(b"second", "authjs.session-token");
        let by_first = kidless_token(&first, b"hello");
        let by_second = kidless_token(&second, b"hello");
        let keys = [first.clone(), second.clone()];
        assert_eq!(decrypt(&keys, &by_first).expect("first"), b"hello");
        // No fallback to the second secret: the first key's tag check fails.
        assert_eq!(decrypt(&keys, &by_second), Err(JweError::DecryptionFailed));
        assert_eq!(decrypt(&[second], &by_second).expect("alone"), b"hello");
        assert_eq!(decrypt(&[], &by_first), Err(JweError::NoMatchingSecret));

        // The vector made by Auth.js without kid.
        let c = case("no-kid");
        let token = c["jwe"].as_str().expect("jwe");
        let good = decode_keys(&c);
        assert!(decrypt(&good, token).is_ok());
        let mut other_first = vec![DerivedKey::derive(b"x", "authjs.session-token")];
        other_first.extend(good);
        assert_eq!(
            decrypt(&other_first, token),
            Err(JweError::DecryptionFailed)
        );
    }

    #[test]
    fn non_string_kid_never_matches() {
        let key = basic_key();
        let token = encrypt(&key, b"x");
        let p = parts(&token);
        for kid in ["null", "5", "true", "[]", "{}"] {
            let header = B64.encode(format!(
                r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":{kid}}}"#
            ));
            let forged = format!("{header}..{}.{}.{}", p[2], p[3], p[4]);
            assert_eq!(
                decrypt(std::slice::from_ref(&key), &forged),
                Err(JweError::NoMatchingSecret),
                "{kid}"
            );
        }
    }

    fn flip_char(token: &str, part: usize, index: usize) -> String {
        let mut p: Vec<String> = token.split('.').map(str::to_owned).collect();
        let mut bytes = B64.decode(&p[part]).expect("b64");
        bytes[index] ^= 0x01;
        p[part] = B64.encode(&bytes);
        p.join(".")
    }

    #[test]
    fn flipped_tag_and_ciphertext_bytes_fail_the_same_way() {
        let key = basic_key();
        let keys = [key];
        let token = encrypt(&keys[0], br#"{"sub":"1","name":"Alice"}"#);
        for i in 0..32 {
            assert_eq!(
                decrypt(&keys, &flip_char(&token, 4, i)),
                Err(JweError::DecryptionFailed),
                "tag byte {i}"
            );
        }
        let ct_len = B64.decode(parts(&token)[3]).expect("ct").len();
        for i in 0..ct_len {
            assert_eq!(
                decrypt(&keys, &flip_char(&token, 3, i)),
                Err(JweError::DecryptionFailed),
                "ciphertext byte {i}"
            );
        }
        for i in 0..16 {
            assert_eq!(
                decrypt(&keys, &flip_char(&token, 2, i)),
                Err(JweError::DecryptionFailed),
                "iv byte {i}"
            );
        }
        // The Auth.js-made tampered vector.
        let c = case("tampered-ciphertext");
        assert_eq!(
            decrypt(&decode_keys(&c), c["jwe"].as_str().expect("jwe")),
            Err(JweError::DecryptionFailed)
        );
    }

    #[test]
    fn valid_tag_with_bad_padding_is_decryption_failed() {
        // Ciphertext whose tag is correct but whose last block does not unpad: must give the
        // same error as a bad tag.
        let key = basic_key();
        let header = key.header_b64.clone();
        let iv = [1u8; 16];
        let mut block = [0u8; 16];
        block[15] = 0; // padding byte 0 is invalid
        let mut ct = block.to_vec();
        cbc::Encryptor::<Aes256>::new(&key.enc_key.into(), &iv.into())
            .encrypt_padded::<cbc::cipher::block_padding::NoPadding>(&mut ct, 16)
            .expect("one block");
        let tag = cbc_tag(&key, header.as_bytes(), &iv, &ct);
        let token = format!(
            "{header}..{}.{}.{}",
            B64.encode(iv),
            B64.encode(&ct),
            B64.encode(tag)
        );
        assert_eq!(
            decrypt(std::slice::from_ref(&key), &token),
            Err(JweError::DecryptionFailed)
        );
        // Empty ciphertext with a valid tag, and a ciphertext that is not whole blocks.
        for ct in [Vec::new(), vec![0u8; 5]] {
            let tag = cbc_tag(&key, header.as_bytes(), &iv, &ct);
            let token = format!(
                "{header}..{}.{}.{}",
                B64.encode(iv),
                B64.encode(&ct),
                B64.encode(tag)
            );
            assert_eq!(
                decrypt(std::slice::from_ref(&key), &token),
                Err(JweError::DecryptionFailed)
            );
        }
    }

    #[test]
    fn gcm_tampering_fails() {
        let c = case("a256gcm-accepted");
        let keys = decode_keys(&c);
        let token = c["jwe"].as_str().expect("jwe");
        assert_eq!(
            decrypt(&keys, &flip_char(token, 3, 0)),
            Err(JweError::DecryptionFailed)
        );
        assert_eq!(
            decrypt(&keys, &flip_char(token, 4, 15)),
            Err(JweError::DecryptionFailed)
        );
        assert_eq!(
            decrypt(&keys, &flip_char(token, 2, 3)),
            Err(JweError::DecryptionFailed)
        );
    }

    fn with_header(token: &str, header_json: &str) -> String {
        let p = parts(token);
        format!(
            "{}.{}.{}.{}.{}",
            B64.encode(header_json),
            p[1],
            p[2],
            p[3],
            p[4]
        )
    }

    #[test]
    fn header_rules() {
        let key = basic_key();
        let keys = [key.clone()];
        let token = encrypt(&key, b"x");
        let kid = key.kid().to_owned();
        let cases: Vec<(String, JweError)> = vec![
            (
                format!(r#"{{"alg":"RSA-OAEP","enc":"A256CBC-HS512","kid":"{kid}"}}"#),
                JweError::UnsupportedAlgorithm,
            ),
            (
                format!(r#"{{"alg":"dir","enc":"A128CBC-HS256","kid":"{kid}"}}"#),
                JweError::UnsupportedAlgorithm,
            ),
            (
                format!(r#"{{"alg":"none","enc":"A256GCM","kid":"{kid}"}}"#),
                JweError::UnsupportedAlgorithm,
            ),
            (
                format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","zip":"DEF"}}"#),
                JweError::UnsupportedAlgorithm,
            ),
            (
                format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","crit":["exp"]}}"#),
                JweError::UnsupportedAlgorithm,
            ),
            (
                format!(r#"{{"enc":"A256CBC-HS512","kid":"{kid}"}}"#),
                JweError::Malformed,
            ),
            (
                format!(r#"{{"alg":"dir","kid":"{kid}"}}"#),
                JweError::Malformed,
            ),
            (
                format!(r#"{{"alg":"","enc":"A256CBC-HS512","kid":"{kid}"}}"#),
                JweError::Malformed,
            ),
            (
                format!(r#"{{"alg":5,"enc":"A256CBC-HS512","kid":"{kid}"}}"#),
                JweError::Malformed,
            ),
            ("[1,2]".to_owned(), JweError::Malformed),
            ("null".to_owned(), JweError::Malformed),
            ("not json".to_owned(), JweError::Malformed),
            (
                r#"{"alg":"dir","enc":"A256CBC-HS512","kid":"nope"}"#.to_owned(),
                JweError::NoMatchingSecret,
            ),
            // Header changed but otherwise valid: AAD differs, so the tag fails.
            (
                format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}","x":1}}"#),
                JweError::DecryptionFailed,
            ),
            (
                format!(r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{kid}"}} "#),
                JweError::DecryptionFailed,
            ),
        ];
        for (header, err) in cases {
            assert_eq!(
                decrypt(&keys, &with_header(&token, &header)),
                Err(err),
                "{header}"
            );
        }
        // An escaped kid string still selects the key (serde un-escapes it); the header bytes
        // differ, so the tag then fails.
        let last = kid.chars().last().expect("kid") as u32;
        let escaped = format!(
            r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}\u{last:04x}"}}"#,
            &kid[..kid.len() - 1]
        );
        assert_eq!(
            decrypt(&keys, &with_header(&token, &escaped)),
            Err(JweError::DecryptionFailed)
        );
        let wrong_escaped = format!(
            r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}\u00e9"}}"#,
            &kid[..kid.len() - 1]
        );
        assert_eq!(
            decrypt(&keys, &with_header(&token, &wrong_escaped)),
            Err(JweError::NoMatchingSecret)
        );
    }

    #[test]
    fn disallowed_enc_vector() {
        let c = case("disallowed-enc");
        assert_eq!(
            decrypt(&decode_keys(&c), c["jwe"].as_str().expect("jwe")),
            Err(JweError::UnsupportedAlgorithm)
        );
    }

    #[test]
    fn structural_errors() {
        let key = basic_key();
        let keys = [key.clone()];
        let token = encrypt(&key, b"payload");
        let p = parts(&token);
        let cases = [
            String::new(),
            ".".to_owned(),
            "....".to_owned(),
            "......".to_owned(),
            format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]),
            format!("{token}."),
            format!("{}.AAAA.{}.{}.{}", p[0], p[2], p[3], p[4]),
            format!("{}..{}A.{}.{}", p[0], p[2], p[3], p[4]),
            format!("{}..{}.{}.{}", p[0], &p[2][..21], p[3], p[4]),
            format!("{}..{}.{}!.{}", p[0], p[2], p[3], p[4]),
            format!("{}==..{}.{}.{}", p[0], p[2], p[3], p[4]),
            format!("{}..{}=.{}.{}", p[0], &p[2][..21], p[3], p[4]),
            "a.b.c.d.e".to_owned(),
            "\u{1F36A}.\u{1F36A}.\u{1F36A}.\u{1F36A}.\u{1F36A}".to_owned(),
        ];
        for t in &cases {
            assert_eq!(decrypt(&keys, t), Err(JweError::Malformed), "{t:?}");
        }
        // A tag of the wrong length is an authentication failure, as in jose.
        let short_tag = format!("{}..{}.{}.{}", p[0], p[2], p[3], &p[4][..40]);
        assert_eq!(decrypt(&keys, &short_tag), Err(JweError::DecryptionFailed));
        // Ciphertext with bad base64.
        let bad_ct = format!("{}..{}.{}*.{}", p[0], p[2], p[3], p[4]);
        assert_eq!(decrypt(&keys, &bad_ct), Err(JweError::Malformed));
    }

    #[test]
    fn oversized_tokens_are_rejected_up_front() {
        let key = basic_key();
        let keys = [key.clone()];
        // A genuine token just under the limit still decrypts...
        let big = vec![b'a'; 40 * 1024];
        let token = encrypt(&key, &big);
        assert!(token.len() <= MAX_TOKEN_LEN);
        assert_eq!(decrypt(&keys, &token).expect("big"), big);
        // ...one over it is malformed, even if it would be valid.
        let huge = encrypt(&key, &vec![b'a'; 60 * 1024]);
        assert!(huge.len() > MAX_TOKEN_LEN);
        assert_eq!(decrypt(&keys, &huge), Err(JweError::Malformed));
        let junk = "A".repeat(10 * 1024 * 1024);
        assert_eq!(decrypt(&keys, &junk), Err(JweError::Malformed));
        // A header longer than the stack buffer takes the heap path and is still parsed.
        let long_header = format!(
            r#"{{"alg":"dir","enc":"A256CBC-HS512","kid":"{}","pad":"{}"}}"#,
            key.kid(),
            "p".repeat(2000)
        );
        assert_eq!(
            decrypt(&keys, &with_header(&token, &long_header)),
            Err(JweError::DecryptionFailed)
        );
    }

    #[test]
    fn random_mutations_never_panic_and_never_verify() {
        let key = basic_key();
        let gcm = case("a256gcm-accepted");
        let mut keys = decode_keys(&gcm);
        keys.push(key.clone());
        let originals = [
            encrypt(
                &key,
                br#"{"sub":"1","name":"Alice","email":"alice@example.com"}"#,
            ),
            gcm["jwe"].as_str().expect("jwe").to_owned(),
            kidless_token(&keys[0], b"{}"),
        ];
        for original in &originals {
            assert!(decrypt(&keys, original).is_ok());
        }
        let alphabet: Vec<char> = "ABCxyz019-_.=+/ !\"{}\u{e9}\u{1F36A}\0".chars().collect();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for round in 0..30_000 {
            let original = &originals[round % originals.len()];
            let mut chars: Vec<char> = original.chars().collect();
            let edits = 1 + rng.below(4);
            for _ in 0..edits {
                match rng.below(6) {
                    0 if !chars.is_empty() => {
                        let i = rng.below(chars.len());
                        chars[i] = alphabet[rng.below(alphabet.len())];
                    }
                    1 if !chars.is_empty() => {
                        let i = rng.below(chars.len());
                        chars.remove(i);
                    }
                    2 => {
                        let i = rng.below(chars.len() + 1);
                        chars.insert(i, alphabet[rng.below(alphabet.len())]);
                    }
                    3 => {
                        let i = rng.below(chars.len() + 1);
                        chars.truncate(i);
                    }
                    4 if !chars.is_empty() => {
                        // Flip one bit of a base64 character's value by swapping for a
                        // neighbouring alphabet character.
                        let i = rng.below(chars.len());
                        let c = chars[i];
                        chars[i] = match c {
                            'A'..='Y' | 'a'..='y' | '0'..='8' => {
                                char::from_u32(c as u32 + 1).unwrap_or('A')
                            }
                            _ => 'A',
                        };
                    }
                    _ => {
                        // Duplicate a random slice.
                        if !chars.is_empty() {
                            let a = rng.below(chars.len());
                            let b = a + rng.below(chars.len() - a);
                            let slice: Vec<char> = chars[a..b].to_vec();
                            let at = rng.below(chars.len() + 1);
                            chars.splice(at..at, slice);
                        }
                    }
                }
            }
            let mutated: String = chars.into_iter().collect();
            let result = decrypt(&keys, &mutated);
            if &mutated != original {
                assert!(result.is_err(), "mutation verified: {mutated}");
            }
        }
        // Pure garbage of many shapes.
        for len in 0..300 {
            let s: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            assert!(decrypt(&keys, &s).is_err());
        }
    }

    #[test]
    fn debug_redacts_key_material() {
        let key = basic_key();
        let shown = format!("{key:?}");
        assert!(shown.contains(key.kid()));
        let bytes = key.key_bytes();
        assert!(!shown.contains(&hex(&bytes)));
        assert!(!shown.contains(&hex(&bytes[..32])));
        assert!(!shown.contains(&hex(&bytes[32..])));
        assert!(!shown.contains(&B64.encode(bytes)));
        assert!(!shown.contains(&B64.encode(&bytes[..32])));
        assert!(!shown.contains(&format!("{:?}", &bytes[..8])));
        assert!(!shown.contains("mac"));
        assert!(!shown.contains("enc_key"));
    }

    #[test]
    fn error_display() {
        assert_eq!(
            JweError::NoMatchingSecret.to_string(),
            "no matching decryption secret"
        );
        assert_eq!(
            JweError::DecryptionFailed.to_string(),
            "decryption operation failed"
        );
        let e: Box<dyn std::error::Error> = Box::new(JweError::Malformed);
        assert_eq!(e.to_string(), "malformed JWE");
    }

    #[test]
    fn b64_len_helper() {
        for n in 0..100 {
            assert_eq!(b64_len(n), B64.encode(vec![0u8; n]).len());
            assert!(b64_decoded_max(b64_len(n)) >= n);
        }
    }
}
