//! The app on each framework, and the [`Framework`] driver that serves it in-process.
//!
//! Every app: `/` takes `Option<AuthSession>` (the home page), `/protected` is behind
//! `RequireSession` (Rocket: the `AuthSession` guard) and `/me` behind the `AuthSession`
//! extractor alone (both the protected page), `/admin` behind the admins' route gate
//! (`AuthGate`; Rocket: the `Authorized` guard), `POST /logout` signs out through the
//! framework crate's `ActionResponse` (`example_demo::logout`: cross-site requests refused),
//! and the Auth.js routes live under `/auth`. On hyper (no framework) the example's own
//! `example_hyper::App` serves all of it.

use auth_core::{Auth, Session};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};

use crate::Framework;

const HTML: &str = "text/html; charset=utf-8";

fn html(page: String) -> Response<Vec<u8>> {
    let mut response = Response::new(page.into_bytes());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(HTML));
    response
}

fn home(session: Option<&Session>) -> String {
    example_demo::home_page(session)
}

fn protected(session: &Session) -> String {
    example_demo::protected_page(session)
}

/// The reference: the Auth.js routes answered by [`Auth::handle`] itself, and the app's routes
/// by the rule every adapter must follow, stated here once: with a session the page; without,
/// a browser (`Accept` containing `text/html`) gets `303` to [`Auth::sign_in_url`] with the
/// origin and the path and query it asked for, anything else `401` `{"error":"Unauthorized"}`.
#[derive(Debug, Clone)]
pub struct Core(Auth);

impl Core {
    /// The reference for `auth`.
    pub fn new(auth: Auth) -> Self {
        Self(auth)
    }

    fn unauthenticated(&self, headers: &HeaderMap, path_and_query: &str) -> Response<Vec<u8>> {
        let auth = &self.0;
        let browser = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
        let mut response = Response::new(Vec::new());
        let location = auth
            .origin(headers)
            .and_then(|origin| auth.sign_in_url(headers, &format!("{origin}{path_and_query}")));
        match location {
            Some(location) if browser => {
                *response.status_mut() = StatusCode::SEE_OTHER;
                response.headers_mut().insert(
                    header::LOCATION,
                    HeaderValue::from_str(&location).unwrap_or_else(|e| panic!("{location}: {e}")),
                );
            }
            _ => {
                *response.status_mut() = StatusCode::UNAUTHORIZED;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                *response.body_mut() = br#"{"error":"Unauthorized"}"#.to_vec();
            }
        }
        response
    }
}

