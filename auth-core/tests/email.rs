//! Email (magic link) sign-in through `Auth::handle` with the memory adapter, including links
//! made by the real Auth.js (`fixtures/authjs-magic-link.json`). Delivery over real SMTP is
//! tested end to end through the example (`examples/axum/tests/email.rs`).

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use auth_core::{
    AuthConfig, Error, ErrorKind, Result as AuthResult, SecretList,
    adapter::{Adapter, MemoryAdapter, Timestamp, VerificationToken},
    callbacks::{Callbacks, SignInDecision, SignInParams},
    clock::FixedClock,
    mail::{Mailer, SendFuture, VerificationMessage},
    providers::{EmailProvider, RateLimit},
};
use common::{Client, ORIGIN, SECRET};
use http::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};

const NOW: i64 = 1_795_765_449_000;

/// Keeps what it was asked to send; fails when told to.
#[derive(Clone, Default)]
struct Capture {
    sent: Arc<Mutex<Vec<VerificationMessage>>>,
    fail: bool,
}

impl Mailer for Capture {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            if self.fail {
                return Err(Error::new(
                    ErrorKind::Configuration,
                    "the mail server is down",
                ));
            }
            self.sent.lock().expect("lock").push(message.clone());
            Ok(())
        })
    }
}

impl Capture {
    fn last_link(&self) -> String {
        self.sent
            .lock()
            .expect("lock")
            .last()
            .expect("a message")
            .url
            .clone()
    }
}

fn config(adapter: &MemoryAdapter, provider: EmailProvider, at: i64) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter.clone())
        .clock(FixedClock(at))
        .provider(provider)
}

fn path_of(link: &str) -> String {
    link.trim_start_matches(ORIGIN).to_owned()
}

async fn request_link(c: &mut Client, email: &str) -> common::TestResponse {
    let csrf = c.csrf().await;
    c.post_form(
        "/auth/signin/email",
        &[
            ("csrfToken", &csrf),
            ("email", email),
            ("callbackUrl", "/after"),
        ],
    )
    .await
}

fn sha256hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn a_magic_link_signs_in_once() {
    let adapter = MemoryAdapter::default();
    let mail = Capture::default();
    let mut c = Client::new(
        config(&adapter, EmailProvider::new(mail.clone()), NOW)
            .build()
            .expect("config"),
    );
    let r = request_link(&mut c, " Bob@Example.COM ").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/verify-request?provider=email&type=email").as_str())
    );
    let message = mail.sent.lock().expect("lock")[0].clone();
    assert_eq!(message.to, "bob@example.com");
    assert_eq!(message.subject, "Sign in to 127.0.0.1:3100");
    assert_eq!(message.expires, NOW + 86_400_000);
    let link = url::Url::parse(&message.url).expect("link");
    let query: Vec<(String, String)> = link.query_pairs().into_owned().collect();
    let keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["callbackUrl", "token", "email"], "Auth.js's order");
    assert_eq!(query[0].1, format!("{ORIGIN}/after"));
    let token = query[1].1.clone();
    assert_eq!(token.len(), 64);
    // Only the hash is stored.
    let hashed = sha256hex(&format!("{token}{SECRET}"));
    assert!(
        adapter
            .use_verification_token("bob@example.com", &token)
            .await
            .expect("adapter")
            .is_none()
    );
    let stored = adapter
        .use_verification_token("bob@example.com", &hashed)
        .await
        .expect("adapter")
        .expect("stored hash");
    adapter
        .create_verification_token(stored)
        .await
        .expect("put back");

    let r = c.get(&path_of(&message.url)).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert_eq!(
        c.get("/auth/session").await.json()["user"]["email"],
        "bob@example.com"
    );
    let user = adapter
        .get_user_by_email("bob@example.com")
        .await
        .expect("adapter")
        .expect("created");
    assert_eq!(user.email_verified, Some(Timestamp::from_millis(NOW)));
    assert!(
        adapter
            .get_account("email", "bob@example.com")
            .await
            .expect("adapter")
            .is_none(),
        "no account row"
    );

    // A later sign-in of the same address refreshes `email_verified`.
    let later = config(&adapter, EmailProvider::new(mail.clone()), NOW + 60_000)
        .build()
        .expect("config");
    let mut again = Client::new(later);
    request_link(&mut again, "bob@example.com").await;
    again.get(&path_of(&mail.last_link())).await;
    let refreshed = adapter
        .get_user_by_email("bob@example.com")
        .await
        .expect("adapter")
        .expect("user");
    assert_eq!(
        (refreshed.id, refreshed.email_verified),
        (user.id, Some(Timestamp::from_millis(NOW + 60_000)))
    );

    let mut other = Client::new(c.auth.clone());
    let replay = other.get(&path_of(&message.url)).await;
    assert_eq!(
        replay.location(),
        Some(format!("{ORIGIN}/auth/error?error=Verification").as_str())
    );
    assert!(replay.set_cookies.is_empty());
}

