//! Hostile requests (issue 12): each test pins one finding and failed on the code before it.
//! Everything drives `Auth::handle` in-process.

mod common;

use std::sync::{Arc, Mutex};

use auth_core::{
    AuthConfig,
    adapter::MemoryAdapter,
    clock::FixedClock,
    mail::{Mailer, SendFuture, VerificationMessage},
    providers::EmailProvider,
};
use common::{Client, SECRET};
use http::StatusCode;

const NOW: i64 = 1_795_765_449_000;

/// Keeps what it was asked to send.
#[derive(Clone, Default)]
struct Capture {
    sent: Arc<Mutex<Vec<VerificationMessage>>>,
}

impl Mailer for Capture {
    fn send<'a>(&'a self, message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async move {
            self.sent.lock().expect("lock").push(message.clone());
            Ok(())
        })
    }
}

impl Capture {
    fn links(&self) -> Vec<String> {
        let sent = self.sent.lock().expect("lock");
        sent.iter().map(|m| m.url.clone()).collect()
    }
}

/// An email app with no URL and no host trust: the demo's configuration after issue 12.
fn email_app(mail: &Capture, adapter: &MemoryAdapter) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .adapter(adapter.clone())
        .clock(FixedClock(NOW))
        .provider(EmailProvider::new(mail.clone()))
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

// Finding 1: with neither AUTH_URL nor trust, a foreign Host (or X-Forwarded-Host) made the
// server mail a link to the attacker's host. Now only loopback hosts are served.
#[tokio::test]
async fn untrusted_hosts_get_no_magic_link() {
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let auth = email_app(&mail, &adapter)
        .build()
        .expect("builds without URL or trust");

    let mut evil = Client::new(auth.clone());
    evil.host = "login.evil.test".into();
    assert_eq!(evil.get("/auth/csrf").await.status, StatusCode::BAD_REQUEST);
    let r = evil
        .post_form("/auth/signin/email", &[("email", "bob@example.com")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let mut forwarded = Client::new(auth.clone());
    forwarded.extra_headers = vec![("x-forwarded-host".into(), "evil.test".into())];
    let r = request_link(&mut forwarded, "bob@example.com").await;
    assert_eq!(r.status, StatusCode::FOUND);
    // Loopback works with no setting, and the forwarded header is not read.
    assert_eq!(
        mail.links()
            .iter()
            .map(|l| l.starts_with("http://127.0.0.1:3100/"))
            .collect::<Vec<_>>(),
        [true]
    );

    for host in ["localhost:3000", "[::1]:8080", "127.0.0.2"] {
        let mut local = Client::new(auth.clone());
        local.host = host.into();
        assert_eq!(
            local.get("/auth/csrf").await.status,
            StatusCode::OK,
            "{host}"
        );
    }
}

// Finding 1: with AUTH_URL, the Host, forwarded headers and an absolute-form target are all
// ignored.
#[tokio::test]
async fn a_configured_url_ignores_every_host_the_client_names() {
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let auth = email_app(&mail, &adapter)
        .url("https://app.example.com/auth")
        .build()
        .expect("config");
    let mut c = Client::new(auth.clone());
    c.host = "login.evil.test".into();
    c.extra_headers = vec![
        ("x-forwarded-host".into(), "evil.test".into()),
        ("forwarded".into(), "host=evil.test;proto=http".into()),
    ];
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "http://evil.test/auth/signin/email",
            &[("csrfToken", &csrf), ("email", "bob@example.com")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    let links = mail.links();
    assert_eq!(links.len(), 1);
    assert!(
        links[0].starts_with("https://app.example.com/auth/callback/email?"),
        "{links:?}"
    );
}

// Finding 1: an absolute-form request line names the host too, and is checked like `Host`.
#[tokio::test]
async fn an_absolute_form_target_is_checked_like_host() {
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(email_app(&mail, &adapter).build().expect("config"));
    assert_eq!(
        c.get("http://evil.test/auth/csrf").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("http://127.0.0.1:3100/auth/csrf").await.status,
        StatusCode::OK
    );
}

// Finding 2: `X-Forwarded-Host: evil2.test, <real host>` used the client's left-most value.
#[tokio::test]
async fn the_right_most_forwarded_host_is_used() {
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let auth = email_app(&mail, &adapter)
        .trust_host(true)
        .build()
        .expect("config");
    let mut c = Client::new(auth);
    c.extra_headers = vec![(
        "x-forwarded-host".into(),
        "evil2.test, app.example.com".into(),
    )];
    let r = request_link(&mut c, "bob@example.com").await;
    assert_eq!(r.status, StatusCode::FOUND);
    let links = mail.links();
    assert!(
        links[0].starts_with("http://app.example.com/auth/callback/email?"),
        "{links:?}"
    );

    // A trusted-host list refuses every other host, forwarded or not.
    let listed = email_app(&mail, &adapter)
        .trusted_hosts(["app.example.com"])
        .build()
        .expect("config");
    let mut c = Client::new(listed);
    c.extra_headers = vec![("x-forwarded-host".into(), "evil.test".into())];
    assert_eq!(c.get("/auth/csrf").await.status, StatusCode::BAD_REQUEST);
    c.extra_headers = vec![("x-forwarded-host".into(), "app.example.com".into())];
    assert_eq!(c.get("/auth/csrf").await.status, StatusCode::OK);
}

// Finding 3: 12,000 `authjs.session-token.N` cookies took 3.8 s and the answer carried 12,002
// Set-Cookie headers. Now reading is linear and at most 64 chunks are cleared.
#[tokio::test]
async fn thousands_of_chunk_cookies_cost_little_and_clear_a_bounded_set() {
    let auth = common::config().build().expect("config");
    let mut c = Client::new(auth);
    for i in 0..12_000 {
        c.jar
            .insert(format!("authjs.session-token.{i}"), format!("junk{i}"));
    }
    let started = std::time::Instant::now();
    let r = c.get("/auth/session").await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.set_cookies.len() <= 66,
        "{} Set-Cookie headers",
        r.set_cookies.len()
    );
}

// Finding 4: `callbackUrl=http://ORIGIN\@evil.test/` came back verbatim in Location, and curl or
// Python read evil.test as its host. The parsed URL's serialisation comes back instead.
#[tokio::test]
async fn a_backslash_callback_url_comes_back_serialised() {
    let mut c = Client::new(common::config().build().expect("config"));
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", "alice"),
                ("password", "wonderland"),
                ("callbackUrl", "http://127.0.0.1:3100\\@evil.test/"),
            ],
        )
        .await;
    assert_eq!(r.location(), Some("http://127.0.0.1:3100/@evil.test/"));
}

