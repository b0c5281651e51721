//! A bounded cache of the session tokens this `Auth` issued or decoded, with their claims.
//!
//! The JWT strategy re-issues the session cookie on every read (Auth.js's sliding expiry), and
//! the browser then presents exactly the token it was last given. Remembering what each issued
//! token carries lets the next read skip the integrity check, the decryption and the parsing,
//! about half the work of `GET /session`; only the time checks run again.
//!
//! A token counts as known only when it is byte for byte one that this `Auth` made or already
//! decrypted, for the same kind of cookie (secure or not), compared in constant time: being
//! equal to an authenticated token is as good as authenticating it. Lookups never insert, so a
//! forged token only ever costs a miss and the full check.
//!
//! The cache is direct-mapped: the slot comes from the token's last characters (its
//! authentication tag, random for every token), each slot has its own lock, and a new token
//! simply replaces the slot's old one. Memory is bounded by the number of slots (each holds one
//! token and its claims, about a kilobyte for a typical session).

use std::{fmt, sync::Mutex};

use crate::{model::Token, secret::constant_time_eq};

/// How many slots the cache has by default (`AuthConfig::jwt_cache_slots`).
pub(crate) const DEFAULT_SLOTS: usize = 1024;

/// How many trailing bytes of a token pick its slot (all inside the base64url tag).
const SLOT_BYTES: usize = 8;

/// Known session tokens and their claims; see the module documentation.
pub(crate) struct TokenCache {
    slots: Box<[Mutex<Option<Entry>>]>,
}

struct Entry {
    secure: bool,
    token: String,
    claims: Token,
}

impl TokenCache {
    /// A cache of `slots` slots; `0` turns it off (every lookup misses).
    pub(crate) fn new(slots: usize) -> Self {
        Self {
            slots: (0..slots).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// Whether the cache has no slots (then nothing is worth copying for it).
    pub(crate) fn is_off(&self) -> bool {
        self.slots.is_empty()
    }

    /// The claims of `token` if it is a token this cache holds for this kind of cookie.
    pub(crate) fn get(&self, secure: bool, token: &str) -> Option<Token> {
        let slot = self.slot(token)?;
        let guard = slot.lock().ok()?;
        let entry = guard.as_ref()?;
        let same =
            entry.secure == secure && constant_time_eq(entry.token.as_bytes(), token.as_bytes());
        same.then(|| entry.claims.clone())
    }

    /// Remembers that `token` (authenticated, for this kind of cookie) carries `claims`.
    pub(crate) fn put(&self, secure: bool, token: &str, claims: Token) {
        let Some(slot) = self.slot(token) else {
            return;
        };
        let Ok(mut guard) = slot.lock() else {
            return;
        };
        match guard.as_mut() {
            // Reuses the slot's buffers: no allocation for the token once the slot has held one
            // as long.
            Some(entry) => {
                entry.secure = secure;
                entry.token.clear();
                entry.token.push_str(token);
                entry.claims = claims;
            }
            None => {
                *guard = Some(Entry {
                    secure,
                    token: token.to_owned(),
                    claims,
                });
            }
        }
    }

    /// The slot of `token`, from its last [`SLOT_BYTES`] bytes (`None` when the cache is off or
    /// the token too short to be one).
    fn slot(&self, token: &str) -> Option<&Mutex<Option<Entry>>> {
        if self.slots.is_empty() || token.len() < SLOT_BYTES {
            return None;
        }
        let tail = &token.as_bytes()[token.len() - SLOT_BYTES..];
        let mut bytes = [0u8; SLOT_BYTES];
        bytes.copy_from_slice(tail);
        // Multiplying spreads every byte over the high bits the index is taken from.
        let mixed = u64::from_le_bytes(bytes).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let len = u64::try_from(self.slots.len()).ok()?;
        let index = usize::try_from((mixed >> 32) % len).ok()?;
        self.slots.get(index)
    }
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the tokens or claims: they are credentials.
        f.debug_struct("TokenCache")
            .field("slots", &self.slots.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(sub: &str) -> Token {
        let mut claims = Token::new();
        claims.insert("sub".into(), sub.into());
        claims
    }

    #[test]
    fn only_the_same_token_for_the_same_cookie_kind_is_known() {
        let cache = TokenCache::new(16);
        let token = "header..iv.ciphertext.tag-abcdefgh";
        cache.put(false, token, claims("42"));
        assert_eq!(cache.get(false, token), Some(claims("42")));
        assert_eq!(
            cache.get(true, token),
            None,
            "a plain cookie's token is not a secure one's"
        );
        assert_eq!(cache.get(false, "header..iv.ciphertexT.tag-abcdefgh"), None);
        assert_eq!(cache.get(false, &token[1..]), None);
    }

    #[test]
    fn a_new_token_in_a_slot_replaces_the_old_one() {
        let cache = TokenCache::new(1);
        cache.put(false, "first-token-12345678", claims("1"));
        cache.put(false, "second-token-1234567", claims("2"));
        assert_eq!(cache.get(false, "first-token-12345678"), None);
        assert_eq!(cache.get(false, "second-token-1234567"), Some(claims("2")));
    }

    #[test]
    fn no_slots_means_no_cache() {
        let cache = TokenCache::new(0);
        assert!(cache.is_off() && !TokenCache::new(1).is_off());
        cache.put(false, "some-token-12345678", claims("1"));
        assert_eq!(cache.get(false, "some-token-12345678"), None);
        assert_eq!(cache.get(false, "short"), None);
    }

    #[test]
    fn debug_shows_no_token() {
        let cache = TokenCache::new(4);
        cache.put(false, "secret-token-value-1", claims("1"));
        let shown = format!("{cache:?}");
        assert!(
            !shown.contains("secret-token") && shown.contains("slots: 4"),
            "{shown}"
        );
    }
}
