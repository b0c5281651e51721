//! In-process tests of the axum integration: real `axum::Router`s built with `auth_axum`,
//! driven with `tower::ServiceExt::oneshot` by a small client that keeps a cookie jar.
//!
//! They cover the mounted routes (and that every `Set-Cookie` survives axum), nesting, the
//! `AuthSession` / `Option<AuthSession>` extractors, the `RequireSession` layer, the body limit
//! and bad requests, and requests that split their cookies over several `Cookie` headers.

use std::collections::BTreeMap;

use auth_axum::{AuthRouterExt, AuthSession, RequireSession};
use auth_core::{Auth, AuthConfig, DEFAULT_MAX_BODY_BYTES};
use axum::{Router, body::Body, routing::get};
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const SECRET: &str = "auth-axum-test-secret-0123456789abcdef0123456789abcdef";
const HOST: &str = "127.0.0.1:3000";
const ORIGIN: &str = "http://127.0.0.1:3000";
const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const FORM: &str = "application/x-www-form-urlencoded";

/// The demo configuration with a fixed secret (and a trusted `Host`, as the demo does).
fn demo_config() -> AuthConfig {
    example_demo::config_from(|name| (name == "AUTH_SECRET").then(|| SECRET.to_owned()))
}

fn demo_auth() -> Auth {
    demo_config()
        .build()
        .expect("the demo configuration builds")
}

fn user_name(session: &AuthSession) -> String {
    session
        .0
        .user
        .as_ref()
        .and_then(|u| u.name.clone())
        .unwrap_or_default()
}

/// An app like the README's: `/dashboard` needs a session through the extractor, `/guarded`
/// through the `RequireSession` layer, `/` takes an optional session.
fn app(auth: Auth) -> Router {
    let guarded =
        Router::new()
            .route(
                "/guarded",
                get(|session: AuthSession| async move {
                    format!("guarded for {}", user_name(&session))
                }),
            )
            .route_layer(RequireSession::new(auth.clone()));
    Router::new()
        .route(
            "/dashboard",
            get(|session: AuthSession| async move { format!("Hello {}", user_name(&session)) }),
        )
        .merge(guarded)
        .route(
            "/",
            get(|session: Option<AuthSession>| async move {
                match session {
                    Some(session) => format!("signed in as {}", user_name(&session)),
                    None => "anonymous".to_owned(),
                }
            }),
        )
        .with_auth(auth)
}

/// One answer, with its `Set-Cookie` headers kept apart.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
    set_cookies: Vec<String>,
}

impl Reply {
    async fn read(response: Response<Body>) -> Self {
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        Self::new(parts.status, parts.headers, &bytes)
    }

