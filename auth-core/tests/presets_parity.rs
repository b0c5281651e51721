//! Every preset against the real Auth.js: `tests/fixtures/providers/authjs-presets.json` holds
//! what `@auth/core` 0.41.3 answered to `GET /auth/providers` and `POST /auth/signin/<id>` with
//! all 93 of its OAuth/OIDC presets configured (made by `make.mjs` beside it). An `Auth` with
//! every preset of `presets::all`, configured through the same `AUTH_<ID>_*` values, must list
//! the same providers and send the browser to the same endpoints with the same parameters
//! (`state`, `nonce` and `code_challenge` compared by presence), and fetch the same discovery
//! documents. The few differences are the deliberate ones of `docs/deviations.md`.
#![allow(missing_docs)]

mod common;

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::Mutex,
};

use auth_core::{
    Auth, AuthConfig,
    oauth::{HttpClient, HttpError, HttpFuture},
};
use bytes::Bytes;
use http::{Request, header};
use http_body_util::Full;
use serde_json::{Value, json};

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// Answers discovery requests as `make.mjs`'s fake `fetch` does, and records them.
#[derive(Default)]
struct FakeDiscovery {
    fetched: Mutex<Vec<String>>,
}

impl HttpClient for FakeDiscovery {
    fn execute(&self, request: Request<Vec<u8>>) -> HttpFuture<'_> {
        let url = request.uri().to_string();
        self.fetched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(url.clone());
        Box::pin(async move {
            let issuer = url
                .strip_suffix(WELL_KNOWN)
                .ok_or_else(|| HttpError(format!("no network in this test: {url}")))?;
            let body = json!({
                "issuer": issuer,
                "authorization_endpoint": format!("{issuer}/authorize"),
                "token_endpoint": format!("{issuer}/token"),
                "userinfo_endpoint": format!("{issuer}/userinfo"),
                "jwks_uri": format!("{issuer}/jwks"),
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
            });
            http::Response::builder()
                .status(200)
                .header(header::CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(&body).map_err(|e| HttpError(e.to_string()))?)
                .map_err(|e| HttpError(e.to_string()))
        })
    }
}

struct Harness {
    auth: Auth,
    http: std::sync::Arc<FakeDiscovery>,
    origin: String,
}

/// Shares one recorder between the test and the `Auth`.
struct Shared(std::sync::Arc<FakeDiscovery>);

impl HttpClient for Shared {
    fn execute(&self, request: Request<Vec<u8>>) -> HttpFuture<'_> {
        self.0.execute(request)
    }
}

fn harness(fx: &Value) -> Harness {
    let http = std::sync::Arc::new(FakeDiscovery::default());
    let config = AuthConfig::new()
        .base_path(fx["base_path"].as_str().expect("base path"))
        .secret("presets-parity-secret-presets-parity-secret")
        .trust_host(true)
        .http_client(Shared(http.clone()));
    let auth = common::presets::with_every_preset(config, fx)
        .build()
        .expect("every preset builds");
    Harness {
        auth,
        http,
        origin: fx["origin"].as_str().expect("origin").to_owned(),
    }
}

struct Answer {
    status: u16,
    location: Option<String>,
    cookies: Vec<String>,
    body: Bytes,
}

impl Harness {
    async fn send(&self, method: &str, path: &str, cookie: &str, form: Option<&str>) -> Answer {
        let host = self.origin.trim_start_matches("http://");
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.origin))
            .header(header::HOST, host);
        if !cookie.is_empty() {
            request = request.header(header::COOKIE, cookie);
        }
        if form.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        let body = Full::new(Bytes::from(form.unwrap_or_default().to_owned()));
        let response = self.auth.handle(request.body(body).expect("request")).await;
        Answer {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            cookies: response
                .headers()
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(|v| v.split(';').next())
                .map(str::to_owned)
                .collect(),
            body: response.into_body(),
        }
    }
}

/// Endpoint (origin and path) and decoded parameters of a redirect.
fn split(location: &str) -> (String, BTreeMap<String, String>) {
    let url = url::Url::parse(location).expect("an absolute redirect");
    let endpoint = format!("{}{}", url.origin().ascii_serialization(), url.path());
    (endpoint, url.query_pairs().into_owned().collect())
}

/// Random values are compared by presence.
const RANDOM: [&str; 3] = ["state", "nonce", "code_challenge"];

