//! Route gates (Auth.js's `authorized` callback in its middleware): a rule decides from the
//! request and its optional session whether a route answers, and [`Gate::check`] turns the
//! decision into the answer, the same on every framework.
//!
//! - The Auth.js routes (under the base path) and the configured custom pages are never gated
//!   (no redirect loop).
//! - Refused: an anonymous browser (its `Accept` contains `text/html`) is sent with `303` to
//!   the sign-in page, with `callbackUrl` set to the public URL it asked for; any other
//!   anonymous caller gets `401` `{"error":"Unauthorized"}`; a signed-in user `403`
//!   `{"error":"Forbidden"}`.
//! - The session is kept alive as next-auth's middleware does ([`Auth::keep_alive`]: the work
//!   of `GET /auth/session`), and every answer, the route's own included, carries its
//!   `Set-Cookie` headers ([`Pass::apply`]).
//!
//! Each framework crate wraps a [`Gate`] in its own idiom (a layer, a middleware, a request
//! guard) and only converts types.
//!
//! ```
//! use auth_core::{Auth, gate::{Decision, Gate}};
//!
//! fn admins_only(auth: Auth) -> Gate {
//!     Gate::new(auth).authorized(|request| match request.session {
//!         Some(session) => {
//!             let email = session.user.as_ref().and_then(|u| u.email.as_deref());
//!             Decision::from(email == Some("alice@example.com"))
//!         }
//!         None => Decision::Deny,
//!     })
//! }
//! ```

use std::{fmt, sync::Arc};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, Uri, header};

use crate::{
    Auth, KeptAlive, Session,
    integration::{forbidden, path_and_query},
};

/// What a rule decides for one request.
#[non_exhaustive]
pub enum Decision {
    /// The route answers.
    Allow,
    /// Refused: sign-in redirect or `401` without a session, `403` with one.
    Deny,
    /// `303 See Other` to this URL (absolute, or a path on this origin).
    Redirect(String),
    /// This answer instead of the route's.
    Respond(Response<Bytes>),
}

impl From<bool> for Decision {
    /// `true` allows, `false` denies (Auth.js's `authorized` returning a boolean).
    fn from(allowed: bool) -> Self {
        if allowed { Self::Allow } else { Self::Deny }
    }
}

impl fmt::Debug for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Allow => f.write_str("Allow"),
            Self::Deny => f.write_str("Deny"),
            Self::Redirect(url) => f.debug_tuple("Redirect").field(url).finish(),
            Self::Respond(response) => f.debug_tuple("Respond").field(&response.status()).finish(),
        }
    }
}

/// What a rule sees: the request (method, the URI as the client asked for it, headers) and
/// its session, if any. Build one with [`new`](Self::new) to unit-test a rule.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct GateRequest<'a> {
    /// The request method.
    pub method: &'a Method,
    /// The request URI, before any prefix was stripped by nesting.
    pub uri: &'a Uri,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The session, as `GET /auth/session` gives it.
    pub session: Option<&'a Session>,
}

impl<'a> GateRequest<'a> {
    /// A request for a rule.
    pub fn new(
        method: &'a Method,
        uri: &'a Uri,
        headers: &'a HeaderMap,
        session: Option<&'a Session>,
    ) -> Self {
        Self {
            method,
            uri,
            headers,
            session,
        }
    }

    /// The request path.
    pub fn path(&self) -> &'a str {
        self.uri.path()
    }

    /// The signed-in user's email, if there is a session with one.
    pub fn email(&self) -> Option<&'a str> {
        self.session?.user.as_ref()?.email.as_deref()
    }
}