    fn new(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Self {
        let set_cookies = headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ascii Set-Cookie").to_owned())
            .collect();
        Self {
            status,
            headers,
            body: String::from_utf8_lossy(body).into_owned(),
            set_cookies,
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn location(&self) -> Option<&str> {
        self.header(header::LOCATION)
    }

    fn cookie_names(&self) -> Vec<&str> {
        self.set_cookies
            .iter()
            .filter_map(|c| c.split_once('=').map(|(name, _)| name))
            .collect()
    }

    /// The whole `Set-Cookie` line of the cookie called `name`.
    fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .map(String::as_str)
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
    }
}

/// Drives a router like a browser: sends `Host`, keeps cookies between requests.
struct Client {
    app: Router,
    jar: BTreeMap<String, String>,
}

impl Client {
    fn new(app: Router) -> Self {
        Self {
            app,
            jar: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Sends `request` (adding `Host`, and the jar unless the request has its own `Cookie`
    /// headers), and stores the cookies of the answer.
    async fn send(&mut self, mut request: Request<Body>) -> Reply {
        let headers = request.headers_mut();
        if !headers.contains_key(header::HOST) {
            headers.insert(header::HOST, HOST.parse().expect("host"));
        }
        if !headers.contains_key(header::COOKIE) && !self.jar.is_empty() {
            headers.insert(
                header::COOKIE,
                self.cookie_header().parse().expect("cookie header"),
            );
        }
        let response = self.app.clone().oneshot(request).await.expect("infallible");
        let reply = Reply::read(response).await;
        for cookie in &reply.set_cookies {
            let (pair, attributes) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        reply
    }

    async fn get(&mut self, uri: &str) -> Reply {
        self.send(get_request(uri, None)).await
    }

    async fn get_accepting(&mut self, uri: &str, accept: &str) -> Reply {
        self.send(get_request(uri, Some(accept))).await
    }

    async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.send(form_request(uri, fields)).await
    }

    /// `GET <base>/csrf` and the token.
    async fn csrf(&mut self, base: &str) -> String {
        let reply = self.get(&format!("{base}/csrf")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.json()["csrfToken"]
            .as_str()
            .expect("csrfToken")
            .to_owned()
    }

    /// Signs in with the demo credentials provider under `base`.
    async fn sign_in(&mut self, base: &str, username: &str, password: &str) -> Reply {
        let csrf = self.csrf(base).await;
        self.post_form(
            &format!("{base}/callback/credentials"),
            &[
                ("csrfToken", &csrf),
                ("username", username),
                ("password", password),
                ("callbackUrl", "/protected"),
            ],
        )
        .await
    }

    fn session_cookie_names(&self) -> Vec<&str> {
        self.jar
            .keys()
            .map(String::as_str)
            .filter(|k| k.starts_with("authjs.session-token"))
            .collect()
    }
}

fn get_request(uri: &str, accept: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri);
    if let Some(accept) = accept {
        builder = builder.header(header::ACCEPT, accept);
    }
    builder.body(Body::empty()).expect("request")
}

fn form_request(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::post(uri)
        .header(header::CONTENT_TYPE, FORM)
        .body(Body::from(body))
        .expect("request")
}

/// The `Location` a browser without a session is sent to: the sign-in page under `base`, with
/// the (already percent-encoded) URL it asked for.
fn sign_in_location(base: &str, encoded_callback: &str) -> String {
    format!("{ORIGIN}{base}/signin?callbackUrl={encoded_callback}")
}

fn assert_unauthorized(reply: &Reply) {
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{reply:?}");
    assert_eq!(reply.header(header::CONTENT_TYPE), Some("application/json"));
    assert_eq!(reply.json(), json!({"error": "Unauthorized"}));
    assert_eq!(reply.location(), None);
}

#[tokio::test]
async fn auth_routes_answer_under_the_base_path() {
    let mut client = Client::new(app(demo_auth()));

    let reply = client.get("/auth/providers").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply
            .header(header::CONTENT_TYPE)
            .is_some_and(|ct| ct.starts_with("application/json")),
        "{reply:?}"
    );
    let providers = reply.json();
    assert_eq!(providers["credentials"]["id"], "credentials");
    assert_eq!(providers["credentials"]["type"], "credentials");
    assert_eq!(
        providers["credentials"]["signinUrl"],
        format!("{ORIGIN}/auth/signin/credentials")
    );
    assert_eq!(
        providers["credentials"]["callbackUrl"],
        format!("{ORIGIN}/auth/callback/credentials")
    );

    let reply = client.get("/auth/csrf").await;
    assert_eq!(reply.status, StatusCode::OK);
    let token = reply.json()["csrfToken"]
        .as_str()
        .expect("csrfToken")
        .to_owned();
    assert_eq!(token.len(), 64, "{token}");
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()), "{token}");
    let csrf_cookie = reply
        .cookie("authjs.csrf-token")
        .expect("the csrf cookie is set");
    assert!(csrf_cookie.contains("HttpOnly"), "{csrf_cookie}");
    assert!(csrf_cookie.contains("Path=/"), "{csrf_cookie}");

    let reply = client.get("/auth/session").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), Value::Null);

    // The sign-in page is the core's HTML page.
    let reply = client.get("/auth/signin").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(
        reply.body.contains("/auth/callback/credentials"),
        "{}",
        reply.body
    );

