//! The one place that decides a request's public origin (scheme, host and port).
//!
//! - With a configured URL (`AUTH_URL`) the origin is fixed: `Host`, `X-Forwarded-*`,
//!   `Forwarded` and absolute-form request targets are never read.
//! - Without it, and without host trust, only loopback hosts are served (`localhost`,
//!   `127.0.0.0/8`, `[::1]`, any port), from the request target's authority or `Host`;
//!   forwarded headers are ignored. Any other host is refused ([`OriginError::Untrusted`]).
//! - With `trust_host` (Auth.js's `AUTH_TRUST_HOST`), the forwarded headers tell the origin:
//!   `X-Forwarded-Host`/`X-Forwarded-Proto`, else RFC 7239 `Forwarded`, else the request's own
//!   host. Proxies append on the right, so the value used is the right-most one, or the one
//!   `proxy_hops` from the right. A list of trusted hosts (`AUTH_TRUSTED_HOSTS`) limits the
//!   hosts that may result.

use std::{
    borrow::Cow,
    net::{Ipv4Addr, Ipv6Addr},
};

use http::{
    HeaderMap, HeaderName, Uri,
    header::{FORWARDED, HOST},
    uri::Authority,
};

use crate::logger::{Log, WarningCode};

// Named once: a header looked up by its text is parsed on every lookup.
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// A public origin like `https://app.example.com` (no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// `scheme://host[:port]`.
    pub(crate) url: String,
    /// Whether the scheme is `https`.
    pub(crate) https: bool,
}

/// Which hosts a request may name when no URL is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HostTrust {
    /// Only loopback hosts, forwarded headers ignored (the default).
    Loopback,
    /// Any host, forwarded headers read (Auth.js's `trustHost: true`).
    Any,
    /// Forwarded headers read, and the host must be one of these (lower-case `host` or
    /// `host:port`).
    List(Vec<String>),
}

/// Why a request has no origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OriginError {
    /// No usable host (missing, malformed, userinfo, bad port or scheme).
    NoHost,
    /// A well-formed host that the configuration does not trust (shortened for logs).
    Untrusted(String),
}

impl OriginError {
    /// Logs the refusal, saying what to configure (client-caused: `warn`).
    pub(crate) fn log(&self, log: &Log) {
        match self {
            Self::NoHost => log.warn(
                WarningCode::UntrustedHost,
                "UntrustedHost: no usable Host: cannot tell the request's origin",
            ),
            Self::Untrusted(host) => log.warn(
                WarningCode::UntrustedHost,
                &format!(
                    "UntrustedHost: refused a request for the host {host}, which is not trusted; \
                     set AUTH_URL to the public URL (recommended), or behind a proxy that sets \
                     X-Forwarded-Host set AUTH_TRUSTED_HOSTS (or AUTH_TRUST_HOST=true); without \
                     either only localhost, 127.0.0.0/8 and [::1] are served"
                ),
            ),
        }
    }
}

/// Resolves origins as configured.
#[derive(Debug, Clone)]
pub(crate) struct OriginResolver {
    fixed: Option<Origin>,
    trust: HostTrust,
    /// Which forwarded value to use, counted from the right (1 = the right-most).
    proxy_hops: usize,
}

impl OriginResolver {
    pub(crate) fn new(fixed: Option<Origin>, trust: HostTrust, proxy_hops: usize) -> Self {
        Self {
            fixed,
            trust,
            proxy_hops: proxy_hops.max(1),
        }
    }

    /// The origin of a request, or why it has none.
    pub(crate) fn resolve(&self, uri: &Uri, headers: &HeaderMap) -> Result<Origin, OriginError> {
        if let Some(fixed) = &self.fixed {
            return Ok(fixed.clone());
        }
        let own_host = || match uri.authority() {
            Some(a) => Some(a.as_str()),
            None => headers.get(HOST).and_then(|v| v.to_str().ok()),
        };
        let (scheme, host): (Cow<'_, str>, Cow<'_, str>) = match &self.trust {
            HostTrust::Loopback => (
                Cow::Borrowed(uri.scheme_str().unwrap_or("http")),
                Cow::Borrowed(own_host().ok_or(OriginError::NoHost)?),
            ),
            HostTrust::Any | HostTrust::List(_) => {
                let forwarded = self.forwarded(headers);
                let scheme = match forwarded.proto {
                    Some(proto) => Cow::Owned(proto),
                    None => Cow::Borrowed(uri.scheme_str().unwrap_or("http")),
                };
                let host = match forwarded.host {
                    Some(host) => Cow::Owned(host),
                    None => Cow::Borrowed(own_host().ok_or(OriginError::NoHost)?),
                };
                (scheme, host)
            }
        };
        let scheme = if scheme.eq_ignore_ascii_case("https") {
            "https"
        } else if scheme.eq_ignore_ascii_case("http") {
            "http"
        } else {
            return Err(OriginError::NoHost);
        };
        let authority = if is_plain_authority(&host) {
            // What `parsed_authority` would give unchanged, without parsing it.
            host
        } else {
            Cow::Owned(parsed_authority(&host).ok_or(OriginError::NoHost)?)
        };
        if !is_url_host(&authority) {
            return Err(OriginError::NoHost);
        }
        let trusted = match &self.trust {
            HostTrust::Any => true,
            HostTrust::Loopback => is_loopback(&authority),
            HostTrust::List(list) => list.iter().any(|entry| host_matches(entry, &authority)),
        };
        if !trusted {
            return Err(OriginError::Untrusted(shorten(&authority, 100)));
        }
        let mut url = String::with_capacity(scheme.len() + 3 + authority.len());
        url.push_str(scheme);
        url.push_str("://");
        url.push_str(&authority);
        Ok(Origin {
            url,
            https: scheme == "https",
        })
    }