fn normalise(mut params: BTreeMap<String, String>) -> BTreeMap<String, String> {
    for name in RANDOM {
        if let Some(value) = params.get_mut(name) {
            *value = "<present>".to_owned();
        }
    }
    params
}

/// Where this crate differs from Auth.js on purpose (`docs/deviations.md`): the preset, and
/// what Auth.js sent instead of what we send.
fn deliberate(
    id: &str,
    endpoint: &mut String,
    params: &mut BTreeMap<String, String>,
    callback: &str,
) {
    match id {
        // `redirect_uri=undefined` from an unset `redirectUri` option.
        "notion" => {
            assert_eq!(params["redirect_uri"], "undefined");
            params.insert("redirect_uri".into(), callback.to_owned());
        }
        // `scope=undefined` from an unset `scope` option.
        "dribbble" => {
            assert_eq!(params["scope"], "undefined");
            params.insert("scope".into(), "public".into());
        }
        // Issuer and path joined without a slash.
        "osso" => {
            assert_eq!(endpoint, "https://osso.example.comoauth/authorize");
            *endpoint = "https://osso.example.com/oauth/authorize".into();
        }
        // `response_type=Assertion`: the core always asks for a code.
        "azure-devops" => {
            assert_eq!(params["response_type"], "Assertion");
            params.insert("response_type".into(), "code".into());
        }
        _ => {}
    }
}

#[tokio::test]
async fn every_preset_is_listed_and_redirects_like_auth_js() {
    let fx = common::presets::fixture();
    assert_eq!(fx["authjs"], "0.41.3");
    let h = harness(&fx);

    // GET /auth/providers: the same 93 entries.
    let listed = h.send("GET", "/auth/providers", "", None).await;
    assert_eq!(listed.status, 200);
    let ours: Value = serde_json::from_slice(&listed.body).expect("JSON");
    let theirs = fx["providers"].as_object().expect("providers");
    assert_eq!(theirs.len(), 93);
    let kinds: Vec<&str> = theirs.values().filter_map(|p| p["type"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "oauth").count(), 57);
    assert_eq!(kinds.iter().filter(|k| **k == "oidc").count(), 36);
    let ours = ours.as_object().expect("an object");
    assert_eq!(
        ours.keys().collect::<BTreeSet<_>>(),
        theirs.keys().collect::<BTreeSet<_>>()
    );
    for (id, entry) in theirs {
        for field in ["id", "name", "type", "signinUrl", "callbackUrl"] {
            assert_eq!(ours[id][field], entry[field], "{id}: {field}");
        }
    }

    // POST /auth/signin/<id> with a CSRF token.
    let csrf = h.send("GET", "/auth/csrf", "", None).await;
    let token: Value = serde_json::from_slice(&csrf.body).expect("JSON");
    let token = token["csrfToken"].as_str().expect("a token").to_owned();
    let cookie = csrf.cookies.join("; ");
    let form = format!("csrfToken={token}");
    let mut all_fetched = BTreeSet::new();
    let mut all_expected = BTreeSet::new();
    for (id, expected) in fx["signin"].as_object().expect("signin") {
        h.http
            .fetched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
        let answer = h
            .send("POST", &format!("/auth/signin/{id}"), &cookie, Some(&form))
            .await;
        assert_eq!(i64::from(answer.status), expected["status"], "{id}");
        let (endpoint, params) = split(answer.location.as_deref().expect("a redirect"));
        let mut their_endpoint = expected["endpoint"].as_str().expect("endpoint").to_owned();
        let mut their_params: BTreeMap<String, String> =
            serde_json::from_value(expected["params"].clone()).expect("params");
        let callback = format!("{}/auth/callback/{id}", h.origin);
        deliberate(id, &mut their_endpoint, &mut their_params, &callback);
        assert_eq!(endpoint, their_endpoint, "{id}: endpoint");
        assert_eq!(
            normalise(params),
            normalise(their_params),
            "{id}: parameters"
        );

        // Discovery: only documents Auth.js fetched for this provider (ours are cached, so a
        // second provider at the same issuer fetches nothing).
        let fetched = h
            .http
            .fetched
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        let expected_urls: BTreeSet<String> =
            serde_json::from_value(expected["discovery"].clone()).expect("urls");
        for url in &fetched {
            assert!(expected_urls.contains(url), "{id} fetched {url}");
        }
        all_fetched.extend(fetched);
        all_expected.extend(expected_urls);
    }
    assert_eq!(all_fetched, all_expected);
}
