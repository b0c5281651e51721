//! Bad input never panics and never answers 500: oversized and malformed bodies, cookies and
//! headers.

mod common;

use auth_core::AuthConfig;
use bytes::Bytes;
use common::{Client, config};
use http::{Method, Request, StatusCode, header};
use http_body_util::Full;

#[tokio::test]
async fn oversized_bodies_get_413() {
    let mut c = Client::new(config().max_body_bytes(1024).build().expect("config"));
    let big = "a=".to_owned() + &"x".repeat(2000);
    let r = c
        .send(
            Method::POST,
            "/auth/signout",
            Some("application/x-www-form-urlencoded"),
            big.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    // The default limit holds too.
    let mut c = Client::new(config().build().expect("config"));
    let r = c
        .send(
            Method::POST,
            "/auth/session",
            Some("application/json"),
            vec![b' '; auth_core::DEFAULT_MAX_BODY_BYTES + 1],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests_or_ignored() {
    let mut c = Client::new(config().build().expect("config"));
    for body in [&b"{"[..], b"[1]", b"\"str\"", b"\xff\xfe", b"null"] {
        let r = c
            .send(
                Method::POST,
                "/auth/callback/credentials",
                Some("application/json"),
                body.to_vec(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body:?}");
    }
    // Bodies of other types are treated as absent: the CSRF check fails cleanly.
    let r = c
        .send(
            Method::POST,
            "/auth/signout",
            Some("text/plain"),
            b"csrfToken=x".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let r = c
        .send(
            Method::POST,
            "/auth/signout",
            Some("application/x-www-form-urlencoded"),
            b"%%%&&=&=%ff".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    // JSON with odd value types.
    let csrf = c.csrf().await;
    let r = c
        .post_json(
            "/auth/callback/credentials",
            &serde_json::json!({"csrfToken": csrf, "username": ["alice"], "password": {"x": 1}, "callbackUrl": 5}),
        )
        .await;
    assert!(
        r.location()
            .is_some_and(|l| l.contains("error=CredentialsSignin"))
    );
}

async fn raw(auth: &auth_core::Auth, request: Request<Full<Bytes>>) -> StatusCode {
    auth.handle(request).await.status()
}

#[tokio::test]
async fn malformed_cookies_and_headers_never_fail() {
    let auth = config().build().expect("config");
    let long = "a".repeat(64 * 1024);
    let cookies: Vec<Vec<u8>> = vec![
        b"authjs.session-token=%zz%".to_vec(),
        b"authjs.session-token=\xff\xfe".to_vec(),
        format!("authjs.session-token={long}").into_bytes(),
        format!("authjs.session-token.0={long}; authjs.session-token.1=x").into_bytes(),
        b"authjs.session-token.99999999999999999999=x".to_vec(),
        b"authjs.csrf-token=|; authjs.callback-url=%".to_vec(),
        b";;;=;=;==".to_vec(),
        b"authjs.session-token=eyJhbGciOiJub25lIn0..AAAA.AAAA.AAAA".to_vec(),
    ];
    for cookie in cookies {
        for (method, path) in [
            ("GET", "/auth/session"),
            ("POST", "/auth/signout"),
            ("GET", "/auth/signin"),
        ] {
            let request = Request::builder()
                .method(method)
                .uri(path)
                .header(header::HOST, "127.0.0.1:3100")
                .header(
                    header::COOKIE,
                    http::HeaderValue::from_bytes(&cookie).expect("header bytes"),
                )
                .body(Full::new(Bytes::new()))
                .expect("request");
            let status = raw(&auth, request).await;
            assert!(
                status.is_success() || status.is_redirection(),
                "{method} {path}: {status}"
            );
        }
    }
    let hosts: [&[u8]; 6] = [b"", b"evil@host", b"a b", b"[::1", b"\xff", b"host:99999"];
    for host in hosts {
        let request = Request::get("/auth/session")
            .header(
                header::HOST,
                http::HeaderValue::from_bytes(host).expect("header bytes"),
            )
            .body(Full::new(Bytes::new()))
            .expect("request");
        assert_eq!(
            raw(&auth, request).await,
            StatusCode::BAD_REQUEST,
            "{host:?}"
        );
    }
}

#[tokio::test]
async fn random_requests_never_answer_500() {
    let auth = AuthConfig::new()
        .secret(common::SECRET)
        .trust_host(true)
        .provider(common::credentials())
        .build()
        .expect("config");
    // A small deterministic generator: the same inputs on every run.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let paths = [
        "/auth/session",
        "/auth/csrf",
        "/auth/signin",
        "/auth/signin/credentials",
        "/auth/signout",
        "/auth/callback/credentials",
        "/auth/callback/x",
        "/auth/error",
        "/auth/verify-request",
        "/auth/providers",
        "/auth/webauthn-options/credentials",
        "/auth/%00",
        "/auth/session?callbackUrl=%2F%2F",
        "/auth/signin?error=%ff",
    ];
    let alphabet = b"abc=;&%|/\\:.?#\"'<> \t0123456789eyJ";
    for _ in 0..600 {
        let path = paths[(next() % paths.len() as u64) as usize];
        let len = (next() % 200) as usize;
        let noise: Vec<u8> = (0..len)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        let method = if next() % 2 == 0 { "GET" } else { "POST" };
        let content_type = [
            "application/json",
            "application/x-www-form-urlencoded",
            "text/plain",
        ][(next() % 3) as usize];
        let mut builder = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "127.0.0.1:3100")
            .header(header::CONTENT_TYPE, content_type);
        if let Ok(value) = http::HeaderValue::from_bytes(&noise) {
            builder = builder
                .header(header::COOKIE, value.clone())
                .header("x-auth-return-redirect", value);
        }
        let request = builder
            .body(Full::new(Bytes::from(noise)))
            .expect("request");
        let status = auth.handle(request).await.status();
        assert!(!status.is_server_error(), "{method} {path}: {status}");
    }
}
