//! The `logger` hook and `debug`: errors, warnings and debug messages reach a configured
//! logger with Auth.js's codes; debug messages only with `debug(true)`.

mod common;

use std::sync::{Arc, Mutex};

use auth_core::{
    Error,
    logger::{Logger, WarningCode},
};
use common::Client;
use serde_json::Value;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

impl Captured {
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }
}

impl Logger for Captured {
    fn error(&self, code: &str, error: &Error) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("error {code} {}", error.kind().type_name()));
    }

    fn warn(&self, code: WarningCode, message: &str) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("warn {code} {message}"));
    }

    fn debug(&self, message: &str, metadata: &Value) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("debug {message} {metadata}"));
    }
}

#[tokio::test]
async fn errors_warnings_and_debug_messages_reach_the_logger() {
    let log = Captured::default();
    let auth = common::config()
        .logger(log.clone())
        .debug(true)
        .dangerously_skip_csrf_check()
        .build()
        .expect("config");
    assert!(
        log.lines()
            .iter()
            .any(|l| l.starts_with("warn debug-enabled")),
        "{:?}",
        log.lines()
    );
    assert!(log.lines().iter().any(|l| l.starts_with("warn trust-host")));

    let mut c = Client::new(auth);
    c.get("/auth/csrf").await;
    assert!(
        log.lines()
            .iter()
            .any(|l| l.starts_with("warn csrf-disabled")),
        "{:?}",
        log.lines()
    );

    let r = c.get("/auth/not-an-action").await;
    assert_eq!(r.status, http::StatusCode::BAD_REQUEST);
    assert!(
        log.lines()
            .iter()
            .any(|l| l.starts_with("debug UnknownAction: not an action")
                && l.contains("not-an-action")),
        "{:?}",
        log.lines()
    );

    c.jar
        .insert("authjs.session-token".into(), "not-a-jwe".into());
    assert_eq!(c.get("/auth/session").await.body, "null");
    assert!(
        log.lines()
            .iter()
            .any(|l| l.starts_with("error JWTSessionError")),
        "{:?}",
        log.lines()
    );
    // Nothing logged carries the cookie's value.
    assert!(log.lines().iter().all(|l| !l.contains("not-a-jwe")));
}

#[tokio::test]
async fn without_debug_the_logger_gets_no_debug_messages() {
    let log = Captured::default();
    let auth = common::config()
        .logger(log.clone())
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.get("/auth/not-an-action").await;
    c.sign_in("alice", "wonderland").await;
    assert!(
        log.lines().iter().all(|l| !l.starts_with("debug")),
        "{:?}",
        log.lines()
    );
    assert!(log.lines().iter().all(|l| !l.contains("debug-enabled")));
}

#[test]
fn a_refused_cross_site_request_reaches_the_logger() {
    let log = Captured::default();
    let auth = common::config()
        .logger(log.clone())
        .build()
        .expect("config");
    let mut headers = http::HeaderMap::new();
    headers.insert("host", http::HeaderValue::from_static("localhost:3000"));
    headers.insert(
        "origin",
        http::HeaderValue::from_static("https://evil.example"),
    );
    let refused = auth.refuse_cross_site(&headers).expect("refused");
    assert_eq!(refused.status(), http::StatusCode::FORBIDDEN);
    assert!(
        log.lines().iter().any(|l| l.starts_with("warn cross-site")),
        "{:?}",
        log.lines()
    );
}
