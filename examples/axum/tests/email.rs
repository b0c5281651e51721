//! Magic-link sign-in over REAL SMTP: the REAL example binary sends through `lettre` to a real
//! SMTP server (Debian's `aiosmtpd`, started by `cargo xtask ci`) that stores each message in a
//! Maildir; the test reads the delivered message, follows the link, and gets a session. A
//! replayed, an expired and a tampered link each end with `error=Verification` and no session.
//!
//! Needs `AUTH_TEST_SMTP_URL` and `AUTH_TEST_SMTP_MAILDIR` (set by `cargo xtask ci`); without
//! them the tests fail (they never skip).

mod support;

use std::{
    fs,
    path::PathBuf,
    sync::atomic::{AtomicUsize, Ordering},
    thread,
    time::{Duration, Instant},
};

use support::{Jar, Server, free_port, split_url};

struct Smtp {
    url: String,
    maildir: PathBuf,
}

fn smtp() -> Smtp {
    let get = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (get("AUTH_TEST_SMTP_URL"), get("AUTH_TEST_SMTP_MAILDIR")) {
        (Some(url), Some(maildir)) => Smtp {
            url,
            maildir: PathBuf::from(maildir),
        },
        _ => panic!(
            "AUTH_TEST_SMTP_URL and AUTH_TEST_SMTP_MAILDIR are not set: run `cargo xtask ci`, which starts an SMTP server \
             (python3 -m aiosmtpd with a Maildir), or start one and set both"
        ),
    }
}

/// A recipient no other test uses (they share one Maildir).
fn recipient(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{tag}-{}-{}@example.com",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn start(smtp: &Smtp, name: &str, extra: &[(&str, &str)]) -> Server {
    let mut env = vec![
        ("AUTH_EMAIL_SERVER", smtp.url.as_str()),
        ("AUTH_EMAIL_FROM", "Auth Test <auth@example.test>"),
    ];
    env.extend_from_slice(extra);
    Server::start_with(name, free_port(), &env)
}

/// Asks for a link for `to`; returns the link read from the delivered message.
fn request_link(server: &Server, smtp: &Smtp, to: &str) -> String {
    let mut jar = Jar::default();
    let csrf = server.csrf_in(&mut jar);
    let reply = server.post_in(
        &mut jar,
        "/auth/signin/email",
        &[
            ("csrfToken", &csrf),
            ("email", to),
            ("callbackUrl", "/protected"),
        ],
    );
    assert_eq!(reply.status, 302, "{}", server.log());
    assert_eq!(
        reply.header("location"),
        Some(
            format!(
                "{}/auth/verify-request?provider=email&type=email",
                server.base_url()
            )
            .as_str()
        )
    );
    let message = delivered(smtp, to);
    assert!(
        message.contains("Subject: Sign in to 127.0.0.1"),
        "{message}"
    );
    assert!(
        message.contains("From: \"Auth Test\" <auth@example.test>"),
        "{message}"
    );
    assert!(
        message.contains("multipart/alternative") && message.contains("text/html"),
        "HTML and plain text"
    );
    link_in(&message, &server.base_url())
}

/// The message the SMTP server stored for `to` (waits up to 10 s).
fn delivered(smtp: &Smtp, to: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let marker = format!("X-RcptTo: {to}");
    loop {
        for entry in fs::read_dir(smtp.maildir.join("new"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let text = fs::read_to_string(entry.path()).unwrap_or_default();
            if text.contains(&marker) {
                return text;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no message for {to} reached {}",
            smtp.maildir.display()
        );
        thread::sleep(Duration::from_millis(100));
    }
}

/// The magic link in the plain-text part (undoing quoted-printable if the mailer used it).
fn link_in(message: &str, base: &str) -> String {
    let unfolded = message
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let start = unfolded
        .find(&format!("{base}/auth/callback/email?"))
        .unwrap_or_else(|| panic!("no link to {base} in:\n{message}"));
    unfolded[start..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<')
        .next()
        .expect("link")
        .replace("&amp;", "&")
}

fn path_of(link: &str) -> String {
    split_url(link).2
}

#[test]
fn a_magic_link_delivered_over_smtp_signs_in_once() {
    let smtp = smtp();
    let server = start(&smtp, "email", &[]);
    let to = recipient("alice");
    let link = request_link(&server, &smtp, &to);
    let mut jar = Jar::default();
    let reply = server.get_in(&mut jar, &path_of(&link));
    assert_eq!(reply.status, 302, "{}", server.log());
    assert_eq!(
        reply.header("location"),
        Some(format!("{}/protected", server.base_url()).as_str())
    );
    assert!(jar.get("authjs.session-token").is_some());
    let session = server.get_in(&mut jar, "/auth/session");
    assert!(
        session.body.contains(&format!("\"email\":\"{to}\"")),
        "{}",
        session.body
    );

    // The same link again, from another browser: used up.
    let mut other = Jar::default();
    let replay = server.get_in(&mut other, &path_of(&link));
    assert_eq!(
        replay.header("location"),
        Some(format!("{}/auth/error?error=Verification", server.base_url()).as_str())
    );
    assert!(other.get("authjs.session-token").is_none());

    // A tampered token.
    let link = request_link(&server, &smtp, &recipient("mallory"));
    let tampered = link.replace("token=", "token=f");
    let mut jar = Jar::default();
    let reply = server.get_in(&mut jar, &path_of(&tampered));
    assert_eq!(
        reply.header("location"),
        Some(format!("{}/auth/error?error=Verification", server.base_url()).as_str())
    );
    assert!(jar.get("authjs.session-token").is_none());
}

#[test]
fn an_expired_magic_link_is_refused() {
    let smtp = smtp();
    let server = start(&smtp, "email-expiry", &[("AUTH_EMAIL_MAX_AGE", "1")]);
    let link = request_link(&server, &smtp, &recipient("late"));
    thread::sleep(Duration::from_millis(2_100));
    let mut jar = Jar::default();
    let reply = server.get_in(&mut jar, &path_of(&link));
    assert_eq!(
        reply.header("location"),
        Some(format!("{}/auth/error?error=Verification", server.base_url()).as_str())
    );
    assert!(jar.get("authjs.session-token").is_none());
}
