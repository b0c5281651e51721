#![doc = include_str!("../README.md")]

use std::{io::Cursor, marker::PhantomData};

use auth_core::{
    Auth, Session,
    gate::{Gate, Gated},
    integration::{BufferedBody, build_request},
    resolver::AuthSource,
};
use bytes::Bytes;
use rocket::{
    Build, Catcher, Data, Request, Response, Rocket, Route, catcher,
    data::ByteUnit,
    fairing::{Fairing, Info, Kind},
    http::{Method, Status},
    request::{FromRequest, Outcome},
    response::Responder,
    route::{self, Handler},
};

pub use auth_core::integration::SessionRejection;

/// Adds Auth.js to a Rocket.
pub trait AuthRocketExt {
    /// Manages `auth` (for the [`AuthSession`] and [`RequestAuth`] guards; an [`Auth`] also as
    /// `State<Auth>`), mounts the Auth.js [`routes`] at its base path, and registers the
    /// [`catchers`] at `/`.
    ///
    /// Given an [`AuthResolver`](auth_core::resolver::AuthResolver), each request gets the
    /// `Auth` of its tenant (resolved once per request), and the Auth.js routes and the guards
    /// answer a request of no tenant `400 "Bad request."`.
    #[must_use]
    fn with_auth(self, auth: impl Into<AuthSource>) -> Self;

    /// Manages `gate` for the [`Authorized<M>`] guard (`M` a marker type of the app's, one
    /// per gate).
    #[must_use]
    fn with_gate<M: Send + Sync + 'static>(self, gate: Gate) -> Self;
}

impl AuthRocketExt for Rocket<Build> {
    fn with_auth(self, auth: impl Into<AuthSource>) -> Self {
        let source = auth.into();
        let rocket = match &source {
            AuthSource::One(auth) => self.manage(auth.clone()),
            AuthSource::PerRequest(_) => self,
        };
        rocket
            .manage(source.clone())
            .mount(source.base_path().to_owned(), routes(source))
            .register("/", catchers())
            .attach(GateFairing)
    }

    fn with_gate<M: Send + Sync + 'static>(self, gate: Gate) -> Self {
        self.manage(GateOf::<M>(gate, PhantomData))
            .attach(GateFairing)
    }
}

/// The gate managed for the marker type `M`.
struct GateOf<M>(Gate, PhantomData<fn() -> M>);

/// Adds a passed gate's `Set-Cookie` headers to the route's answer.
struct GateFairing;

#[rocket::async_trait]
impl Fairing for GateFairing {
    fn info(&self) -> Info {
        Info {
            name: "auth_rocket::gate cookies",
            kind: Kind::Response | Kind::Singleton,
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        for cookie in &request.local_cache(|| GateCookies(Vec::new())).0 {
            response.adjoin_raw_header("set-cookie", cookie.clone());
        }
    }
}

/// A route gate as a request guard: the [`Gate`] managed for the marker type `M`
/// ([`AuthRocketExt::with_gate`]) decides; a refused request gets the gate's answer (through
/// the `401` catcher: `303` to sign in, `401`, `403`, or the rule's own), a passed one the
/// session (if any) and, with [`Gate::new`], the cookies that keep it alive on the route's
/// answer.
///
/// ```
/// # use auth_core::{Auth, gate::Gate};
/// # use auth_rocket::{AuthRocketExt, Authorized};
/// struct Admins;
///
/// #[rocket::get("/admin")]
/// fn admin(_admin: Authorized<Admins>) -> &'static str {
///     "admins only"
/// }
///
/// # fn app(auth: Auth) -> rocket::Rocket<rocket::Build> {
/// let admins = Gate::new(auth.clone()).authorized(|r| r.email() == Some("alice@example.com"));
/// rocket::build()
///     .mount("/", rocket::routes![admin])
///     .with_gate::<Admins>(admins)
///     .with_auth(auth)
/// # }
/// ```
#[derive(Debug)]
pub struct Authorized<M>(pub Option<Session>, PhantomData<fn() -> M>);

#[rocket::async_trait]
impl<'r, M: Send + Sync + 'static> FromRequest<'r> for Authorized<M> {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        let Some(GateOf(gate, _)) = request.rocket().state::<GateOf<M>>() else {
            tracing::error!(target: "auth_rocket", "Authorized<M> used without `with_gate::<M>`");
            return Outcome::Error((Status::InternalServerError, ()));
        };
        let http = to_http_request(request, ());
        match gate.check(http.method(), http.uri(), http.headers()).await {
            Gated::Pass(pass) => {
                let cookies = pass.set_cookies().filter_map(|c| c.to_str().ok());
                let cookies = cookies.map(str::to_owned).collect();
                request.local_cache(|| GateCookies(cookies));
                Outcome::Success(Self(pass.session, PhantomData))
            }
            Gated::Answer(answer) => {
                request.local_cache(|| GateAnswer(Some(answer)));
                Outcome::Error((Status::Unauthorized, ()))
            }
        }
    }
}

