//! Per-request configuration on axum: one router serving two hosts through an `AuthResolver`,
//! with different providers and secrets; a session of one host is none on the other.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auth_axum::{ActionResponse, AuthRouterExt, AuthSession};
use auth_core::Auth;
use axum::{
    Extension, Router,
    body::Body,
    routing::{get, post},
};
use http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn app(builds: Arc<AtomicUsize>) -> Router {
    let tenants = example_demo::two_tenants(builds);
    Router::new()
        .route(
            "/",
            get(|session: Option<AuthSession>| async move {
                let email = session.and_then(|s| s.0.user).and_then(|u| u.email);
                email.unwrap_or_else(|| "anonymous".to_owned())
            }),
        )
        .route(
            "/logout",
            post(
                |Extension(auth): Extension<Auth>, headers: HeaderMap| async move {
                    let signed_out = auth.sign_out(&headers, Some("/")).await;
                    ActionResponse(auth.action_response(&headers, signed_out))
                },
            ),
        )
        .with_auth(tenants)
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `name=value` pairs of the answer's cookies.
    fn cookies(&self) -> String {
        let pairs = self.headers.get_all(header::SET_COOKIE).iter();
        let pairs = pairs.filter_map(|v| v.to_str().ok()?.split(';').next());
        pairs.collect::<Vec<_>>().join("; ")
    }
}

async fn send(
    app: &Router,
    host: &str,
    method: &str,
    uri: &str,
    cookie: &str,
    form: &str,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    let request = request.body(Body::from(form.to_owned())).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// Signs in as alice on `host`; the session cookie.
async fn sign_in(app: &Router, host: &str) -> String {
    let r = send(app, host, "GET", "/auth/csrf", "", "").await;
    let csrf = r.json()["csrfToken"].as_str().expect("token").to_owned();
    let form = format!("csrfToken={csrf}&username=alice&password=wonderland");
    let r = send(
        app,
        host,
        "POST",
        "/auth/callback/credentials",
        &r.cookies(),
        &form,
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{host}: {}", r.body);
    r.cookies()
        .split("; ")
        .find(|c| c.starts_with("authjs.session-token="))
        .expect("session cookie")
        .to_owned()
}

#[tokio::test]
async fn one_router_serves_two_tenants() {
    let builds = Arc::new(AtomicUsize::new(0));
    let app = app(Arc::clone(&builds));

    let providers = |r: Reply| -> Vec<String> {
        r.json()
            .as_object()
            .expect("providers")
            .keys()
            .cloned()
            .collect()
    };
    let a = send(&app, "a.test", "GET", "/auth/providers", "", "").await;
    assert_eq!(providers(a), ["credentials"]);
    let b = send(&app, "b.test", "GET", "/auth/providers", "", "").await;
    assert_eq!(providers(b), ["credentials", "github"]);

    let session = sign_in(&app, "a.test").await;
    let r = send(&app, "a.test", "GET", "/auth/session", &session, "").await;
    assert_eq!(r.json()["user"]["email"], "alice@example.com");
    let r = send(&app, "a.test", "GET", "/", &session, "").await;
    assert_eq!(r.body, "alice@example.com");
    // Host A's cookie is no session on host B, for the Auth.js routes and the extractors.
    let r = send(&app, "b.test", "GET", "/auth/session", &session, "").await;
    assert_eq!(r.json(), Value::Null);
    let r = send(&app, "b.test", "GET", "/", &session, "").await;
    assert_eq!(r.body, "anonymous");

    // `Extension<Auth>` is the tenant's: the sign-out redirects to its own origin.
    let r = send(&app, "a.test", "POST", "/logout", &session, "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "http://a.test/");

    // No tenant: 400 on every route.
    for uri in ["/auth/session", "/"] {
        let r = send(&app, "c.test", "GET", uri, "", "").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
    }
    assert_eq!(builds.load(Ordering::SeqCst), 2, "built once per host");
}
