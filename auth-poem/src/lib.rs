#![doc = include_str!("../README.md")]

use std::{fmt, io};

use auth_core::{
    Auth, Session,
    gate::{Gate, Gated},
    integration::{self, base_path_tails},
    resolver::AuthSource,
};
use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use poem::{
    Endpoint, FromRequest, IntoResponse, Middleware, Request, RequestBody, Response, Route,
    error::{NotFoundError, ResponseError},
    http::{StatusCode, Uri},
};

/// Adds Auth.js to a route tree.
pub trait AuthRouteExt {
    /// Mounts the [`AuthEndpoint`] at the base path and adds the request's [`Auth`] as data
    /// for the extractors (and `Data<&Auth>`) of every route (so call it last).
    ///
    /// Given an [`AuthResolver`](auth_core::resolver::AuthResolver), each request gets the
    /// `Auth` of its tenant, and a request of no tenant is answered `400 "Bad request."`.
    fn with_auth(self, auth: impl Into<AuthSource>) -> WithAuth<Route>;
}

impl AuthRouteExt for Route {
    /// A route tree cannot tell where it will be nested, and inside `Route::nest("/api", …)` it
    /// only sees the path after `/api`. So the endpoint is also mounted at every shorter tail of
    /// the base path (`/auth` for `/api/auth`); it serves a request only when its full path is
    /// under the base path, and answers `404` otherwise, as if unrouted.
    fn with_auth(self, auth: impl Into<AuthSource>) -> WithAuth<Route> {
        let source = auth.into();
        let endpoint = AuthEndpoint::new(source.clone());
        let mut route = self;
        for tail in base_path_tails(source.base_path()) {
            route = route.nest_no_strip(tail, endpoint.clone());
        }
        WithAuth {
            inner: route,
            source,
        }
    }
}

/// The endpoint of [`AuthRouteExt::with_auth`]: the request's [`Auth`] as data, then `inner`.
#[derive(Debug)]
pub struct WithAuth<E> {
    inner: E,
    source: AuthSource,
}

impl<E: Endpoint> Endpoint for WithAuth<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let Some(auth) = self.source.resolve(request.headers(), full_uri(&request)) else {
            return Ok(to_poem_response(AuthSource::no_tenant()));
        };
        request.set_data(auth);
        self.inner
            .call(request)
            .await
            .map(IntoResponse::into_response)
    }
}

/// The Auth.js routes as one endpoint, to mount at the base path:
/// `route.nest_no_strip(auth.base_path(), AuthEndpoint::new(auth))`. Every method goes to the
/// core; a request whose full path is not under the base path is `404`.
#[derive(Debug, Clone)]
pub struct AuthEndpoint {
    auth: AuthSource,
}

impl AuthEndpoint {
    /// The endpoint answering `auth`'s routes (an [`Auth`], or the one of each request).
    pub fn new(auth: impl Into<AuthSource>) -> Self {
        Self { auth: auth.into() }
    }
}

impl Endpoint for AuthEndpoint {
    type Output = Response;

    async fn call(&self, request: Request) -> poem::Result<Response> {
        let uri = full_uri(&request).clone();
        if !self.auth.is_auth_path(uri.path()) {
            return Err(NotFoundError.into());
        }
        let (parts, body) = request.into_parts();
        let mut converted = http::Request::new(BoxBody::<Bytes, io::Error>::from(body));
        *converted.method_mut() = parts.method;
        *converted.uri_mut() = uri;
        *converted.version_mut() = parts.version;
        *converted.headers_mut() = parts.headers;
        Ok(to_poem_response(self.auth.handle(converted).await))
    }
}

/// The core's answer as a poem response.
fn to_poem_response(response: http::Response<Bytes>) -> Response {
    let (parts, body) = response.into_parts();
    let mut response = Response::builder().status(parts.status).body(body);
    *response.headers_mut() = parts.headers;
    response
}

/// The URI the client asked for. `Route::nest` strips its prefix from `uri()`, so the server's
/// `original_uri()` is the one; but a request made in-process (`Request::builder()`,
/// `poem::test::TestClient`) has `original_uri()` `/`, and then `uri()` is the only one there is.
fn full_uri(request: &Request) -> &Uri {
    let original = request.original_uri();
    if original.path() == "/" && request.uri().path() != "/" {
        request.uri()
    } else {
        original
    }
}