// Finding 5: the link limit lived in one process's memory: a second server on the same store
// sent five more, a restart reset it, and `bob+1@` was counted apart from `bob@`. Now it is a
// counter row in the store.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn the_link_limit_is_shared_by_servers_and_restarts_and_folds_plus_tags() {
    use auth_core::adapter::SqliteAdapter;

    let store = SqliteAdapter::connect("sqlite::memory:")
        .await
        .expect("sqlite");
    let mail = Capture::default();
    let server = |mail: &Capture| {
        AuthConfig::new()
            .secret(SECRET)
            .adapter(store.clone())
            .clock(FixedClock(NOW))
            .provider(EmailProvider::new(mail.clone()))
            .build()
            .expect("config")
    };
    let sent =
        |r: &common::TestResponse| r.location().is_some_and(|l| l.contains("verify-request"));
    // The default limit is five per 15 minutes; three from one server, two from another
    // (one of them as bob+1@), then neither may send, nor a restarted one.
    let mut first = Client::new(server(&mail));
    for _ in 0..3 {
        assert!(sent(&request_link(&mut first, "bob@example.com").await));
    }
    let mut second = Client::new(server(&mail));
    assert!(sent(&request_link(&mut second, "bob@example.com").await));
    assert!(sent(&request_link(&mut second, "bob+1@example.com").await));
    assert!(!sent(&request_link(&mut second, "bob+2@example.com").await));
    assert!(!sent(&request_link(&mut first, "bob@example.com").await));
    let mut restarted = Client::new(server(&mail));
    assert!(!sent(
        &request_link(&mut restarted, "Bob@Example.com").await
    ));
    assert!(sent(
        &request_link(&mut restarted, "alice@example.com").await
    ));
    assert_eq!(mail.links().len(), 6);
}

