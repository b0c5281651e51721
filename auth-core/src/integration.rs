//! What every framework crate (`auth-axum`, `auth-actix`, `auth-rocket`, `auth-poem`) needs
//! around an [`Auth`], written once: the answer of a protected route to a request without a
//! session ([`SessionRejection`], [`Auth::session_or_rejection`], [`Auth::unauthenticated`]),
//! which paths belong to the Auth.js routes ([`Auth::is_auth_path`], [`base_path_tails`]), and
//! the conversions into the core's types ([`path_and_query`], [`build_request`],
//! [`header_map`], [`BufferedBody`]).
//!
//! A framework crate then only converts its own types and offers its idioms (router extension,
//! extractor, middleware, request guard). Everything here is built on `Auth`'s public methods.

use std::{
    fmt,
    pin::Pin,
    task::{Context, Poll},
};

use bytes::Bytes;
use http::{
    HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri,
    header::{self, HeaderName},
};
use http_body::{Body, Frame, SizeHint};

use crate::{Auth, Session, SessionRequired, logger::WarningCode};

/// The error type of a [`BufferedBody`]: whatever stopped the framework's read.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The body of the `401` answer to an API caller without a session.
const UNAUTHORIZED_BODY: &str = r#"{"error":"Unauthorized"}"#;

/// The body of the `403` answer to a refused request.
const FORBIDDEN_BODY: &str = r#"{"error":"Forbidden"}"#;

/// The body of the `500` answer on a route where the framework crate finds no [`Auth`].
const NOT_CONFIGURED_BODY: &str = "auth is not configured on this route";

/// Why a route that needs a session refused the request, and what it answers
/// ([`to_response`](Self::to_response)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionRejection {
    /// A browser without a session: `303` to the sign-in page (carrying `callbackUrl`).
    SignInRedirect(HeaderValue),
    /// An API caller without a session: `401` with `{"error":"Unauthorized"}`.
    Unauthorized,
    /// The framework crate found no [`Auth`] for the route (it was not added to the app): a
    /// programming error, `500`.
    NotConfigured,
    /// The request belongs to no tenant of an [`AuthResolver`](crate::resolver::AuthResolver):
    /// `400 "Bad request."`, as the Auth.js routes answer it.
    NoTenant,
}

impl SessionRejection {
    /// The status of the answer: `303`, `401`, `400` or `500`.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::SignInRedirect(_) => StatusCode::SEE_OTHER,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
            Self::NoTenant => StatusCode::BAD_REQUEST,
        }
    }

    /// The answer: `303` with only `Location`; `401` with `content-type: application/json`
    /// and `{"error":"Unauthorized"}`; `400` `"Bad request."`; `500` with a plain-text
    /// explanation.
    pub fn to_response(&self) -> Response<Bytes> {
        let (name, value, body) = match self {
            Self::NoTenant => return crate::response::bad_request(),
            Self::SignInRedirect(location) => (header::LOCATION, location.clone(), ""),
            Self::Unauthorized => (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
                UNAUTHORIZED_BODY,
            ),
            Self::NotConfigured => (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
                NOT_CONFIGURED_BODY,
            ),
        };
        let mut response = Response::new(Bytes::from_static(body.as_bytes()));
        *response.status_mut() = self.status();
        response.headers_mut().insert(name, value);
        response
    }
}

/// The rule of [`Auth::session_required`] as a rejection: a sign-in URL that is no valid
/// header value (it cannot be sent as `Location`) is answered `401`.
impl From<SessionRequired> for SessionRejection {
    fn from(required: SessionRequired) -> Self {
        match required {
            SessionRequired::SignIn(url) => {
                HeaderValue::from_str(&url).map_or(Self::Unauthorized, Self::SignInRedirect)
            }
            _ => Self::Unauthorized,
        }
    }
}

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignInRedirect(_) => "no session: sign in first",
            Self::Unauthorized => "no session",
            Self::NotConfigured => NOT_CONFIGURED_BODY,
            Self::NoTenant => "the request belongs to no tenant",
        })
    }
}

impl std::error::Error for SessionRejection {}

