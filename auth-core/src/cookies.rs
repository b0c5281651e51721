//! Cookie names, options and serialisation (Auth.js `lib/utils/cookie.ts`), request cookie
//! parsing, and the chunking of large session cookies.

use std::collections::HashMap;

use http::{HeaderMap, header::COOKIE};
use percent_encoding::percent_decode_str;

use crate::{clock::HttpDate, encoding::encode_component};

/// Browsers accept about 4096 bytes per cookie; Auth.js keeps 160 for the name and attributes.
pub const CHUNK_SIZE: usize = 4096 - 160;

/// The `SameSite` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax` (Auth.js's default for every cookie).
    Lax,
    /// `SameSite=None` (needs `Secure`).
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            Self::Strict => "Strict",
            Self::Lax => "Lax",
            Self::None => "None",
        }
    }
}

/// The attributes of one cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieOptions {
    /// `HttpOnly` (default true).
    pub http_only: bool,
    /// `SameSite` (default Lax).
    pub same_site: SameSite,
    /// `Path` (default `/`).
    pub path: String,
    /// `Secure` (default: whether secure cookies are in use).
    pub secure: bool,
    /// `Domain` (default none: host-only).
    pub domain: Option<String>,
    /// `Max-Age` in seconds written with the cookie, if any.
    pub max_age: Option<i64>,
}

/// A cookie's name and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSpec {
    /// The cookie name.
    pub name: String,
    /// Its attributes.
    pub options: CookieOptions,
}

/// The cookies Auth.js uses, each of which can be renamed or given other options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CookieKind {
    /// `authjs.session-token` (chunked as `.0`, `.1`, … when large).
    SessionToken,
    /// `authjs.callback-url`.
    CallbackUrl,
    /// `authjs.csrf-token` (`__Host-` prefixed when secure).
    CsrfToken,
    /// `authjs.pkce.code_verifier`.
    PkceCodeVerifier,
    /// `authjs.state`.
    State,
    /// `authjs.nonce`.
    Nonce,
    /// `authjs.challenge`.
    WebauthnChallenge,
}

impl CookieKind {
    const ALL: [CookieKind; 7] = [
        Self::SessionToken,
        Self::CallbackUrl,
        Self::CsrfToken,
        Self::PkceCodeVerifier,
        Self::State,
        Self::Nonce,
        Self::WebauthnChallenge,
    ];

    fn default_spec(self, secure: bool) -> CookieSpec {
        let prefix = if secure { "__Secure-" } else { "" };
        let (name, max_age) = match self {
            Self::SessionToken => (format!("{prefix}authjs.session-token"), None),
            Self::CallbackUrl => (format!("{prefix}authjs.callback-url"), None),
            Self::CsrfToken => (
                format!("{}authjs.csrf-token", if secure { "__Host-" } else { "" }),
                None,
            ),
            Self::PkceCodeVerifier => (format!("{prefix}authjs.pkce.code_verifier"), Some(900)),
            Self::State => (format!("{prefix}authjs.state"), Some(900)),
            Self::Nonce => (format!("{prefix}authjs.nonce"), None),
            Self::WebauthnChallenge => (format!("{prefix}authjs.challenge"), Some(900)),
        };
        CookieSpec {
            name,
            options: CookieOptions {
                http_only: true,
                same_site: SameSite::Lax,
                path: "/".to_owned(),
                secure,
                domain: None,
                max_age,
            },
        }
    }
}

