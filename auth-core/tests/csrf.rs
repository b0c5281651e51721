//! CSRF double-submit: the token, its cookie, and every protected POST.

mod common;

use common::{Client, ORIGIN, SECRET, config};
use http::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn sha256hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn the_csrf_cookie_is_token_and_hash_and_is_reused() {
    let mut c = Client::new(config().build().expect("config"));
    let r = c.get("/auth/csrf").await;
    assert_eq!(r.status, StatusCode::OK);
    for (k, v) in [
        ("cache-control", "private, no-cache, no-store"),
        ("expires", "0"),
        ("pragma", "no-cache"),
    ] {
        assert_eq!(r.headers[k], v);
    }
    let token = r.json()["csrfToken"].as_str().expect("token").to_owned();
    assert_eq!(token.len(), 64);
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    let expected = format!(
        "authjs.csrf-token={token}%7C{}; Path=/; HttpOnly; SameSite=Lax",
        sha256hex(&format!("{token}{SECRET}"))
    );
    assert_eq!(r.cookie("authjs.csrf-token"), Some(expected.as_str()));

    let again = c.get("/auth/csrf").await;
    assert_eq!(again.json()["csrfToken"], Value::String(token));
    assert!(again.cookie("authjs.csrf-token").is_none());
}

#[tokio::test]
async fn a_csrf_cookie_made_by_auth_js_is_accepted() {
    let v = common::vectors();
    let csrf = &v["csrf"];
    let mut c = Client::new(config().build().expect("config"));
    c.jar.insert(
        "authjs.csrf-token".into(),
        csrf["cookieValueRaw"].as_str().expect("raw").into(),
    );
    let r = c.get("/auth/csrf").await;
    assert_eq!(r.json()["csrfToken"], csrf["token"]);
    assert!(
        r.cookie("authjs.csrf-token").is_none(),
        "a valid Auth.js cookie is kept"
    );
    let token = csrf["token"].as_str().expect("token").to_owned();
    let r = c.post_form("/auth/signout", &[("csrfToken", &token)]).await;
    assert_eq!(r.location(), Some(ORIGIN));
}

#[tokio::test]
async fn protected_posts_need_the_right_token() {
    let mut c = Client::new(config().build().expect("config"));
    let token = c.csrf().await;
    let missing = format!("{ORIGIN}/auth/signin?error=MissingCSRF");
    for path in [
        "/auth/signin",
        "/auth/signin/credentials",
        "/auth/signout",
        "/auth/callback/credentials",
    ] {
        for fields in [
            vec![],
            vec![("csrfToken", "0".repeat(64))],
            vec![("csrfToken", format!("{token}x"))],
        ] {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut all = fields.clone();
            all.extend([("username", "alice"), ("password", "wonderland")]);
            let r = c.post_form(path, &all).await;
            assert_eq!(r.status, StatusCode::FOUND, "{path}");
            assert_eq!(r.location(), Some(missing.as_str()), "{path} {fields:?}");
            assert!(r.cookie("authjs.session-token").is_none());
        }
    }
    // The token in the query or a header does not count.
    let r = c
        .post_form(&format!("/auth/signout?csrfToken={token}"), &[])
        .await;
    assert_eq!(r.location(), Some(missing.as_str()));
    let r = c
        .post_json("/auth/session", &json!({"data": {"name": "x"}}))
        .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (StatusCode::BAD_REQUEST, "null")
    );
    let r = c
        .post_json("/auth/session", &json!({"csrfToken": "nope", "data": {}}))
        .await;
    assert_eq!(
        (r.status, r.body.as_str()),
        (StatusCode::BAD_REQUEST, "null")
    );
    // With the token, JSON bodies work too.
    let r = c
        .post_json("/auth/session", &json!({"csrfToken": token, "data": {}}))
        .await;
    assert_eq!((r.status, r.body.as_str()), (StatusCode::OK, "null"));
}

#[tokio::test]
async fn a_cookie_from_another_secret_is_replaced() {
    let mut old = Client::new(config().secret("old-secret").build().expect("config"));
    let old_token = old.csrf().await;
    let mut c = Client::new(config().build().expect("config"));
    c.jar = old.jar.clone();
    let r = c
        .post_form("/auth/signout", &[("csrfToken", &old_token)])
        .await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=MissingCSRF").as_str())
    );
    let fresh = c.csrf().await;
    assert_ne!(fresh, old_token);
}

#[tokio::test]
async fn skipping_csrf_answers_404_on_csrf_and_lets_posts_through() {
    let auth = config()
        .dangerously_skip_csrf_check()
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    let r = c.get("/auth/csrf").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.set_cookies
            .iter()
            .any(|s| s.starts_with("authjs.csrf-token=; Max-Age=0; Path=/"))
    );
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[("username", "alice"), ("password", "wonderland")],
        )
        .await;
    assert!(r.cookie("authjs.session-token").is_some());
}
