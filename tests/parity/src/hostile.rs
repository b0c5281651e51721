//! The hostile-input table (issue 12, item 10): foreign hosts, forged forwarded headers,
//! absolute-form targets, open-redirect callback URLs, missing and forged CSRF, thousands of
//! cookies, oversized chunk indexes, junk bodies, addresses a mailer reads differently and
//! overlong provider ids. Each row states the status (and `Location`) the core gives; every
//! framework must answer exactly as the core does, and none may answer 500.

use crate::scenarios::{Body, Scenario, Step};

const ORIGIN: &str = crate::ORIGIN;

fn csrf() -> Step {
    Step::get("/auth/csrf", 200)
}

/// `POST /auth/signin/email` with the client's CSRF token and `email`.
fn email_sign_in(email: &str) -> Step {
    Step::post_form(
        "/auth/signin/email",
        &[
            ("csrfToken", "{csrf}"),
            ("email", email),
            ("callbackUrl", "/protected"),
        ],
        302,
    )
}

/// The credentials sign-in of `alice` with `callback_url`.
fn sign_in_to(callback_url: &str) -> Step {
    Step::post_form(
        "/auth/callback/credentials",
        &[
            ("csrfToken", "{csrf}"),
            ("username", "alice"),
            ("password", "wonderland"),
            ("callbackUrl", callback_url),
        ],
        302,
    )
}

fn verify_request() -> String {
    format!("{ORIGIN}/auth/verify-request?provider=email&type=email")
}

