//! Shared helpers of the integration tests: a configuration like the demo app's, and a client
//! with a cookie jar that drives `Auth::handle` in-process.
#![allow(dead_code, unreachable_pub, missing_docs)]

pub mod idp;
pub mod presets;

use std::collections::BTreeMap;

use auth_core::{
    Auth, AuthConfig, Error, User,
    clock::FixedClock,
    providers::{CredentialInput, CredentialsProvider},
};
use bytes::Bytes;
use http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::Full;
use serde_json::Value;

pub const SECRET: &str = "harness-test-secret-0123456789abcdef0123456789abcdef";
pub const ORIGIN: &str = "http://127.0.0.1:3100";

/// The Auth.js vectors, copied from `shared/vectors`.
pub fn vectors() -> Value {
    serde_json::from_str(include_str!("../fixtures/authjs-vectors.json")).expect("vectors parse")
}

pub fn chunky_image() -> String {
    format!("http://127.0.0.1/{}.png", "x".repeat(6000))
}

/// The demo credentials: alice/wonderland, chunky/chunky-cookie, `locked` → custom code,
/// `boom` → a non-credentials error.
pub fn credentials() -> CredentialsProvider {
    CredentialsProvider::new()
        .field("username", CredentialInput::text("Username"))
        .field("password", CredentialInput::password("Password"))
        .authorize(|c| async move {
            match (c.get("username"), c.get("password")) {
                (Some("alice"), Some("wonderland")) => Ok(Some(
                    User::new("1").name("Alice").email("alice@example.com"),
                )),
                (Some("chunky"), Some("chunky-cookie")) => Ok(Some(
                    User::new("2")
                        .name("Chunky")
                        .email("chunky@example.com")
                        .image(chunky_image()),
                )),
                (Some("locked"), _) => Err(Error::credentials_signin("account_locked")),
                (Some("boom"), _) => Err(Error::new(
                    auth_core::ErrorKind::CallbackRouteError,
                    "database down",
                )),
                _ => Ok(None),
            }
        })
}

/// The reference app's configuration: base path `/auth`, trusted host, the vectors' secret.
pub fn config() -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(credentials())
}

pub fn config_at(millis: i64) -> AuthConfig {
    config().clock(FixedClock(millis))
}

/// One response, with its `Set-Cookie` headers kept apart.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    pub set_cookies: Vec<String>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }

    /// The `Set-Cookie` whose name is `name` (`None` when absent).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.set_cookies
            .iter()
            .map(String::as_str)
            .find(|c| c.split_once('=').is_some_and(|(n, _)| n == name))
    }

    pub fn cookie_names(&self) -> Vec<&str> {
        self.set_cookies
            .iter()
            .filter_map(|c| c.split_once('=').map(|(n, _)| n))
            .collect()
    }
}

/// Drives an `Auth` like a browser: keeps cookies between requests.
pub struct Client {
    pub auth: Auth,
    pub jar: BTreeMap<String, String>,
    pub host: String,
    pub extra_headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            jar: BTreeMap::new(),
            host: "127.0.0.1:3100".into(),
            extra_headers: Vec::new(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.jar
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(
        &mut self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, &self.host);
        if !self.jar.is_empty() {
            builder = builder.header(header::COOKIE, self.cookie_header());
        }
        if let Some(ct) = content_type {
            builder = builder.header(header::CONTENT_TYPE, ct);
        }
        for (k, v) in &self.extra_headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        let request = builder.body(Full::new(Bytes::from(body))).expect("request");
        let response = self.auth.handle(request).await;
        let response = to_test_response(response);
        for cookie in &response.set_cookies {
            let (pair, attributes) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            if value.is_empty() || attributes.contains("Max-Age=0") {
                self.jar.remove(name);
            } else {
                self.jar.insert(name.to_owned(), value.to_owned());
            }
        }
        response
    }

    pub async fn get(&mut self, uri: &str) -> TestResponse {
        self.send(Method::GET, uri, None, Vec::new()).await
    }

    pub async fn post_form(&mut self, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Method::POST,
            uri,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    pub async fn post_json(&mut self, uri: &str, value: &Value) -> TestResponse {
        self.send(
            Method::POST,
            uri,
            Some("application/json"),
            value.to_string().into_bytes(),
        )
        .await
    }

    /// `GET /auth/csrf` and the token.
    pub async fn csrf(&mut self) -> String {
        let r = self.get("/auth/csrf").await;
        assert_eq!(r.status, StatusCode::OK);
        r.json()["csrfToken"].as_str().expect("token").to_owned()
    }

    /// Signs in with the credentials provider.
    pub async fn sign_in(&mut self, username: &str, password: &str) -> TestResponse {
        let csrf = self.csrf().await;
        self.post_form(
            "/auth/callback/credentials",
            &[
                ("csrfToken", &csrf),
                ("username", username),
                ("password", password),
            ],
        )
        .await
    }

    /// The session cookie chunks in the jar, by name.
    pub fn session_cookie_names(&self) -> Vec<String> {
        self.jar
            .keys()
            .filter(|k| k.starts_with("authjs.session-token"))
            .cloned()
            .collect()
    }
}

pub fn to_test_response(response: http::Response<Bytes>) -> TestResponse {
    let set_cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().expect("ascii cookie").to_owned())
        .collect();
    TestResponse {
        status: response.status(),
        headers: response.headers().clone(),
        body: String::from_utf8_lossy(response.body()).into_owned(),
        set_cookies,
    }
}
