//! Credentials sign-in: success, failures with and without a custom code, callbacks, events
//! and open-redirect attempts through `callbackUrl`.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use auth_core::{
    Pages, Result,
    callbacks::{EventResult, Events, SignInDecision, SignInEvent, SignInParams, SignOutEvent},
};
use common::{Client, ORIGIN, config};
use http::StatusCode;

#[tokio::test]
async fn good_credentials_sign_in_and_redirect_to_the_callback_url() {
    let mut c = Client::new(config().build().expect("config"));
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
                ("callbackUrl", "/after"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert_eq!(
        r.cookie_names(),
        ["authjs.callback-url", "authjs.session-token"]
    );
    let session = r.cookie("authjs.session-token").expect("session cookie");
    assert!(session.starts_with(
        "authjs.session-token=eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIiwia2lkIjoi"
    ));
    assert!(
        session.contains("; Path=/; Expires=") && session.ends_with("; HttpOnly; SameSite=Lax")
    );
    let body = c.get("/auth/session").await.json();
    assert_eq!(body["user"]["email"], "alice@example.com");
}

#[tokio::test]
async fn rejected_credentials_carry_a_client_safe_code() {
    let mut c = Client::new(config().build().expect("config"));
    let cases = [
        (
            ("alice", "wrong"),
            format!("{ORIGIN}/auth/signin?error=CredentialsSignin&code=credentials"),
        ),
        (
            ("nobody", ""),
            format!("{ORIGIN}/auth/signin?error=CredentialsSignin&code=credentials"),
        ),
        (
            ("locked", "x"),
            format!("{ORIGIN}/auth/signin?error=CredentialsSignin&code=account_locked"),
        ),
        (
            ("boom", "x"),
            format!("{ORIGIN}/auth/error?error=Configuration"),
        ),
    ];
    for ((user, password), expected) in cases {
        let r = c.sign_in(user, password).await;
        assert_eq!(r.status, StatusCode::FOUND);
        assert_eq!(r.location(), Some(expected.as_str()), "{user}");
        assert!(
            r.set_cookies.is_empty(),
            "no session, no queued cookie: {:?}",
            r.set_cookies
        );
    }
    // Missing fields are rejected the same way.
    let csrf = c.csrf().await;
    let r = c
        .post_form("/auth/callback/credentials", &[("csrfToken", &csrf)])
        .await;
    assert!(
        r.location()
            .is_some_and(|l| l.ends_with("error=CredentialsSignin&code=credentials"))
    );
}

#[tokio::test]
async fn credentials_errors_go_to_a_custom_sign_in_page() {
    let pages = Pages {
        sign_in: Some("/login".into()),
        error: Some("/oops".into()),
        ..Pages::default()
    };
    let mut c = Client::new(config().pages(pages).build().expect("config"));
    let r = c.sign_in("alice", "bad").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/login?error=CredentialsSignin&code=credentials").as_str())
    );
    let r = c.sign_in("boom", "x").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/oops?error=Configuration").as_str())
    );
}

#[tokio::test]
async fn open_redirects_through_callback_url_are_refused() {
    let mut c = Client::new(config().build().expect("config"));
    for evil in [
        "https://evil.test/",
        "//evil.test/path",
        "/\\evil.test",
        "javascript:alert(1)",
        "http://127.0.0.1:3100@evil.test/",
        "data:text/html,hi",
        "https://127.0.0.1:3100/",
    ] {
        let csrf = c.csrf().await;
        let r = c
            .post_form(
                "/auth/callback/credentials",
                &[
                    ("csrfToken", &csrf),
                    ("username", "alice"),
                    ("password", "wonderland"),
                    ("callbackUrl", evil),
                ],
            )
            .await;
        assert_eq!(r.location(), Some(ORIGIN), "{evil}");
        let csrf = c.csrf().await;
        let r = c
            .post_form(
                "/auth/signout",
                &[("csrfToken", &csrf), ("callbackUrl", evil)],
            )
            .await;
        assert_eq!(r.location(), Some(ORIGIN), "{evil}");
    }
    // In the query, a value that is not a URL at all is a bad request.
    let r = c.get("/auth/signin?callbackUrl=javascript:alert(1)").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A foreign absolute URL in the query resolves to the origin.
    let r = c
        .get("/auth/signin?callbackUrl=https%3A%2F%2Fevil.test%2F")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        c.jar["authjs.callback-url"],
        "http%3A%2F%2F127.0.0.1%3A3100"
    );
    // A poisoned callback-url cookie is ignored and replaced.
    c.jar
        .insert("authjs.callback-url".into(), "javascript:alert(1)".into());
    let r = c.get("/auth/session").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        c.jar["authjs.callback-url"],
        "http%3A%2F%2F127.0.0.1%3A3100"
    );
    let same = format!("{ORIGIN}/deep/page?x=1");
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/signout",
            &[("csrfToken", &csrf), ("callbackUrl", &same)],
        )
        .await;
    assert_eq!(r.location(), Some(same.as_str()));
}

