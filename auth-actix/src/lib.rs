#![doc = include_str!("../README.md")]

use std::{
    fmt,
    future::{Future, Ready, poll_fn, ready},
    pin::Pin,
    rc::Rc,
};

use actix_web::{
    FromRequest, HttpMessage, HttpRequest, HttpResponse, Responder, ResponseError,
    body::{BoxBody, EitherBody, MessageBody},
    dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    error::PayloadError,
    http::{
        StatusCode,
        header::{self, HeaderValue},
    },
    middleware::Next,
    web,
};
use auth_core::{
    Auth, Session,
    gate::{Gate, Gated},
    integration::{self, BufferedBody, build_request},
    resolver::AuthSource,
};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;

/// Mounts the Auth.js routes and registers `auth` for the extractors:
/// `App::new().configure(auth_actix::configure(auth))`. Given an [`Auth`], it is also
/// `web::Data<Auth>`; given an [`AuthResolver`](auth_core::resolver::AuthResolver), the
/// extractors resolve the `Auth` of each request (wrap the app with [`tenant`] to have it as
/// `web::ReqData<Auth>` and to answer a request of no tenant `400` on every route).
pub fn configure(auth: impl Into<AuthSource>) -> impl FnOnce(&mut web::ServiceConfig) {
    let source = auth.into();
    move |config| {
        if let AuthSource::One(auth) = &source {
            config.app_data(web::Data::new(auth.clone()));
        }
        config.app_data(web::Data::new(source.clone()));
        config.service(routes(source));
    }
}

/// The Auth.js routes alone: a scope at the base path whose every request (any method, any
/// sub-path) goes to [`Auth::handle`] (of the request's `Auth`, or `400` for no tenant).
/// [`configure`] mounts it; use this to wrap the scope with middleware of your own.
pub fn routes(auth: impl Into<AuthSource>) -> actix_web::Scope {
    let source = auth.into();
    web::scope(source.base_path())
        .app_data(web::Data::new(source))
        .default_service(web::to(handle))
}

/// Middleware that puts the request's [`Auth`] into its extensions (`web::ReqData<Auth>`, and
/// for the extractors), or answers a request of no tenant `400 "Bad request."`:
/// `App::new().wrap(from_fn(auth_actix::tenant)).configure(auth_actix::configure(tenants))`.
pub async fn tenant<B: MessageBody>(
    request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    match auth_of(request.request()) {
        Ok(auth) => {
            request.extensions_mut().insert(auth);
            Ok(next.call(request).await?.map_into_left_body())
        }
        Err(rejection) => {
            let response = to_actix_response(rejection.0.to_response());
            Ok(request.into_response(response).map_into_right_body())
        }
    }
}

/// Hands a request to the core: the full URI (a `scope` does not strip it), every header
/// (each value of repeated ones), and the body.
async fn handle(request: HttpRequest, payload: web::Payload) -> HttpResponse {
    let auth = match auth_of(&request) {
        Ok(auth) => auth,
        Err(rejection) => return rejection.error_response(),
    };
    let body = BufferedBody::new(read_body(payload, auth.max_body_bytes()).await);
    let response = auth.handle(to_http_request(&request, body)).await;
    to_actix_response(response)
}

/// Reads the body, stopping once it is over `limit`: what was read then is over the core's
/// limit too, and the core answers `413` itself.
async fn read_body(mut payload: web::Payload, limit: usize) -> Result<Bytes, PayloadError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
        body.extend_from_slice(&chunk?);
        if body.len() > limit {
            break;
        }
    }
    Ok(body.freeze())
}

/// The request as the core takes it, with actix's `http` 0.2 types converted by name and bytes.
fn to_http_request<B>(request: &HttpRequest, body: B) -> http::Request<B> {
    let headers = request.headers().iter();
    build_request(
        request.method().as_str(),
        &request.uri().to_string(),
        headers.map(|(name, value)| (name.as_str(), value.as_bytes())),
        body,
    )
}

/// The core's answer as an actix response, every header appended (each `Set-Cookie` kept).
fn to_actix_response(response: http::Response<Bytes>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        builder.append_header((name.as_str(), value.as_bytes()));
    }
    builder.body(body)
}

/// The session of the request, or why a route that requires one refuses it.
async fn session_of(auth: &Auth, request: &HttpRequest) -> Result<Session, SessionRejection> {
    let request = to_http_request(request, ());
    auth.session_or_rejection(request.headers(), request.uri())
        .await
        .map_err(SessionRejection)
}

/// The session of the request.
///
/// As `AuthSession`, the route requires a signed-in user: a browser (one that accepts
/// `text/html`) is redirected to the sign-in page with `callbackUrl` set to the page it asked
/// for, and anything else gets `401`. As `Option<AuthSession>` (actix's optional extractor), a
/// missing session is `None`.
#[derive(Debug, Clone)]
pub struct AuthSession(pub Session);

impl FromRequest for AuthSession {
    type Error = SessionRejection;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        Box::pin(async move {
            let resolved = request.extensions().get::<AuthSession>().cloned();
            if let Some(session) = resolved {
                return Ok(session);
            }
            session_of(&auth_of(&request)?, &request).await.map(Self)
        })
    }
}

