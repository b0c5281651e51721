//! The session cookie, split into chunks `.0`, `.1`, … when it is too large for one cookie.

use super::{CHUNK_SIZE, CookieSpec, RequestCookies, SetCookie};

/// The session cookie as the request carried it: one cookie or chunks `.0`, `.1`, ….
#[derive(Debug, Clone, Default)]
pub(crate) struct SessionCookies {
    /// Every session cookie name present in the request (bare or numbered), in request order.
    present: Vec<String>,
    /// The joined token; empty when absent.
    token: String,
}

impl SessionCookies {
    /// Reads the session token from `cookies`. Numbered chunks win over a bare cookie and are
    /// joined in numeric order.
    pub(crate) fn read(cookies: &RequestCookies, name: &str) -> Self {
        let mut present = Vec::new();
        let mut bare = None;
        let mut chunks: Vec<(u32, &str)> = Vec::new();
        for (cookie, value) in cookies.iter() {
            let Some(rest) = cookie.strip_prefix(name) else {
                continue;
            };
            let index = if rest.is_empty() {
                None
            } else if let Some(n) = rest.strip_prefix('.').and_then(|n| n.parse::<u32>().ok()) {
                Some(n)
            } else {
                continue;
            };
            if present.iter().any(|p| p == cookie) {
                continue;
            }
            present.push(cookie.to_owned());
            if value.is_empty() {
                continue;
            }
            match index {
                None => bare = Some(value),
                Some(n) => chunks.push((n, value)),
            }
        }
        let token = if chunks.is_empty() {
            bare.unwrap_or_default().to_owned()
        } else {
            chunks.sort_by_key(|(n, _)| *n);
            chunks.iter().map(|(_, v)| *v).collect()
        };
        Self { present, token }
    }

    /// The session token; empty when there is none.
    pub(crate) fn token(&self) -> &str {
        &self.token
    }

    /// Cookies that write `value` as the session: the new chunks, plus the removal of every
    /// session cookie of the request that the new set does not overwrite.
    pub(crate) fn write(&self, spec: &CookieSpec, value: &str, expires: i64) -> Vec<SetCookie> {
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
            tracing::debug!(chunks = chunks.len(), "CHUNKING_SESSION_COOKIE");
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