#[tokio::test]
async fn expired_tampered_and_mismatched_links_are_refused() {
    let adapter = MemoryAdapter::default();
    let mail = Capture::default();
    let verification = format!("{ORIGIN}/auth/error?error=Verification");
    let mut c = Client::new(
        config(
            &adapter,
            EmailProvider::new(mail.clone()).max_age(std::time::Duration::from_secs(600)),
            NOW,
        )
        .build()
        .expect("config"),
    );
    request_link(&mut c, "a@example.com").await;
    let link = mail.last_link();

    let tampered = link.replace("token=", "token=0");
    assert_eq!(
        c.get(&path_of(&tampered)).await.location(),
        Some(verification.as_str())
    );
    let other_email = link.replace("email=a%40example.com", "email=b%40example.com");
    assert_eq!(
        c.get(&path_of(&other_email)).await.location(),
        Some(verification.as_str())
    );
    let no_email = link.split("&email=").next().expect("link").to_owned();
    assert_eq!(
        c.get(&path_of(&no_email)).await.location(),
        Some(verification.as_str())
    );
    let no_token = format!("{ORIGIN}/auth/callback/email?email=a%40example.com");
    assert_eq!(
        c.get(&path_of(&no_token)).await.location(),
        Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str())
    );

    let mut late = Client::new(
        config(
            &adapter,
            EmailProvider::new(mail.clone()).max_age(std::time::Duration::from_secs(600)),
            NOW + 601_000,
        )
        .build()
        .expect("config"),
    );
    let r = late.get(&path_of(&link)).await;
    assert_eq!(r.location(), Some(verification.as_str()));
    assert!(
        r.set_cookies
            .iter()
            .all(|c| !c.starts_with("authjs.session-token"))
    );
}

#[tokio::test]
async fn a_magic_link_made_by_auth_js_verifies_here() {
    let fixture: Value =
        serde_json::from_str(include_str!("fixtures/authjs-magic-link.json")).expect("fixture");
    for case in fixture["cases"].as_array().expect("cases") {
        let secrets: SecretList = match &case["secret"] {
            Value::String(s) => SecretList::single(s.as_str()),
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            other => panic!("secret {other}"),
        };
        let token = case["token"].as_str().expect("token");
        let stored = case["storedTokenHash"].as_str().expect("hash");
        let joined = case["secretString"].as_str().expect("secret string");
        assert_eq!(
            sha256hex(&format!("{token}{joined}")),
            stored,
            "{}",
            case["name"]
        );

        // Seed the store with the row Auth.js wrote, and follow Auth.js's link.
        let adapter = MemoryAdapter::default();
        adapter
            .create_verification_token(VerificationToken {
                identifier: case["storedIdentifier"]
                    .as_str()
                    .expect("identifier")
                    .to_owned(),
                token: stored.into(),
                expires: Timestamp::from_millis(
                    case["storedExpiresEpochMs"].as_i64().expect("expires"),
                ),
            })
            .await
            .expect("seeded");
        let origin = case["origin"].as_str().expect("origin");
        let auth = AuthConfig::new()
            .secrets(secrets)
            .trust_host(true)
            .adapter(adapter.clone())
            .clock(FixedClock(
                case["generatedAtEpochMs"].as_i64().expect("time") + 5_000,
            ))
            .provider(EmailProvider::new(Capture::default()))
            .build()
            .expect("config");
        let mut c = Client::new(auth);
        c.host = origin.trim_start_matches("http://").to_owned();
        let link = case["link"].as_str().expect("link");
        let r = c.get(link.trim_start_matches(origin)).await;
        assert_eq!(
            r.location(),
            case["callbackLocation"].as_str(),
            "{}",
            case["name"]
        );
        assert!(r.cookie("authjs.session-token").is_some());
        assert_eq!(
            c.get("/auth/session").await.json()["user"],
            case["sessionAfterCallback"]["user"]
        );
        let mut replayer = Client::new(c.auth.clone());
        replayer.host.clone_from(&c.host);
        let replay = replayer.get(link.trim_start_matches(origin)).await;
        assert_eq!(replay.location(), case["replayLocation"].as_str());
    }
}