/// The request's headers as the core takes them, for the server-side actions.
#[derive(Debug, Clone)]
pub struct RequestHeaders(pub http::HeaderMap);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestHeaders {
    type Error = std::convert::Infallible;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        Outcome::Success(Self(to_http_request(request, ()).into_parts().0.headers))
    }
}

/// The answer of a server-side action ([`Auth::sign_in`], [`Auth::sign_out`],
/// [`Auth::update_session`]) as a Rocket responder, with every `Set-Cookie`: `303` to where
/// it leads ([`ServerAction::to_response`](auth_core::ServerAction::to_response)), or to the error page ([`Auth::action_response`]).
///
/// ```
/// # use auth_core::Auth;
/// # use auth_rocket::{ActionResponse, RequestHeaders};
/// #[rocket::post("/logout")]
/// async fn logout(auth: &rocket::State<Auth>, headers: RequestHeaders) -> ActionResponse {
///     let signed_out = auth.sign_out(&headers.0, Some("/")).await;
///     ActionResponse(auth.action_response(&headers.0, signed_out))
/// }
/// ```
#[derive(Debug)]
pub struct ActionResponse(pub http::Response<Bytes>);

impl<'r> Responder<'r, 'static> for ActionResponse {
    fn respond_to(self, _request: &'r Request<'_>) -> rocket::response::Result<'static> {
        Ok(to_rocket_response(self.0))
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
/// point, so the core sees the full path. A request of no tenant is answered `400`.
pub fn routes(auth: impl Into<AuthSource>) -> Vec<Route> {
    let source = auth.into();
    METHODS
        .into_iter()
        .map(|method| Route::new(method, "/<path..>", AuthHandler(source.clone())))
        .collect()
}

/// The catcher that answers for a failed [`AuthSession`] guard (`401`).
pub fn catchers() -> Vec<Catcher> {
    let mut catcher = Catcher::new(401, unauthorized);
    catcher.name = Some("auth_rocket::unauthorized".into());
    vec![catcher]
}

fn unauthorized<'r>(_status: Status, request: &'r Request<'_>) -> catcher::BoxFuture<'r> {
    let answer = match gate_answer_of(request) {
        Some(answer) => answer,
        None => rejection_of(request)
            .unwrap_or(SessionRejection::Unauthorized)
            .to_response(),
    };
    Box::pin(async move { Ok(to_rocket_response(answer)) })
}

/// The answer of the request's failed [`Authorized`] guard, if any: for an app's own `401`
/// catcher.
pub fn gate_answer_of(request: &Request<'_>) -> Option<http::Response<Bytes>> {
    let stored = request.local_cache(|| GateAnswer(None)).0.as_ref()?;
    let mut answer = http::Response::new(stored.body().clone());
    *answer.status_mut() = stored.status();
    *answer.headers_mut() = stored.headers().clone();
    Some(answer)
}

/// The answer of a failed [`Authorized`] guard, for the catcher.
struct GateAnswer(Option<http::Response<Bytes>>);

/// The cookies a passed [`Authorized`] guard wants on the route's answer.
struct GateCookies(Vec<String>);

/// The rejection of the request's [`AuthSession`] guard, if it failed: for an app's own `401`
/// catcher.
pub fn rejection_of(request: &Request<'_>) -> Option<SessionRejection> {
    request.local_cache(|| Rejected(None)).0.clone()
}

