//! The scenarios, as data: each a list of requests sent in order by one client (one cookie
//! jar), each request with the status the core reference must give.
//!
//! Strings may hold `{csrf}`, replaced by the CSRF token the client holds when the request is
//! sent (from the `authjs.csrf-token` cookie).

use crate::{BROWSER_ACCEPT, MAX_BODY_BYTES};

/// A named list of requests sent in order by one client.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name, shown when a framework answers differently.
    pub name: &'static str,
    /// The requests, in order.
    pub steps: Vec<Step>,
}

/// How a request carries the client's cookies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cookies {
    /// The whole jar in one `Cookie` header.
    Jar,
    /// The jar with each cookie on its own `Cookie` header line (as HTTP/2 clients send them).
    SplitLines,
    /// These `Cookie` header lines instead of the jar.
    Lines(Vec<String>),
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    Empty,
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(&'static str, String)>),
    /// Form fields and a `pad` field that brings the body to exactly this many bytes.
    PaddedForm(Vec<(&'static str, String)>, usize),
    /// `application/json`.
    Json(String),
    /// This many spaces as `application/json`.
    JsonSpaces(usize),
}

/// One request, and the status the core reference must answer it with.
#[derive(Debug, Clone)]
pub struct Step {
    /// The method (`GET`, `POST`, `PUT`).
    pub method: &'static str,
    /// The path and query.
    pub uri: String,
    /// The `Accept` header, if any.
    pub accept: Option<&'static str>,
    /// Other headers.
    pub headers: Vec<(&'static str, &'static str)>,
    /// The body.
    pub body: Body,
    /// How the cookies travel.
    pub cookies: Cookies,
    /// The status the core reference gives (checked, so a scenario proves what it says).
    pub status: u16,
    /// A prefix the core reference's `Location` must have, if any.
    pub location: Option<String>,
    /// Frameworks that refuse this request themselves, before the auth crate sees it: their
    /// status must be the core's (a 4xx), the rest of the answer is their own.
    pub refused_by: &'static [&'static str],
}

impl Step {
    fn new(method: &'static str, uri: &str, status: u16) -> Self {
        Self {
            method,
            uri: uri.to_owned(),
            accept: None,
            headers: Vec::new(),
            body: Body::Empty,
            cookies: Cookies::Jar,
            status,
            location: None,
            refused_by: &[],
        }
    }

    /// `GET uri`, expecting `status`.
    pub fn get(uri: &str, status: u16) -> Self {
        Self::new("GET", uri, status)
    }

    /// `POST uri` with form `fields`, expecting `status`.
    pub fn post_form(uri: &str, fields: &[(&'static str, &str)], status: u16) -> Self {
        Self {
            body: Body::Form(fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()),
            ..Self::new("POST", uri, status)
        }
    }

    /// `POST uri` with a JSON body, expecting `status`.
    pub fn post_json(uri: &str, json: &str, status: u16) -> Self {
        Self {
            body: Body::Json(json.to_owned()),
            ..Self::new("POST", uri, status)
        }
    }

    /// Any method and body.
    pub fn request(method: &'static str, uri: &str, body: Body, status: u16) -> Self {
        Self {
            body,
            ..Self::new(method, uri, status)
        }
    }

    /// As a browser: `Accept: text/html,…`.
    pub fn browser(mut self) -> Self {
        self.accept = Some(BROWSER_ACCEPT);
        self
    }

    /// With this `Accept`.
    pub fn accept(mut self, accept: &'static str) -> Self {
        self.accept = Some(accept);
        self
    }

    /// With one more header.
    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// With the cookies on separate `Cookie` lines.
    pub fn split_cookies(mut self) -> Self {
        self.cookies = Cookies::SplitLines;
        self
    }

    /// With these `Cookie` lines instead of the jar.
    pub fn cookie_lines(mut self, lines: &[&str]) -> Self {
        self.cookies = Cookies::Lines(lines.iter().map(|l| (*l).to_owned()).collect());
        self
    }

    /// The core reference's `Location` must start with `prefix`.
    pub fn location(mut self, prefix: &str) -> Self {
        self.location = Some(prefix.to_owned());
        self
    }

    /// `frameworks` refuse this request themselves (see [`Step::refused_by`]).
    pub fn refused_by(mut self, frameworks: &'static [&'static str]) -> Self {
        self.refused_by = frameworks;
        self
    }

    /// `METHOD uri`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.uri)
    }
}

const ORIGIN: &str = crate::ORIGIN;

fn csrf() -> Step {
    Step::get("/auth/csrf", 200)
}

fn sign_in(username: &str, password: &str) -> Step {
    Step::post_form(
        "/auth/callback/credentials",
        &[
            ("csrfToken", "{csrf}"),
            ("username", username),
            ("password", password),
            ("callbackUrl", "/protected"),
        ],
        302,
    )
    .location(&format!("{ORIGIN}/protected"))
}

/// `GET /auth/csrf`, then the `alice` sign-in.
fn signed_in() -> Vec<Step> {
    vec![csrf(), sign_in("alice", "wonderland")]
}

fn steps(parts: impl IntoIterator<Item = Vec<Step>>) -> Vec<Step> {
    parts.into_iter().flatten().collect()
}

/// Every scenario of the suite: the ones below and the hostile-input table
/// ([`crate::hostile::table`]).
pub fn all() -> Vec<Scenario> {
    let mut all = own();
    all.extend(crate::hostile::table());
    all
}

fn own() -> Vec<Scenario> {
    let signin_location = format!("{ORIGIN}/auth/signin");
    vec![
        Scenario {
            name: "providers",
            steps: vec![Step::get("/auth/providers", 200)],
        },
        Scenario {
            name: "csrf",
            steps: vec![
                csrf(),
                // The second read keeps the cookie and gives the same token.
                csrf(),
            ],
        },
        Scenario {
            name: "credentials sign-in",
            steps: signed_in(),
        },
        Scenario {
            name: "session read",
            steps: steps([
                vec![Step::get("/auth/session", 200)],
                signed_in(),
                vec![Step::get("/auth/session", 200)],
            ]),
        },
        Scenario {
            name: "session update",
            steps: steps([
                signed_in(),
                vec![
                    Step::post_json(
                        "/auth/session",
                        r#"{"csrfToken":"{csrf}","data":{"name":"Bob"}}"#,
                        200,
                    ),
                    Step::get("/auth/session", 200),
                ],
            ]),
        },
        Scenario {
            name: "chunked session",
            steps: vec![
                csrf(),
                sign_in("chunky", "chunky-cookie"),
                Step::get("/auth/session", 200),
                Step::get("/me", 200),
            ],
        },
        Scenario {
            name: "sign-out",
            steps: steps([
                signed_in(),
                vec![
                    Step::get("/auth/signout", 200).browser(),
                    Step::post_form("/auth/signout", &[("csrfToken", "{csrf}")], 302)
                        .location(ORIGIN),
                    Step::get("/auth/session", 200),
                ],
            ]),
        },
        Scenario {
            name: "pages",
            steps: vec![
                Step::get("/auth/signin", 200).browser(),
                Step::get("/auth/signin?callbackUrl=%2Fprotected", 200).browser(),
                Step::get("/auth/signout", 200).browser(),
                Step::get("/auth/error?error=AccessDenied", 403).browser(),
                Step::get("/auth/error?error=Configuration", 500).browser(),
                Step::get("/auth/verify-request", 200).browser(),
            ],
        },
        Scenario {
            name: "errors",
            steps: vec![
                csrf(),
                sign_in("alice", "not-the-password")
                    .location(&format!("{signin_location}?error=CredentialsSignin")),
                Step::post_form("/auth/signout", &[], 302)
                    .location(&format!("{signin_location}?error=MissingCSRF")),
                Step::post_form("/auth/callback/credentials", &[("username", "alice")], 302)
                    .location(&format!("{signin_location}?error=MissingCSRF")),
                Step::get("/auth/nonsense", 400),
                // The bare base path is no action (Auth.js: 400 "Bad request.").
                Step::get("/auth", 400),
                Step::get("/auth/", 400),
                Step::post_form("/auth", &[], 400),
                Step::post_form("/auth/providers", &[("csrfToken", "{csrf}")], 302)
                    .location(&format!("{ORIGIN}/auth/error?error=Configuration")),
                Step::request("PUT", "/auth/session", Body::Empty, 400),
                Step::post_json("/auth/session", "[1,2]", 400),
                Step::get("/auth/signin?callbackUrl=javascript%3Aalert(1)", 400),
                // Auth.js's JSON mode: the redirect as `{"url": …}`.
                Step::post_form(
                    "/auth/callback/credentials",
                    &[
                        ("csrfToken", "{csrf}"),
                        ("username", "alice"),
                        ("password", "nope"),
                    ],
                    200,
                )
                .header("x-auth-return-redirect", "1"),
            ],
        },
        Scenario {
            name: "oversized body",
            steps: vec![
                csrf(),
                // Exactly at the limit: read, and it signs in.
                Step::request(
                    "POST",
                    "/auth/callback/credentials",
                    Body::PaddedForm(
                        vec![
                            ("csrfToken", "{csrf}".to_owned()),
                            ("username", "alice".to_owned()),
                            ("password", "wonderland".to_owned()),
                        ],
                        MAX_BODY_BYTES,
                    ),
                    302,
                )
                .location(ORIGIN),
                // One byte over: 413, nothing else happens.
                Step::request(
                    "POST",
                    "/auth/callback/credentials",
                    Body::PaddedForm(
                        vec![
                            ("csrfToken", "{csrf}".to_owned()),
                            ("username", "alice".to_owned()),
                            ("password", "wonderland".to_owned()),
                        ],
                        MAX_BODY_BYTES + 1,
                    ),
                    413,
                ),
                // Far over, as JSON, on another action.
                Step::request("POST", "/auth/session", Body::JsonSpaces(1024 * 1024), 413),
            ],
        },
        Scenario {
            name: "repeated Cookie headers",
            steps: steps([
                signed_in(),
                vec![
                    csrf().split_cookies(),
                    Step::get("/auth/session", 200).split_cookies(),
                    Step::get("/protected", 200).split_cookies(),
                    Step::get("/me", 200).split_cookies(),
                    Step::get("/", 200).split_cookies(),
                    Step::post_form("/auth/signout", &[("csrfToken", "{csrf}")], 302)
                        .split_cookies()
                        .location(ORIGIN),
                ],
            ]),
        },
        Scenario {
            name: "admin gate and logout",
            steps: steps([
                vec![
                    Step::get("/admin", 303).browser().location(&format!(
                        "{signin_location}?callbackUrl=http%3A%2F%2F127.0.0.1%3A3000%2Fadmin"
                    )),
                    Step::get("/admin", 401),
                    Step::get("/admin", 401).accept("application/json"),
                    // An Auth.js route is never gated.
                    Step::get("/auth/session", 200),
                    csrf(),
                    sign_in("chunky", "chunky-cookie"),
                    Step::get("/admin", 403).browser(),
                    Step::get("/admin", 403),
                    Step::post_form("/logout", &[], 303).location(&format!("{ORIGIN}/")),
                    Step::get("/auth/session", 200),
                    Step::get("/admin", 303).browser(),
                ],
                signed_in(),
                vec![
                    Step::get("/admin", 200).browser(),
                    Step::get("/admin", 200),
                    Step::get("/", 200).browser(),
                    Step::post_form("/logout", &[], 303).location(&format!("{ORIGIN}/")),
                    Step::get("/auth/session", 200),
                    Step::get("/admin", 303).browser(),
                    Step::get("/admin", 401),
                ],
                // `POST /logout` from another site is refused, and the session stays.
                signed_in(),
                vec![
                    Step::post_form("/logout", &[], 403).header("origin", "https://evil.example"),
                    Step::post_form("/logout", &[], 403).header("origin", "null"),
                    Step::post_form("/logout", &[], 403).header("sec-fetch-site", "cross-site"),
                    Step::get("/auth/session", 200),
                    Step::post_form("/logout", &[], 303)
                        .header("origin", ORIGIN)
                        .header("sec-fetch-site", "same-origin")
                        .location(&format!("{ORIGIN}/")),
                    Step::get("/auth/session", 200),
                ],
            ]),
        },
        Scenario {
            name: "protected routes",
            steps: steps([
                vec![
                    Step::get("/", 200),
                    Step::get("/protected", 303)
                        .browser()
                        .location(&format!("{signin_location}?callbackUrl=")),
                    Step::get("/protected?page=2", 303).browser(),
                    Step::get("/protected", 303).accept("text/html"),
                    Step::get("/protected", 401),
                    Step::get("/protected", 401).accept("application/json"),
                    Step::get("/protected", 401).accept("*/*"),
                    Step::get("/me?x=1", 303).browser(),
                    Step::get("/me", 401),
                    // A forged session cookie is no session.
                    Step::get("/protected", 401).cookie_lines(&["authjs.session-token=not-a-jwe"]),
                    Step::get("/me", 303)
                        .browser()
                        .cookie_lines(&["authjs.session-token=not-a-jwe"]),
                ],
                signed_in(),
                vec![
                    Step::get("/protected", 200).browser(),
                    Step::get("/protected", 200),
                    Step::get("/me", 200).accept("application/json"),
                    Step::get("/", 200).browser(),
                ],
            ]),
        },
    ]
}