// Finding 7: `x<victim@evil.test>` was stored as written while the mail went to
// victim@evil.test; zero-width characters and NUL were accepted; fullwidth letters made a
// second account. Now the stored identifier is exactly the envelope recipient.
#[tokio::test]
async fn addresses_a_mailer_reads_differently_are_refused_and_fullwidth_folds() {
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(email_app(&mail, &adapter).build().expect("config"));
    for bad in [
        "x<victim@evil.test>",
        "bob@example.com\u{200B}",
        "bob\u{0}@example.com",
        "\"bob\"@example.com",
    ] {
        let r = request_link(&mut c, bad).await;
        assert!(
            r.location().is_some_and(|l| l.contains("error=")),
            "{bad:?}: {:?}",
            r.location()
        );
    }
    assert!(mail.links().is_empty());
    let r = request_link(&mut c, "\u{FF42}\u{FF4F}\u{FF42}@example.com").await;
    assert!(r.location().is_some_and(|l| l.contains("verify-request")));
    let sent = mail.sent.lock().expect("lock").clone();
    assert_eq!(sent[0].to, "bob@example.com");
    assert!(
        sent[0].url.contains("email=bob%40example.com"),
        "{}",
        sent[0].url
    );
}

/// Collects what the `fmt` subscriber writes.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

/// A mailer whose server is down (operator-caused).
struct DeadMailer;

impl Mailer for DeadMailer {
    fn send<'a>(&'a self, _message: &'a VerificationMessage) -> SendFuture<'a> {
        Box::pin(async {
            Err(auth_core::Error::new(
                auth_core::ErrorKind::Configuration,
                "the mail server is down",
            ))
        })
    }
}

// Finding 8: junk cookies, unknown providers and bad addresses logged at ERROR, and a 5,000-char
// provider id was echoed whole. Client-caused failures are now warnings with bounded values;
// operator-caused ones (a dead mail server) stay errors.
#[tokio::test]
async fn client_caused_failures_log_warnings_with_bounded_values() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mail = Capture::default();
    let adapter = MemoryAdapter::default();
    let mut c = Client::new(email_app(&mail, &adapter).build().expect("config"));
    c.jar
        .insert("authjs.session-token".into(), "junk.not.a.jwe".into());
    assert_eq!(c.get("/auth/session").await.status, StatusCode::OK);
    let long_id = "p".repeat(5_000);
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/auth/signin/{long_id}"), &[("csrfToken", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::FOUND);
    request_link(&mut c, "x<victim@evil.test>").await;
    let mut evil = Client::new(c.auth.clone());
    evil.host = "evil.test".into();
    evil.get("/auth/session").await;
    let text = logs.text();
    assert!(!text.contains("ERROR"), "{text}");
    assert!(text.contains("WARN"), "{text}");
    assert!(
        !text.contains(&"p".repeat(200)),
        "the provider id is echoed whole"
    );

    let dead = AuthConfig::new()
        .secret(SECRET)
        .adapter(adapter.clone())
        .provider(EmailProvider::new(DeadMailer))
        .build()
        .expect("config");
    let mut c = Client::new(dead);
    request_link(&mut c, "bob@example.com").await;
    assert!(
        logs.text().contains("ERROR"),
        "a dead mail server is the operator's"
    );
}

// Finding 8: the built-in pages could be framed.
#[tokio::test]
async fn built_in_pages_cannot_be_framed() {
    let mut c = Client::new(common::config().build().expect("config"));
    for page in [
        "/auth/signin",
        "/auth/signout",
        "/auth/error",
        "/auth/verify-request",
    ] {
        let r = c.get(page).await;
        assert_eq!(
            r.headers
                .get("x-frame-options")
                .and_then(|v| v.to_str().ok()),
            Some("DENY"),
            "{page}"
        );
        assert_eq!(
            r.headers
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok()),
            Some("frame-ancestors 'none'"),
            "{page}"
        );
    }
}

// Found by `cargo xtask fuzz` (target `origin`): with host trust, a Host the http crate accepts
// but no URL parser reads as written (`4294967296`, `0x7f.1`, `s:[]:0`) became the origin of
// the links and redirects. It is no origin now: 400.
#[tokio::test]
async fn hosts_no_url_parser_reads_as_written_are_refused() {
    let auth = common::config().build().expect("config");
    for host in ["4294967296", "0x7f.1", "s:[]:0", "[0::1]:3000"] {
        let mut c = Client::new(auth.clone());
        c.host = host.into();
        let r = c.get("/auth/csrf").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{host}: {}", r.body);
    }
    let mut c = Client::new(auth);
    c.host = "app.example.com".into();
    assert_eq!(c.get("/auth/csrf").await.status, StatusCode::OK);
}
