//! The session as the application reads it: `Auth::session` and `token` (Auth.js's `auth()`),
//! `keep_alive` for route gates, and the answer of a protected route without a session.

use http::{HeaderMap, Uri};

use super::Auth;
use crate::{
    cookies::{RequestCookies, SessionCookies, SetCookie},
    model::{Session, Token},
};

/// What a protected route answers a request without a session ([`Auth::session_required`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionRequired {
    /// Redirect the browser to this sign-in URL (it carries `callbackUrl`).
    SignIn(String),
    /// Answer `401 Unauthorized`.
    Unauthorized,
}

/// The session of a request after the work of `GET /auth/session` ([`Auth::keep_alive`]):
/// the session, if any, and the cookies that keep it alive (the JWT re-issued, a database
/// session's extended expiry) or clear an unusable one.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct KeptAlive {
    /// The session, as `GET /auth/session` gives it.
    pub session: Option<Session>,
    /// Cookies to set on the application's response.
    pub cookies: Vec<SetCookie>,
}

impl Auth {
    /// The session of a request, as `GET /auth/session` would give it, without re-issuing
    /// cookies or extending a database session (Auth.js's `auth()`). Fails closed: any problem
    /// gives `None`.
    pub async fn session(&self, headers: &HeaderMap) -> Option<Session> {
        let (secure, raw) = self.session_token(headers)?;
        let now = self.inner.clock.now_millis();
        self.inner.sessions.peek(secure, &raw, now).await
    }

    /// The decoded JWT of a request's session cookie (after the `jwt` callback), or `None`
    /// (always `None` with database sessions).
    pub async fn token(&self, headers: &HeaderMap) -> Option<Token> {
        let (secure, raw) = self.session_token(headers)?;
        let now = self.inner.clock.now_millis();
        self.inner.sessions.token(secure, &raw, now).await
    }

    /// The session of a request after the same work as `GET /auth/session` (next-auth's
    /// middleware): a JWT is re-issued with a new expiry, a database session extended once
    /// `update_age` has passed, an unusable cookie cleared; the cookies come back to be set on
    /// the application's response. Without a session cookie, a bearer token is read as by
    /// [`session`](Self::session) (nothing to re-issue).
    pub async fn keep_alive(&self, headers: &HeaderMap) -> KeptAlive {
        let Some(secure) = self.is_secure(headers) else {
            return KeptAlive::default();
        };
        let cookies = RequestCookies::from_headers(headers);
        let chunks = SessionCookies::read(&cookies, &self.inner.sessions.cookie(secure).name);
        if chunks.token().is_empty() {
            return KeptAlive {
                session: self.session(headers).await,
                cookies: Vec::new(),
            };
        }
        let presented = crate::session::Presented {
            secure,
            cookies: &chunks,
            now_ms: self.inner.clock.now_millis(),
        };
        let answer = self
            .inner
            .sessions
            .respond(&presented, crate::session::Refresh::Read)
            .await;
        KeptAlive {
            session: answer.session,
            cookies: answer.cookies,
        }
    }

    /// The paths of the configured custom pages on this origin (`pages.sign_in` and the
    /// others that start with `/`), without their query.
    pub fn custom_page_paths(&self) -> impl Iterator<Item = &str> {
        let pages = &self.inner.pages;
        [
            &pages.sign_in,
            &pages.sign_out,
            &pages.error,
            &pages.verify_request,
            &pages.new_user,
        ]
        .into_iter()
        .filter_map(|page| page.as_deref())
        .filter(|page| page.starts_with('/'))
        .map(|page| page.split(['?', '#']).next().unwrap_or(page))
    }

    /// Whether the request is on secure cookies, and its session token (cookie chunks, else a
    /// bearer token).
    fn session_token(&self, headers: &HeaderMap) -> Option<(bool, String)> {
        let secure = self.is_secure(headers)?;
        let name = &self.inner.sessions.cookie(secure).name;
        Some((secure, crate::jwt::read_token(headers, name)?))
    }

    fn is_secure(&self, headers: &HeaderMap) -> Option<bool> {
        let inner = &*self.inner;
        if let Some(secure) = inner.use_secure_cookies {
            return Some(secure);
        }
        let origin = inner.origin.resolve(&Uri::from_static("/"), headers).ok()?;
        Some(origin.https)
    }

    /// What a route that requires a session answers a request without one: a browser (it
    /// accepts `text/html`) goes to the sign-in page and comes back to `path_and_query` on this
    /// origin afterwards; anything else gets `401`. Every framework crate applies this rule.
    pub fn session_required(&self, headers: &HeaderMap, path_and_query: &str) -> SessionRequired {
        let wants_html = headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"));
        if wants_html {
            let back = match self.origin(headers) {
                Some(origin) => format!("{origin}{path_and_query}"),
                None => path_and_query.to_owned(),
            };
            if let Some(url) = self.sign_in_url(headers, &back) {
                return SessionRequired::SignIn(url);
            }
        }
        SessionRequired::Unauthorized
    }

    /// The URL of the sign-in page for a request, with `callback_url` to come back to (added
    /// to a custom page's own query, before its fragment).
    pub fn sign_in_url(&self, headers: &HeaderMap, callback_url: &str) -> Option<String> {
        let origin = self
            .inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .ok()?;
        let page = match &self.inner.pages.sign_in {
            Some(page) if page.starts_with('/') => format!("{}{page}", origin.url),
            Some(page) => page.clone(),
            None => format!("{}{}/signin", origin.url, self.inner.base_path),
        };
        Some(with_callback_url(&page, callback_url))
    }

    /// The public origin of a request (`scheme://host[:port]`), as the core sees it.
    pub fn origin(&self, headers: &HeaderMap) -> Option<String> {
        self.inner
            .origin
            .resolve(&Uri::from_static("/"), headers)
            .ok()
            .map(|o| o.url)
    }
}

/// `page` with `callbackUrl=<callback_url>` added to its query: after `?` when it has none,
/// after `&` when it has one, before any `#fragment`.
fn with_callback_url(page: &str, callback_url: &str) -> String {
    let (base, fragment) = page
        .split_once('#')
        .map_or((page, None), |(b, f)| (b, Some(f)));
    let separator = match base.find('?') {
        None => "?",
        Some(at) if at + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let encoded = crate::encoding::encode_component(callback_url);
    let mut url = format!("{base}{separator}callbackUrl={encoded}");
    if let Some(fragment) = fragment {
        url.push('#');
        url.push_str(fragment);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::with_callback_url;

    #[test]
    fn the_callback_url_joins_the_pages_own_query() {
        assert_eq!(
            with_callback_url("/login", "/a?b=1"),
            "/login?callbackUrl=%2Fa%3Fb%3D1"
        );
        assert_eq!(
            with_callback_url("/login?team=x", "/a"),
            "/login?team=x&callbackUrl=%2Fa"
        );
        assert_eq!(
            with_callback_url("/login?", "/a"),
            "/login?callbackUrl=%2Fa"
        );
        assert_eq!(
            with_callback_url("/login?team=x&", "/a"),
            "/login?team=x&callbackUrl=%2Fa"
        );
        assert_eq!(
            with_callback_url("https://id.example/in?t=1#top", "/a"),
            "https://id.example/in?t=1&callbackUrl=%2Fa#top"
        );
    }
}
