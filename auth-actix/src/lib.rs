//! [actix-web](https://docs.rs/actix-web) integration of the Rust port of Auth.js.
//!
//! All logic lives in [`auth_core`]; this crate mounts the Auth.js routes ([`configure`]),
//! gives handlers the session through the [`AuthSession`] extractor, and protects routes with
//! the [`RequireSession`] middleware.
//!
//! ```no_run
//! use actix_web::{App, HttpResponse, HttpServer, web};
//! use auth_actix::{AuthSession, RequireSession};
//! use auth_core::{AuthConfig, User, providers::{CredentialInput, CredentialsProvider}};
//!
//! async fn dashboard(AuthSession(session): AuthSession) -> HttpResponse {
//!     HttpResponse::Ok().body(format!("Hello {:?}", session.user.and_then(|u| u.name)))
//! }
//!
//! async fn home(session: Option<AuthSession>) -> HttpResponse {
//!     HttpResponse::Ok().body(if session.is_some() { "signed in" } else { "anonymous" })
//! }
//!
//! # async fn run() -> std::io::Result<()> {
//! let auth = AuthConfig::new()
//!     .env_defaults() // AUTH_SECRET, AUTH_URL, AUTH_TRUST_HOST, …
//!     .provider(
//!         CredentialsProvider::new()
//!             .field("username", CredentialInput::text("Username"))
//!             .field("password", CredentialInput::password("Password"))
//!             .authorize(|c| async move {
//!                 let ok = c.get("username") == Some("alice") && c.get("password") == Some("wonderland");
//!                 Ok(ok.then(|| User::new("1").name("Alice")))
//!             }),
//!     )
//!     .build()
//!     .expect("valid configuration");
//!
//! HttpServer::new(move || {
//!     App::new()
//!         // The Auth.js routes under /auth, and `web::Data<Auth>` for the extractors.
//!         .configure(auth_actix::configure(auth.clone()))
//!         // Only signed-in users: browsers are sent to the sign-in page, API callers get 401.
//!         .service(
//!             web::resource("/dashboard")
//!                 .wrap(RequireSession::new(auth.clone()))
//!                 .route(web::get().to(dashboard)),
//!         )
//!         // Anyone; the session if there is one.
//!         .route("/", web::get().to(home))
//! })
//! .bind(("127.0.0.1", 3000))?
//! .run()
//! .await
//! # }
//! ```
//!
//! # Where the `Auth` lives
//!
//! [`configure`] registers the [`Auth`] as application data, `web::Data<Auth>`: the
//! extractors find it there, and handlers may take `web::Data<Auth>` themselves to use the
//! application API ([`Auth::sign_in`], [`Auth::sign_out`], …). Call `configure` on the `App`
//! (not inside a `web::scope`): actix hands handlers the full path, so the base path is the
//! whole one (`/api/auth`, not `/auth` inside a `/api` scope).
//!
//! # Request bodies
//!
//! The routes read at most [`Auth::max_body_bytes`] (plus one byte) of a body and hand it to
//! the core, which answers `413` itself; actix's `PayloadConfig` is not involved, so the limit
//! is set in one place, [`AuthConfig::max_body_bytes`](auth_core::AuthConfig::max_body_bytes).

use std::{
    fmt,
    future::{Future, Ready, poll_fn, ready},
    pin::Pin,
    rc::Rc,
    task::{Context, Poll},
};

use actix_web::{
    FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError,
    body::EitherBody,
    dev::{Payload, Service, ServiceRequest, ServiceResponse, Transform, forward_ready},
    http::StatusCode,
    web,
};
use auth_core::{Auth, Session, SessionRequired};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::{HeaderMap, HeaderValue, header};
use http_body::Frame;
use http_body_util::Full;

/// Mounts the Auth.js routes and registers `auth` as `web::Data<Auth>` for the extractors:
/// `App::new().configure(auth_actix::configure(auth))`.
pub fn configure(auth: Auth) -> impl FnOnce(&mut web::ServiceConfig) {
    move |config| {
        config.app_data(web::Data::new(auth.clone()));
        config.service(routes(auth));
    }
}

/// The Auth.js routes alone: a scope at the base path whose every request (any method, any
/// sub-path) goes to [`Auth::handle`]. [`configure`] mounts it; use this to wrap the scope
/// with middleware of your own.
pub fn routes(auth: Auth) -> actix_web::Scope {
    let base_path = auth.base_path().to_owned();
    web::scope(&base_path)
        .app_data(web::Data::new(auth))
        .default_service(web::to(handle))
}

/// Hands a request to the core: the full URI (a `scope` does not strip it), every header
/// (each value of repeated ones), and the body.
async fn handle(
    auth: web::Data<Auth>,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let body = match read_body(payload, auth.max_body_bytes()).await {
        Ok(bytes) => ReadBody::Complete(Full::new(bytes)),
        Err(error) => ReadBody::Failed(Some(error)),
    };
    let response = auth.handle(to_http_request(&request, body)).await;
    to_actix_response(response)
}

/// Reads the body, stopping once it is over `limit`: what was read then is over the core's
/// limit too, and the core answers `413` itself.
async fn read_body(mut payload: web::Payload, limit: usize) -> Result<Bytes, std::io::Error> {
    let mut body = BytesMut::new();
    while let Some(chunk) = poll_fn(|cx| Pin::new(&mut payload).poll_next(cx)).await {
        let chunk = chunk.map_err(|e| std::io::Error::other(e.to_string()))?;
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            break;
        }
    }
    Ok(body.freeze())
}