/// `n` session chunk cookies on one `Cookie` line.
fn many_chunks(n: usize) -> String {
    (0..n)
        .map(|i| format!("authjs.session-token.{i}=x"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The table, as scenarios (one client each).
pub fn table() -> Vec<Scenario> {
    let signin = format!("{ORIGIN}/auth/signin");
    let missing_csrf = format!("{signin}?error=MissingCSRF");
    let long_id = "p".repeat(5000);
    vec![
        Scenario {
            name: "hostile: hosts",
            steps: vec![
                // Without AUTH_URL or host trust only loopback hosts are served.
                Step::get("/auth/csrf", 400).header("host", "login.evil.test"),
                Step::get("/auth/providers", 400).header("host", "127.0.0.1.evil.test"),
                Step::get("/auth/session", 400).header("host", "127.0.0.1:3000@evil.test"),
                Step::get("/auth/csrf", 400).header("host", "4294967296"),
                // An absolute-form target names the host: a foreign one is refused. Rocket
                // routes origin-form targets only and refuses every absolute-form one itself
                // (so `http://localhost:3000/…`, which the others serve, is not in the table).
                Step::get("http://evil.test/auth/csrf", 400).refused_by(&["rocket"]),
                csrf(),
                Step::post_form("/auth/signin/email", &[("csrfToken", "{csrf}"), ("email", "bob@example.com")], 400)
                    .header("host", "login.evil.test"),
                // Forwarded headers are not read without host trust: the link is for the origin.
                email_sign_in("bob@example.com")
                    .header("x-forwarded-host", "evil.test")
                    .header("x-forwarded-proto", "https")
                    .location(&verify_request()),
                email_sign_in("bob@example.com")
                    .header("forwarded", "for=1.2.3.4;host=evil.test;proto=https")
                    .location(&verify_request()),
                Step::get("/auth/signin", 200)
                    .browser()
                    .header("x-forwarded-host", "evil.test"),
            ],
        },
        Scenario {
            name: "hostile: open redirects",
            steps: vec![
                csrf(),
                // `\` is `/` to a browser: the parsed URL comes back, on the origin.
                sign_in_to("http://127.0.0.1:3000\\@evil.test/").location(&format!("{ORIGIN}/@evil.test/")),
                csrf(),
                sign_in_to("//evil.test/x").location(ORIGIN),
                csrf(),
                sign_in_to("/\\evil.test").location(ORIGIN),
                csrf(),
                sign_in_to("https://evil.test/").location(ORIGIN),
                csrf(),
                sign_in_to("http://127.0.0.1:3000.evil.test/").location(ORIGIN),
                csrf(),
                sign_in_to("http://user@127.0.0.1:3000/").location(ORIGIN),
                Step::get("/auth/signin?callbackUrl=javascript%3Aalert(1)", 400),
                Step::get("/auth/signin?callbackUrl=%2F%2Fevil.test", 200).browser(),
                Step::get("/auth/signin?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%5C%40evil.test%2F", 200)
                    .browser(),
            ],
        },
        Scenario {
            name: "hostile: csrf",
            steps: vec![
                Step::post_form("/auth/signout", &[], 302).location(&missing_csrf),
                csrf(),
                Step::post_form("/auth/signout", &[("csrfToken", "forged")], 302).location(&missing_csrf),
                Step::post_form(
                    "/auth/callback/credentials",
                    &[("csrfToken", "forged"), ("username", "alice"), ("password", "wonderland")],
                    302,
                )
                .location(&missing_csrf),
                // A forged cookie and the token it names: the hash does not match.
                Step::post_form("/auth/signout", &[("csrfToken", "abc")], 302)
                    .cookie_lines(&["authjs.csrf-token=abc%7Cdef"])
                    .location(&missing_csrf),
                Step::post_form("/auth/signout", &[("csrfToken", "abc")], 302)
                    .cookie_lines(&["authjs.csrf-token=abc|"])
                    .location(&missing_csrf),
            ],
        },
        Scenario {
            name: "hostile: cookies",
            steps: vec![
                Step::get("/auth/session", 200).cookie_lines(&[&many_chunks(3000)]),
                Step::get("/protected", 401).cookie_lines(&[&many_chunks(3000)]),
                Step::get("/auth/session", 200).cookie_lines(&[
                    "authjs.session-token.99999999999999999999=x; authjs.session-token.64=y; authjs.session-token.007=z; authjs.session-token.-1=w",
                ]),
                Step::get("/auth/session", 200).cookie_lines(&["authjs.session-token=%ZZ%E2%82; authjs.session-token=\"\""]),
                Step::get("/auth/session", 200).cookie_lines(&[";;;==;=;a=;=b; ; authjs.session-token"]),
                Step::get("/auth/csrf", 200).cookie_lines(&["authjs.csrf-token=%7C%7C%7C"]),
            ],
        },
        Scenario {
            name: "hostile: bodies",
            steps: vec![
                csrf(),
                Step::post_json("/auth/session", r#"{"csrfToken":"#, 400),
                Step::post_json("/auth/session", "\"just a string\"", 400),
                Step::post_json("/auth/callback/credentials", r#"{"csrfToken":"{csrf}","username":["alice"],"password":{"x":1}}"#, 302)
                    .location(&format!("{signin}?error=CredentialsSignin")),
                Step::request("POST", "/auth/signout", Body::Json("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".into()), 400),
                Step::request(
                    "POST",
                    "/auth/callback/credentials",
                    Body::Form(vec![("%zz", "%".into()), ("csrfToken", "{csrf}".into()), ("username", "\u{0}".into())]),
                    302,
                )
                .location(&format!("{signin}?error=CredentialsSignin")),
            ],
        },
        Scenario {
            name: "hostile: addresses",
            steps: vec![
                csrf(),
                email_sign_in("x<victim@evil.test>").location(&format!("{ORIGIN}/auth/error?error=Configuration")),
                csrf(),
                email_sign_in("bo\u{200b}b@example.com").location(&format!("{ORIGIN}/auth/error?error=Configuration")),
                csrf(),
                email_sign_in("bob@example.com\u{0}").location(&format!("{ORIGIN}/auth/error?error=Configuration")),
                csrf(),
                email_sign_in("\"bob\"@example.com").location(&format!("{ORIGIN}/auth/error?error=Configuration")),
                csrf(),
                // Fullwidth letters fold to `bob@example.com` (NFKC, as Auth.js).
                email_sign_in("\u{ff42}ob@example.com").location(&verify_request()),
                csrf(),
                email_sign_in("bob@example.com,evil.test").location(&verify_request()),
            ],
        },
        Scenario {
            name: "hostile: provider ids",
            steps: vec![
                csrf(),
                Step::get(&format!("/auth/signin/{long_id}"), 302),
                Step::post_form(&format!("/auth/signin/{long_id}"), &[("csrfToken", "{csrf}")], 302),
                Step::get(&format!("/auth/callback/{long_id}?code=x&state=y"), 302),
                Step::get("/auth/signin/%00", 302),
                Step::get("/auth/callback/..%2F..%2Fadmin", 302),
                Step::get("/auth/signin/a/b", 400),
            ],
        },
    ]
}
