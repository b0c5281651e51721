//! Cookie names, options and serialisation (Auth.js `lib/utils/cookie.ts`), request cookie
//! parsing, and the chunking of large session cookies.
//!
//! This file holds the cookie table (names and options, overrides merged); `set_cookie.rs` the
//! cookies sent and their serialisation, `request.rs` the parsing of a request's cookies,
//! `chunks.rs` the reading and writing of a session cookie in chunks.

mod chunks;
mod request;
mod set_cookie;

use std::{collections::HashMap, time::Duration};

use crate::clock::whole_secs;

pub(crate) use chunks::SessionCookies;
pub(crate) use request::RequestCookies;
pub use set_cookie::SetCookie;

/// Browsers accept about 4096 bytes per cookie; Auth.js keeps 160 for the name and attributes.
pub(crate) const CHUNK_SIZE: usize = 4096 - 160;

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
pub(crate) struct CookieSpec {
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
    /// `Max-Age` (written in whole seconds).
    pub max_age: Option<Duration>,
}

/// The resolved cookie table for one scheme (secure or not), computed once at build.
#[derive(Debug, Clone)]
pub(crate) struct CookieTable {
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
                if let Some(max_age) = o.max_age {
                    opts.max_age = Some(whole_secs(max_age));
                }
            }
            spec
        });
        Self { specs }
    }

    /// The name and options of one cookie.
    pub(crate) fn get(&self, kind: CookieKind) -> &CookieSpec {
        let index = CookieKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or_default();
        &self.specs[index]
    }
}

#[cfg(test)]
mod tests;