/// A gate's rule: a closure from the request to a [`Decision`] (or a `bool`).
type Rule = dyn Fn(&GateRequest<'_>) -> Decision + Send + Sync;

/// A route gate: an [`Auth`] and a rule (default: signed-in users only).
#[derive(Clone)]
pub struct Gate {
    auth: Auth,
    rule: Arc<Rule>,
    keep_alive: bool,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gate")
            .field("auth", &self.auth)
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

/// The gate of a route that requires a session, as the framework crates' `RequireSession`:
/// signed-in users only, and the session only read ([`Auth::session`]), not kept alive.
impl From<Auth> for Gate {
    fn from(auth: Auth) -> Self {
        Gate::new(auth).keep_alive(false)
    }
}

/// What [`Gate::check`] decided.
#[derive(Debug)]
pub enum Gated {
    /// The route answers; [`Pass::apply`] its response.
    Pass(Pass),
    /// The gate answers instead of the route (its cookies included).
    Answer(Response<Bytes>),
}

/// A request the gate let through: its session, and the cookies the route's answer must carry.
#[derive(Debug, Clone, Default)]
pub struct Pass {
    /// The session, if any (framework crates hand it to their `AuthSession` extractor).
    pub session: Option<Session>,
    cookies: Vec<HeaderValue>,
}

impl Pass {
    /// Appends the gate's `Set-Cookie` headers to the route's answer.
    pub fn apply(&self, headers: &mut HeaderMap) {
        for cookie in &self.cookies {
            headers.append(header::SET_COOKIE, cookie.clone());
        }
    }

    /// The `Set-Cookie` header values, for a framework with header types of its own.
    pub fn set_cookies(&self) -> impl Iterator<Item = &HeaderValue> {
        self.cookies.iter()
    }
}

impl Gate {
    /// A gate that lets signed-in users through and keeps their session alive.
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            rule: Arc::new(|request| Decision::from(request.session.is_some())),
            keep_alive: true,
        }
    }

    /// The rule (Auth.js's `authorized` callback): `Allow`, `Deny`, `Redirect` or a custom
    /// answer, or a `bool`.
    #[must_use]
    pub fn authorized<D: Into<Decision>>(
        mut self,
        rule: impl Fn(&GateRequest<'_>) -> D + Send + Sync + 'static,
    ) -> Self {
        self.rule = Arc::new(move |request| rule(request).into());
        self
    }

    /// Whether the gate re-issues the session cookie and extends database sessions (the
    /// default), or only reads the session.
    #[must_use]
    pub fn keep_alive(mut self, on: bool) -> Self {
        self.keep_alive = on;
        self
    }

    /// The gate's [`Auth`].
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// Whether the path is never gated: an Auth.js route or a configured custom page.
    pub fn is_exempt(&self, path: &str) -> bool {
        self.auth.is_auth_path(path) || self.auth.custom_page_paths().any(|page| page == path)
    }

    /// Decides one request: `uri` is the one the client asked for (before any prefix was
    /// stripped by nesting).
    pub async fn check(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> Gated {
        if self.is_exempt(uri.path()) {
            return Gated::Pass(Pass::default());
        }
        let kept = if self.keep_alive {
            self.auth.keep_alive(headers).await
        } else {
            KeptAlive {
                session: self.auth.session(headers).await,
                cookies: Vec::new(),
            }
        };
        let cookies: Vec<HeaderValue> = kept
            .cookies
            .iter()
            .filter_map(|c| HeaderValue::from_str(&c.to_header_value()).ok())
            .collect();
        let session = kept.session;
        let request = GateRequest::new(method, uri, headers, session.as_ref());
        let mut response = match (self.rule)(&request) {
            Decision::Allow => return Gated::Pass(Pass { session, cookies }),
            Decision::Deny if session.is_none() => {
                self.auth.unauthenticated(headers, &path_and_query(uri))
            }
            Decision::Deny => forbidden(),
            Decision::Redirect(url) => redirect(&url),
            Decision::Respond(response) => response,
        };
        Pass { session, cookies }.apply(response.headers_mut());
        Gated::Answer(response)
    }
}

/// `303` to `url`; one that is no header value becomes `500`.
fn redirect(url: &str) -> Response<Bytes> {
    let mut response = Response::new(Bytes::new());
    match HeaderValue::from_str(url) {
        Ok(location) => {
            *response.status_mut() = StatusCode::SEE_OTHER;
            response.headers_mut().insert(header::LOCATION, location);
        }
        Err(_) => *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR,
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthConfig, Pages, integration::header_map};

    fn auth() -> Auth {
        AuthConfig::new()
            .secret("gate-test-secret")
            .url("http://127.0.0.1:3000/auth")
            .pages(Pages {
                sign_in: Some("/login".into()),
                ..Pages::default()
            })
            .build()
            .expect("config")
    }

    fn run(gate: &Gate, path: &'static str, accept: &str) -> Gated {
        let headers = header_map([("accept", accept), ("host", "127.0.0.1:3000")]);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(gate.check(&Method::GET, &Uri::from_static(path), &headers))
    }

    fn answer(gated: Gated) -> Response<Bytes> {
        match gated {
            Gated::Answer(response) => response,
            Gated::Pass(_) => panic!("passed"),
        }
    }

    #[test]
    fn anonymous_browsers_sign_in_and_api_callers_get_401() {
        let gate = Gate::new(auth());
        let response = answer(run(&gate, "/admin?a=b", "text/html"));
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers()[header::LOCATION],
            "http://127.0.0.1:3000/login?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fadmin%3Fa%3Db"
        );
        let response = answer(run(&gate, "/admin", "application/json"));
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn auth_routes_and_custom_pages_are_exempt() {
        let gate = Gate::new(auth()).authorized(|_| false);
        for path in ["/auth/signin", "/auth/session", "/login"] {
            assert!(
                matches!(run(&gate, path, "text/html"), Gated::Pass(_)),
                "{path}"
            );
        }
        assert!(matches!(
            run(&gate, "/authx", "text/html"),
            Gated::Answer(_)
        ));
    }

    #[test]
    fn rules_redirect_or_answer() {
        let gate = Gate::new(auth()).authorized(|r| {
            if r.path() == "/old" {
                Decision::Redirect("/new".into())
            } else {
                let mut response = Response::new(Bytes::from_static(b"teapot"));
                *response.status_mut() = StatusCode::IM_A_TEAPOT;
                Decision::Respond(response)
            }
        });
        let response = answer(run(&gate, "/old", "*/*"));
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/new");
        let response = answer(run(&gate, "/tea", "*/*"));
        assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
        let public = Gate::new(auth()).authorized(|_| true);
        assert!(matches!(run(&public, "/x", "*/*"), Gated::Pass(p) if p.session.is_none()));
        assert!(format!("{:?}", Decision::from(false)).contains("Deny"));
    }

    #[test]
    fn signed_in_users_refused_get_403() {
        let response = forbidden();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert_eq!(&response.body()[..], br#"{"error":"Forbidden"}"#);
        assert_eq!(
            redirect("/a\nb").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
