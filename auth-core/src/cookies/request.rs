//! [`RequestCookies`]: the cookies a request carries.

use http::{HeaderMap, header::COOKIE};
use percent_encoding::percent_decode_str;

/// The cookies of a request, in order; the first occurrence of a name wins.
#[derive(Debug, Clone, Default)]
pub struct RequestCookies {
    pairs: Vec<(String, String)>,
}

impl RequestCookies {
    /// Parses every `Cookie` header (HTTP/2 may send several), like Auth.js's parser:
    /// pairs split on `;`, name and value split at the first `=`, values percent-decoded when
    /// they contain `%` (kept raw when that fails).
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let mut pairs = Vec::new();
        for header in headers.get_all(COOKIE) {
            let text = String::from_utf8_lossy(header.as_bytes());
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
                let value = if value.contains('%') {
                    percent_decode_str(value)
                        .decode_utf8()
                        .map_or_else(|_| value.to_owned(), |v| v.into_owned())
                } else {
                    value.to_owned()
                };
                pairs.push((name.to_owned(), value));
            }
        }
        Self { pairs }
    }

    /// The value of the first cookie called `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All cookies, in request order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }
}
