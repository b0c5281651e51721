//! End-to-end sign-ins through a REAL OpenID provider (panva's `oidc-provider`, run by
//! `xtask/oidc/provider.mjs`) and the REAL `example-axum` binary, with plain HTTP: no browser.
//! The example's `oidc` provider ("Local OIDC") uses PKCE, `state` and `nonce`; the provider's
//! login and consent forms are filled in as `xtask/oidc/login-flow.md` describes. Besides the
//! `client_secret_basic` client, the provider's `client_secret_jwt` and `private_key_jwt` clients
//! sign in (the example's `AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD` and
//! `AUTH_OIDC_CLIENT_PRIVATE_KEY`, with the keys of `xtask/oidc/keys/`).
//!
//! Needs, from the environment (`cargo xtask ci` sets both):
//!
//! - `AUTH_TEST_OIDC_ISSUER`: the provider's issuer, e.g. `http://127.0.0.1:41234`;
//! - `AUTH_TEST_OIDC_APP_PORT`: the port the example must listen on, because the provider has
//!   `http://127.0.0.1:<that port>/auth/callback/oidc` registered as the redirect_uri of its
//!   client `rust-auth` / `rust-auth-secret`.
//!
//! Without them the tests fail (they never skip). As every test needs that one port, they take
//! turns (a file lock, which also works across the processes of `cargo nextest`).

mod support;

use std::{
    fs::File,
    thread,
    time::{Duration, Instant},
};

use support::{
    BROWSER_ACCEPT, Jar, Reply, Server, form, origin_of, query_pairs, query_param, request_to,
    resolve, split_url, with_query,
};

const CLIENT_ID: &str = "rust-auth";
const CLIENT_SECRET: &str = "rust-auth-secret";
/// The provider's `client_secret_jwt` client (HS256 assertions with its secret).
const SECRET_JWT_CLIENT_ID: &str = "rust-auth-secret-jwt";
/// The secret of [`SECRET_JWT_CLIENT_ID`].
const SECRET_JWT_CLIENT_SECRET: &str = "rust-auth-secret-jwt-0123456789abcdef0123456789abcdef";
/// The provider's `private_key_jwt` client, registered with the public halves of the keys in
/// `xtask/oidc/keys/`.
const PRIVATE_KEY_JWT_CLIENT_ID: &str = "rust-auth-private-key-jwt";
/// How long a test waits for the other tests that need the app port.
const LOCK_TIMEOUT: Duration = Duration::from_secs(180);
/// The most requests a sign-in at the provider may take (login-flow.md needs 7).
const MAX_PROVIDER_STEPS: usize = 12;

/// What the tests need from the environment.
struct OidcEnv {
    issuer: String,
    app_port: u16,
}

impl OidcEnv {
    /// Reads `AUTH_TEST_OIDC_ISSUER` and `AUTH_TEST_OIDC_APP_PORT`; panics when either is
    /// missing or unusable.
    fn from_env() -> Self {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let (issuer, port) = match (get("AUTH_TEST_OIDC_ISSUER"), get("AUTH_TEST_OIDC_APP_PORT")) {
            (Some(issuer), Some(port)) => (issuer, port),
            (issuer, port) => panic!(
                "the OpenID provider end-to-end tests need AUTH_TEST_OIDC_ISSUER (now {issuer:?}) and \
                 AUTH_TEST_OIDC_APP_PORT (now {port:?}). Run `cargo xtask ci`, which starts the \
                 OpenID provider, or start xtask/oidc/provider.mjs yourself:\n  \
                 cd xtask/oidc && npm ci && PORT=4011 \
                 OIDC_REDIRECT_URIS=http://127.0.0.1:3100/auth/callback/oidc node provider.mjs\n\
                 and set AUTH_TEST_OIDC_ISSUER=http://127.0.0.1:4011 AUTH_TEST_OIDC_APP_PORT=3100"
            ),
        };
        let issuer = issuer.trim().trim_end_matches('/').to_owned();
        assert!(
            issuer.starts_with("http://"),
            "AUTH_TEST_OIDC_ISSUER must be a plain http:// issuer, not {issuer:?}"
        );
        let app_port = port.trim().parse().unwrap_or_else(|_| {
            panic!("AUTH_TEST_OIDC_APP_PORT must be a port number, not {port:?}")
        });
        Self { issuer, app_port }
    }

