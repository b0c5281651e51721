//! The session cookie, split into chunks `.0`, `.1`, … when it is too large for one cookie.

use super::{CHUNK_SIZE, CookieSpec, RequestCookies, SetCookie};
use crate::logger::{Log, WarningCode};

/// Chunk indexes from this one on are ignored: a session needs a handful of ~4 KB chunks (a
/// browser keeps about 180 KB of cookies per site), so `name.64` and above are never read,
/// joined or cleared. This bounds the work per request and the `Set-Cookie` headers per answer.
pub(crate) const MAX_CHUNKS: u32 = 64;

/// The session cookie as the request carried it: one cookie or chunks `.0`, `.1`, ….
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionCookies {
    /// Every session cookie name present in the request (bare or a chunk below
    /// [`MAX_CHUNKS`]), once each, in request order: at most `MAX_CHUNKS + 1` names.
    present: Vec<String>,
    /// The joined token; empty when absent.
    token: String,
}

/// The chunk index of a cookie name's rest after the session name: `""` is the bare cookie
/// (`Some(None)`), `.N` a chunk with `N` in canonical decimal (no sign, no leading zero) below
/// [`MAX_CHUNKS`]; anything else is not a session cookie (`None`).
fn chunk_index(rest: &str) -> Option<Option<u32>> {
    if rest.is_empty() {
        return Some(None);
    }
    let digits = rest.strip_prefix('.')?;
    let canonical = !digits.is_empty()
        && digits.len() <= 2
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if !canonical {
        return None;
    }
    let n: u32 = digits.parse().ok()?;
    (n < MAX_CHUNKS).then_some(Some(n))
}

impl SessionCookies {
    /// Reads the session token from `cookies`, in one pass (linear in the number of cookies).
    /// Numbered chunks win over a bare cookie and are joined in numeric order; the first
    /// occurrence of a name wins.
    pub(crate) fn read(cookies: &RequestCookies, name: &str) -> Self {
        let mut present = Vec::new();
        let mut bare: Option<Option<&str>> = None;
        let mut chunks: [Option<&str>; MAX_CHUNKS as usize] = [None; MAX_CHUNKS as usize];
        let mut seen: u64 = 0;
        for (cookie, value) in cookies.iter() {
            let Some(index) = cookie.strip_prefix(name).and_then(chunk_index) else {
                continue;
            };
            let value = (!value.is_empty()).then_some(value);
            match index {
                None if bare.is_none() => bare = Some(value),
                Some(n) if seen & (1 << n) == 0 => {
                    seen |= 1 << n;
                    chunks[n as usize] = value;
                }
                _ => continue,
            }
            present.push(cookie.to_owned());
        }
        let token = if chunks.iter().any(Option::is_some) {
            chunks.iter().flatten().copied().collect()
        } else {
            bare.flatten().unwrap_or_default().to_owned()
        };
        Self { present, token }
    }

    /// The session token; empty when there is none.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Cookies that write `value` as the session: the new chunks, plus the removal of every
    /// session cookie of the request that the new set does not overwrite.
    pub(crate) fn write(
        &self,
        spec: &CookieSpec,
        value: &str,
        expires: i64,
        log: &Log,
    ) -> Vec<SetCookie> {
        let chunks = split_chunks(value);
        let names: Vec<String> = if chunks.len() == 1 {
            vec![spec.name.clone()]
        } else {
            (0..chunks.len())
                .map(|i| format!("{}.{i}", spec.name))
                .collect()
        };
        let mut out: Vec<SetCookie> = self
            .present
            .iter()
            .filter(|p| !names.contains(p))
            .map(|p| SetCookie::removal(p, spec))
            .collect();
        if chunks.len() > 1 {
            log.debug(
                "CHUNKING_SESSION_COOKIE",
                || serde_json::json!({"valueSize": value.len(), "chunks": chunks.len()}),
            );
        }
        if chunks.len() > MAX_CHUNKS as usize {
            log.warn(
                WarningCode::SessionTooLarge,
                &format!(
                    "the session cookie needs {} chunks, more than are read back: the session is \
                     too large",
                    chunks.len()
                ),
            );
        }
        out.reserve(names.len());
        for (name, chunk) in names.into_iter().zip(chunks) {
            out.push(SetCookie {
                name,
                value: chunk.to_owned(),
                options: spec.options.clone(),
                expires: Some(expires),
            });
        }
        out
    }

    /// Cookies that remove every session cookie of the request.
    pub(crate) fn clear(&self, spec: &CookieSpec) -> Vec<SetCookie> {
        self.present
            .iter()
            .map(|p| SetCookie::removal(p, spec))
            .collect()
    }
}

/// Splits `value` into pieces whose encoded size stays within [`CHUNK_SIZE`] bytes, never inside
/// a character. An empty value gives no piece.
pub(super) fn split_chunks(value: &str) -> Vec<&str> {
    // No character encodes to more than three bytes per byte of UTF-8: a value of up to a
    // third of a chunk (every session JWT without a large profile) is one piece.
    if value.len().saturating_mul(3) <= CHUNK_SIZE {
        return if value.is_empty() {
            Vec::new()
        } else {
            vec![value]
        };
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, ch) in value.char_indices() {
        let encoded = if u8::try_from(ch).is_ok_and(crate::encoding::is_unreserved) {
            1
        } else {
            3 * ch.len_utf8()
        };
        if size + encoded > CHUNK_SIZE {
            out.push(&value[start..i]);
            start = i;
            size = 0;
        }
        size += encoded;
    }
    if start < value.len() {
        out.push(&value[start..]);
    }
    out
}
