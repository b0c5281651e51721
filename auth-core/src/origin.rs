//! The one place that decides a request's public origin (scheme, host and port).
//!
//! Order: the configured URL (`AUTH_URL`); else, only when the host is trusted,
//! `X-Forwarded-Proto`/`X-Forwarded-Host`, then the request's own URI or `Host` header.

use http::{HeaderMap, Uri, header::HOST, uri::Authority};

/// A public origin like `https://app.example.com` (no trailing slash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    /// `scheme://host[:port]`.
    pub(crate) url: String,
    /// Whether the scheme is `https`.
    pub(crate) https: bool,
}

/// Resolves origins as configured.
#[derive(Debug, Clone)]
pub(crate) struct OriginResolver {
    fixed: Option<Origin>,
    trust_host: bool,
}

impl OriginResolver {
    pub(crate) fn new(fixed: Option<Origin>, trust_host: bool) -> Self {
        Self { fixed, trust_host }
    }

    /// The origin of a request; `None` when it cannot be known (no usable host).
    pub(crate) fn resolve(&self, uri: &Uri, headers: &HeaderMap) -> Option<Origin> {
        if let Some(fixed) = &self.fixed {
            return Some(fixed.clone());
        }
        if !self.trust_host {
            return None;
        }
        let forwarded = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let scheme = forwarded("x-forwarded-proto")
            .or(uri.scheme_str())
            .unwrap_or("http")
            .to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let host = match forwarded("x-forwarded-host") {
            Some(h) => h,
            None => match uri.authority() {
                Some(a) => a.as_str(),
                None => headers.get(HOST).and_then(|v| v.to_str().ok())?,
            },
        };
        let authority: Authority = host.parse().ok()?;
        // Userinfo has no place in an origin and would let a header smuggle another host.
        // A port that is not a u16 (`host:99999`, `host:`) parses, but names no origin.
        let bad_port = authority.port_u16().is_none() && authority.as_str() != authority.host();
        if authority.as_str().contains('@') || authority.host().is_empty() || bad_port {
            return None;
        }
        Some(Origin {
            url: format!("{scheme}://{}", authority.as_str().to_ascii_lowercase()),
            https: scheme == "https",
        })
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
mod tests {
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        h
    }

    fn origin(o: Option<Origin>) -> Option<String> {
        o.map(|o| o.url)
    }

    #[test]
    fn trusted_hosts_follow_forwarded_headers() {
        let r = OriginResolver::new(None, true);
        let uri: Uri = "/auth/session".parse().expect("uri");
        let h = headers(&[("host", "127.0.0.1:3000")]);
        assert_eq!(
            origin(r.resolve(&uri, &h)).as_deref(),
            Some("http://127.0.0.1:3000")
        );
        let h = headers(&[
            ("host", "127.0.0.1"),
            ("x-forwarded-host", "example.com, proxy.internal"),
            ("x-forwarded-proto", "https"),
        ]);
        let o = r.resolve(&uri, &h).expect("origin");
        assert_eq!((o.url.as_str(), o.https), ("https://example.com", true));
        assert_eq!(r.resolve(&uri, &HeaderMap::new()), None);
        let h = headers(&[("host", "evil@host")]);
        assert_eq!(r.resolve(&uri, &h), None);
        let h = headers(&[("host", "a"), ("x-forwarded-proto", "gopher")]);
        assert_eq!(r.resolve(&uri, &h), None);
    }

    #[test]
    fn a_configured_url_wins_and_untrusted_hosts_give_nothing() {
        let (fixed, path) = parse_public_url("https://app.example.com/api/auth/").expect("url");
        assert_eq!(path, "/api/auth");
        let r = OriginResolver::new(Some(fixed), false);
        let uri: Uri = "/x".parse().expect("uri");
        let h = headers(&[("host", "evil.test"), ("x-forwarded-host", "evil.test")]);
        assert_eq!(
            origin(r.resolve(&uri, &h)).as_deref(),
            Some("https://app.example.com")
        );
        assert_eq!(OriginResolver::new(None, false).resolve(&uri, &h), None);
    }
}