impl Auth {
    /// The session of a request to a route that requires one, or the route's answer without
    /// it ([`Auth::session`], then the rule of [`Auth::session_required`]). `uri` is the one
    /// the client asked for, before any prefix was stripped by nesting: a browser is sent back
    /// to its path and query after signing in.
    pub async fn session_or_rejection(
        &self,
        headers: &HeaderMap,
        uri: &Uri,
    ) -> Result<Session, SessionRejection> {
        match self.session(headers).await {
            Some(session) => Ok(session),
            None => Err(self.session_required(headers, &path_and_query(uri)).into()),
        }
    }

    /// The answer of a route that requires a session to a request without one: `303` to the
    /// sign-in page (with `callbackUrl` set to this origin and `path_and_query`) for a browser
    /// (its `Accept` contains `text/html`), `401` `{"error":"Unauthorized"}` otherwise.
    pub fn unauthenticated(&self, headers: &HeaderMap, path_and_query: &str) -> Response<Bytes> {
        SessionRejection::from(self.session_required(headers, path_and_query)).to_response()
    }

    /// Whether `path` belongs to the Auth.js routes: the base path itself (answered `400`, as
    /// in Auth.js) or a path under it (the base path followed by `/`; `/authx` is not under
    /// `/auth`).
    pub fn is_auth_path(&self, path: &str) -> bool {
        is_under_base_path(self.base_path(), path)
    }
}