struct Gate;

#[async_trait]
impl auth_core::callbacks::Callbacks for Gate {
    async fn sign_in(&self, params: SignInParams<'_>) -> Result<SignInDecision> {
        assert!(params.credentials.is_some());
        Ok(match params.user.name.as_deref() {
            Some("Chunky") => SignInDecision::Deny,
            _ if params.credentials.and_then(|c| c.get("go")).is_some() => {
                SignInDecision::Redirect("/elsewhere".into())
            }
            _ => SignInDecision::Allow,
        })
    }
}

#[tokio::test]
async fn the_sign_in_callback_can_deny_or_redirect() {
    let mut c = Client::new(config().callbacks(Gate).build().expect("config"));
    let r = c.sign_in("chunky", "chunky-cookie").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/error?error=AccessDenied").as_str())
    );
    assert!(c.session_cookie_names().is_empty());
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
                ("go", "1"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/elsewhere").as_str()));
    assert!(c.session_cookie_names().is_empty());
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

#[async_trait]
impl Events for Recorder {
    async fn sign_in(&self, message: SignInEvent<'_>) -> EventResult {
        let account = message.account.map(|a| a.provider_account_id.clone());
        self.0
            .lock()
            .expect("lock")
            .push(format!("sign_in {:?} {account:?}", message.user.name));
        Err("a failing handler is only logged".into())
    }
    async fn sign_out(&self, message: SignOutEvent<'_>) -> EventResult {
        let SignOutEvent::Token(token) = message else {
            return Ok(());
        };
        self.0
            .lock()
            .expect("lock")
            .push(format!("sign_out {}", token["sub"]));
        Ok(())
    }
    async fn session(&self, message: auth_core::callbacks::SessionEvent<'_>) -> EventResult {
        let name = message.session.user.as_ref().and_then(|u| u.name.clone());
        self.0
            .lock()
            .expect("lock")
            .push(format!("session {name:?}"));
        Ok(())
    }
}

#[tokio::test]
async fn events_fire_in_order_and_their_errors_change_nothing() {
    let recorder = Recorder::default();
    let mut c = Client::new(config().events(recorder.clone()).build().expect("config"));
    let r = c.sign_in("alice", "wonderland").await;
    assert_eq!(r.location(), Some(ORIGIN));
    c.get("/auth/session").await;
    let csrf = c.csrf().await;
    c.post_form("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert_eq!(
        *recorder.0.lock().expect("lock"),
        [
            "sign_in Some(\"Alice\") Some(\"1\")",
            "session Some(\"Alice\")",
            "sign_out \"1\""
        ]
    );
}

#[tokio::test]
async fn sign_out_clears_every_chunk_and_survives_a_bad_token() {
    let mut c = Client::new(config().build().expect("config"));
    c.sign_in("chunky", "chunky-cookie").await;
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/signout",
            &[("csrfToken", &csrf), ("callbackUrl", "/bye")],
        )
        .await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/bye").as_str()));
    assert_eq!(
        r.set_cookies[1..],
        [
            "authjs.session-token.0=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "authjs.session-token.1=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
            "authjs.session-token.2=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
        ]
    );
    assert!(c.session_cookie_names().is_empty());

    c.jar
        .insert("authjs.session-token".into(), "not-a-token".into());
    let r = c.post_form("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(c.session_cookie_names().is_empty());
    // Without a session, sign-out just redirects.
    let r = c.post_form("/auth/signout", &[("csrfToken", &csrf)]).await;
    assert_eq!(r.status, StatusCode::FOUND);
    assert!(r.cookie("authjs.session-token").is_none());
}

#[tokio::test]
async fn post_signin_without_a_provider_or_for_credentials_goes_to_the_page() {
    let mut c = Client::new(config().build().expect("config"));
    let csrf = c.csrf().await;
    for path in ["/auth/signin", "/auth/signin/credentials"] {
        let r = c.post_form(path, &[("csrfToken", &csrf)]).await;
        assert_eq!(
            r.location(),
            Some(format!("{ORIGIN}/auth/signin").as_str()),
            "{path}"
        );
    }
}