    // Outside the base path axum answers itself, and unknown actions get the core's 400.
    assert_eq!(client.get("/providers").await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        client.get("/auth/nonsense").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn every_set_cookie_header_survives_axum() {
    let auth = demo_auth();
    let mut client = Client::new(app(auth.clone()));
    let csrf = client.csrf("/auth").await;
    assert!(client.jar.contains_key("authjs.csrf-token"));
    assert!(client.jar.contains_key("authjs.callback-url"));

    let fields = [
        ("csrfToken", csrf.as_str()),
        ("username", "chunky"),
        ("password", "chunky-cookie"),
        ("callbackUrl", "/protected"),
    ];
    // The core's own answer to the same request, for comparison.
    let cookies = client.cookie_header();
    let core_request = form_request("/auth/callback/credentials", &fields);
    let (mut parts, body) = core_request.into_parts();
    parts
        .headers
        .insert(header::HOST, HOST.parse().expect("host"));
    parts
        .headers
        .insert(header::COOKIE, cookies.parse().expect("cookie"));
    let core = auth.handle(Request::from_parts(parts, body)).await;
    let core = Reply::new(core.status(), core.headers().clone(), core.body());

    let reply = client
        .post_form("/auth/callback/credentials", &fields)
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(format!("{ORIGIN}/protected").as_str())
    );
    let mut names = reply.cookie_names();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "authjs.callback-url",
            "authjs.session-token.0",
            "authjs.session-token.1",
            "authjs.session-token.2",
        ],
        "3 session chunks and the callback URL: {:?}",
        reply.set_cookies
    );
    assert_eq!(reply.set_cookies.len(), 4);
    let mut core_names = core.cookie_names();
    core_names.sort_unstable();
    assert_eq!(core_names, names, "axum passes on what the core sets");
    assert_eq!(client.session_cookie_names().len(), 3);

    // The chunks put back together give the whole session.
    let reply = client.get("/auth/session").await;
    assert_eq!(reply.status, StatusCode::OK);
    let session = reply.json();
    assert_eq!(session["user"]["name"], "Chunky");
    assert_eq!(session["user"]["image"], example_demo::chunky_image());
    assert_eq!(
        reply
            .cookie_names()
            .iter()
            .filter(|n| n.starts_with("authjs.session-token."))
            .count(),
        3,
        "the rolled session is chunked again: {:?}",
        reply.set_cookies
    );
    assert_eq!(client.get("/dashboard").await.body, "Hello Chunky");
}

#[tokio::test]
async fn nested_auth_routes_use_the_full_path() {
    let auth = demo_config()
        .base_path("/api/auth")
        .build()
        .expect("config");
    let inner = Router::new()
        .route(
            "/me",
            get(|session: AuthSession| async move { format!("me: {}", user_name(&session)) }),
        )
        .with_auth(auth);
    let mut client = Client::new(Router::new().nest("/api", inner));

    let reply = client.get("/api/auth/session").await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body, "null");
    // The routes are not mounted at the un-nested path.
    assert_eq!(
        client.get("/api/api/auth/session").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        client.get("/auth/session").await.status,
        StatusCode::NOT_FOUND
    );

    let providers = client.get("/api/auth/providers").await.json();
    assert_eq!(
        providers["credentials"]["callbackUrl"],
        format!("{ORIGIN}/api/auth/callback/credentials")
    );

    // Without a session the nested route sends browsers to the nested sign-in page, with the
    // full original URL.
    let reply = client.get_accepting("/api/me?x=1", BROWSER_ACCEPT).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some(
            sign_in_location(
                "/api/auth",
                "http%3A%2F%2F127.0.0.1%3A3000%2Fapi%2Fme%3Fx%3D1"
            )
            .as_str()
        )
    );

    let reply = client.sign_in("/api/auth", "alice", "wonderland").await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(format!("{ORIGIN}/protected").as_str())
    );
    assert!(
        reply.cookie("authjs.session-token").is_some(),
        "{:?}",
        reply.set_cookies
    );

    let session = client.get("/api/auth/session").await.json();
    assert_eq!(session["user"]["name"], "Alice");
    assert_eq!(session["user"]["email"], "alice@example.com");
    let reply = client.get("/api/me").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "me: Alice");

    // The same configuration without nesting answers at the full path only.
    let auth = demo_config()
        .base_path("/api/auth")
        .build()
        .expect("config");
    let mut flat = Client::new(Router::new().with_auth(auth));
    assert_eq!(flat.get("/api/auth/session").await.body, "null");
    assert_eq!(
        flat.get("/auth/session").await.status,
        StatusCode::NOT_FOUND
    );

    // A wrong password goes back to the nested sign-in page.
    let mut stranger = Client::new(client.app.clone());
    let reply = stranger.sign_in("/api/auth", "alice", "wrong").await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(
        reply.location(),
        Some(format!("{ORIGIN}/api/auth/signin?error=CredentialsSignin&code=credentials").as_str())
    );
}