impl Core {
    /// `/admin`, the rule every gate must follow stated once: the session after the work of
    /// `GET /auth/session` (its cookies on every answer); an admin gets the page, another
    /// signed-in user `403` `{"error":"Forbidden"}`, an anonymous caller the rule of
    /// protected routes.
    async fn admin(&self, headers: &HeaderMap) -> Response<Vec<u8>> {
        let kept = self.0.keep_alive(headers).await;
        let email = kept
            .session
            .as_ref()
            .and_then(|s| s.user.as_ref())
            .and_then(|u| u.email.clone());
        let admins = example_demo::admin_emails(|_| None);
        let mut response = match email {
            Some(email) if admins.contains(&email) => {
                html(example_demo::admin_page(kept.session.as_ref()))
            }
            _ if kept.session.is_some() => {
                let mut response = Response::new(br#"{"error":"Forbidden"}"#.to_vec());
                *response.status_mut() = StatusCode::FORBIDDEN;
                response.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                response
            }
            _ => self.unauthenticated(headers, "/admin"),
        };
        for cookie in &kept.cookies {
            let value = HeaderValue::from_str(&cookie.to_header_value())
                .unwrap_or_else(|e| panic!("cookie: {e}"));
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }
}

impl Framework for Core {
    fn name(&self) -> &'static str {
        "core"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let auth = &self.0;
        let path = request.uri().path().to_owned();
        // The base path itself and everything under it.
        let under_base = path
            .strip_prefix(auth.base_path())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if under_base {
            let request = request.map(|body| Full::new(Bytes::from(body)));
            return auth.handle(request).await.map(Vec::from);
        }
        match (request.method().as_str(), path.as_str()) {
            ("GET", "/admin") => return self.admin(request.headers()).await,
            ("POST", "/logout") => {
                let headers = request.headers();
                return example_demo::logout(auth, headers).await.map(Vec::from);
            }
            _ => {}
        }
        let session = auth.session(request.headers()).await;
        match (path.as_str(), session) {
            ("/", session) => html(home(session.as_ref())),
            ("/protected" | "/me", Some(session)) => html(protected(&session)),
            ("/protected" | "/me", None) => {
                let path_and_query = request
                    .uri()
                    .path_and_query()
                    .map_or(path.clone(), |pq| pq.as_str().to_owned());
                self.unauthenticated(request.headers(), &path_and_query)
            }
            _ => {
                let mut response = Response::new(Vec::new());
                *response.status_mut() = StatusCode::NOT_FOUND;
                response
            }
        }
    }
}

/// axum, driven with `tower::ServiceExt::oneshot`.
#[derive(Debug, Clone)]
pub struct Axum(axum::Router);

impl Axum {
    /// The app on axum.
    pub fn new(auth: Auth) -> Self {
        use auth_axum::{ActionResponse, AuthGate, AuthRouterExt, AuthSession, RequireSession};
        use axum::{
            Extension,
            http::HeaderMap,
            response::Html,
            routing::{get, post},
        };
        let admins = AuthGate::new(example_demo::admin_gate_from(auth.clone(), |_| None));
        let router = axum::Router::new()
            .route(
                "/admin",
                get(|session: Option<AuthSession>| async move {
                    Html(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
                })
                .route_layer(admins),
            )
            .route(
                "/logout",
                post(
                    |Extension(auth): Extension<Auth>, headers: HeaderMap| async move {
                        ActionResponse(example_demo::logout(&auth, &headers).await)
                    },
                ),
            )
            .route(
                "/protected",
                get(|AuthSession(session): AuthSession| async move { Html(protected(&session)) }),
            )
            .route_layer(RequireSession::new(auth.clone()))
            .route(
                "/me",
                get(|AuthSession(session): AuthSession| async move { Html(protected(&session)) }),
            )
            .route(
                "/",
                get(|session: Option<AuthSession>| async move {
                    Html(home(session.as_ref().map(|s| &s.0)))
                }),
            )
            .with_auth(auth);
        Self(router)
    }
}

impl Framework for Axum {
    fn name(&self) -> &'static str {
        "axum"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        use tower::ServiceExt;
        let response = self
            .0
            .clone()
            .oneshot(request.map(axum::body::Body::from))
            .await
            .unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .unwrap_or_else(|e| panic!("axum body: {e}"))
            .to_bytes();
        Response::from_parts(parts, bytes.to_vec())
    }
}

/// actix-web, driven with `actix_web::test::call_service` (inside an actix `System`).
pub struct Actix<S>(S);

/// The app on actix-web, as an initialised service.
pub async fn actix(
    auth: Auth,
) -> Actix<
    impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
> {
    use actix_web::{App, HttpRequest, HttpResponse, web};
    use auth_actix::{ActionResponse, AuthGate, AuthSession, RequireSession};

    fn page(body: String) -> HttpResponse {
        HttpResponse::Ok().content_type(HTML).body(body)
    }
    async fn home_handler(session: Option<AuthSession>) -> HttpResponse {
        page(home(session.as_ref().map(|s| &s.0)))
    }
    async fn protected_handler(AuthSession(session): AuthSession) -> HttpResponse {
        page(protected(&session))
    }
    async fn admin_handler(session: Option<AuthSession>) -> HttpResponse {
        page(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
    }
    async fn logout_handler(auth: web::Data<Auth>, request: HttpRequest) -> ActionResponse {
        let headers = auth_actix::headers(&request);
        ActionResponse(example_demo::logout(&auth, &headers).await)
    }

    let admins = AuthGate::new(example_demo::admin_gate_from(auth.clone(), |_| None));
    let app = App::new()
        .configure(auth_actix::configure(auth.clone()))
        .service(
            web::resource("/admin")
                .wrap(admins)
                .route(web::get().to(admin_handler)),
        )
        .route("/logout", web::post().to(logout_handler))
        .service(
            web::resource("/protected")
                .wrap(RequireSession::new(auth))
                .route(web::get().to(protected_handler)),
        )
        .route("/me", web::get().to(protected_handler))
        .route("/", web::get().to(home_handler));
    Actix(actix_web::test::init_service(app).await)
}

impl<S, B> Framework for Actix<S>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    fn name(&self) -> &'static str {
        "actix-web"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let (parts, body) = request.into_parts();
        let method = actix_web::http::Method::from_bytes(parts.method.as_str().as_bytes())
            .unwrap_or_else(|e| panic!("method: {e}"));
        let mut test = actix_web::test::TestRequest::default()
            .method(method)
            .uri(&parts.uri.to_string());
        for (name, value) in &parts.headers {
            test = test.append_header((name.as_str(), value.as_bytes()));
        }
        let request = test.set_payload(body).to_request();
        let response = actix_web::test::call_service(&self.0, request).await;
        let mut converted = Response::new(Vec::new());
        *converted.status_mut() = StatusCode::from_u16(response.status().as_u16())
            .unwrap_or_else(|e| panic!("status: {e}"));
        for (name, value) in response.headers() {
            converted.headers_mut().append(
                header::HeaderName::from_bytes(name.as_str().as_bytes())
                    .unwrap_or_else(|e| panic!("header name: {e}")),
                HeaderValue::from_bytes(value.as_bytes())
                    .unwrap_or_else(|e| panic!("header value: {e}")),
            );
        }
        *converted.body_mut() = actix_web::test::read_body(response).await.to_vec();
        converted
    }
}

