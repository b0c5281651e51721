//! Database sessions through the REAL example binary, on SQLite and on PostgreSQL
//! (`AUTH_SESSION_STRATEGY=database`): sign-in writes a session row, `GET /auth/session` extends
//! it only once `update_age` has passed, and sign-out deletes it. The rows are read back through
//! the same adapters.
//!
//! The PostgreSQL test needs `AUTH_TEST_POSTGRES_URL`, which `cargo xtask ci` sets to a
//! throw-away server; without it the test fails (it never skips).

mod support;

use std::time::Duration;

use auth_core::adapter::{Adapter, PostgresAdapter, SqliteAdapter};
use support::{Jar, Server, free_port};

/// Seconds between two extensions of a session row in these tests.
const UPDATE_AGE_SECS: u64 = 2;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The expiry (epoch ms) of the session row of `token`, if the row exists.
fn expiry(adapter: &dyn Adapter, token: &str) -> Option<i64> {
    runtime()
        .block_on(adapter.get_session_and_user(token))
        .expect("the adapter reads the row")
        .map(|(session, user)| {
            assert_eq!(user.email.as_deref(), Some("alice@example.com"));
            session.expires.millis()
        })
}

fn exercise(name: &str, database_url: &str, adapter: &dyn Adapter) {
    let update_age = UPDATE_AGE_SECS.to_string();
    let server = Server::start_with(
        name,
        free_port(),
        &[
            ("DATABASE_URL", database_url),
            ("AUTH_SESSION_STRATEGY", "database"),
            ("AUTH_SESSION_UPDATE_AGE", &update_age),
        ],
    );
    let mut jar = Jar::default();
    let csrf = server.csrf_in(&mut jar);
    let reply = server.sign_in_alice(&mut jar);
    assert_eq!(reply.status, 302, "{}", server.log());
    let token = jar
        .get("authjs.session-token")
        .expect("session cookie")
        .to_owned();
    assert_eq!(
        token.len(),
        36,
        "a database session token, not a JWT: {token}"
    );
    let written = expiry(adapter, &token).expect("sign-in wrote a session row");

    let reply = server.get_in(&mut jar, "/auth/session");
    assert!(reply.body.contains("\"name\":\"Alice\""), "{}", reply.body);
    assert_eq!(
        expiry(adapter, &token),
        Some(written),
        "not extended within update_age"
    );

    std::thread::sleep(Duration::from_millis(UPDATE_AGE_SECS * 1000 + 300));
    let reply = server.get_in(&mut jar, "/auth/session");
    assert!(reply.body.contains("\"name\":\"Alice\""), "{}", reply.body);
    let extended = expiry(adapter, &token).expect("row still there");
    assert!(
        extended > written,
        "extended after update_age: {extended} <= {written}"
    );

    let reply = server.post_in(&mut jar, "/auth/signout", &[("csrfToken", &csrf)]);
    assert_eq!(reply.status, 302);
    assert!(
        reply
            .set_cookies()
            .any(|c| c.starts_with("authjs.session-token=;") && c.contains("Max-Age=0"))
    );
    assert_eq!(expiry(adapter, &token), None, "sign-out deleted the row");
}

#[test]
fn database_sessions_on_sqlite() {
    let file = std::env::temp_dir().join(format!("example-axum-db-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let url = format!("sqlite:{}", file.display());
    let adapter = runtime()
        .block_on(SqliteAdapter::connect(&url))
        .expect("sqlite opens");
    exercise("sqlite", &url, &adapter);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn database_sessions_on_postgres() {
    let url = std::env::var("AUTH_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()).expect(
        "AUTH_TEST_POSTGRES_URL is not set: run `cargo xtask ci`, which starts a throw-away PostgreSQL, or point it at a database you can write to",
    );
    let adapter = runtime()
        .block_on(PostgresAdapter::connect(&url))
        .expect("postgres opens");
    exercise("postgres", &url, &adapter);
}