/// The request's `Auth`: the one [`tenant`] resolved, else the one of the `AuthSource` (or
/// the `Auth`) in the app data.
fn auth_of(request: &HttpRequest) -> Result<Auth, SessionRejection> {
    if let Some(auth) = request.extensions().get::<Auth>() {
        return Ok(auth.clone());
    }
    if let Some(source) = request.app_data::<web::Data<AuthSource>>() {
        let http = to_http_request(request, ());
        return source
            .auth_of(http.headers(), http.uri())
            .map_err(SessionRejection);
    }
    let auth = request.app_data::<web::Data<Auth>>().ok_or_else(|| {
        tracing::error!(target: "auth_actix", "AuthSession used in an app without `auth_actix::configure`");
        SessionRejection(integration::SessionRejection::NotConfigured)
    })?;
    Ok(auth.get_ref().clone())
}

/// Why a route that needs a session refused the request (the core's
/// [`SessionRejection`](integration::SessionRejection)), as an actix error.
#[derive(Debug, Clone)]
pub struct SessionRejection(pub integration::SessionRejection);

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl ResponseError for SessionRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status().as_u16()).unwrap_or(StatusCode::UNAUTHORIZED)
    }

    fn error_response(&self) -> HttpResponse {
        to_actix_response(self.0.to_response())
    }
}

/// A route gate as middleware (the core's [`Gate`]: a rule from the request and its session
/// to allow, deny, redirect or answer): anonymous browsers are redirected to sign in, API
/// callers get `401`, refused signed-in users `403`; the session is handed on to the
/// [`AuthSession`] extractor and, with [`Gate::new`], kept alive (its `Set-Cookie` headers
/// are added to the route's answer). Wrap a `web::scope` or `web::resource` with it.
///
/// ```
/// # use auth_actix::AuthGate;
/// # use auth_core::{Auth, gate::Gate};
/// # use actix_web::{App, HttpResponse, web};
/// # fn admin(auth: Auth) {
/// let admins = Gate::new(auth).authorized(|r| r.email() == Some("alice@example.com"));
/// App::new().service(
///     web::resource("/admin")
///         .wrap(AuthGate::new(admins))
///         .route(web::get().to(|| async { HttpResponse::Ok().body("admins only") })),
/// );
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct AuthGate(Gate);

/// Only signed-in users (`RequireSession::new(auth)`): the gate of [`Gate::from`] an
/// [`Auth`], which reads the session without re-issuing it.
pub type RequireSession = AuthGate;

impl AuthGate {
    /// Protects routes with `gate` (or, given an [`Auth`], with its sessions only).
    pub fn new(gate: impl Into<Gate>) -> Self {
        Self(gate.into())
    }
}

impl<S, B> Transform<S, ServiceRequest> for AuthGate
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = AuthGateMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(AuthGateMiddleware {
            gate: self.0.clone(),
            service: Rc::new(service),
        }))
    }
}

/// The service of [`AuthGate`].
#[derive(Debug)]
pub struct AuthGateMiddleware<S> {
    gate: Gate,
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for AuthGateMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let gate = self.gate.clone();
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            let http = to_http_request(request.request(), ());
            let pass = match gate.check(http.method(), http.uri(), http.headers()).await {
                Gated::Pass(pass) => pass,
                Gated::Answer(answer) => {
                    let response = to_actix_response(answer);
                    return Ok(request.into_response(response).map_into_right_body());
                }
            };
            if let Some(session) = pass.session.clone() {
                request.extensions_mut().insert(AuthSession(session));
            }
            let mut response = service.call(request).await?;
            for cookie in pass.set_cookies() {
                if let Ok(value) = HeaderValue::from_bytes(cookie.as_bytes()) {
                    response.headers_mut().append(header::SET_COOKIE, value);
                }
            }
            Ok(response.map_into_left_body())
        })
    }
}

/// The answer of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]) as an actix-web responder, with every `Set-Cookie`: `303` to
/// where it leads ([`ServerAction::to_response`](auth_core::ServerAction::to_response)), or to the error page
/// ([`Auth::action_response`]).
///
/// ```
/// # use auth_actix::ActionResponse;
/// # use auth_core::Auth;
/// # use actix_web::{HttpRequest, web};
/// async fn logout(auth: web::Data<Auth>, request: HttpRequest) -> ActionResponse {
///     let headers = auth_actix::headers(&request);
///     let signed_out = auth.sign_out(&headers, Some("/")).await;
///     ActionResponse(auth.action_response(&headers, signed_out))
/// }
/// ```
#[derive(Debug)]
pub struct ActionResponse(pub http::Response<Bytes>);

impl Responder for ActionResponse {
    type Body = BoxBody;

    fn respond_to(self, _request: &HttpRequest) -> HttpResponse {
        to_actix_response(self.0)
    }
}

/// The request's headers as the core takes them (for the server-side actions).
pub fn headers(request: &HttpRequest) -> http::HeaderMap {
    let headers = request.headers().iter();
    integration::header_map(headers.map(|(name, value)| (name.as_str(), value.as_bytes())))
}
