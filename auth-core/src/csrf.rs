//! CSRF protection by double-submit cookie (Auth.js `csrf-token.ts`).
//!
//! The cookie holds `token|sha256hex(token + String(secret))`; forms and `GET /csrf` expose the
//! token alone, and a POST is verified when the cookie's hash checks out and the body's
//! `csrfToken` equals the token. Both comparisons are constant-time.

use sha2::{Digest, Sha256};

use crate::{
    random,
    secret::{Secret, constant_time_eq},
};

/// The outcome of reading the CSRF cookie for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CsrfState {
    /// The token to expose in forms and `GET /csrf`.
    pub(crate) token: String,
    /// The cookie value to set, when the request had no valid cookie.
    pub(crate) new_cookie: Option<String>,
    /// Whether the request body carried the token of a valid cookie.
    pub(crate) verified: bool,
}

/// `sha256hex(token + secret)`.
pub(crate) fn hash(token: &str, joined_secret: &Secret) -> String {
    let hex = hash_hex(token, joined_secret);
    // Hex digits are ASCII.
    String::from_utf8_lossy(&hex).into_owned()
}

/// `sha256hex(token + secret)` on the stack (the check of every request's cookie).
fn hash_hex(token: &str, joined_secret: &Secret) -> [u8; 64] {
    let mut hasher = Sha256::new();
    hasher.update(token.as_bytes());
    hasher.update(joined_secret.expose().as_bytes());
    let mut out = [0; 64];
    hex_into(&hasher.finalize(), &mut out);
    out
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes lowercase hex of `bytes` into the start of `out` (twice as long).
fn hex_into(bytes: &[u8], out: &mut [u8]) {
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        pair[0] = DIGITS[usize::from(b >> 4)];
        pair[1] = DIGITS[usize::from(b & 15)];
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    out
}

/// Reads the CSRF cookie (if any) and the submitted token (on POST), minting a new token when
/// the cookie is missing or does not verify.
pub(crate) fn resolve(
    cookie: Option<&str>,
    submitted: Option<&str>,
    is_post: bool,
    joined_secret: &Secret,
) -> CsrfState {
    if let Some((token, cookie_hash)) = cookie.and_then(|c| c.split_once('|')) {
        let expected = hash_hex(token, joined_secret);
        if constant_time_eq(&expected, cookie_hash.as_bytes()) {
            let verified = is_post
                && submitted.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes()));
            return CsrfState {
                token: token.to_owned(),
                new_cookie: None,
                verified,
            };
        }
    }
    let token = hex(&random::bytes::<32>());
    let cookie = format!("{token}|{}", hash(&token, joined_secret));
    CsrfState {
        token,
        new_cookie: Some(cookie),
        verified: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_match_the_spec_vectors() {
        let zeros = "0".repeat(64);
        assert_eq!(
            hash(&zeros, &Secret::new("secret")),
            "fa5790049a353d9796744fa82b1af7f283ee25b2da46e646ece34e4ac7b187cb"
        );
        assert_eq!(
            hash(&zeros, &Secret::new("new,old")),
            "f1acdf77ccc51a84f1ed36d12d51476495ab0860e3520173b9d5dc97bc1caa54"
        );
    }

    #[test]
    fn a_valid_cookie_is_reused_and_verifies_the_matching_token() {
        let secret = Secret::new("secret");
        let fresh = resolve(None, None, false, &secret);
        let cookie = fresh.new_cookie.expect("minted");
        assert_eq!(fresh.token.len(), 64);
        let again = resolve(Some(&cookie), Some(&fresh.token), true, &secret);
        assert_eq!(again.token, fresh.token);
        assert!(again.verified && again.new_cookie.is_none());
        let wrong = resolve(Some(&cookie), Some("nope"), true, &secret);
        assert!(!wrong.verified);
        let get = resolve(Some(&cookie), Some(&fresh.token), false, &secret);
        assert!(!get.verified, "only POSTs verify");
    }

    #[test]
    fn a_cookie_hashed_with_another_secret_is_replaced() {
        let old = resolve(None, None, false, &Secret::new("old"));
        let cookie = old.new_cookie.expect("minted");
        let now = resolve(Some(&cookie), Some(&old.token), true, &Secret::new("new"));
        assert!(!now.verified);
        assert_ne!(now.token, old.token);
        assert!(now.new_cookie.is_some());
        for junk in ["", "|", "abc", "a|b|c"] {
            assert!(!resolve(Some(junk), Some("a"), true, &Secret::new("s")).verified);
        }
    }
}
