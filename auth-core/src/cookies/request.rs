//! [`RequestCookies`]: the cookies a request carries.

use std::fmt;

use http::{HeaderMap, header::COOKIE};

use crate::encoding::push_decoded;

/// The cookies of a request, in order; the first occurrence of a name wins.
///
/// Every `Cookie` header's text is kept in one buffer and the pairs are ranges into it (the
/// percent-decoded values in a second buffer), so parsing costs a few allocations per request
/// rather than two per cookie.
#[derive(Clone, Default)]
pub(crate) struct RequestCookies {
    /// The `Cookie` headers' text, one after the other.
    text: String,
    /// The values that were percent-decoded.
    decoded: String,
    pairs: Vec<Pair>,
}

/// One cookie: byte ranges of its name in `text` and of its value in `text` or `decoded`.
#[derive(Clone, Copy)]
struct Pair {
    name: (usize, usize),
    value: (usize, usize),
    value_decoded: bool,
}

/// Where `inner`, a slice of `outer`, starts in it.
fn offset(outer: &str, inner: &str) -> usize {
    inner.as_ptr() as usize - outer.as_ptr() as usize
}

impl RequestCookies {
    /// Parses every `Cookie` header (HTTP/2 may send several), like Auth.js's parser:
    /// pairs split on `;`, name and value split at the first `=`, values percent-decoded when
    /// they contain `%` (kept raw when that fails).
    pub(crate) fn from_headers(headers: &HeaderMap) -> Self {
        let all = headers.get_all(COOKIE);
        let mut text = String::with_capacity(all.iter().map(|h| h.len() + 1).sum());
        for header in all {
            // A `;` between headers keeps a pair from running into the next header's first.
            if !text.is_empty() {
                text.push(';');
            }
            // Checking is quicker than the lossy conversion, which only invalid text needs.
            match std::str::from_utf8(header.as_bytes()) {
                Ok(valid) => text.push_str(valid),
                Err(_) => text.push_str(&String::from_utf8_lossy(header.as_bytes())),
            }
        }
        let mut pairs = Vec::with_capacity(8);
        let mut decoded = Vec::new();
        for part in text.split(';') {
            let Some((name, value)) = part.split_once('=') else {
                continue;
            };
            let name = name.trim_matches([' ', '\t']);
            if name.is_empty() {
                continue;
            }
            let mut value = value.trim_matches([' ', '\t']);
            if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
                value = &value[1..value.len() - 1];
            }
            let name_at = offset(&text, name);
            let mut pair = Pair {
                name: (name_at, name_at + name.len()),
                value: (offset(&text, value), offset(&text, value) + value.len()),
                value_decoded: false,
            };
            if value.as_bytes().contains(&b'%') {
                let start = decoded.len();
                // Decoding never lengthens a value: one allocation for the first, none after.
                decoded.reserve(value.len());
                push_decoded(&mut decoded, value);
                if std::str::from_utf8(&decoded[start..]).is_ok() {
                    pair.value = (start, decoded.len());
                    pair.value_decoded = true;
                } else {
                    decoded.truncate(start);
                }
            }
            pairs.push(pair);
        }
        // Every piece of `decoded` was checked to be UTF-8 on its own.
        let decoded = String::from_utf8(decoded).unwrap_or_default();
        Self {
            text,
            decoded,
            pairs,
        }
    }

    fn name(&self, pair: &Pair) -> &str {
        &self.text[pair.name.0..pair.name.1]
    }

    fn value(&self, pair: &Pair) -> &str {
        let source = if pair.value_decoded {
            &self.decoded
        } else {
            &self.text
        };
        &source[pair.value.0..pair.value.1]
    }

    /// The value of the first cookie called `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|p| self.name(p) == name)
            .map(|p| self.value(p))
    }

    /// All cookies, in request order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|p| (self.name(p), self.value(p)))
    }
}

impl fmt::Debug for RequestCookies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestCookies")
            .field("pairs", &self.iter().collect::<Vec<_>>())
            .finish()
    }
}