    /// The example's callback URL, as registered at the provider.
    fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/auth/callback/oidc", self.app_port)
    }

    /// Takes the app port for this test: an exclusive lock on a file named after it, held
    /// until the returned file is dropped (waits at most [`LOCK_TIMEOUT`]).
    fn lock_app_port(&self) -> File {
        let path = std::env::temp_dir().join(format!("example-axum-oidc-{}.lock", self.app_port));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open the lock file {}: {e}", path.display()));
        let deadline = Instant::now() + LOCK_TIMEOUT;
        loop {
            match file.try_lock() {
                Ok(()) => return file,
                Err(std::fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!(
                    "cannot lock {} (the app port {} stayed in use by another test for {} s): {e}",
                    path.display(),
                    self.app_port,
                    LOCK_TIMEOUT.as_secs()
                ),
            }
        }
    }

    /// Starts the example on the app port with the `oidc` provider configured.
    fn start_example(&self, name: &str) -> Server {
        self.start_example_as(
            name,
            &[
                ("AUTH_OIDC_ID", CLIENT_ID),
                ("AUTH_OIDC_SECRET", CLIENT_SECRET),
            ],
        )
    }

    /// Starts the example on the app port with the `oidc` provider of the client `client`
    /// (`AUTH_OIDC_ID`, and its secret or key variables).
    fn start_example_as(&self, name: &str, client: &[(&str, &str)]) -> Server {
        let mut env = vec![("AUTH_OIDC_ISSUER", self.issuer.as_str())];
        env.extend_from_slice(client);
        Server::start_with(name, self.app_port, &env)
    }
}

/// A browser's view of the example: its cookie jar and the requests it makes.
struct Browser<'a> {
    server: &'a Server,
    jar: Jar,
}

impl<'a> Browser<'a> {
    fn new(server: &'a Server) -> Self {
        Self {
            server,
            jar: Jar::default(),
        }
    }

    /// One request with the jar's cookies; the answer's cookies go into the jar.
    fn send(&mut self, method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let cookies = self.jar.header(target);
        let mut all = headers.to_vec();
        if !cookies.is_empty() {
            all.push(("Cookie", &cookies));
        }
        let reply = self.server.request(method, target, &all, body);
        self.jar.store(target, &reply);
        reply
    }

    fn get(&mut self, target: &str, headers: &[(&str, &str)]) -> Reply {
        self.send("GET", target, headers, "")
    }

    /// `GET /auth/csrf`, then `POST /auth/signin/oidc` with `callbackUrl=/protected`: the
    /// redirect to the provider's authorization endpoint (checked here in detail).
    fn start_sign_in(&mut self, env: &OidcEnv) -> AuthorizationRequest {
        self.start_sign_in_as(env, CLIENT_ID)
    }

    /// [`Browser::start_sign_in`] for the example configured with the client `client_id`.
    fn start_sign_in_as(&mut self, env: &OidcEnv, client_id: &str) -> AuthorizationRequest {
        let csrf = self.get("/auth/csrf", &[]);
        assert_eq!(csrf.status, 200, "GET /auth/csrf: {csrf:?}");
        let token = support::json_string(&csrf.body, "csrfToken")
            .unwrap_or_else(|| panic!("no csrfToken in {}", csrf.body));
        assert!(
            self.jar.get("authjs.csrf-token").is_some(),
            "GET /auth/csrf sets the CSRF cookie: {csrf:?}"
        );

        let sign_in = self.send(
            "POST",
            "/auth/signin/oidc",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &form(&[("csrfToken", &token), ("callbackUrl", "/protected")]),
        );
        assert_eq!(
            sign_in.status,
            302,
            "POST /auth/signin/oidc redirects to the provider: {sign_in:?}\nexample log:\n{}",
            self.server.log()
        );
        let location = sign_in
            .header("location")
            .unwrap_or_else(|| panic!("no Location in {sign_in:?}"))
            .to_owned();
        let endpoint = format!("{}/auth?", env.issuer);
        assert!(
            location.starts_with(&endpoint),
            "the sign-in goes to the provider's authorization endpoint {endpoint}…, not {location}"
        );
        let param = |name: &str| {
            query_param(&location, name)
                .unwrap_or_else(|| panic!("the authorization URL has no {name}: {location}"))
        };
        assert_eq!(param("response_type"), "code", "{location}");
        assert_eq!(param("client_id"), client_id, "{location}");
        assert_eq!(param("redirect_uri"), env.redirect_uri(), "{location}");
        let scope = param("scope");
        for wanted in ["openid", "email", "profile"] {
            assert!(
                scope.split(' ').any(|s| s == wanted),
                "scope {scope:?} lacks {wanted}: {location}"
            );
        }
        let state = param("state");
        let nonce = param("nonce");
        let challenge = param("code_challenge");
        assert_eq!(param("code_challenge_method"), "S256", "{location}");
        assert!(!state.is_empty() && !nonce.is_empty(), "{location}");
        assert!(
            challenge.len() == 43
                && challenge
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "code_challenge is not a base64url SHA-256 digest: {challenge:?}"
        );
        assert_eq!(
            query_pairs(&location)
                .iter()
                .filter(|(n, _)| n == "state")
                .count(),
            1,
            "{location}"
        );

        // The three check cookies, sealed, HttpOnly and SameSite=Lax (the callback is a
        // top-level GET navigation).
        for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
            let cookie = sign_in
                .set_cookie(name)
                .unwrap_or_else(|| panic!("the sign-in sets no {name} cookie: {sign_in:?}"));
            let lower = cookie.to_ascii_lowercase();
            assert!(
                !cookie.starts_with(&format!("{name}=;")),
                "{name} is empty: {cookie}"
            );
            assert!(lower.contains("httponly"), "{cookie}");
            assert!(lower.contains("samesite=lax"), "{cookie}");
            assert!(lower.contains("path=/"), "{cookie}");
            let value = self.jar.get(name).unwrap_or_default();
            assert!(
                !value.contains(&state) && !value.contains(&nonce),
                "{name} is sealed, not the plain value: {cookie}"
            );
        }
        AuthorizationRequest {
            url: location,
            state,
        }
    }
}

