//! The session check, the hottest path of every app, with the headers a browser sends (CSRF
//! and callback-url cookies included, see `common/mod.rs`): JWE decode and encode, the session
//! check (`Auth::session`), one `GET /auth/session` through `Auth::handle` (JWT sessions with
//! the known-token cache and without it, with `jwt_update_age` (the read keeps its cookie), and
//! database sessions on SQLite in memory with the `sqlite` feature), and `GET /auth/csrf`.
//!
//! Run with `cargo bench -p auth-core` or `cargo xtask bench`.

mod common;

use auth_core::jwt::JwtKeys;
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let browser = runtime.block_on(common::sign_in(common::jwt_auth()));
    assert!(
        runtime
            .block_on(browser.auth.session(&browser.headers))
            .is_some(),
        "the bench cookie is valid"
    );

    let keys = JwtKeys::new(
        &auth_core::SecretList::single(common::SECRET),
        "authjs.session-token",
    );
    let token = &browser.session_token;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let now = i64::try_from(now).expect("time");
    let claims = keys.decode(token, now).expect("decodes");
    c.bench_function("JWE decode (JwtKeys::decode)", |b| {
        b.iter(|| keys.decode(std::hint::black_box(token), now));
    });
    c.bench_function("JWE encode (JwtKeys::encode)", |b| {
        b.iter(|| keys.encode(std::hint::black_box(&claims), 2_592_000, now));
    });

    c.bench_function("session check (Auth::session)", |b| {
        b.iter(|| runtime.block_on(browser.auth.session(std::hint::black_box(&browser.headers))));
    });

    c.bench_function("GET /auth/session (Auth::handle)", |b| {
        b.iter(|| runtime.block_on(browser.auth.handle(browser.session_request())));
    });

    // Signed in from a page: the callback-url cookie every request re-checks is a URL on the
    // origin rather than the origin itself.
    let from_page = runtime.block_on(common::sign_in_from(common::jwt_auth(), Some(common::PAGE)));
    c.bench_function(
        "GET /auth/session, signed in from a page (Auth::handle)",
        |b| {
            b.iter(|| runtime.block_on(from_page.auth.handle(from_page.session_request())));
        },
    );

    // Every read decrypts: what a server that did not issue the token (another instance,
    // Auth.js) does, and the read before the known-token cache.
    let uncached = runtime.block_on(common::sign_in(
        common::jwt_config()
            .jwt_cache_slots(0)
            .build()
            .expect("config"),
    ));
    c.bench_function("GET /auth/session, token cache off (Auth::handle)", |b| {
        b.iter(|| runtime.block_on(uncached.auth.handle(uncached.session_request())));
    });

    // With `jwt_update_age` (an opt-in deviation from Auth.js), a read of a young token keeps
    // its cookie: no encryption, no `Set-Cookie`.
    let throttled = runtime.block_on(common::sign_in(
        common::jwt_config()
            .jwt_update_age(std::time::Duration::from_secs(3600))
            .build()
            .expect("config"),
    ));
    let kept = runtime.block_on(throttled.auth.handle(throttled.session_request()));
    assert!(
        kept.status().is_success() && !kept.headers().contains_key(http::header::SET_COOKIE),
        "a young token keeps its cookie"
    );
    c.bench_function(
        "GET /auth/session, jwt_update_age 1 h (Auth::handle)",
        |b| {
            b.iter(|| runtime.block_on(throttled.auth.handle(throttled.session_request())));
        },
    );

    c.bench_function("GET /auth/csrf (Auth::handle)", |b| {
        b.iter(|| runtime.block_on(browser.auth.handle(browser.request("/auth/csrf"))));
    });

    #[cfg(feature = "sqlite")]
    {
        let database = runtime.block_on(async {
            let store = auth_core::adapter::SqliteAdapter::connect("sqlite::memory:")
                .await
                .expect("sqlite");
            common::sign_in(common::database_auth(store)).await
        });
        c.bench_function(
            "GET /auth/session, database on SQLite (Auth::handle)",
            |b| {
                b.iter(|| runtime.block_on(database.auth.handle(database.session_request())));
            },
        );
    }
}

criterion_group!(session, benches);
criterion_main!(session);