/// The body the core reads: the bytes actix read, or the error that stopped the read (which
/// the core answers with `400`).
enum ReadBody {
    Complete(Full<Bytes>),
    Failed(Option<std::io::Error>),
}

impl http_body::Body for ReadBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Self::Complete(full) => Pin::new(full)
                .poll_frame(cx)
                .map_err(|never| match never {}),
            Self::Failed(error) => Poll::Ready(error.take().map(Err)),
        }
    }
}

/// The request as the core takes it, with actix's `http` 0.2 types converted by name and bytes.
fn to_http_request<B>(request: &HttpRequest, body: B) -> http::Request<B> {
    let mut converted = http::Request::new(body);
    *converted.method_mut() =
        http::Method::from_bytes(request.method().as_str().as_bytes()).unwrap_or(http::Method::GET);
    // An actix URI always parses as an `http` 1 one; if it did not, `/` is no action (400).
    *converted.uri_mut() = request
        .uri()
        .to_string()
        .parse()
        .unwrap_or_else(|_| http::Uri::from_static("/"));
    *converted.headers_mut() = headers_of(request);
    converted
}

/// Every request header (each value of a repeated header) as an `http` 1 `HeaderMap`.
fn headers_of(request: &HttpRequest) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            headers.append(name, value);
        }
    }
    headers
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
            let auth = auth_of(&request)?;
            let headers = headers_of(&request);
            match auth.session(&headers).await {
                Some(session) => Ok(Self(session)),
                None => Err(unauthenticated(
                    &auth,
                    &headers,
                    &path_and_query(request.uri()),
                )),
            }
        })
    }
}

fn auth_of(request: &HttpRequest) -> Result<Auth, SessionRejection> {
    request
        .app_data::<web::Data<Auth>>()
        .map(|auth| auth.get_ref().clone())
        .ok_or_else(|| {
            tracing::error!(target: "auth_actix", "AuthSession used in an app without `auth_actix::configure`");
            SessionRejection::NotConfigured
        })
}

/// Why a route that needs a session refused the request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SessionRejection {
    /// A browser without a session: `303` to the sign-in page (carrying `callbackUrl`).
    SignInRedirect(HeaderValue),
    /// An API caller without a session: `401` with `{"error":"Unauthorized"}`.
    Unauthorized,
    /// The app has no `web::Data<Auth>` (`configure` was not applied): a programming error,
    /// `500`.
    NotConfigured,
}

impl fmt::Display for SessionRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SignInRedirect(_) => "no session: sign in first",
            Self::Unauthorized => "no session",
            Self::NotConfigured => "auth is not configured on this app",
        })
    }
}

impl ResponseError for SessionRejection {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignInRedirect(_) => StatusCode::SEE_OTHER,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::NotConfigured => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignInRedirect(location) => HttpResponse::SeeOther()
                .append_header(("location", location.as_bytes()))
                .finish(),
            Self::Unauthorized => HttpResponse::Unauthorized()
                .append_header(("content-type", "application/json"))
                .body(r#"{"error":"Unauthorized"}"#),
            Self::NotConfigured => {
                HttpResponse::InternalServerError().body("auth is not configured on this app")
            }
        }
    }
}

/// The path and query the client asked for. Only the path and query: an absolute-form request
/// target (`GET http://host/path`) carries the origin too, which is added from the `Host` as for
/// any request.
fn path_and_query(uri: &actix_web::http::Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |pq| pq.as_str().to_owned())
}

/// The answer to a request that needs a session and has none (the rule lives in the core).
fn unauthenticated(auth: &Auth, headers: &HeaderMap, path_and_query: &str) -> SessionRejection {
    match auth.session_required(headers, path_and_query) {
        SessionRequired::SignIn(url) => HeaderValue::from_str(&url).map_or(
            SessionRejection::Unauthorized,
            SessionRejection::SignInRedirect,
        ),
        _ => SessionRejection::Unauthorized,
    }
}

/// Middleware that lets only signed-in users through (browsers are redirected to sign in, API
/// callers get `401`), and hands the session on to the [`AuthSession`] extractor. Wrap a
/// `web::scope` or `web::resource` with it.
#[derive(Debug, Clone)]
pub struct RequireSession {
    auth: Auth,
}

impl RequireSession {
    /// Protects routes with `auth`'s sessions.
    pub fn new(auth: Auth) -> Self {
        Self { auth }
    }
}

impl<S, B> Transform<S, ServiceRequest> for RequireSession
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequireSessionMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireSessionMiddleware {
            auth: self.auth.clone(),
            service: Rc::new(service),
        }))
    }
}

/// The service of [`RequireSession`].
#[derive(Debug)]
pub struct RequireSessionMiddleware<S> {
    auth: Auth,
    service: Rc<S>,
}

impl<S, B> Service<ServiceRequest> for RequireSessionMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let auth = self.auth.clone();
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            let headers = headers_of(request.request());
            match auth.session(&headers).await {
                Some(session) => {
                    request.extensions_mut().insert(AuthSession(session));
                    let response = service.call(request).await?;
                    Ok(response.map_into_left_body())
                }
                None => {
                    let rejection =
                        unauthenticated(&auth, &headers, &path_and_query(request.uri()));
                    let response = rejection.error_response();
                    Ok(request.into_response(response).map_into_right_body())
                }
            }
        })
    }
}