#[tokio::test]
async fn auth_session_sends_browsers_without_a_session_to_sign_in() {
    let mut client = Client::new(app(demo_auth()));
    let reply = client
        .get_accepting("/dashboard?tab=keys&q=a%20b", BROWSER_ACCEPT)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(
            sign_in_location(
                "/auth",
                "http%3A%2F%2F127.0.0.1%3A3000%2Fdashboard%3Ftab%3Dkeys%26q%3Da%2520b"
            )
            .as_str()
        )
    );
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);

    // The sign-in page accepts the callbackUrl it is sent (the core rejects invalid ones with
    // 400), and puts it in the form.
    let location = reply.location().expect("location").to_owned();
    let path = location.strip_prefix(ORIGIN).expect("same origin");
    let page = client.get_accepting(path, BROWSER_ACCEPT).await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");

    // A bare `text/html` counts as a browser too.
    let reply = client.get_accepting("/dashboard", "text/html").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reply.location(),
        Some(sign_in_location("/auth", "http%3A%2F%2F127.0.0.1%3A3000%2Fdashboard").as_str())
    );
}

#[tokio::test]
async fn auth_session_answers_401_to_api_callers_without_a_session() {
    let mut client = Client::new(app(demo_auth()));
    assert_unauthorized(&client.get("/dashboard").await);
    assert_unauthorized(&client.get_accepting("/dashboard", "application/json").await);
    assert_unauthorized(&client.get_accepting("/dashboard", "*/*").await);

    // A forged or stale session cookie is no session.
    client
        .jar
        .insert("authjs.session-token".into(), "not-a-jwe".into());
    assert_unauthorized(&client.get("/dashboard").await);
}

#[tokio::test]
async fn auth_session_hands_a_signed_in_user_to_the_handler() {
    let mut client = Client::new(app(demo_auth()));
    let reply = client.sign_in("/auth", "alice", "wonderland").await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert_eq!(client.session_cookie_names(), ["authjs.session-token"]);

    for accept in [None, Some(BROWSER_ACCEPT), Some("application/json")] {
        let reply = client.send(get_request("/dashboard", accept)).await;
        assert_eq!(reply.status, StatusCode::OK, "{accept:?}: {reply:?}");
        assert_eq!(reply.body, "Hello Alice");
    }

    // Signing out ends it.
    let csrf = client.csrf("/auth").await;
    let reply = client
        .post_form("/auth/signout", &[("csrfToken", &csrf)])
        .await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    let cleared = reply
        .cookie("authjs.session-token")
        .expect("the session cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert!(client.session_cookie_names().is_empty());
    assert_unauthorized(&client.get("/dashboard").await);
}

#[tokio::test]
async fn optional_auth_session_is_none_without_and_some_with_a_session() {
    let mut client = Client::new(app(demo_auth()));
    for accept in [None, Some(BROWSER_ACCEPT)] {
        let reply = client.send(get_request("/", accept)).await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
        assert_eq!(reply.body, "anonymous");
    }

    client.sign_in("/auth", "alice", "wonderland").await;
    let reply = client.get("/").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "signed in as Alice");
    // Reading the session does not re-issue cookies.
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);
}

