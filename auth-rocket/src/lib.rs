//! [Rocket](https://rocket.rs) integration of the Rust port of Auth.js.
//!
//! All logic lives in [`auth_core`]; this crate mounts the Auth.js routes
//! ([`AuthRocketExt::with_auth`] or [`routes`]) and gives handlers the session through the
//! [`AuthSession`] request guard. Protection is the guard itself: **a route that takes
//! `AuthSession` is protected** (browsers are sent to the sign-in page, API callers get `401`);
//! a route that takes `Option<AuthSession>` is open to everyone.
//!
//! ```no_run
//! use auth_core::{AuthConfig, User, providers::{CredentialInput, CredentialsProvider}};
//! use auth_rocket::{AuthRocketExt, AuthSession};
//!
//! // Only signed-in users: browsers are sent to the sign-in page, API callers get 401.
//! #[rocket::get("/dashboard")]
//! fn dashboard(session: AuthSession) -> String {
//!     format!("Hello {:?}", session.0.user.and_then(|u| u.name))
//! }
//!
//! // Anyone; the session if there is one.
//! #[rocket::get("/")]
//! fn home(session: Option<AuthSession>) -> &'static str {
//!     if session.is_some() { "signed in" } else { "anonymous" }
//! }
//!
//! # async fn run() -> Result<(), rocket::Error> {
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
//! rocket::build()
//!     .mount("/", rocket::routes![home, dashboard])
//!     // Manages the `Auth`, mounts the Auth.js routes under /auth, registers the 401 catcher.
//!     .with_auth(auth)
//!     .launch()
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Where the `Auth` lives
//!
//! In managed state: handlers may take `&State<Auth>` to use the application API
//! ([`Auth::sign_in`], [`Auth::sign_out`], …). The guard answers `500` if no `Auth` is managed.
//!
//! # The `401` catcher
//!
//! A failing guard can only name a status; Rocket then calls the catcher for it. The
//! [`catchers`] (registered at `/` by `with_auth`) turn the guard's rejection into the answer:
//! `303` to the sign-in page for a browser, `401` with `{"error":"Unauthorized"}` otherwise. An
//! app with its own `401` catcher at `/` registers [`routes`] itself and calls
//! [`rejection_of`] from its catcher.
//!
//! # Request bodies
//!
//! The routes read at most Rocket's `auth` limit (`[default.limits] auth = "64 KiB"` in
//! `Rocket.toml`), by default [`Auth::max_body_bytes`], and answer `413` as the core does for a
//! longer body. Only `POST` bodies are read, as the core only reads those.

use std::io::Cursor;

use auth_core::{Auth, Session, SessionRequired};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, header};
use rocket::{
    Build, Catcher, Data, Request, Response, Rocket, Route, catcher,
    data::ByteUnit,
    http::{Method, Status},
    request::{FromRequest, Outcome},
    response::{self, Responder},
    route::{self, Handler},
};

/// Adds Auth.js to a Rocket.
pub trait AuthRocketExt {
    /// Manages `auth` (for the [`AuthSession`] guard), mounts the Auth.js [`routes`] at its base
    /// path, and registers the [`catchers`] at `/`.
    #[must_use]
    fn with_auth(self, auth: Auth) -> Self;
}

impl AuthRocketExt for Rocket<Build> {
    fn with_auth(self, auth: Auth) -> Self {
        let base_path = auth.base_path().to_owned();
        self.manage(auth.clone())
            .mount(base_path, routes(auth))
            .register("/", catchers())
    }
}

/// The methods handed to the core: all of them, so that a `PUT` gets the core's `400` as on
/// every other framework (not Rocket's `404`).
const METHODS: [Method; 9] = [
    Method::Get,
    Method::Post,
    Method::Put,
    Method::Delete,
    Method::Patch,
    Method::Head,
    Method::Options,
    Method::Trace,
    Method::Connect,
];

/// The Auth.js routes: a catch-all (`/<path..>`, every method) to mount at the base path,
/// `rocket.mount(auth.base_path(), auth_rocket::routes(auth))`. Rocket does not strip the mount
/// point, so the core sees the full path.
pub fn routes(auth: Auth) -> Vec<Route> {
    METHODS
        .into_iter()
        .map(|method| Route::new(method, "/<path..>", AuthHandler(auth.clone())))
        .collect()
}

/// The catcher that answers for a failed [`AuthSession`] guard (`401`).
pub fn catchers() -> Vec<Catcher> {
    let mut catcher = Catcher::new(401, unauthorized);
    catcher.name = Some("auth_rocket::unauthorized".into());
    vec![catcher]
}

fn unauthorized<'r>(_status: Status, request: &'r Request<'_>) -> catcher::BoxFuture<'r> {
    let rejection = rejection_of(request).unwrap_or(SessionRejection::Unauthorized);
    Box::pin(async move { rejection.respond_to(request) })
}

/// The rejection of the request's [`AuthSession`] guard, if it failed: for an app's own `401`
/// catcher.
pub fn rejection_of(request: &Request<'_>) -> Option<SessionRejection> {
    request.local_cache(|| Rejected(None)).0.clone()
}

/// The request-local record of a failed guard.
struct Rejected(Option<SessionRejection>);

/// The request-local record of the session lookup, so that several guards read it once.
struct Resolved(Option<Session>);

#[derive(Clone)]
struct AuthHandler(Auth);