/// `403` with `content-type: application/json` and `{"error":"Forbidden"}`: the answer of a
/// route gate to a refused signed-in user, and of [`Auth::refuse_cross_site`].
pub fn forbidden() -> Response<Bytes> {
    let mut response = Response::new(Bytes::from_static(FORBIDDEN_BODY.as_bytes()));
    *response.status_mut() = StatusCode::FORBIDDEN;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

impl Auth {
    /// Protects an application route that changes state on a form `POST` (a sign-out button,
    /// …) from cross-site requests, as the Auth.js routes are protected by their CSRF token:
    /// `Some(403)` ([`forbidden`]) unless the request comes from this app's own pages.
    ///
    /// A request comes from them when its `Origin` is the public origin ([`Auth::origin`]);
    /// without `Origin`, when `Sec-Fetch-Site` is `same-origin` or `none`; with neither header
    /// (no browser sends a cross-site form without them today: curl, servers) it passes.
    /// `Origin: null` (sandboxed frames, some redirects) is refused.
    pub fn refuse_cross_site(&self, headers: &HeaderMap) -> Option<Response<Bytes>> {
        let text = |name: &str| headers.get(name).map(|v| v.to_str().unwrap_or(""));
        let allowed = match (text("origin"), text("sec-fetch-site")) {
            (Some(origin), _) => self
                .origin(headers)
                .is_some_and(|own| own.eq_ignore_ascii_case(origin.trim())),
            (None, Some(site)) => matches!(site.trim(), "same-origin" | "none"),
            (None, None) => true,
        };
        if allowed {
            return None;
        }
        self.log().warn(
            WarningCode::CrossSite,
            "refusing a cross-site request to an application route",
        );
        Some(forbidden())
    }
}

/// Whether `path` is `base_path` itself or under it (`base_path` followed by `/`).
pub fn is_under_base_path(base_path: &str, path: &str) -> bool {
    path.strip_prefix(base_path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The path and query of a URI (`/p?q`), without the scheme and host of an absolute-form
/// request target (`GET http://host/p?q`): those come from the `Host` as for any request.
pub fn path_and_query(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

/// `/api/auth` → `/api/auth`, `/auth`: the base path without 0, 1, … leading segments.
///
/// A router that cannot tell where it will be nested (axum's, poem's) mounts the Auth.js
/// routes at each of these, and serves a request only when its full path
/// [is under the base path](Auth::is_auth_path).
pub fn base_path_tails(base_path: &str) -> Vec<&str> {
    let mut tails = vec![base_path];
    let mut rest = base_path;
    while let Some(next) = rest
        .get(1..)
        .and_then(|r| r.find('/'))
        .map(|i| &rest[i + 1..])
    {
        tails.push(next);
        rest = next;
    }
    tails
}

/// Every header whose name and value are valid `http` ones, in order (each value of a repeated
/// header kept), from a framework's own header types: name and value as bytes.
pub fn header_map<N, V>(headers: impl IntoIterator<Item = (N, V)>) -> HeaderMap
where
    N: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let headers = headers.into_iter();
    // Sized once: a browser sends a dozen headers, which would otherwise grow the map twice.
    let mut map = HeaderMap::with_capacity(headers.size_hint().0);
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_ref()),
            HeaderValue::from_bytes(value.as_ref()),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// The request as [`Auth::handle`] takes it, from a framework's own request types (another
/// `http` version, or types of its own): the method and URI by their text, the headers as in
/// [`header_map`]. A method that is no valid one becomes `GET`, a URI that does not parse `/`
/// (no action: `400`).
pub fn build_request<B, N, V>(
    method: &str,
    uri: &str,
    headers: impl IntoIterator<Item = (N, V)>,
    body: B,
) -> Request<B>
where
    N: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut request = Request::new(body);
    *request.method_mut() = Method::from_bytes(method.as_bytes()).unwrap_or_default();
    *request.uri_mut() = uri.parse().unwrap_or_else(|_| Uri::from_static("/"));
    *request.headers_mut() = header_map(headers);
    request
}

/// A request body the framework crate has read itself, for [`Auth::handle`]: the bytes, or
/// the error that stopped the read (answered `400`).
///
/// For frameworks whose body cannot reach the core as it is (not `Send`, no `http_body::Body`).
/// They read at most [`Auth::max_body_bytes`] plus one byte: a longer body is then over the
/// core's limit too, and the core answers `413` itself, so the limit lives in one place.
#[derive(Debug)]
pub struct BufferedBody(Option<Result<Bytes, BoxError>>);

impl BufferedBody {
    /// The body of a finished read, e.g. `BufferedBody::new(data.read().await)`.
    pub fn new<B, E>(read: Result<B, E>) -> Self
    where
        B: Into<Bytes>,
        E: Into<BoxError>,
    {
        match read {
            Ok(bytes) => bytes.into().into(),
            Err(error) => Self(Some(Err(error.into()))),
        }
    }
}

impl From<Bytes> for BufferedBody {
    fn from(bytes: Bytes) -> Self {
        Self((!bytes.is_empty()).then_some(Ok(bytes)))
    }
}

impl Body for BufferedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.get_mut().0.take().map(|read| read.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            None => SizeHint::with_exact(0),
            Some(Ok(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            Some(Err(_)) => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AuthConfig;
    use http_body_util::BodyExt;

    fn auth() -> Auth {
        AuthConfig::new()
            .secret("integration-test-secret")
            .url("http://127.0.0.1:3000/auth")
            .build()
            .expect("config")
    }

    fn headers(accept: &str) -> HeaderMap {
        header_map([("accept", accept), ("host", "127.0.0.1:3000")])
    }

    #[test]
    fn base_path_tails_drop_leading_segments() {
        assert_eq!(base_path_tails("/auth"), ["/auth"]);
        assert_eq!(base_path_tails("/api/auth"), ["/api/auth", "/auth"]);
        assert_eq!(
            base_path_tails("/v1/api/auth"),
            ["/v1/api/auth", "/api/auth", "/auth"]
        );
        assert_eq!(base_path_tails(""), [""]);
    }

    #[test]
    fn auth_paths_are_under_the_base_path() {
        let auth = auth();
        assert!(auth.is_auth_path("/auth/session"));
        assert!(auth.is_auth_path("/auth/"));
        assert!(auth.is_auth_path("/auth"));
        assert!(!auth.is_auth_path("/authx/session"));
        assert!(!auth.is_auth_path("/api/auth/session"));
    }

    #[test]
    fn path_and_query_drops_the_origin() {
        let uri = Uri::from_static("http://example.com/a/b?c=d");
        assert_eq!(path_and_query(&uri), "/a/b?c=d");
        assert_eq!(path_and_query(&Uri::from_static("/p")), "/p");
        assert_eq!(path_and_query(&Uri::from_static("*")), "*");
    }

    #[test]
    fn a_browser_is_sent_to_sign_in_and_an_api_caller_gets_401() {
        let auth = auth();
        let response = auth.unauthenticated(&headers("text/html"), "/me?x=1");
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers().len(), 1);
        assert_eq!(
            response.headers()[header::LOCATION],
            "http://127.0.0.1:3000/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fme%3Fx%3D1"
        );
        assert!(response.body().is_empty());

        let response = auth.unauthenticated(&headers("application/json"), "/me");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers().len(), 1);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        assert_eq!(&response.body()[..], br#"{"error":"Unauthorized"}"#);

        let response = SessionRejection::NotConfigured.to_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn cross_site_requests_are_refused() {
        let auth = auth();
        let refused = |pairs: &[(&str, &str)]| {
            let mut all = vec![("host", "127.0.0.1:3000")];
            all.extend_from_slice(pairs);
            auth.refuse_cross_site(&header_map(all.iter().copied()))
                .map(|r| r.status())
        };
        assert_eq!(refused(&[("origin", "http://127.0.0.1:3000")]), None);
        assert_eq!(refused(&[("origin", "HTTP://127.0.0.1:3000")]), None);
        assert_eq!(refused(&[]), None, "no browser: curl, a server");
        assert_eq!(refused(&[("sec-fetch-site", "same-origin")]), None);
        assert_eq!(refused(&[("sec-fetch-site", "none")]), None);
        let forbidden = Some(StatusCode::FORBIDDEN);
        assert_eq!(refused(&[("origin", "https://evil.example")]), forbidden);
        assert_eq!(refused(&[("origin", "http://127.0.0.1:3001")]), forbidden);
        assert_eq!(refused(&[("origin", "null")]), forbidden);
        assert_eq!(refused(&[("sec-fetch-site", "cross-site")]), forbidden);
        assert_eq!(refused(&[("sec-fetch-site", "same-site")]), forbidden);
        // A matching Origin wins over a same-site fetch (a sibling subdomain cannot forge it).
        let pairs = [
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "same-origin"),
        ];
        assert_eq!(refused(&pairs), forbidden);
        let body = auth
            .refuse_cross_site(&header_map([
                ("host", "127.0.0.1:3000"),
                ("origin", "null"),
            ]))
            .map(|r| r.into_body());
        assert_eq!(body.as_deref(), Some(FORBIDDEN_BODY.as_bytes()));
    }

    #[test]
    fn a_sign_in_url_that_is_no_header_value_is_401() {
        let rejection = SessionRejection::from(SessionRequired::SignIn("/a\nb".into()));
        assert_eq!(rejection, SessionRejection::Unauthorized);
    }

    #[test]
    fn requests_are_built_from_text_and_bytes() {
        let request = build_request(
            "POST",
            "/auth/signout?x=1",
            [
                ("cookie", &b"a=1"[..]),
                ("cookie", &b"b=2"[..]),
                ("bad name", &b"x"[..]),
                ("x-bad", &b"\n"[..]),
            ],
            (),
        );
        assert_eq!(request.method(), Method::POST);
        assert_eq!(request.uri(), "/auth/signout?x=1");
        assert_eq!(request.headers().get_all("cookie").iter().count(), 2);
        assert_eq!(request.headers().len(), 2);
        let request = build_request("NOT A METHOD", "not a uri", Vec::<(&str, &str)>::new(), ());
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.uri(), "/");
    }

    #[test]
    fn buffered_bodies_yield_their_bytes_or_their_error() {
        let run = |body: BufferedBody| async move { body.collect().await.map(|c| c.to_bytes()) };
        let runtime = tokio_runtime();
        let bytes = runtime.block_on(run(BufferedBody::new(Ok::<_, BoxError>(b"abc".to_vec()))));
        assert_eq!(bytes.ok().as_deref(), Some(&b"abc"[..]));
        let empty = BufferedBody::from(Bytes::new());
        assert!(empty.is_end_stream());
        let failed = BufferedBody::new(Err::<Bytes, _>(std::io::Error::other("reset")));
        assert!(runtime.block_on(run(failed)).is_err());
    }

    fn tokio_runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
    }

    #[test]
    fn the_session_or_the_rejection() {
        let auth = auth();
        let runtime = tokio_runtime();
        let uri = Uri::from_static("http://127.0.0.1:3000/me");
        let result = runtime.block_on(auth.session_or_rejection(&headers("*/*"), &uri));
        assert_eq!(result.err(), Some(SessionRejection::Unauthorized));
    }
}