#[tokio::test]
async fn require_session_layer_protects_its_routes_only() {
    let mut client = Client::new(app(demo_auth()));

    let reply = client
        .get_accepting("/guarded?page=2", BROWSER_ACCEPT)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(
            sign_in_location(
                "/auth",
                "http%3A%2F%2F127.0.0.1%3A3000%2Fguarded%3Fpage%3D2"
            )
            .as_str()
        )
    );
    assert_unauthorized(&client.get("/guarded").await);
    assert_unauthorized(&client.get_accepting("/guarded", "application/json").await);
    // Routes outside the layer are not affected.
    assert_eq!(client.get("/").await.status, StatusCode::OK);
    assert_eq!(client.get("/auth/session").await.body, "null");

    client.sign_in("/auth", "alice", "wonderland").await;
    let reply = client.get_accepting("/guarded", BROWSER_ACCEPT).await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body, "guarded for Alice");
}

#[tokio::test]
async fn require_session_alone_hands_the_session_to_the_extractor() {
    let auth = demo_auth();
    // Sign in through an app that mounts the routes…
    let mut client = Client::new(app(auth.clone()));
    client.sign_in("/auth", "alice", "wonderland").await;
    // …then use the cookie on an app that only has the layer (no `with_auth`): the extractor
    // gets the session the layer resolved.
    client.app = Router::new()
        .route(
            "/only-layer",
            get(
                |session: AuthSession| async move { format!("layer gave {}", user_name(&session)) },
            ),
        )
        .route_layer(RequireSession::new(auth));
    let reply = client.get("/only-layer").await;
    assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    assert_eq!(reply.body, "layer gave Alice");

    client.jar.clear();
    assert_unauthorized(&client.get("/only-layer").await);
}