/// Where the example sends the browser at the provider.
struct AuthorizationRequest {
    url: String,
    state: String,
}

/// The provider's final redirect back to the example.
struct ProviderAnswer {
    /// `http://127.0.0.1:<app port>/auth/callback/oidc?code=…&state=…&iss=…`.
    callback: String,
    /// One line a request: `GET /path -> 303 …`.
    trace: Vec<String>,
}

/// Signs in at the provider as `login` (any password), with a cookie jar of its own: follows
/// its redirects, fills in its login and consent forms, and stops at the first redirect to the
/// example's `redirect_uri`, which is not followed.
fn sign_in_at_provider(env: &OidcEnv, authorization_url: &str, login: &str) -> ProviderAnswer {
    let origin = origin_of(&env.issuer);
    let redirect_uri = env.redirect_uri();
    let mut jar = Jar::default();
    let mut trace = Vec::new();
    let (mut method, mut url, mut body) = ("GET", authorization_url.to_owned(), String::new());
    for _ in 0..MAX_PROVIDER_STEPS {
        assert_eq!(
            origin_of(&url),
            origin,
            "the provider sent the browser elsewhere: {url}\n{}",
            trace.join("\n")
        );
        let (host, port, target) = split_url(&url);
        let cookies = jar.header(&target);
        let mut headers = vec![("Accept", BROWSER_ACCEPT)];
        if !cookies.is_empty() {
            headers.push(("Cookie", &cookies));
        }
        if method == "POST" {
            headers.push(("Content-Type", "application/x-www-form-urlencoded"));
        }
        let reply = request_to(&host, port, method, &target, &headers, &body).unwrap_or_else(|e| {
            panic!(
                "{method} {url} at the OpenID provider failed: {e}\n{}",
                trace.join("\n")
            )
        });
        jar.store(&target, &reply);
        let location = reply.header("location").map(|l| resolve(&origin, l));
        trace.push(format!(
            "{method} {target} -> {}{}",
            reply.status,
            location
                .as_deref()
                .map_or(String::new(), |l| format!(" Location: {l}"))
        ));
        match (reply.status, location) {
            (302 | 303, Some(location)) if location.starts_with(&format!("{redirect_uri}?")) => {
                return ProviderAnswer {
                    callback: location,
                    trace,
                };
            }
            (302 | 303, Some(location)) => {
                (method, url, body) = ("GET", location, String::new());
            }
            (200, None) => {
                let fields: Vec<(&str, &str)> =
                    if reply.body.contains(r#"name="prompt" value="login""#) {
                        vec![("prompt", "login"), ("login", login), ("password", "any")]
                    } else if reply.body.contains(r#"name="prompt" value="consent""#) {
                        vec![("prompt", "consent")]
                    } else {
                        panic!(
                            "an unexpected page at the provider ({url}):\n{}\n{}",
                            reply.body,
                            trace.join("\n")
                        )
                    };
                let action = form_action(&reply.body).unwrap_or_else(|| url.clone());
                (method, url, body) = ("POST", resolve(&origin, &action), form(&fields));
            }
            _ => panic!(
                "an unexpected answer from the provider to {method} {url}: {reply:?}\n{}",
                trace.join("\n")
            ),
        }
    }
    panic!(
        "no redirect to {redirect_uri} after {MAX_PROVIDER_STEPS} requests at the provider:\n{}",
        trace.join("\n")
    )
}