/// A user's override of one cookie: every field left `None` keeps Auth.js's default
/// (a deep merge, like Auth.js's `cookies` option).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CookieOverride {
    /// Another name.
    pub name: Option<String>,
    /// `HttpOnly`.
    pub http_only: Option<bool>,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: Option<bool>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Max-Age` in seconds.
    pub max_age: Option<i64>,
}

/// The resolved cookie table for one scheme (secure or not), computed once at build.
#[derive(Debug, Clone)]
pub struct CookieTable {
    specs: [CookieSpec; 7],
}

impl CookieTable {
    pub(crate) fn new(secure: bool, overrides: &HashMap<CookieKind, CookieOverride>) -> Self {
        let specs = CookieKind::ALL.map(|kind| {
            let mut spec = kind.default_spec(secure);
            if let Some(o) = overrides.get(&kind) {
                if let Some(name) = &o.name {
                    spec.name.clone_from(name);
                }
                let opts = &mut spec.options;
                opts.http_only = o.http_only.unwrap_or(opts.http_only);
                opts.same_site = o.same_site.unwrap_or(opts.same_site);
                opts.secure = o.secure.unwrap_or(opts.secure);
                if let Some(path) = &o.path {
                    opts.path.clone_from(path);
                }
                if o.domain.is_some() {
                    opts.domain.clone_from(&o.domain);
                }
                if o.max_age.is_some() {
                    opts.max_age = o.max_age;
                }
            }
            spec
        });
        Self { specs }
    }

    /// The name and options of one cookie.
    pub fn get(&self, kind: CookieKind) -> &CookieSpec {
        let index = CookieKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_default();
        &self.specs[index]
    }
}

/// One `Set-Cookie` to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Cookie name.
    pub name: String,
    /// Cookie value, unencoded.
    pub value: String,
    /// Attributes.
    pub options: CookieOptions,
    /// `Expires`, in milliseconds since the epoch.
    pub expires: Option<i64>,
}

impl SetCookie {
    /// A cookie with `spec`'s name and options.
    pub(crate) fn new(spec: &CookieSpec, value: impl Into<String>) -> Self {
        Self {
            name: spec.name.clone(),
            value: value.into(),
            options: spec.options.clone(),
            expires: None,
        }
    }

    /// The removal of cookie `name` (empty value, `Max-Age=0`), with `spec`'s options.
    pub(crate) fn removal(name: &str, spec: &CookieSpec) -> Self {
        let mut cookie = Self::new(spec, "");
        cookie.name = name.to_owned();
        cookie.options.max_age = Some(0);
        cookie
    }

    /// Serialises in Auth.js's attribute order.
    pub fn to_header_value(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::with_capacity(self.name.len() + self.value.len() + 96);
        out.push_str(&self.name);
        out.push('=');
        out.push_str(&encode_component(&self.value));
        let o = &self.options;
        if let Some(max_age) = o.max_age {
            let _ = write!(out, "; Max-Age={max_age}");
        }
        if let Some(domain) = &o.domain {
            let _ = write!(out, "; Domain={domain}");
        }
        let _ = write!(out, "; Path={}", o.path);
        if let Some(expires) = self.expires {
            let _ = write!(out, "; Expires={}", HttpDate(expires));
        }
        if o.http_only {
            out.push_str("; HttpOnly");
        }
        if o.secure {
            out.push_str("; Secure");
        }
        let _ = write!(out, "; SameSite={}", o.same_site.as_str());
        out
    }
}

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
        for (name, chunk) in names.into_iter().zip(chunks) {
            let mut cookie = SetCookie::new(spec, chunk);
            cookie.name = name;
            cookie.expires = Some(expires);
            out.push(cookie);
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
fn split_chunks(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut size = 0;
    for (i, ch) in value.char_indices() {
        let encoded = if ch.is_ascii_alphanumeric() || "-_.!~*'()".contains(ch) {
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

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn table(secure: bool) -> CookieTable {
        CookieTable::new(secure, &HashMap::new())
    }

    #[test]
    fn names_follow_the_scheme() {
        assert_eq!(
            table(true).get(CookieKind::SessionToken).name,
            "__Secure-authjs.session-token"
        );
        assert_eq!(
            table(true).get(CookieKind::CsrfToken).name,
            "__Host-authjs.csrf-token"
        );
        assert_eq!(
            table(false).get(CookieKind::CsrfToken).name,
            "authjs.csrf-token"
        );
        assert_eq!(
            table(false).get(CookieKind::State).options.max_age,
            Some(900)
        );
    }

    #[test]
    fn overrides_merge_field_by_field() {
        let mut overrides = HashMap::new();
        overrides.insert(
            CookieKind::SessionToken,
            CookieOverride {
                name: Some("my-session".into()),
                same_site: Some(SameSite::Strict),
                ..Default::default()
            },
        );
        let t = CookieTable::new(true, &overrides);
        let spec = t.get(CookieKind::SessionToken);
        assert_eq!(spec.name, "my-session");
        assert_eq!(spec.options.same_site, SameSite::Strict);
        assert!(spec.options.secure && spec.options.http_only);
    }

    #[test]
    fn serialises_like_auth_js() {
        let spec = table(false).get(CookieKind::CsrfToken).clone();
        let c = SetCookie::new(&spec, "abc|def");
        assert_eq!(
            c.to_header_value(),
            "authjs.csrf-token=abc%7Cdef; Path=/; HttpOnly; SameSite=Lax"
        );
        let spec = table(true).get(CookieKind::PkceCodeVerifier).clone();
        let mut c = SetCookie::new(&spec, "x");
        c.expires = Some(1_798_348_095_666);
        assert_eq!(
            c.to_header_value(),
            "__Secure-authjs.pkce.code_verifier=x; Max-Age=900; Path=/; Expires=Sun, 27 Dec 2026 05:08:15 GMT; HttpOnly; Secure; SameSite=Lax"
        );
        assert_eq!(
            encode_component("http://a.b/c?d=e f"),
            "http%3A%2F%2Fa.b%2Fc%3Fd%3De%20f"
        );
    }

    fn cookies(header: &str) -> RequestCookies {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_str(header).expect("header"));
        RequestCookies::from_headers(&h)
    }

    #[test]
    fn parses_first_wins_and_decodes() {
        let c = cookies("a=1; b=x%7Cy; a=2; c=%E0%A4%A; =v; junk");
        assert_eq!(c.get("a"), Some("1"));
        assert_eq!(c.get("b"), Some("x|y"));
        assert_eq!(c.get("c"), Some("%E0%A4%A"));
    }

    #[test]
    fn several_cookie_headers_are_joined() {
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("a=1"));
        h.append(COOKIE, HeaderValue::from_static("b=2"));
        let c = RequestCookies::from_headers(&h);
        assert_eq!((c.get("a"), c.get("b")), (Some("1"), Some("2")));
    }

    #[test]
    fn chunks_join_in_numeric_order_and_win_over_bare() {
        let name = "authjs.session-token";
        let c = cookies(&format!(
            "{name}.10=K; {name}.2=C; {name}=stale; {name}.0=A; {name}.1=B; {name}-other=Z"
        ));
        let s = SessionCookies::read(&c, name);
        assert_eq!(s.token(), "ABCK");
    }

    #[test]
    fn writing_clears_stale_chunks() {
        let spec = table(false).get(CookieKind::SessionToken).clone();
        let name = spec.name.clone();
        let big = "x".repeat(CHUNK_SIZE * 2 + 5);
        let none = SessionCookies::read(&cookies("other=1"), &name);
        let written = none.write(&spec, &big, 0);
        let names: Vec<_> = written.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                format!("{name}.0"),
                format!("{name}.1"),
                format!("{name}.2")
            ]
        );
        assert_eq!(written[0].value.len(), CHUNK_SIZE);
        assert_eq!(written[2].value.len(), 5);

        let chunked = SessionCookies::read(&cookies(&format!("{name}.0=a; {name}.1=b")), &name);
        let small = chunked.write(&spec, "small", 0);
        let summary: Vec<_> = small
            .iter()
            .map(|c| (c.name.as_str(), c.value.as_str(), c.options.max_age))
            .collect();
        assert_eq!(
            summary,
            [
                (format!("{name}.0").as_str(), "", Some(0)),
                (format!("{name}.1").as_str(), "", Some(0)),
                (name.as_str(), "small", None),
            ]
        );
    }

    #[test]
    fn chunks_never_split_a_character_and_respect_encoded_size() {
        let value = "é".repeat(CHUNK_SIZE);
        for chunk in split_chunks(&value) {
            assert!(encode_component(chunk).len() <= CHUNK_SIZE);
        }
        assert_eq!(split_chunks(&value).concat(), value);
        assert!(split_chunks("").is_empty());
    }
}