#[tokio::test]
async fn auth_session_without_with_auth_is_a_server_error() {
    let mut client = Client::new(Router::new().route(
        "/misconfigured",
        get(|session: AuthSession| async move { user_name(&session) }),
    ));
    let reply = client.get("/misconfigured").await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn bodies_over_the_limit_get_413() {
    let auth = demo_auth();
    assert_eq!(auth.max_body_bytes(), DEFAULT_MAX_BODY_BYTES);
    assert_eq!(DEFAULT_MAX_BODY_BYTES, 64 * 1024);
    let mut client = Client::new(app(auth));
    let csrf = client.csrf("/auth").await;

    // A form exactly at the limit is read (and signs in).
    let prefix = format!("csrfToken={csrf}&username=alice&password=wonderland&pad=");
    let at_limit = format!(
        "{prefix}{}",
        "x".repeat(DEFAULT_MAX_BODY_BYTES - prefix.len())
    );
    assert_eq!(at_limit.len(), DEFAULT_MAX_BODY_BYTES);
    let request = Request::post("/auth/callback/credentials")
        .header(header::CONTENT_TYPE, FORM)
        .body(Body::from(at_limit.clone()))
        .expect("request");
    let reply = client.send(request).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert!(reply.cookie("authjs.session-token").is_some(), "{reply:?}");

    // One byte more is refused before anything else.
    let over = format!("{at_limit}x");
    let request = Request::post("/auth/callback/credentials")
        .header(header::CONTENT_TYPE, FORM)
        .body(Body::from(over))
        .expect("request");
    let reply = client.send(request).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{reply:?}");
    assert!(reply.set_cookies.is_empty(), "{:?}", reply.set_cookies);

    // Far over, as JSON, on another action.
    let request = Request::post("/auth/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(vec![b' '; 1024 * 1024]))
        .expect("request");
    assert_eq!(
        client.send(request).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn a_configured_body_limit_applies_through_axum() {
    let auth = demo_config().max_body_bytes(100).build().expect("config");
    let mut client = Client::new(app(auth));
    let request = |size: usize| {
        Request::post("/auth/signout")
            .header(header::CONTENT_TYPE, FORM)
            .body(Body::from("a".repeat(size)))
            .expect("request")
    };
    // At the limit: read, then refused for the missing CSRF token.
    let reply = client.send(request(100)).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(format!("{ORIGIN}/auth/signin?error=MissingCSRF").as_str())
    );
    assert_eq!(
        client.send(request(101)).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn malformed_requests_get_400() {
    let mut client = Client::new(app(demo_auth()));
    let csrf = client.csrf("/auth").await;

    for body in [r#"{"csrfToken":"#, "[1,2]", "not json"] {
        let request = Request::post("/auth/session")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body))
            .expect("request");
        let reply = client.send(request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}: {reply:?}");
        assert_eq!(reply.body, "\"Bad request.\"");
    }
    // The same action with well-formed JSON is fine.
    let request = Request::post("/auth/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"csrfToken": csrf}).to_string()))
        .expect("request");
    assert_eq!(client.send(request).await.status, StatusCode::OK);

    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let request = Request::builder()
            .method(method.clone())
            .uri("/auth/session")
            .body(Body::empty())
            .expect("request");
        let reply = client.send(request).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{method}: {reply:?}");
        assert_eq!(reply.body, "\"Bad request.\"");
    }
}

#[tokio::test]
async fn cookies_split_over_several_cookie_headers_are_all_read() {
    let mut client = Client::new(app(demo_auth()));
    client.sign_in("/auth", "alice", "wonderland").await;
    let csrf = client.csrf("/auth").await;
    let session = format!(
        "authjs.session-token={}",
        client.jar["authjs.session-token"]
    );
    let csrf_cookie = format!("authjs.csrf-token={}", client.jar["authjs.csrf-token"]);

    let with_cookies = |request: Request<Body>, cookies: [&str; 2]| {
        let (mut parts, body) = request.into_parts();
        for cookie in cookies {
            parts
                .headers
                .append(header::COOKIE, cookie.parse().expect("cookie"));
        }
        Request::from_parts(parts, body)
    };

    // The session from either header line, for the core and for the extractors.
    for cookies in [
        [session.as_str(), csrf_cookie.as_str()],
        [csrf_cookie.as_str(), session.as_str()],
    ] {
        let reply = client
            .send(with_cookies(get_request("/auth/session", None), cookies))
            .await;
        assert_eq!(reply.json()["user"]["name"], "Alice", "{cookies:?}");
        let reply = client
            .send(with_cookies(get_request("/dashboard", None), cookies))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body, "Hello Alice");
        let reply = client
            .send(with_cookies(get_request("/guarded", None), cookies))
            .await;
        assert_eq!(reply.body, "guarded for Alice");
    }

    // Signing out needs the CSRF cookie (second line) and clears the session (first line).
    let request = with_cookies(
        form_request("/auth/signout", &[("csrfToken", &csrf)]),
        [session.as_str(), csrf_cookie.as_str()],
    );
    let reply = client.send(request).await;
    assert_eq!(reply.status, StatusCode::FOUND, "{reply:?}");
    assert_eq!(reply.location(), Some(ORIGIN), "not a MissingCSRF redirect");
    let cleared = reply
        .cookie("authjs.session-token")
        .expect("the session cookie is cleared");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // Without the CSRF cookie line, the same sign-out is refused.
    let request = with_cookies(
        form_request("/auth/signout", &[("csrfToken", &csrf)]),
        [session.as_str(), "other=1"],
    );
    let reply = client.send(request).await;
    assert_eq!(
        reply.location(),
        Some(format!("{ORIGIN}/auth/signin?error=MissingCSRF").as_str())
    );
}

#[tokio::test]
async fn absolute_form_request_targets_give_a_well_formed_callback_url() {
    // HTTP/1.1 servers must accept `GET http://host/path HTTP/1.1`; the callbackUrl must still
    // be the page asked for.
    let mut client = Client::new(app(demo_auth()));
    let reply = client
        .get_accepting("http://127.0.0.1:3000/dashboard?a=1", BROWSER_ACCEPT)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{reply:?}");
    assert_eq!(
        reply.location(),
        Some(
            sign_in_location("/auth", "http%3A%2F%2F127.0.0.1%3A3000%2Fdashboard%3Fa%3D1").as_str()
        )
    );
    let reply = client
        .get_accepting("http://127.0.0.1:3000/guarded", BROWSER_ACCEPT)
        .await;
    assert_eq!(
        reply.location(),
        Some(sign_in_location("/auth", "http%3A%2F%2F127.0.0.1%3A3000%2Fguarded").as_str())
    );
}
