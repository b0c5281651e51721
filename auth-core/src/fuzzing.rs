//! Entry points for the fuzz targets of the `auth-fuzz` crate into parsers that are not public
//! API: request routing, query and body parsing, session cookie chunks, origin resolution.
//! Not part of the stable API (hidden from the docs); each function only calls the parser it
//! names, so what the fuzzer finds is a bug of that parser.

use std::collections::HashMap;

use http::{HeaderMap, Uri};

use crate::{
    cookies::{CookieKind, CookieTable, RequestCookies, SessionCookies},
    logger::Log,
    origin::{HostTrust, OriginResolver, parse_trusted_host},
    request,
};

/// The action and provider id that `path` names under `base_path`, as the router reads them.
pub fn parse_action(path: &str, base_path: &str) -> Option<(&'static str, Option<String>)> {
    request::parse_action(path, base_path).map(|(action, id)| (action.as_str(), id))
}

/// The query parameters of `query`, last value winning.
pub fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    request::parse_query(query)
}

/// The body fields by content type; `None` for a body the engine answers 400 to.
pub fn parse_body(headers: &HeaderMap, body: &[u8]) -> Option<usize> {
    request::parse_body(headers, body).ok().map(|map| map.len())
}

/// What the session cookie code makes of a request's cookies.
#[derive(Debug, Clone)]
pub struct SessionChunks {
    /// The joined session token (empty when none).
    pub token: String,
    /// How many `Set-Cookie` headers writing `rewrite` back as the session takes.
    pub write_headers: usize,
    /// How many `Set-Cookie` headers clearing the session takes.
    pub clear_headers: usize,
}

/// Parses the `Cookie` headers, joins the session chunks of the default (non-secure) session
/// cookie name, and counts the headers writing `rewrite` and clearing the session would send.
pub fn session_chunks(headers: &HeaderMap, rewrite: &str) -> SessionChunks {
    let table = CookieTable::new(false, &HashMap::new());
    let spec = table.get(CookieKind::SessionToken);
    let cookies = RequestCookies::from_headers(headers);
    let session = SessionCookies::read(&cookies, &spec.name);
    SessionChunks {
        token: session.token().to_owned(),
        write_headers: session
            .write(spec, rewrite, 0, &Log::new(None, false))
            .len(),
        clear_headers: session.clear(spec).len(),
    }
}

/// Which hosts [`resolve_origin`] trusts, as configured by `trust_host` / `trusted_hosts`.
#[derive(Debug, Clone)]
pub enum Trust {
    /// Neither: loopback only.
    Loopback,
    /// `trust_host(true)`.
    Any,
    /// `trusted_hosts([...])`.
    List(Vec<String>),
}

/// The origin of a request without a configured URL (`Err` with the reason otherwise), read
/// through `proxy_hops` proxies.
pub fn resolve_origin(
    uri: &Uri,
    headers: &HeaderMap,
    trust: &Trust,
    proxy_hops: usize,
) -> Result<String, String> {
    let trust = match trust {
        Trust::Loopback => HostTrust::Loopback,
        Trust::Any => HostTrust::Any,
        Trust::List(list) => {
            HostTrust::List(list.iter().filter_map(|h| parse_trusted_host(h)).collect())
        }
    };
    OriginResolver::new(None, trust, proxy_hops)
        .resolve(uri, headers)
        .map(|origin| origin.url)
        .map_err(|e| format!("{e:?}"))
}

/// Whether `authority` (`host[:port]`) is a loopback host, as the default host trust reads it.
pub fn is_loopback(authority: &str) -> bool {
    crate::origin::is_loopback(authority)
}