#[rocket::async_trait]
impl Handler for AuthHandler {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        let auth = &self.0;
        let body = if request.method() == Method::Post {
            let limit = request
                .limits()
                .get("auth")
                .unwrap_or_else(|| ByteUnit::from(auth.max_body_bytes()));
            match data.open(limit).into_bytes().await {
                Ok(bytes) if bytes.is_complete() => ReadBody::Read(bytes.into_inner()),
                Ok(_) => return route::Outcome::Success(payload_too_large()),
                Err(error) => ReadBody::Failed(Some(error)),
            }
        } else {
            ReadBody::Read(Vec::new())
        };
        let response = auth.handle(to_http_request(request, body)).await;
        route::Outcome::Success(to_rocket_response(response))
    }
}

/// The body the core reads: the bytes Rocket read, or the error that stopped the read (which
/// the core answers with `400`).
enum ReadBody {
    Read(Vec<u8>),
    Failed(Option<std::io::Error>),
}

impl http_body::Body for ReadBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        std::task::Poll::Ready(match self.get_mut() {
            Self::Read(bytes) if bytes.is_empty() => None,
            Self::Read(bytes) => Some(Ok(http_body::Frame::data(Bytes::from(std::mem::take(
                bytes,
            ))))),
            Self::Failed(error) => error.take().map(Err),
        })
    }
}

/// The core's `413`, for a body over Rocket's `auth` limit.
fn payload_too_large<'r>() -> Response<'r> {
    let body = "\"Payload too large.\"";
    Response::build()
        .status(Status::PayloadTooLarge)
        .raw_header("content-type", "application/json")
        .sized_body(body.len(), Cursor::new(body))
        .finalize()
}

/// The request as the core takes it: method, the full URI, every header.
fn to_http_request<B>(request: &Request<'_>, body: B) -> http::Request<B> {
    let mut converted = http::Request::new(body);
    *converted.method_mut() =
        http::Method::from_bytes(request.method().as_str().as_bytes()).unwrap_or_default();
    // A Rocket origin URI always parses as an `http` one; if it did not, `/` is no action (400).
    *converted.uri_mut() = request
        .uri()
        .to_string()
        .parse()
        .unwrap_or_else(|_| http::Uri::from_static("/"));
    *converted.headers_mut() = headers_of(request);
    converted
}

/// Every request header (each value of a repeated one) as an `http` `HeaderMap`. Rocket keeps
/// only UTF-8 header values: others never reach the core.
fn headers_of(request: &Request<'_>) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for h in request.headers().iter() {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(h.name().as_str().as_bytes()),
            HeaderValue::from_str(h.value()),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

/// The core's answer as a Rocket response, every header adjoined (each `Set-Cookie` kept).
fn to_rocket_response<'r>(response: http::Response<Bytes>) -> Response<'r> {
    let (parts, body) = response.into_parts();
    let mut builder = Response::build();
    builder.status(Status::new(parts.status.as_u16()));
    for (name, value) in &parts.headers {
        match value.to_str() {
            Ok(value) => {
                builder.raw_header_adjoin(name.as_str().to_owned(), value.to_owned());
            }
            // Rocket's headers are strings; the core only writes ASCII ones.
            Err(_) => {
                tracing::warn!(target: "auth_rocket", header = %name, "dropping a non-UTF-8 response header");
            }
        }
    }
    builder.sized_body(body.len(), Cursor::new(body));
    builder.finalize()
}

/// The session of the request, as a request guard.
///
/// As `AuthSession`, the route requires a signed-in user: a browser (one that accepts
/// `text/html`) is redirected to the sign-in page with `callbackUrl` set to the page it asked
/// for, and anything else gets `401` (through the [`catchers`]). As `Option<AuthSession>`
/// (Rocket's optional guard), a missing session is `None`.
#[derive(Debug, Clone)]
pub struct AuthSession(pub Session);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AuthSession {
    type Error = SessionRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        let Some(auth) = request.rocket().state::<Auth>() else {
            tracing::error!(target: "auth_rocket", "AuthSession used on a Rocket without a managed `Auth` (`with_auth`)");
            return Outcome::Error((Status::InternalServerError, SessionRejection::NotConfigured));
        };
        let headers = headers_of(request);
        let resolved = request
            .local_cache_async(async { Resolved(auth.session(&headers).await) })
            .await;
        match &resolved.0 {
            Some(session) => Outcome::Success(Self(session.clone())),
            None => {
                let path = request.uri().to_string();
                let rejection = unauthenticated(auth, &headers, &path);
                let stored = request.local_cache(|| Rejected(Some(rejection.clone())));
                let rejection = stored.0.clone().unwrap_or(rejection);
                Outcome::Error((Status::Unauthorized, rejection))
            }
        }
    }
}

/// Why a route that needs a session refused the request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum SessionRejection {
    /// A browser without a session: `303` to the sign-in page (carrying `callbackUrl`).
    SignInRedirect(HeaderValue),
    /// An API caller without a session: `401` with `{"error":"Unauthorized"}`.
    Unauthorized,
    /// The Rocket manages no `Auth` (`with_auth` was not applied): a programming error, `500`.
    NotConfigured,
}

impl<'r> Responder<'r, 'static> for SessionRejection {
    fn respond_to(self, _request: &'r Request<'_>) -> response::Result<'static> {
        let mut builder = Response::build();
        match self {
            Self::SignInRedirect(location) => {
                let location = location.to_str().unwrap_or("/").to_owned();
                builder
                    .status(Status::SeeOther)
                    .raw_header("location", location);
            }
            Self::Unauthorized => {
                let body = r#"{"error":"Unauthorized"}"#;
                builder
                    .status(Status::Unauthorized)
                    .raw_header("content-type", "application/json")
                    .sized_body(body.len(), Cursor::new(body));
            }
            Self::NotConfigured => {
                let body = "auth is not configured on this Rocket";
                builder
                    .status(Status::InternalServerError)
                    .sized_body(body.len(), Cursor::new(body));
            }
        }
        Ok(builder.finalize())
    }
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