/// Rocket, driven with `rocket::local::asynchronous::Client` (cookies are the scenario's).
pub struct Rocket(rocket::local::asynchronous::Client);

mod rocket_app {
    use auth_core::Auth;
    use auth_rocket::{ActionResponse, AuthSession, Authorized, RequestHeaders};
    use rocket::{State, response::content::RawHtml};

    /// The marker of the admins' gate.
    pub(super) struct Admins;

    #[rocket::get("/admin")]
    pub(super) fn admin(admin: Authorized<Admins>) -> RawHtml<String> {
        RawHtml(example_demo::admin_page(admin.0.as_ref()))
    }

    #[rocket::post("/logout")]
    pub(super) async fn logout(auth: &State<Auth>, headers: RequestHeaders) -> ActionResponse {
        ActionResponse(example_demo::logout(auth, &headers.0).await)
    }

    #[rocket::get("/")]
    pub(super) fn home(session: Option<AuthSession>) -> RawHtml<String> {
        RawHtml(super::home(session.as_ref().map(|s| &s.0)))
    }

    #[rocket::get("/protected")]
    pub(super) fn protected(session: AuthSession) -> RawHtml<String> {
        RawHtml(super::protected(&session.0))
    }

    #[rocket::get("/me")]
    pub(super) fn me(session: AuthSession) -> RawHtml<String> {
        RawHtml(super::protected(&session.0))
    }
}

impl Rocket {
    /// The app on Rocket, with its logging off.
    pub async fn new(auth: Auth) -> Self {
        use auth_rocket::AuthRocketExt;
        let figment = rocket::figment::Figment::from(rocket::Config::debug_default())
            .merge(("log_level", rocket::config::LogLevel::Off));
        let rocket = rocket::custom(figment)
            .mount(
                "/",
                rocket::routes![
                    rocket_app::home,
                    rocket_app::protected,
                    rocket_app::me,
                    rocket_app::admin,
                    rocket_app::logout
                ],
            )
            .with_gate::<rocket_app::Admins>(example_demo::admin_gate_from(auth.clone(), |_| None))
            .with_auth(auth);
        let client = rocket::local::asynchronous::Client::untracked(rocket)
            .await
            .unwrap_or_else(|e| panic!("the Rocket app launches: {e}"));
        Self(client)
    }
}

