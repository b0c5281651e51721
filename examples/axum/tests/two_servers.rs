//! Two REAL `example-axum` processes on one PostgreSQL (issue 12, item 9): database sessions
//! made through one are read and ended through the other, and the magic-link rate limit (5 per
//! address and window) counts the links of both together, not 5 each.
//!
//! Needs `AUTH_TEST_POSTGRES_URL`, `AUTH_TEST_SMTP_URL` and `AUTH_TEST_SMTP_MAILDIR` (set by
//! `cargo xtask ci`); without them the test fails (it never skips).

mod support;

use support::{Jar, Server, free_port};

fn env(name: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| {
            panic!("{name} is not set: run `cargo xtask ci` or `cargo xtask services`")
        })
}

#[test]
fn two_servers_on_one_postgres_share_sessions_and_the_link_limit() {
    let database = env("AUTH_TEST_POSTGRES_URL");
    let smtp = env("AUTH_TEST_SMTP_URL");
    let settings = [
        ("DATABASE_URL", database.as_str()),
        ("AUTH_SESSION_STRATEGY", "database"),
        ("AUTH_EMAIL_SERVER", smtp.as_str()),
        ("AUTH_EMAIL_FROM", "Auth Test <auth@example.test>"),
    ];
    let a = Server::start_with("two-a", free_port(), &settings);
    let b = Server::start_with("two-b", free_port(), &settings);

    // Signed in through A (a session row), the session is read through B.
    let mut jar = Jar::default();
    let reply = a.sign_in_alice(&mut jar);
    assert_eq!(reply.status, 302, "{}", a.log());
    let session = jar
        .get("authjs.session-token")
        .expect("a session")
        .to_owned();
    assert_eq!(session.len(), 36, "a database session token: {session}");
    let through_b = b.get_in(&mut jar, "/auth/session");
    assert!(
        through_b.body.contains("\"name\":\"Alice\""),
        "{}",
        through_b.body
    );

    // Signed out through B, A no longer knows the session (same cookie, row gone).
    let kept = format!("authjs.session-token={session}");
    let token = b.csrf_in(&mut jar);
    let reply = b.post_in(&mut jar, "/auth/signout", &[("csrfToken", &token)]);
    assert_eq!(reply.status, 302, "{}", b.log());
    let reply = a.request("GET", "/auth/session", &[("cookie", &kept)], "");
    assert!(!reply.body.contains("Alice"), "{}", reply.body);

    // Six links for one address, alternately through A and B: five go out, the sixth is over
    // the shared limit.
    let address = format!("two-servers-{}@example.com", std::process::id());
    let mut answers = Vec::new();
    for i in 0..6 {
        let server = if i % 2 == 0 { &a } else { &b };
        let mut jar = Jar::default();
        let token = server.csrf_in(&mut jar);
        let reply = server.post_in(
            &mut jar,
            "/auth/signin/email",
            &[("csrfToken", &token), ("email", &address)],
        );
        let location = reply.header("location").unwrap_or_default();
        let path = location
            .strip_prefix(&server.base_url())
            .unwrap_or(location)
            .to_owned();
        answers.push(path);
    }
    let sent = "/auth/verify-request?provider=email&type=email".to_owned();
    assert_eq!(
        answers,
        [
            sent.clone(),
            sent.clone(),
            sent.clone(),
            sent.clone(),
            sent,
            "/auth/signin?error=EmailSignin".to_owned()
        ],
        "A's log:\n{}\nB's log:\n{}",
        a.log(),
        b.log()
    );
}
