//! Per-request configuration: one process serving two hosts with different providers and
//! secrets through an `AuthResolver`, each `Auth` built once per host and cached (bounded).

mod common;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use auth_core::{AuthConfig, providers::presets, resolver::AuthResolver};
use bytes::Bytes;
use common::{credentials, to_test_response};
use http::{HeaderMap, Request, StatusCode, Uri, header};
use http_body_util::Full;
use serde_json::Value;

const SECRET_A: &str = "tenant-a-secret-0123456789abcdef0123456789abcdef";
const SECRET_B: &str = "tenant-b-secret-0123456789abcdef0123456789abcdef";

/// `a.test` (credentials) and `b.test` (credentials and GitHub), with their own secrets and
/// public URLs; every other host is no tenant. `builds` counts the builds.
fn tenants(builds: Arc<AtomicUsize>) -> AuthResolver {
    AuthResolver::by_host(move |host| {
        let (secret, github) = match host {
            "a.test" => (SECRET_A, false),
            "b.test" => (SECRET_B, true),
            "broken.test" => return Some(AuthConfig::new().url("http://broken.test/auth").build()),
            _ => return None,
        };
        builds.fetch_add(1, Ordering::SeqCst);
        let mut config = AuthConfig::new()
            .secret(secret)
            .url(format!("http://{host}/auth"))
            .provider(credentials());
        if github {
            config = config.provider(presets::github().client_id("id").client_secret("secret"));
        }
        Some(config.build())
    })
}

async fn send(
    tenants: &AuthResolver,
    host: &str,
    method: &str,
    uri: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> common::TestResponse {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    let request = request.body(Full::new(Bytes::from(body))).expect("request");
    to_test_response(tenants.handle(request).await)
}

/// The `name=value` pairs of the answer's cookies, as a `Cookie` header.
fn cookies(r: &common::TestResponse) -> String {
    r.set_cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .collect::<Vec<_>>()
        .join("; ")
}

async fn sign_in(tenants: &AuthResolver, host: &str) -> String {
    let r = send(tenants, host, "GET", "/auth/csrf", "", &[]).await;
    let csrf = r.json()["csrfToken"].as_str().expect("token").to_owned();
    let jar = cookies(&r);
    let form = [
        ("csrfToken", &*csrf),
        ("username", "alice"),
        ("password", "wonderland"),
    ];
    let r = send(
        tenants,
        host,
        "POST",
        "/auth/callback/credentials",
        &jar,
        &form,
    )
    .await;
    assert_eq!(r.status, StatusCode::FOUND, "{host}: {}", r.body);
    assert_eq!(r.location(), Some(&*format!("http://{host}")));
    r.set_cookies
        .iter()
        .find(|c| c.starts_with("authjs.session-token="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

#[tokio::test]
async fn two_hosts_have_their_own_providers_and_secrets() {
    let builds = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(Arc::clone(&builds));

    let a = send(&tenants, "a.test", "GET", "/auth/providers", "", &[]).await;
    let b = send(&tenants, "b.test", "GET", "/auth/providers", "", &[]).await;
    let ids = |r: &common::TestResponse| -> Vec<String> {
        r.json()
            .as_object()
            .expect("providers")
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(ids(&a), ["credentials"]);
    assert_eq!(ids(&b), ["credentials", "github"]);
    assert_eq!(
        a.json()["credentials"]["callbackUrl"],
        "http://a.test/auth/callback/credentials"
    );

    let session_a = sign_in(&tenants, "a.test").await;
    let on_a = send(&tenants, "a.test", "GET", "/auth/session", &session_a, &[]).await;
    assert_eq!(on_a.json()["user"]["email"], "alice@example.com");
    // Host A's session is no session on host B (another secret).
    let on_b = send(&tenants, "b.test", "GET", "/auth/session", &session_a, &[]).await;
    assert_eq!(on_b.status, StatusCode::OK);
    assert_eq!(on_b.json(), Value::Null);
    let session_b = sign_in(&tenants, "b.test").await;
    let on_a = send(&tenants, "a.test", "GET", "/auth/session", &session_b, &[]).await;
    assert_eq!(on_a.json(), Value::Null);

    // The application API resolves the same way.
    let mut headers = HeaderMap::new();
    headers.insert(header::HOST, "b.test".parse().expect("host"));
    headers.insert(header::COOKIE, session_b.parse().expect("cookie"));
    let auth = tenants
        .resolve(&headers, &Uri::from_static("/"))
        .expect("b.test");
    assert!(auth.session(&headers).await.is_some());
    headers.insert(header::HOST, "a.test".parse().expect("host"));
    let auth = tenants
        .resolve(&headers, &Uri::from_static("/"))
        .expect("a.test");
    assert!(auth.session(&headers).await.is_none());

    // Built once per host, however many requests.
    assert_eq!(builds.load(Ordering::SeqCst), 2);
    assert_eq!(tenants.cached(), 2);
}

#[tokio::test]
async fn unknown_hosts_and_failed_builds_are_400_and_not_kept() {
    let tenants = tenants(Arc::default());
    for host in ["c.test", "broken.test", "a.test@evil"] {
        let r = send(&tenants, host, "GET", "/auth/session", "", &[]).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{host}");
        assert_eq!(r.body, "\"Bad request.\"");
    }
    assert_eq!(tenants.cached(), 0);
    // Another base path than the resolver's is refused.
    let other = AuthResolver::by_host(|_| {
        Some(
            AuthConfig::new()
                .secret(SECRET_A)
                .url("http://a.test/api/auth")
                .build(),
        )
    });
    assert!(other.resolve_key("a.test").is_none());
    let other = other.with_base_path("/api/auth");
    assert!(other.resolve_key("a.test").is_some());
}

#[test]
fn concurrent_first_requests_build_once_and_the_cache_is_bounded() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .expect("runtime");
    let builds = Arc::new(AtomicUsize::new(0));
    let tenants = tenants(Arc::clone(&builds)).with_capacity(1);
    runtime.block_on(async {
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                let tenants = tenants.clone();
                tokio::spawn(async move { tenants.resolve_key("a.test").is_some() })
            })
            .collect();
        for task in tasks {
            assert!(task.await.expect("task"));
        }
    });
    assert_eq!(
        builds.load(Ordering::SeqCst),
        1,
        "one build for 32 first requests"
    );
    // Capacity 1: b.test evicts a.test, which is built again when it comes back.
    assert!(tenants.resolve_key("b.test").is_some());
    assert_eq!(tenants.cached(), 1);
    assert!(tenants.resolve_key("a.test").is_some());
    assert_eq!(builds.load(Ordering::SeqCst), 3);
    assert!(tenants.resolve_key("a.test").is_some());
    assert_eq!(builds.load(Ordering::SeqCst), 3, "cached");
}