/// The `action` of the first `<form>` of an HTML page.
fn form_action(html: &str) -> Option<String> {
    let form = &html[html.find("<form")?..];
    let form = &form[..form.find('>')?];
    let start = form.find("action=\"")? + "action=\"".len();
    let end = form[start..].find('"')?;
    Some(form[start..start + end].replace("&amp;", "&"))
}

/// The request target (path and query) of an absolute URL.
fn target_of(url: &str) -> String {
    split_url(url).2
}

/// Asserts that `reply` sets no session cookie.
fn assert_no_session(reply: &Reply, what: &str) {
    assert!(
        reply
            .set_cookies()
            .all(|c| !c.starts_with("authjs.session-token")),
        "{what} sets no session cookie: {reply:?}"
    );
}

#[test]
fn oidc_sign_in_through_the_real_provider() {
    let env = OidcEnv::from_env();
    let _port = env.lock_app_port();
    let server = env.start_example("oidc-sign-in");
    let base = server.base_url();
    let mut browser = Browser::new(&server);

    // The provider is listed next to the credentials.
    let providers = browser.get("/auth/providers", &[]);
    assert_eq!(providers.status, 200, "{providers:?}");
    let oidc = providers
        .body
        .split("\"oidc\":{")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_else(|| {
            panic!(
                "no oidc provider in GET /auth/providers: {}",
                providers.body
            )
        });
    for member in [
        r#""id":"oidc""#,
        r#""name":"Local OIDC""#,
        r#""type":"oidc""#,
    ] {
        assert!(oidc.contains(member), "{member} in {}", providers.body);
    }
    assert!(
        oidc.contains(&format!(r#""signinUrl":"{base}/auth/signin/oidc""#)),
        "{}",
        providers.body
    );
    assert!(
        oidc.contains(&format!(r#""callbackUrl":"{base}/auth/callback/oidc""#)),
        "{}",
        providers.body
    );
    assert!(
        providers.body.contains("\"credentials\":{"),
        "{}",
        providers.body
    );

    let authorization = browser.start_sign_in(&env);
    let answer = sign_in_at_provider(&env, &authorization.url, "alice");
    let trace = answer.trace.join("\n");
    assert!(
        trace.contains("POST /interaction/") && answer.trace.len() == 7,
        "the provider asked for the login and the consent (login-flow.md):\n{trace}"
    );
    let callback = &answer.callback;
    assert_eq!(
        query_param(callback, "state").as_deref(),
        Some(authorization.state.as_str()),
        "{callback}"
    );
    assert_eq!(
        query_param(callback, "iss").as_deref(),
        Some(env.issuer.as_str()),
        "{callback}"
    );
    assert!(
        query_param(callback, "code").is_some_and(|c| !c.is_empty()),
        "{callback}"
    );

    // Back at the example: code exchange, id_token (nonce) and the session.
    let before_callback = browser.jar.clone();
    let signed_in = browser.get(&target_of(callback), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(
        signed_in.status,
        302,
        "the callback: {signed_in:?}\nprovider:\n{trace}\nexample log:\n{}",
        server.log()
    );
    assert_eq!(
        signed_in.header("location"),
        Some(format!("{base}/protected").as_str()),
        "the callback: {signed_in:?}\nexample log:\n{}",
        server.log()
    );
    let session_cookie = signed_in
        .set_cookie("authjs.session-token")
        .unwrap_or_else(|| panic!("no session cookie in {signed_in:?}"));
    assert!(
        !session_cookie.starts_with("authjs.session-token=;"),
        "{session_cookie}"
    );
    for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        let cookie = signed_in
            .set_cookie(name)
            .unwrap_or_else(|| panic!("the callback does not clear {name}: {signed_in:?}"));
        assert!(
            cookie.starts_with(&format!("{name}=;")) && cookie.contains("Max-Age=0"),
            "the callback clears {name}: {cookie}"
        );
    }

    let session = browser.get("/auth/session", &[]);
    assert_eq!(session.status, 200, "{session:?}");
    assert!(
        session.body.contains(r#""name":"Alice""#),
        "session: {}",
        session.body
    );
    assert!(
        session.body.contains(r#""email":"alice@example.com""#),
        "session: {}",
        session.body
    );
    assert!(session.body.contains(r#""expires":""#), "{}", session.body);
    eprintln!("session after the OpenID sign-in: {}", session.body);

    let protected = browser.get("/protected", &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(protected.status, 200, "{protected:?}");
    assert!(
        protected
            .body
            .contains("Only signed-in users see this, Alice."),
        "{}",
        protected.body
    );
    let home = browser.get("/", &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(home.status, 200, "{home:?}");
    assert!(home.body.contains("alice@example.com"), "{}", home.body);

    // The same callback again, with the check cookies it had: the code is used up.
    let mut replay = Browser {
        server: &server,
        jar: before_callback,
    };
    let again = replay.get(&target_of(callback), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(again.status, 302, "{again:?}");
    assert_eq!(
        again.header("location"),
        Some(format!("{base}/auth/error?error=Configuration").as_str()),
        "a replayed callback fails: {again:?}"
    );
    assert_no_session(&again, "a replayed callback");
}

#[test]
fn oidc_callback_rejects_a_tampered_state_and_the_providers_refusal() {
    let env = OidcEnv::from_env();
    let _port = env.lock_app_port();
    let server = env.start_example("oidc-refusals");
    let base = server.base_url();
    let mut browser = Browser::new(&server);

    let authorization = browser.start_sign_in(&env);
    let answer = sign_in_at_provider(&env, &authorization.url, "mallory");
    let callback = &answer.callback;
    let pairs = query_pairs(callback);
    let state = query_param(callback, "state").expect("the provider returns the state");
    assert_eq!(state, authorization.state, "{callback}");
    let with_state = |state: Option<&str>| {
        let mut edited: Vec<(&str, &str)> = pairs
            .iter()
            .filter(|(n, _)| n != "state")
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        if let Some(state) = state {
            edited.push(("state", state));
        }
        target_of(&with_query(callback, &edited))
    };

    // One character of the state changed: the callback fails before the code is exchanged.
    let mut tampered = state.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("the state is ASCII");
    let reply = browser.get(&with_state(Some(&tampered)), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(
        reply.header("location"),
        Some(format!("{base}/auth/error?error=Configuration").as_str()),
        "a tampered state: {reply:?}"
    );
    assert_no_session(&reply, "a tampered state");

    // No state at all.
    let reply = browser.get(&with_state(None), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(
        reply.header("location"),
        Some(format!("{base}/auth/error?error=Configuration").as_str()),
        "a missing state: {reply:?}"
    );
    assert_no_session(&reply, "a missing state");

    // The provider's refusal, with the real state and issuer.
    let refusal = with_query(
        callback,
        &[
            ("error", "access_denied"),
            ("error_description", "End-User aborted interaction"),
            ("state", &state),
            ("iss", &env.issuer),
        ],
    );
    let reply = browser.get(&target_of(&refusal), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(
        reply.header("location"),
        Some(format!("{base}/auth/signin?error=OAuthCallbackError").as_str()),
        "the provider's refusal: {reply:?}"
    );
    assert_no_session(&reply, "the provider's refusal");

    let session = browser.get("/auth/session", &[]);
    assert_eq!(session.status, 200, "{session:?}");
    assert_eq!(session.body.trim(), "null", "no session: {session:?}");

    // The failed callbacks used up neither the check cookies nor the code: the real callback
    // still signs in.
    let reply = browser.get(&target_of(callback), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(
        reply.status,
        302,
        "{reply:?}\nexample log:\n{}",
        server.log()
    );
    assert_eq!(
        reply.header("location"),
        Some(format!("{base}/protected").as_str()),
        "the untouched callback after the refusals: {reply:?}\nexample log:\n{}",
        server.log()
    );
    let session = browser.get("/auth/session", &[]);
    assert!(
        session.body.contains(r#""name":"Mallory""#)
            && session.body.contains(r#""email":"mallory@example.com""#),
        "session: {}",
        session.body
    );
}

/// A private key of the `private_key_jwt` client, from `xtask/oidc/keys/` (or, for the key the
/// provider does not know, from auth-core's test fixtures).
fn client_key(path: &str) -> String {
    let path = format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Signs in as `login` through the example configured with `client`, and asserts the session.
fn sign_in_with_client(
    env: &OidcEnv,
    name: &str,
    client_id: &str,
    client: &[(&str, &str)],
    login: &str,
) {
    let server = env.start_example_as(name, client);
    let base = server.base_url();
    let mut browser = Browser::new(&server);
    let authorization = browser.start_sign_in_as(env, client_id);
    let answer = sign_in_at_provider(env, &authorization.url, login);
    let trace = answer.trace.join("\n");
    let signed_in = browser.get(&target_of(&answer.callback), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(
        signed_in.header("location"),
        Some(format!("{base}/protected").as_str()),
        "{name}: the callback, whose code exchange the provider authenticates by the client \
         assertion: {signed_in:?}\nprovider:\n{trace}\nexample log:\n{}",
        server.log()
    );
    let session = browser.get("/auth/session", &[]);
    let display = format!("{}{}", login[..1].to_ascii_uppercase(), &login[1..]);
    assert!(
        session.body.contains(&format!(r#""name":"{display}""#))
            && session
                .body
                .contains(&format!(r#""email":"{login}@example.com""#)),
        "{name}: session {}",
        session.body
    );
}

#[test]
fn oidc_sign_in_with_client_secret_jwt() {
    let env = OidcEnv::from_env();
    let _port = env.lock_app_port();
    sign_in_with_client(
        &env,
        "oidc-secret-jwt",
        SECRET_JWT_CLIENT_ID,
        &[
            ("AUTH_OIDC_ID", SECRET_JWT_CLIENT_ID),
            ("AUTH_OIDC_SECRET", SECRET_JWT_CLIENT_SECRET),
            ("AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD", "client_secret_jwt"),
        ],
        "carol",
    );
}

#[test]
fn oidc_sign_in_with_private_key_jwt_from_pem_and_jwk() {
    let env = OidcEnv::from_env();
    let _port = env.lock_app_port();
    for (name, key, login) in [
        (
            "oidc-private-key-jwt-rsa-pem",
            "xtask/oidc/keys/client-rsa.pem",
            "dave",
        ),
        (
            "oidc-private-key-jwt-ec-jwk",
            "xtask/oidc/keys/client-ec.jwk.json",
            "erin",
        ),
    ] {
        let key = client_key(key);
        sign_in_with_client(
            &env,
            name,
            PRIVATE_KEY_JWT_CLIENT_ID,
            &[
                ("AUTH_OIDC_ID", PRIVATE_KEY_JWT_CLIENT_ID),
                ("AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD", "private_key_jwt"),
                ("AUTH_OIDC_CLIENT_PRIVATE_KEY", &key),
            ],
            login,
        );
    }
}

#[test]
fn oidc_refuses_a_private_key_jwt_signed_with_an_unregistered_key() {
    let env = OidcEnv::from_env();
    let _port = env.lock_app_port();
    let key = client_key("auth-core/tests/fixtures/keys/rsa-other.pem");
    let server = env.start_example_as(
        "oidc-private-key-jwt-unknown-key",
        &[
            ("AUTH_OIDC_ID", PRIVATE_KEY_JWT_CLIENT_ID),
            ("AUTH_OIDC_TOKEN_ENDPOINT_AUTH_METHOD", "private_key_jwt"),
            ("AUTH_OIDC_CLIENT_PRIVATE_KEY", &key),
        ],
    );
    let base = server.base_url();
    let mut browser = Browser::new(&server);
    let authorization = browser.start_sign_in_as(&env, PRIVATE_KEY_JWT_CLIENT_ID);
    let answer = sign_in_at_provider(&env, &authorization.url, "mallory");
    let reply = browser.get(&target_of(&answer.callback), &[("Accept", BROWSER_ACCEPT)]);
    assert_eq!(reply.status, 302, "{reply:?}");
    assert_eq!(
        reply.header("location"),
        Some(format!("{base}/auth/error?error=Configuration").as_str()),
        "the provider refuses the assertion (invalid_client): {reply:?}\nexample log:\n{}",
        server.log()
    );
    assert_no_session(&reply, "an assertion signed with an unregistered key");
    assert!(
        server.log().contains("invalid_client"),
        "the log names the provider's refusal:\n{}",
        server.log()
    );
}
