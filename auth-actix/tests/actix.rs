//! What the cross-framework suite (`tests/parity`) does not cover: `RequireSession` without
//! `configure`, a misconfigured app, and a configured body limit.

use actix_web::{App, HttpResponse, http::StatusCode, test, web};
use auth_actix::{AuthSession, RequireSession};
use auth_core::{Auth, AuthConfig};

const HOST: (&str, &str) = ("host", "127.0.0.1:3000");

fn config() -> AuthConfig {
    example_demo::config_from(|name| {
        (name == "AUTH_SECRET").then(|| "actix-test-secret".to_owned())
    })
}

fn auth() -> Auth {
    config().build().expect("config")
}

async fn name(session: AuthSession) -> HttpResponse {
    let name = session.0.user.and_then(|u| u.name).unwrap_or_default();
    HttpResponse::Ok().body(format!("hello {name}"))
}

async fn maybe(session: Option<AuthSession>) -> HttpResponse {
    HttpResponse::Ok().body(if session.is_some() { "some" } else { "none" })
}

/// A session cookie for alice (`name=value`), from a server-side sign-in.
async fn alice_cookie(auth: &Auth) -> String {
    example_demo::session_cookie(auth, HOST.1, "alice", "wonderland")
        .await
        .expect("signs in")
}

fn run(test: impl std::future::Future<Output = ()>) {
    actix_web::rt::System::new().block_on(test);
}

#[test]
fn require_session_alone_hands_the_session_to_the_extractor() {
    run(async {
        let auth = auth();
        let cookie = alice_cookie(&auth).await;
        // No `configure`: the extractor has no `web::Data<Auth>`, only what the middleware found.
        let app = test::init_service(
            App::new().service(
                web::resource("/guarded")
                    .wrap(RequireSession::new(auth))
                    .route(web::get().to(name)),
            ),
        )
        .await;
        let request = test::TestRequest::get()
            .uri("/guarded")
            .insert_header(HOST)
            .insert_header(("cookie", cookie))
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(test::read_body(response).await, "hello Alice");

        let request = test::TestRequest::get()
            .uri("/guarded")
            .insert_header(HOST)
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            test::read_body(response).await,
            r#"{"error":"Unauthorized"}"#
        );
    });
}

#[test]
fn without_configure_the_extractor_is_a_server_error_and_the_option_none() {
    run(async {
        let app = test::init_service(
            App::new()
                .route("/required", web::get().to(name))
                .route("/optional", web::get().to(maybe)),
        )
        .await;
        let request = test::TestRequest::get()
            .uri("/required")
            .insert_header(HOST)
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let request = test::TestRequest::get()
            .uri("/optional")
            .insert_header(HOST)
            .to_request();
        let response = test::call_service(&app, request).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(test::read_body(response).await, "none");
    });
}

#[test]
fn the_configured_body_limit_is_the_only_one() {
    run(async {
        // Over actix's 256 KiB default: the routes do not use `PayloadConfig`.
        let limit = 300 * 1024;
        let auth = config().max_body_bytes(limit).build().expect("config");
        let app = test::init_service(App::new().configure(auth_actix::configure(auth))).await;
        let post = |size: usize| {
            test::TestRequest::post()
                .uri("/auth/signout")
                .insert_header(HOST)
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .set_payload(vec![b'a'; size])
                .to_request()
        };
        // At the limit: read, then refused for the missing CSRF token.
        let response = test::call_service(&app, post(limit)).await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(
            response.headers().get("location").map(|l| l.as_bytes()),
            Some(&b"http://127.0.0.1:3000/auth/signin?error=MissingCSRF"[..])
        );
        let response = test::call_service(&app, post(limit + 1)).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(test::read_body(response).await, "\"Payload too large.\"");
    });
}
