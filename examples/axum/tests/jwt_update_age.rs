//! The opt-in JWT re-issue throttle through the REAL example binary (`AUTH_JWT_UPDATE_AGE`,
//! deviation 44): a read of a young token keeps the browser's cookie, and without the setting
//! every read re-issues it, as Auth.js does. A value that is not seconds stops the example.

mod support;

use support::{Jar, Server, free_port};

const SESSION_COOKIE: &str = "authjs.session-token";

/// Signs in on `server` and reads the session twice; the session `Set-Cookie` of each read.
fn two_reads(server: &Server) -> [Option<String>; 2] {
    let mut jar = Jar::default();
    let reply = server.sign_in_alice(&mut jar);
    assert_eq!(reply.status, 302, "{}", server.log());
    assert!(jar.get(SESSION_COOKIE).is_some(), "signed in");
    [(); 2].map(|()| {
        let reply = server.get_in(&mut jar, "/auth/session");
        assert!(reply.body.contains("\"name\":\"Alice\""), "{}", reply.body);
        reply.set_cookie(SESSION_COOKIE).map(str::to_owned)
    })
}

#[test]
fn a_young_token_keeps_its_cookie_only_with_jwt_update_age() {
    let throttled = Server::start_with(
        "jwt-update-age",
        free_port(),
        &[("AUTH_JWT_UPDATE_AGE", "3600")],
    );
    assert_eq!(two_reads(&throttled), [None, None], "{}", throttled.log());

    let default = Server::start_with("jwt-every-read", free_port(), &[]);
    let reads = two_reads(&default);
    assert!(
        reads.iter().all(Option::is_some),
        "every read re-issues by default: {reads:?}"
    );
}

#[test]
fn an_update_age_that_is_not_seconds_stops_the_example() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_example-axum"))
        .env("PORT", free_port().to_string())
        .env("AUTH_SECRET", support::SECRET)
        .env("AUTH_JWT_UPDATE_AGE", "an hour")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .expect("the example runs");
    assert_eq!(output.status.code(), Some(2));
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        log.contains("AUTH_JWT_UPDATE_AGE must be seconds, not \"an hour\""),
        "{log}"
    );
}