#[tokio::test]
async fn scanner_safe_links_need_the_confirmation_post() {
    let adapter = MemoryAdapter::default();
    let mail = Capture::default();
    let mut c = Client::new(
        config(
            &adapter,
            EmailProvider::new(mail.clone()).confirm_before_sign_in(),
            NOW,
        )
        .build()
        .expect("config"),
    );
    request_link(&mut c, "scan@example.com").await;
    let link = mail.last_link();
    // A link scanner (no cookies) opens the link: a page, and the token survives.
    let mut scanner = Client::new(c.auth.clone());
    let page = scanner.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Sign in as <strong>scan@example.com</strong>?")
    );
    assert!(scanner.session_cookie_names().is_empty());
    // The user opens it, then presses the button.
    let page = c.get(&path_of(&link)).await;
    let field = |name: &str| {
        let marker = format!("name=\"{name}\" value=\"");
        let start = page.body.find(&marker).expect(name) + marker.len();
        page.body[start..]
            .split('"')
            .next()
            .expect("value")
            .replace("&amp;", "&")
    };
    let form = [
        ("csrfToken", field("csrfToken")),
        ("token", field("token")),
        ("email", field("email")),
        ("callbackUrl", field("callbackUrl")),
    ];
    let without_csrf: Vec<(&str, &str)> =
        form.iter().skip(1).map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.post_form("/auth/callback/email", &without_csrf).await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=MissingCSRF").as_str())
    );
    let all: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = c.post_form("/auth/callback/email", &all).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
    assert_eq!(
        c.get("/auth/session").await.json()["user"]["email"],
        "scan@example.com"
    );
}

#[tokio::test]
async fn links_per_address_are_rate_limited() {
    let adapter = MemoryAdapter::default();
    let mail = Capture::default();
    let limit = RateLimit {
        max: 2,
        per: std::time::Duration::from_secs(60),
    };
    let mut c = Client::new(
        config(
            &adapter,
            EmailProvider::new(mail.clone()).rate_limit(Some(limit)),
            NOW,
        )
        .build()
        .expect("config"),
    );
    for _ in 0..2 {
        assert!(
            request_link(&mut c, "busy@example.com")
                .await
                .location()
                .is_some_and(|l| l.contains("verify-request"))
        );
    }
    let r = request_link(&mut c, "Busy@Example.com").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/signin?error=EmailSignin").as_str())
    );
    assert_eq!(mail.sent.lock().expect("lock").len(), 2);
    assert!(
        request_link(&mut c, "calm@example.com")
            .await
            .location()
            .is_some_and(|l| l.contains("verify-request"))
    );
    let mut later = Client::new(
        config(
            &adapter,
            EmailProvider::new(mail.clone()).rate_limit(Some(limit)),
            NOW + 61_000,
        )
        .build()
        .expect("config"),
    );
    assert!(
        request_link(&mut later, "busy@example.com")
            .await
            .location()
            .is_some_and(|l| l.contains("verify-request")),
        "a new window"
    );
}

struct OnlyExample(Arc<Mutex<Vec<bool>>>);

#[async_trait]
impl Callbacks for OnlyExample {
    async fn sign_in(&self, params: SignInParams<'_>) -> AuthResult<SignInDecision> {
        self.0
            .lock()
            .expect("lock")
            .push(params.email_verification_request);
        let allowed = params
            .user
            .email
            .as_deref()
            .is_some_and(|e| e.ends_with("@example.com"));
        Ok(if allowed {
            SignInDecision::Allow
        } else {
            SignInDecision::Deny
        })
    }
}

#[tokio::test]
async fn failures_write_nothing_and_callbacks_see_the_request() {
    let adapter = MemoryAdapter::default();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mail = Capture::default();
    let mut c = Client::new(
        config(&adapter, EmailProvider::new(mail.clone()), NOW)
            .callbacks(OnlyExample(seen.clone()))
            .build()
            .expect("config"),
    );
    let r = request_link(&mut c, "eve@evil.test").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/error?error=AccessDenied").as_str())
    );
    assert!(mail.sent.lock().expect("lock").is_empty());
    for bad in ["", "\"a@b\"@example.com", "a@evil.test\u{FF20}example.com"] {
        let r = request_link(&mut c, bad).await;
        assert_eq!(
            r.location(),
            Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str()),
            "{bad:?}"
        );
    }
    request_link(&mut c, "ok@example.com").await;
    c.get(&path_of(&mail.last_link())).await;
    assert_eq!(
        *seen.lock().expect("lock"),
        [true, true, false],
        "request, request, use"
    );

    // A delivery failure leaves no usable token behind.
    let failing = Capture {
        fail: true,
        ..Capture::default()
    };
    let mut c = Client::new(
        config(&adapter, EmailProvider::new(failing), NOW)
            .build()
            .expect("config"),
    );
    let r = request_link(&mut c, "lost@example.com").await;
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str())
    );
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(EmailProvider::new(Capture::default()))
        .build();
    assert_eq!(
        err.expect_err("no adapter"),
        auth_core::ConfigError::MissingAdapter
    );
}
