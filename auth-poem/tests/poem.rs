//! What the cross-framework suite (`tests/parity`) does not cover: `RequireSession` without
//! `with_auth`, a misconfigured route, the endpoint outside its base path, a configured body
//! limit.

use auth_core::{Auth, AuthConfig};
use auth_poem::{AuthEndpoint, AuthRouteExt, AuthSession, RequireSession};
use poem::{Endpoint, EndpointExt, Request, Route, get, handler, http::StatusCode};

const HOST: &str = "127.0.0.1:3000";

fn config() -> AuthConfig {
    example_demo::config_from(|name| (name == "AUTH_SECRET").then(|| "poem-test-secret".to_owned()))
}

fn auth() -> Auth {
    config().build().expect("config")
}

#[handler]
fn required(session: AuthSession) -> String {
    format!(
        "hello {}",
        session.0.user.and_then(|u| u.name).unwrap_or_default()
    )
}

#[handler]
fn optional(session: Option<AuthSession>) -> &'static str {
    if session.is_some() { "some" } else { "none" }
}

/// A session cookie for alice (`name=value`), from a server-side sign-in.
async fn alice_cookie(auth: &Auth) -> String {
    example_demo::session_cookie(auth, HOST, "alice", "wonderland")
        .await
        .expect("signs in")
}

fn get_request(uri: &str) -> poem::RequestBuilder {
    Request::builder().uri_str(uri).header("host", HOST)
}

#[tokio::test]
async fn require_session_alone_hands_the_session_to_the_extractor() {
    let auth = auth();
    let cookie = alice_cookie(&auth).await;
    let app = Route::new().at("/guarded", get(required).with(RequireSession::new(auth)));
    let response = app
        .get_response(get_request("/guarded").header("cookie", cookie).finish())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.into_body().into_string().await.ok().as_deref(),
        Some("hello Alice")
    );
    let response = app.get_response(get_request("/guarded").finish()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_with_auth_the_extractor_is_a_server_error_and_the_option_none() {
    let app = Route::new()
        .at("/required", get(required))
        .at("/optional", get(optional));
    let response = app.get_response(get_request("/required").finish()).await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let response = app.get_response(get_request("/optional").finish()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.into_body().into_string().await.ok().as_deref(),
        Some("none")
    );
}

#[tokio::test]
async fn the_endpoint_answers_only_under_the_base_path() {
    // Mounted (stripping) at the wrong place, the endpoint sees a path outside `/auth`: 404.
    let app = Route::new().nest("/elsewhere", AuthEndpoint::new(auth()));
    let response = app
        .get_response(get_request("/elsewhere/providers").finish())
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let app = Route::new().with_auth(auth());
    let response = app
        .get_response(get_request("/auth/providers").finish())
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .get_response(get_request("/authx/providers").finish())
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_configured_body_limit_applies() {
    let limit = 100;
    let app = Route::new().with_auth(config().max_body_bytes(limit).build().expect("config"));
    let post = |size: usize| {
        Request::builder()
            .method(poem::http::Method::POST)
            .uri_str("/auth/signout")
            .header("host", HOST)
            .content_type("application/x-www-form-urlencoded")
            .body(vec![b'a'; size])
    };
    let response = app.get_response(post(limit)).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(
        response
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok()),
        Some("http://127.0.0.1:3000/auth/signin?error=MissingCSRF")
    );
    let response = app.get_response(post(limit + 1)).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// Through the real server `original_uri` is set, so inside `Route::nest("/api", …)` the core
/// sees the full path (in-process requests cannot show this: their `original_uri` is `/`).
#[tokio::test]
async fn nested_under_a_prefix_the_server_hands_the_core_the_full_path() {
    use poem::listener::{Acceptor, Listener, TcpListener};
    use std::io::{Read, Write};

    let auth = config().base_path("/api/auth").build().expect("config");
    let app = Route::new().nest(
        "/api",
        Route::new().at("/me", get(required)).with_auth(auth),
    );
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .expect("bind");
    let address = acceptor.local_addr()[0]
        .as_socket_addr()
        .copied()
        .expect("a TCP address");
    let server = tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
    let get = move |path: &'static str| {
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).expect("connect");
            write!(
                stream,
                "GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
            )
            .expect("write");
            let mut response = String::new();
            stream.read_to_string(&mut response).expect("read");
            response
        })
    };
    let response = get("/api/auth/session").await.expect("request");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("\r\n\r\nnull"), "{response}");
    let response = get("/api/auth/providers").await.expect("request");
    assert!(
        response.contains("http://127.0.0.1:3000/api/auth/callback/credentials"),
        "{response}"
    );
    // The extractor sends a browser back to the full URL it asked for.
    let response = get("/api/me?x=1").await.expect("request");
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    assert!(
        response.contains("location: http://127.0.0.1:3000/api/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fapi%2Fme%3Fx%3D1\r\n"),
        "{response}"
    );
    server.abort();
}