    /// The host and scheme the proxies forwarded: `X-Forwarded-*`, else `Forwarded`.
    fn forwarded(&self, headers: &HeaderMap) -> Forwarded {
        let host = self.pick(headers, &X_FORWARDED_HOST);
        let proto = self.pick(headers, &X_FORWARDED_PROTO);
        if host.is_some() || proto.is_some() {
            return Forwarded { host, proto };
        }
        let elements = list_values(headers, &FORWARDED);
        let Some(element) = elements.get(elements.len().saturating_sub(self.proxy_hops)) else {
            return Forwarded::default();
        };
        let mut out = Forwarded::default();
        for pair in element.split(';') {
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
                .to_owned();
            match name.trim().to_ascii_lowercase().as_str() {
                "host" if !value.is_empty() => out.host = Some(value),
                "proto" if !value.is_empty() => out.proto = Some(value),
                _ => {}
            }
        }
        out
    }

    /// The value of a comma-separated forwarded header `proxy_hops` from the right (the
    /// left-most when there are fewer).
    fn pick(&self, headers: &HeaderMap, name: &HeaderName) -> Option<String> {
        let values = list_values(headers, name);
        values
            .get(values.len().saturating_sub(self.proxy_hops))
            .map(|v| (*v).to_owned())
    }
}

#[derive(Debug, Default)]
struct Forwarded {
    host: Option<String>,
    proto: Option<String>,
}

/// The non-empty, trimmed comma-separated values of every `name` header, in order. A header
/// that is not text makes the whole list unusable (`[]`).
fn list_values<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Vec<&'h str> {
    let mut out = Vec::new();
    for value in headers.get_all(name) {
        let Ok(text) = value.to_str() else {
            return Vec::new();
        };
        out.extend(text.split(',').map(str::trim).filter(|v| !v.is_empty()));
    }
    out
}

/// `host` as an authority, lower-cased; `None` when it is none, or names no origin.
fn parsed_authority(host: &str) -> Option<String> {
    let authority: Authority = host.parse().ok()?;
    // Userinfo has no place in an origin and would let a header smuggle another host. A port
    // that is not a u16 (`host:99999`, `host:`) parses, but names no origin.
    let bad_port = authority.port_u16().is_none() && authority.as_str() != authority.host();
    if authority.as_str().contains('@') || authority.host().is_empty() || bad_port {
        return None;
    }
    Some(authority.as_str().to_ascii_lowercase())
}

/// Whether `host` is a lower-case name or address with an optional `u16` port
/// (`127.0.0.1:3000`, `app.example.com`): an authority [`parsed_authority`] gives back as it
/// is.
fn is_plain_authority(host: &str) -> bool {
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    !name.is_empty()
        && host.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && port.is_none_or(|port| {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u16>().is_ok()
        })
}

/// Whether a lower-case authority names this machine: `localhost`, `127.0.0.0/8`, `[::1]`.
pub(crate) fn is_loopback(authority: &str) -> bool {
    let host = host_part(authority);
    if host == "localhost" {
        return true;
    }
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6.parse::<Ipv6Addr>().is_ok_and(|ip| ip.is_loopback());
    }
    host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether a WHATWG URL parser (browsers, and the `url` crate the redirects use) reads a
