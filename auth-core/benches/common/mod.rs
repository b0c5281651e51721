//! The browser the benchmarks and the profiling harness (`examples/hot_path.rs`) play: an app
//! configured like the demo (trusted `Host`, a credentials user), signed in once, and the
//! request headers a browser then sends with every `GET /auth/session`: `Host`, `User-Agent`,
//! `Accept*`, `Referer`, and the CSRF, callback-url and session cookies.

#![allow(dead_code)]

use auth_core::{Auth, AuthConfig, SessionStrategy, User, providers::CredentialsProvider};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, header};
use http_body_util::Full;

pub(crate) const SECRET: &str = "bench-secret-0123456789abcdef0123456789abcdef";
pub(crate) const HOST: &str = "127.0.0.1:3000";

/// A signed-in browser of one app.
pub(crate) struct Browser {
    pub(crate) auth: Auth,
    /// Every header of a `GET /auth/session`, cookies included.
    pub(crate) headers: HeaderMap,
    /// The session cookie's value alone.
    pub(crate) session_token: String,
}

fn credentials(database_sessions: bool) -> CredentialsProvider {
    CredentialsProvider::new()
        .database_sessions(database_sessions)
        .authorize(|_| async {
            Ok(Some(
                User::new("1").name("Alice").email("alice@example.com"),
            ))
        })
}

/// The demo's shape with JWT sessions.
pub(crate) fn jwt_auth() -> Auth {
    jwt_config().build().expect("config")
}

/// [`jwt_auth`]'s configuration, to vary.
pub(crate) fn jwt_config() -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .base_path("/auth")
        .trust_host(true)
        .provider(credentials(false))
}

/// The demo's shape with database sessions in `adapter`.
pub(crate) fn database_auth(adapter: impl auth_core::adapter::Adapter) -> Auth {
    AuthConfig::new()
        .secret(SECRET)
        .base_path("/auth")
        .trust_host(true)
        .provider(credentials(true))
        .session_strategy(SessionStrategy::Database)
        .adapter(adapter)
        .build()
        .expect("config")
}

fn browser_headers(cookie: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut add = |name: header::HeaderName, value: &str| {
        headers.append(name, HeaderValue::from_str(value).expect("header"));
    };
    add(header::HOST, HOST);
    add(
        header::USER_AGENT,
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    );
    add(header::ACCEPT, "*/*");
    add(header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9");
    add(header::ACCEPT_ENCODING, "gzip, deflate, br");
    add(header::REFERER, "http://127.0.0.1:3000/");
    add(header::COOKIE, cookie);
    headers
}

/// The page a browser sent to sign in comes back to ([`sign_in_from`]).
pub(crate) const PAGE: &str = "http://127.0.0.1:3000/protected";

/// Signs in as a browser does (`GET /auth/csrf`, then the credentials form) and keeps the
/// cookies it would send afterwards; its callback-url cookie is the origin (the sign-in link of
/// the home page).
pub(crate) async fn sign_in(auth: Auth) -> Browser {
    sign_in_from(auth, None).await
}

/// [`sign_in`] from a page: the form carries `callbackUrl` (a protected page's redirect to the
/// sign-in page), which the callback-url cookie then holds on every later request.
pub(crate) async fn sign_in_from(auth: Auth, page: Option<&str>) -> Browser {
    let mut jar: Vec<(String, String)> = Vec::new();
    let keep = |jar: &mut Vec<(String, String)>, response: &http::Response<Bytes>| {
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ascii");
            let pair = text.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').expect("name=value");
            jar.retain(|(n, _)| n != name);
            if !value.is_empty() {
                jar.push((name.to_owned(), value.to_owned()));
            }
        }
    };
    let cookie = |jar: &[(String, String)]| {
        jar.iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    let csrf = auth
        .handle(
            Request::get("/auth/csrf")
                .header(header::HOST, HOST)
                .body(Full::new(Bytes::new()))
                .expect("request"),
        )
        .await;
    keep(&mut jar, &csrf);
    let body: serde_json::Value = serde_json::from_slice(csrf.body()).expect("json");
    let token = body["csrfToken"].as_str().expect("csrfToken").to_owned();
    let mut form = format!("username=alice&password=x&csrfToken={token}");
    if let Some(page) = page {
        form.push_str("&callbackUrl=");
        form.push_str(&form_encoded(page));
    }
    let signed = auth
        .handle(
            Request::post("/auth/callback/credentials")
                .header(header::HOST, HOST)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie(&jar))
                .body(Full::new(Bytes::from(form)))
                .expect("request"),
        )
        .await;
    keep(&mut jar, &signed);
    let session_token = jar
        .iter()
        .find(|(n, _)| n == "authjs.session-token")
        .map(|(_, v)| v.clone())
        .expect("a session cookie");
    let headers = browser_headers(&cookie(&jar));
    let browser = Browser {
        auth,
        headers,
        session_token,
    };
    let response = browser.auth.handle(browser.session_request()).await;
    let body = String::from_utf8_lossy(response.body()).into_owned();
    assert!(body.contains("alice@example.com"), "signed in: {body}");
    if let Some(page) = page {
        let cookies = browser.headers[header::COOKIE].to_str().expect("ascii");
        let kept = format!("authjs.callback-url={}", form_encoded(page));
        assert!(
            cookies.contains(&kept),
            "the callback-url cookie holds {page}: {cookies}"
        );
    }
    browser
}

/// A URL as a form (and the callback-url cookie) carries it: `:` and `/` escaped.
fn form_encoded(url: &str) -> String {
    url.replace(':', "%3A").replace('/', "%2F")
}

impl Browser {
    /// `GET /auth/session` with every header of the browser.
    pub(crate) fn session_request(&self) -> Request<Full<Bytes>> {
        self.request("/auth/session")
    }

    /// `GET <path>` with every header of the browser.
    pub(crate) fn request(&self, path: &str) -> Request<Full<Bytes>> {
        let mut request = Request::get(path)
            .body(Full::new(Bytes::new()))
            .expect("request");
        *request.headers_mut() = self.headers.clone();
        request
    }
}