/// The request-local record of a failed guard.
struct Rejected(Option<SessionRejection>);

/// The request-local record of the session lookup, so that several guards read it once.
struct Resolved(Result<Session, SessionRejection>);

#[derive(Clone)]
struct AuthHandler(AuthSource);

#[rocket::async_trait]
impl Handler for AuthHandler {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> route::Outcome<'r> {
        let head = to_http_request(request, ());
        let Some(auth) = self.0.resolve(head.headers(), head.uri()) else {
            return route::Outcome::Success(to_rocket_response(AuthSource::no_tenant()));
        };
        // One byte over the core's limit is enough for the core to answer `413`.
        let limit = ByteUnit::from(auth.max_body_bytes().saturating_add(1));
        let read = data.open(limit).into_bytes().await;
        let body = BufferedBody::new(read.map(|bytes| bytes.into_inner()));
        let response = auth.handle(to_http_request(request, body)).await;
        route::Outcome::Success(to_rocket_response(response))
    }
}

/// The request as the core takes it: method, the full URI, every header. Rocket keeps only
/// UTF-8 header values: others never reach the core.
fn to_http_request<B>(request: &Request<'_>, body: B) -> http::Request<B> {
    let headers = request.headers().iter();
    build_request(
        request.method().as_str(),
        &request.uri().to_string(),
        headers.map(|h| (HeaderText(h.name.into_cow()), HeaderText(h.value))),
        body,
    )
}

/// A header's name or value as Rocket holds it (borrowed from the request), read as bytes:
/// the core copies it once, into its own header map.
struct HeaderText<'h>(std::borrow::Cow<'h, str>);

impl AsRef<[u8]> for HeaderText<'_> {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
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
        let resolved = request
            .local_cache_async(async {
                let head = to_http_request(request, ());
                Resolved(match auth_of(request) {
                    Ok(auth) => auth.session_or_rejection(head.headers(), head.uri()).await,
                    Err(rejection) => Err(rejection),
                })
            })
            .await;
        match &resolved.0 {
            Ok(session) => Outcome::Success(Self(session.clone())),
            Err(rejection) => reject(request, rejection),
        }
    }
}

/// The request's [`Auth`] as a request guard: the managed one, or the one of its tenant
/// (for the server-side actions; a request of no tenant is answered `400`).
#[derive(Debug, Clone)]
pub struct RequestAuth(pub Auth);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for RequestAuth {
    type Error = SessionRejection;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match auth_of(request) {
            Ok(auth) => Outcome::Success(Self(auth)),
            Err(rejection) => reject(request, &rejection),
        }
    }
}

/// The request-local record of the request's `Auth`, resolved once.
struct Tenant(Result<Auth, SessionRejection>);

/// The request's `Auth`: of the managed [`AuthSource`] (resolved once per request), else the
/// managed `Auth` (an app that mounted [`routes`] itself).
fn auth_of(request: &Request<'_>) -> Result<Auth, SessionRejection> {
    let tenant = request.local_cache(|| {
        let rocket = request.rocket();
        Tenant(match rocket.state::<AuthSource>() {
            Some(source) => {
                let head = to_http_request(request, ());
                source.auth_of(head.headers(), head.uri())
            }
            None => rocket.state::<Auth>().cloned().ok_or_else(|| {
                tracing::error!(target: "auth_rocket", "an auth guard used on a Rocket without a managed `Auth` (`with_auth`)");
                SessionRejection::NotConfigured
            }),
        })
    });
    tenant.0.clone()
}

/// A failed guard: `500` for an app without `with_auth`, else through the `401` catcher,
/// which answers with the rejection (sign in, `401`, or `400` for no tenant).
fn reject<T>(request: &Request<'_>, rejection: &SessionRejection) -> Outcome<T, SessionRejection> {
    if *rejection == SessionRejection::NotConfigured {
        return Outcome::Error((Status::InternalServerError, rejection.clone()));
    }
    let stored = request.local_cache(|| Rejected(Some(rejection.clone())));
    let rejection = stored.0.clone().unwrap_or_else(|| rejection.clone());
    Outcome::Error((Status::Unauthorized, rejection))
}
