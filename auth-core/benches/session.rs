//! The session check, the hottest path of every app: decoding the cookie into a session
//! (`Auth::session`), and one `GET /auth/session` through `Auth::handle`.
//!
//! Run with `cargo bench -p auth-core` or `cargo xtask bench`.

use auth_core::{Auth, AuthConfig, User, jwt::JwtKeys, providers::CredentialsProvider};
use bytes::Bytes;
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderMap, HeaderValue, Request, header};
use http_body_util::Full;

const SECRET: &str = "bench-secret-0123456789abcdef0123456789abcdef";

fn auth() -> Auth {
    AuthConfig::new()
        .secret(SECRET)
        .url("http://127.0.0.1:3000/auth")
        .provider(CredentialsProvider::new().authorize(|_| async { Ok(Some(User::new("1"))) }))
        .build()
        .expect("config")
}

fn session_cookie() -> String {
    let keys = JwtKeys::new(
        &auth_core::SecretList::single(SECRET),
        "authjs.session-token",
    );
    let mut claims = auth_core::jwt::Claims::new();
    for (k, v) in [
        ("name", "Alice"),
        ("email", "alice@example.com"),
        ("sub", "1"),
    ] {
        claims.insert(k.into(), v.into());
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let token = keys
        .encode(&claims, 2_592_000, i64::try_from(now).expect("time"))
        .expect("encode");
    format!("authjs.session-token={token}")
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let auth = auth();
    let cookie = session_cookie();
    let mut headers = HeaderMap::new();
    headers.insert(
        header::COOKIE,
        HeaderValue::from_str(&cookie).expect("cookie"),
    );
    assert!(
        runtime.block_on(auth.session(&headers)).is_some(),
        "the bench cookie is valid"
    );

    c.bench_function("session check (Auth::session)", |b| {
        b.iter(|| runtime.block_on(auth.session(std::hint::black_box(&headers))));
    });

    let keys = JwtKeys::new(
        &auth_core::SecretList::single(SECRET),
        "authjs.session-token",
    );
    let token = cookie
        .trim_start_matches("authjs.session-token=")
        .to_owned();
    c.bench_function("JWE decode (JwtKeys::decode)", |b| {
        b.iter(|| keys.decode(std::hint::black_box(&token), 0));
    });

    c.bench_function("GET /auth/session (Auth::handle)", |b| {
        b.iter(|| {
            let request = Request::get("/auth/session")
                .header(header::COOKIE, cookie.as_str())
                .body(Full::new(Bytes::new()))
                .expect("request");
            runtime.block_on(auth.handle(request))
        });
    });
}

criterion_group!(session, benches);
criterion_main!(session);
