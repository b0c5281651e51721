#![doc = include_str!("../README.md")]

use std::{
    convert::Infallible,
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use auth_core::{
    Auth, Session,
    gate::{Gate, Gated},
    integration::{self, base_path_tails},
    resolver::{AuthResolver, AuthSource},
};
use axum::{
    Router,
    body::Body,
    extract::{FromRequestParts, OptionalFromRequestParts, OriginalUri, Request, State},
    http::{StatusCode, Uri, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::any,
};
use tower_layer::Layer;
use tower_service::Service;

/// The Auth.js routes (`<base path>/{*action}`, GET and POST) as a router to merge, answered
/// by one [`Auth`] or by the `Auth` an [`AuthResolver`] chooses per request.
///
/// A router cannot tell where it will be nested, and inside `Router::nest("/api", …)` it only
/// sees the path after `/api`. So the routes are also mounted at every shorter tail of the
/// base path (`/auth/{*action}` for `/api/auth`); a request is served only when its full path
/// (`OriginalUri`) is under the base path, and is `404` otherwise, as if unrouted.
pub fn routes<S>(auth: impl Into<AuthSource>) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    let auth = auth.into();
    let mut router = Router::new();
    for tail in base_path_tails(auth.base_path()) {
        // The bare base path too: the core answers it `400`, as Auth.js does.
        for path in [
            format!("{tail}/{{*action}}"),
            format!("{tail}/"),
            tail.to_owned(),
        ] {
            router = router.route(&path, any(handle));
        }
    }
    router.with_state(auth)
}

/// Hands a request to the core. Inside `Router::nest` axum strips the prefix from the URI;
/// the core needs the original one.
async fn handle(State(auth): State<AuthSource>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    parts.uri = original_uri(&parts).clone();
    if !auth.is_auth_path(parts.uri.path()) {
        // Matched through a tail of the base path, but not nested where that tail would fit.
        return StatusCode::NOT_FOUND.into_response();
    }
    let request = Request::from_parts(parts, body);
    auth.handle(request).await.map(Body::from)
}

/// Adds Auth.js to a router.
pub trait AuthRouterExt {
    /// Merges the Auth.js routes and makes the request's [`Auth`] available to the extractors
    /// (and as `Extension<Auth>`) of every route added before this call (so call it last).
    ///
    /// Given an [`AuthResolver`], each request gets the `Auth` of its tenant, and a request of
    /// no tenant is answered `400 "Bad request."`.
    #[must_use]
    fn with_auth(self, auth: impl Into<AuthSource>) -> Self;
}

impl<S> AuthRouterExt for Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    fn with_auth(self, auth: impl Into<AuthSource>) -> Self {
        let source = auth.into();
        let router = self.merge(routes(source.clone()));
        match source {
            AuthSource::One(auth) => router.layer(axum::Extension(auth)),
            AuthSource::PerRequest(resolver) => {
                router.layer(axum::middleware::from_fn_with_state(resolver, with_tenant))
            }
        }
    }
}

/// Puts the request's `Auth` into its extensions, or answers `400` for no tenant.
async fn with_tenant(
    State(resolver): State<AuthResolver>,
    mut request: Request,
    next: Next,
) -> Response {
    match resolver.resolve(request.headers(), request.uri()) {
        Some(auth) => {
            request.extensions_mut().insert(auth);
            next.run(request).await
        }
        None => AuthSource::no_tenant().map(Body::from),
    }
}

/// The session of the request.
///
/// As `AuthSession`, the route requires a signed-in user: a browser (one that accepts
/// `text/html`) is redirected to the sign-in page with `callbackUrl` set to the page it asked
/// for, and anything else gets `401`. As `Option<AuthSession>`, a missing session is `None`.
#[derive(Debug, Clone)]
pub struct AuthSession(pub Session);

impl<S: Send + Sync> FromRequestParts<S> for AuthSession {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<AuthSession>() {
            return Ok(session.clone());
        }
        auth_of(parts)?
            .session_or_rejection(&parts.headers, original_uri(parts))
            .await
            .map(Self)
            .map_err(SessionRejection)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for AuthSession {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<AuthSession>() {
            return Ok(Some(session.clone()));
        }
        Ok(auth_of(parts)?.session(&parts.headers).await.map(Self))
    }
}