impl Framework for Rocket {
    fn name(&self) -> &'static str {
        "rocket"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let (parts, body) = request.into_parts();
        let method: rocket::http::Method = parts
            .method
            .as_str()
            .parse()
            .unwrap_or_else(|()| panic!("method {}", parts.method));
        let mut local = self.0.req(method, parts.uri.to_string());
        for (name, value) in &parts.headers {
            let value = value
                .to_str()
                .unwrap_or_else(|e| panic!("{name}: {e}"))
                .to_owned();
            local.add_header(rocket::http::Header::new(name.as_str().to_owned(), value));
        }
        let response = local.body(body).dispatch().await;
        let mut converted = Response::new(Vec::new());
        *converted.status_mut() =
            StatusCode::from_u16(response.status().code).unwrap_or_else(|e| panic!("status: {e}"));
        for h in response.headers().iter() {
            converted.headers_mut().append(
                header::HeaderName::from_bytes(h.name().as_str().as_bytes())
                    .unwrap_or_else(|e| panic!("header name: {e}")),
                HeaderValue::from_str(h.value()).unwrap_or_else(|e| panic!("header value: {e}")),
            );
        }
        *converted.body_mut() = response.into_bytes().await.unwrap_or_default();
        converted
    }
}

/// poem, driven with `Endpoint::get_response`.
pub struct Poem<E>(E);

/// The app on poem.
pub fn poem(auth: Auth) -> Poem<impl poem::Endpoint> {
    use auth_poem::{ActionResponse, AuthGate, AuthRouteExt, AuthSession, RequireSession};
    use poem::{
        EndpointExt, Route, get, handler,
        http::HeaderMap,
        post,
        web::{Data, Html},
    };

    #[handler]
    fn home_handler(session: Option<AuthSession>) -> Html<String> {
        Html(home(session.as_ref().map(|s| &s.0)))
    }
    #[handler]
    fn protected_handler(AuthSession(session): AuthSession) -> Html<String> {
        Html(protected(&session))
    }

    #[handler]
    fn admin_handler(session: Option<AuthSession>) -> Html<String> {
        Html(example_demo::admin_page(session.as_ref().map(|s| &s.0)))
    }
    #[handler]
    async fn logout_handler(auth: Data<&Auth>, headers: &HeaderMap) -> ActionResponse {
        ActionResponse(example_demo::logout(&auth, headers).await)
    }

    let admins = AuthGate::new(example_demo::admin_gate_from(auth.clone(), |_| None));
    let app = Route::new()
        .at("/admin", get(admin_handler).with(admins))
        .at("/logout", post(logout_handler))
        .at(
            "/protected",
            get(protected_handler).with(RequireSession::new(auth.clone())),
        )
        .at("/me", get(protected_handler))
        .at("/", get(home_handler))
        .with_auth(auth);
    Poem(app)
}

impl<E: poem::Endpoint> Framework for Poem<E> {
    fn name(&self) -> &'static str {
        "poem"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        let (parts, body) = request.into_parts();
        let mut builder = poem::Request::builder().method(parts.method).uri(parts.uri);
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let response = self.0.get_response(builder.body(body)).await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .into_vec()
            .await
            .unwrap_or_else(|e| panic!("poem body: {e}"));
        let mut converted = Response::new(body);
        *converted.status_mut() = status;
        *converted.headers_mut() = headers;
        converted
    }
}

/// hyper with no framework: `example_hyper::App` (the example's own service, on the core's
/// `tower::Service`), driven with `tower::ServiceExt::oneshot`.
#[derive(Debug, Clone)]
pub struct Hyper(example_hyper::App);

impl Hyper {
    /// The example's app, with `/me` as a second protected path.
    pub fn new(auth: Auth) -> Self {
        let admins = example_demo::admin_gate_from(auth.clone(), |_| None);
        Self(example_hyper::App::new(auth, admins).protect("/me"))
    }
}

impl Framework for Hyper {
    fn name(&self) -> &'static str {
        "hyper"
    }

    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        use tower::ServiceExt;
        let request = request.map(|body| Full::new(Bytes::from(body)));
        let response = self
            .0
            .clone()
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        let (parts, body) = response.into_parts();
        let bytes = body
            .collect()
            .await
            .unwrap_or_else(|never| match never {})
            .to_bytes();
        Response::from_parts(parts, bytes.to_vec())
    }
}