/// lower-case authority as written: `http://4294967296` or `http://0x7f.1` are no origin (the
/// number is no IPv4 address, or reads as another one), nor `[0::1]` (which is `[::1]`), nor
/// what the http crate takes for a host but no URL parser does (`s:[]:0`). Plain names and
/// dotted quads need no URL parse.
fn is_url_host(authority: &str) -> bool {
    let (host, port) = match authority.rfind(':') {
        Some(at) if !authority[at..].contains(']') => (&authority[..at], &authority[at + 1..]),
        _ => (authority, ""),
    };
    if host.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if is_plain_host(host) {
        return true;
    }
    url::Url::parse(&format!("http://{host}/")).is_ok_and(|u| u.host_str() == Some(host))
}

/// Whether `url` is `origin` followed by a path (and query) that the WHATWG URL parser keeps as
/// written, under an origin it writes as given (lower-case name or dotted quad, no default or
/// zero-led port). Such a URL is its own parsed-and-serialised form and has `origin`'s origin,
/// so the redirect checks need not parse it; `false` says only "parse to know".
pub(crate) fn is_plain_url_under(url: &str, origin: &str) -> bool {
    url.strip_prefix(origin)
        .is_some_and(|rest| is_plain_path(rest) && is_canonical_origin(origin))
}

/// A path and optional query, starting with one `/`, of characters no URL parser changes or
/// reads specially (no `%`, `\`, `'`, `#`, spaces or controls), without `.` or `..` segments.
pub(crate) fn is_plain_path(rest: &str) -> bool {
    let bytes = rest.as_bytes();
    if bytes.first() != Some(&b'/') || bytes.get(1) == Some(&b'/') {
        return false;
    }
    let path = rest.split_once('?').map_or(rest, |(path, _)| path);
    bytes
        .iter()
        .all(|&b| b.is_ascii_alphanumeric() || b"-._~!$&()*+,;=:@/?".contains(&b))
        && !path
            .split('/')
            .any(|segment| segment == "." || segment == "..")
}

/// Whether a WHATWG URL parser writes `origin` (`scheme://host[:port]`) exactly as given.
pub(crate) fn is_canonical_origin(origin: &str) -> bool {
    let (authority, default_port) = if let Some(a) = origin.strip_prefix("http://") {
        (a, 80)
    } else if let Some(a) = origin.strip_prefix("https://") {
        (a, 443)
    } else {
        return false;
    };
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let port_ok = port.is_none_or(|port| {
        !port.starts_with('0')
            && port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u16>().is_ok_and(|p| p != default_port)
    });
    port_ok && is_plain_host(host)
}

/// Whether the WHATWG URL parser writes `host` (no port) as given, told from its text alone:
/// lower-case labels, none empty and none `xn--` (punycode the parser checks), the last one no
/// number; or a canonical dotted quad. `false` says only "parse to know".
fn is_plain_host(host: &str) -> bool {
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with("xn--")
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        });
    let last = host.rsplit('.').next().unwrap_or_default();
    // A last label that is a number makes the host an IPv4 address, which the parser rewrites
    // unless it is the canonical dotted quad: four decimal parts, none over 255, no leading
    // zero, the only form the standard library reads.
    let name = !last.bytes().all(|b| b.is_ascii_digit()) && !last.starts_with("0x");
    labels_ok && (name || host.parse::<Ipv4Addr>().is_ok())
}

/// The host of an authority without its port (`[::1]:3000` → `[::1]`).
fn host_part(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    authority.split(':').next().unwrap_or(authority)
}

/// Whether a trusted-host entry (`host` for any port, or `host:port`) matches an authority.
fn host_matches(entry: &str, authority: &str) -> bool {
    entry == authority || entry == host_part(authority)
}

/// Normalises a trusted-host entry (`app.example.com`, `app.example.com:8443`, `[::1]:3000`);
/// `None` when it is not a plain host.
pub(crate) fn parse_trusted_host(entry: &str) -> Option<String> {
    let entry = entry.trim();
    let authority: Authority = entry.parse().ok()?;
    let bad_port = authority.port_u16().is_none() && authority.as_str() != authority.host();
    if entry.contains(['@', '/', '*']) || authority.host().is_empty() || bad_port {
        return None;
    }
    Some(entry.to_ascii_lowercase())
}

/// At most `max` characters of `text`, marked with `…` when cut (for echoing client input in
/// logs).
pub(crate) fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Parses a configured public URL into its origin and path.
pub(crate) fn parse_public_url(text: &str) -> Option<(Origin, String)> {
    let url = url::Url::parse(text).ok()?;
    let https = match url.scheme() {
        "https" => true,
        "http" => false,
        _ => return None,
    };
    url.host_str()?;
    let origin = url.origin().ascii_serialization();
    let path = url.path().trim_end_matches('/').to_owned();
    Some((Origin { url: origin, https }, path))
}

#[cfg(test)]
mod tests;