/// The session of the request.
///
/// As `AuthSession`, the route requires a signed-in user: a browser (one that accepts
/// `text/html`) is redirected to the sign-in page with `callbackUrl` set to the page it asked
/// for, and anything else gets `401`. As `Option<AuthSession>` (poem's optional extractor), a
/// missing session is `None`.
#[derive(Debug, Clone)]
pub struct AuthSession(pub Session);

impl<'a> FromRequest<'a> for AuthSession {
    async fn from_request(request: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        if let Some(session) = request.data::<AuthSession>() {
            return Ok(session.clone());
        }
        let Some(auth) = request.data::<Auth>() else {
            tracing::error!(target: "auth_poem", "AuthSession used on a route without `with_auth`");
            return Err(SessionRejection(integration::SessionRejection::NotConfigured).into());
        };
        auth.session_or_rejection(request.headers(), full_uri(request))
            .await
            .map(Self)
            .map_err(|rejection| SessionRejection(rejection).into())
    }
}

/// A route gate as middleware (the core's [`Gate`]: a rule from the request and its session
/// to allow, deny, redirect or answer): anonymous browsers are redirected to sign in, API
/// callers get `401`, refused signed-in users `403`; the session is handed on to the
/// [`AuthSession`] extractor and, with [`Gate::new`], kept alive (its `Set-Cookie` headers
/// are added to the route's answer).
///
/// ```
/// # use auth_poem::AuthGate;
/// # use auth_core::{Auth, gate::Gate};
/// # use poem::{EndpointExt, Route, get, handler};
/// # #[handler] fn admin() -> &'static str { "admins only" }
/// # fn app(auth: Auth) -> Route {
/// let admins = Gate::new(auth).authorized(|r| r.email() == Some("alice@example.com"));
/// Route::new().at("/admin", get(admin).with(AuthGate::new(admins)))
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AuthGate(Gate);

impl AuthGate {
    /// Protects routes with `gate` (or, given an [`Auth`], with its sessions only).
    pub fn new(gate: impl Into<Gate>) -> Self {
        Self(gate.into())
    }
}

/// Only signed-in users (`RequireSession::new(auth)`): the gate of [`Gate::from`] an
/// [`Auth`], which reads the session without re-issuing it.
pub type RequireSession = AuthGate;

impl<E: Endpoint> Middleware<E> for AuthGate {
    type Output = AuthGateEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        AuthGateEndpoint {
            gate: self.0.clone(),
            inner,
        }
    }
}

/// The endpoint of [`AuthGate`].
#[derive(Debug)]
pub struct AuthGateEndpoint<E> {
    gate: Gate,
    inner: E,
}

impl<E: Endpoint> Endpoint for AuthGateEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut request: Request) -> poem::Result<Response> {
        let uri = full_uri(&request).clone();
        let pass = match self
            .gate
            .check(request.method(), &uri, request.headers())
            .await
        {
            Gated::Pass(pass) => pass,
            Gated::Answer(answer) => return Ok(to_poem_response(answer)),
        };
        if let Some(session) = pass.session.clone() {
            request.set_data(AuthSession(session));
        }
        request.set_data(self.gate.auth().clone());
        let mut response = match self.inner.call(request).await {
            Ok(output) => output.into_response(),
            Err(error) => error.into_response(),
        };
        pass.apply(response.headers_mut());
        Ok(response)
    }
}

/// The answer of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]) as a poem response, with every `Set-Cookie`: `303` to where it
/// leads ([`ServerAction::to_response`](auth_core::ServerAction::to_response)), or to the error page ([`Auth::action_response`]).
///
/// ```
/// # use auth_poem::ActionResponse;
/// # use auth_core::Auth;
/// # use poem::{handler, http::HeaderMap, web::Data};
/// #[handler]
/// async fn logout(auth: Data<&Auth>, headers: &HeaderMap) -> ActionResponse {
///     let signed_out = auth.sign_out(headers, Some("/")).await;
///     ActionResponse(auth.action_response(headers, signed_out))
/// }
/// ```
#[derive(Debug)]
pub struct ActionResponse(pub http::Response<Bytes>);

impl IntoResponse for ActionResponse {
    fn into_response(self) -> Response {
        to_poem_response(self.0)
    }
}

/// Why a route that needs a session refused the request (the core's
/// [`SessionRejection`](integration::SessionRejection)), as a poem error.
#[derive(Debug, Clone)]
pub struct SessionRejection(pub integration::SessionRejection);

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for SessionRejection {}

impl ResponseError for SessionRejection {
    fn status(&self) -> StatusCode {
        self.0.status()
    }

    fn as_response(&self) -> Response {
        to_poem_response(self.0.to_response())
    }
}
