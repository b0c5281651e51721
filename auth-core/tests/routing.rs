//! Routing and framing: methods, paths, providers, the callback-url cookie, secure cookie names
//! and the `X-Auth-Return-Redirect` mode.

mod common;

use common::{Client, ORIGIN, config};
use http::{Method, StatusCode};
use serde_json::json;

fn client() -> Client {
    Client::new(config().build().expect("config"))
}

#[tokio::test]
async fn other_methods_and_unknown_paths_are_bad_requests() {
    let mut c = client();
    for method in [
        Method::PUT,
        Method::DELETE,
        Method::HEAD,
        Method::OPTIONS,
        Method::PATCH,
    ] {
        let r = c
            .send(method.clone(), "/auth/session", None, Vec::new())
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{method}");
        assert_eq!(r.body, "\"Bad request.\"");
        assert!(r.set_cookies.is_empty());
    }
    for path in [
        "/auth/foo",
        "/auth",
        "/auth/",
        "/authsession",
        "/auuth/signin",
        "/auth/session/extra",
        "/auth/signin/a/b",
        "/other/session",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(r.body, "\"Bad request.\"", "{path}");
    }
}

#[tokio::test]
async fn a_valid_action_with_the_wrong_method_is_a_configuration_error() {
    let mut c = client();
    let error = format!("{ORIGIN}/auth/error?error=Configuration");
    for path in [
        "/auth/providers",
        "/auth/csrf",
        "/auth/verify-request",
        "/auth/error",
        "/auth/webauthn-options/x",
    ] {
        let r = c.post_form(path, &[]).await;
        assert_eq!(r.status, StatusCode::FOUND, "{path}");
        assert_eq!(r.location(), Some(error.as_str()), "{path}");
        assert!(
            r.set_cookies.is_empty(),
            "error responses drop queued cookies: {path}"
        );
    }
    for path in [
        "/auth/signin/credentials",
        "/auth/callback/credentials",
        "/auth/callback",
        "/auth/callback/unknown",
        "/auth/webauthn-options",
        "/auth/webauthn-options/credentials",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.location(), Some(error.as_str()), "{path}");
    }
}

#[tokio::test]
async fn providers_lists_every_provider_and_sets_no_cookie() {
    let mut c = client();
    let r = c.get("/auth/providers").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.set_cookies.is_empty());
    assert_eq!(r.headers["content-type"], "application/json");
    assert_eq!(
        r.json(),
        json!({"credentials": {
            "id": "credentials", "name": "Credentials", "type": "credentials",
            "signinUrl": format!("{ORIGIN}/auth/signin/credentials"),
            "callbackUrl": format!("{ORIGIN}/auth/callback/credentials"),
        }})
    );
}

#[tokio::test]
async fn the_first_request_sets_the_callback_url_cookie_to_the_origin() {
    let mut c = client();
    let r = c.get("/auth/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, "null");
    assert_eq!(
        r.cookie("authjs.callback-url"),
        Some("authjs.callback-url=http%3A%2F%2F127.0.0.1%3A3100; Path=/; HttpOnly; SameSite=Lax")
    );
    assert_eq!(
        r.cookie_names(),
        ["authjs.csrf-token", "authjs.callback-url"]
    );
    let again = c.get("/auth/session").await;
    assert!(
        again.set_cookies.is_empty(),
        "nothing changes: {:?}",
        again.set_cookies
    );
}

#[tokio::test]
async fn https_behind_a_proxy_uses_secure_cookie_names() {
    let mut c = client();
    c.extra_headers
        .push(("x-forwarded-proto".into(), "https".into()));
    c.extra_headers
        .push(("x-forwarded-host".into(), "app.example.com".into()));
    let r = c.get("/auth/csrf").await;
    let names = r.cookie_names();
    assert_eq!(
        names,
        ["__Host-authjs.csrf-token", "__Secure-authjs.callback-url"]
    );
    assert!(r.set_cookies.iter().all(|c| c.contains("; Secure")));
    assert!(
        r.cookie("__Secure-authjs.callback-url")
            .is_some_and(|c| c.contains("https%3A%2F%2Fapp.example.com"))
    );
    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(r.location(), Some("https://app.example.com"));
    assert!(r.cookie("__Secure-authjs.session-token").is_some());
}

#[tokio::test]
async fn a_configured_url_ignores_forwarded_headers() {
    let auth = common::credentials();
    let auth = auth_core::AuthConfig::new()
        .secret(common::SECRET)
        .url("https://app.example.com/api/auth")
        .provider(auth)
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.extra_headers
        .push(("x-forwarded-host".into(), "evil.test".into()));
    let r = c.get("/api/auth/providers").await;
    assert_eq!(
        r.json()["credentials"]["signinUrl"],
        "https://app.example.com/api/auth/signin/credentials"
    );
    assert_eq!(
        c.get("/auth/providers").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn return_redirect_mode_answers_json_and_keeps_headers() {
    let mut c = client();
    let csrf = c.csrf().await;
    c.extra_headers
        .push(("x-auth-return-redirect".into(), "1".into()));
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"url": ORIGIN}));
    assert_eq!(r.location(), Some(ORIGIN));
    assert!(r.cookie("authjs.session-token").is_some());

    let r = c.post_form("/auth/signout", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.json(),
        json!({"url": format!("{ORIGIN}/auth/signin?error=MissingCSRF")})
    );
    assert!(r.set_cookies.is_empty());
    // As in Auth.js: a failure is the JSON alone, no `Location` (a success keeps it, above).
    assert_eq!(r.location(), None);
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "no"),
            ],
        )
        .await;
    assert_eq!(
        r.json(),
        json!({"url": format!("{ORIGIN}/auth/signin?error=CredentialsSignin&code=credentials")})
    );
    assert_eq!(r.location(), None);
    assert!(r.set_cookies.is_empty());
}

/// A bare base path (`/auth`, `/auth/`) is no action: `400 "Bad request."`, as in Auth.js.
#[tokio::test]
async fn the_bare_base_path_is_a_bad_request() {
    let mut c = client();
    for path in ["/auth", "/auth/"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(r.body, "\"Bad request.\"", "{path}");
    }
}

#[tokio::test]
async fn a_missing_host_is_a_bad_request() {
    let auth = config().build().expect("config");
    let request = http::Request::get("/auth/session")
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .expect("request");
    let r = common::to_test_response(auth.handle(request).await);
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}