fn auth_of(parts: &Parts) -> Result<Auth, SessionRejection> {
    parts.extensions.get::<Auth>().cloned().ok_or_else(|| {
        tracing::error!(target: "auth_axum", "AuthSession used on a route without `with_auth`");
        SessionRejection(integration::SessionRejection::NotConfigured)
    })
}

/// The URI the client asked for (before any `Router::nest` stripped a prefix).
fn original_uri(parts: &Parts) -> &Uri {
    parts
        .extensions
        .get::<OriginalUri>()
        .map_or(&parts.uri, |OriginalUri(original)| original)
}

/// Why a route that needs a session refused the request (the core's
/// [`SessionRejection`](integration::SessionRejection)), as an axum rejection.
#[derive(Debug, Clone)]
pub struct SessionRejection(pub integration::SessionRejection);

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        self.0.to_response().map(Body::from)
    }
}

/// A route gate as a layer (the core's [`Gate`]: a rule from the request and its session
/// to allow, deny, redirect or answer): anonymous browsers are redirected to sign in, API
/// callers get `401`, refused signed-in users `403`; the session is handed on to the
/// [`AuthSession`] extractor and, with [`Gate::new`], kept alive (its `Set-Cookie` headers
/// are added to the route's answer).
///
/// ```
/// # use auth_axum::AuthGate;
/// # use auth_core::{Auth, gate::Gate};
/// # use axum::{Router, routing::get};
/// # fn app(auth: Auth) -> Router {
/// let admins = Gate::new(auth).authorized(|r| r.email() == Some("alice@example.com"));
/// Router::new()
///     .route("/admin", get(|| async { "admins only" }))
///     .route_layer(AuthGate::new(admins))
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AuthGate {
    gate: Gate,
}

/// Only signed-in users (`RequireSession::new(auth)`): the gate of [`Gate::from`] an
/// [`Auth`], which reads the session without re-issuing it.
pub type RequireSession = AuthGate;

impl AuthGate {
    /// Protects routes with `gate` (or, given an [`Auth`], with its sessions only).
    pub fn new(gate: impl Into<Gate>) -> Self {
        Self { gate: gate.into() }
    }
}

impl<S> Layer<S> for AuthGate {
    type Service = AuthGateService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AuthGateService {
            gate: self.gate.clone(),
            inner,
        }
    }
}

/// The service of [`AuthGate`].
#[derive(Debug, Clone)]
pub struct AuthGateService<S> {
    gate: Gate,
    inner: S,
}

impl<S> Service<Request> for AuthGateService<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let gate = self.gate.clone();
        // The clone that was made ready must serve this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let uri = original_uri(&parts);
            match gate.check(&parts.method, uri, &parts.headers).await {
                Gated::Pass(pass) => {
                    if let Some(session) = pass.session.clone() {
                        parts.extensions.insert(AuthSession(session));
                    }
                    parts.extensions.insert(gate.auth().clone());
                    let mut response = inner.call(Request::from_parts(parts, body)).await?;
                    pass.apply(response.headers_mut());
                    Ok(response)
                }
                Gated::Answer(answer) => Ok(answer.map(Body::from)),
            }
        })
    }
}

/// The answer of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]) as an axum response, with every `Set-Cookie`: `303` to where it
/// leads ([`ServerAction::to_response`](auth_core::ServerAction::to_response)), or to the error page ([`Auth::action_response`]).
///
/// ```
/// # use auth_axum::ActionResponse;
/// # use auth_core::Auth;
/// # use axum::{Extension, http::HeaderMap};
/// async fn logout(Extension(auth): Extension<Auth>, headers: HeaderMap) -> ActionResponse {
///     let signed_out = auth.sign_out(&headers, Some("/")).await;
///     ActionResponse(auth.action_response(&headers, signed_out))
/// }
/// ```
#[derive(Debug)]
pub struct ActionResponse(pub http::Response<axum::body::Bytes>);

impl IntoResponse for ActionResponse {
    fn into_response(self) -> Response {
        self.0.map(Body::from)
    }
}
