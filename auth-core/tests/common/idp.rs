//! A fault-injecting OpenID provider on loopback, for the OAuth and database tests.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use serde_json::{Value, json};

use super::{Client, TestResponse};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "client";
pub const CLIENT_SECRET: &str = "s e/cret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    None,
    BadSignature,
    UnknownKid,
    AlgNone,
    HmacWithPublicKey,
    WrongIssInToken,
    WrongAud,
    Expired,
    WrongNonce,
    MissingNonce,
    NoTokenType,
    UserinfoFails,
}

pub struct Grant {
    challenge: Option<String>,
    nonce: Option<String>,
    redirect_uri: String,
}

pub struct IdpState {
    pub issuer: String,
    pub fault: Fault,
    pub alg: Algorithm,
    pub grants: HashMap<String, Grant>,
    pub hits: HashMap<&'static str, usize>,
    pub token_requests: Vec<(HeaderMap, String)>,
    /// How long the token endpoint waits before it answers (a slow provider).
    pub delay: std::time::Duration,
}

#[derive(Clone)]
pub struct Idp {
    pub state: Arc<Mutex<IdpState>>,
    pub issuer: String,
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/keys/{name}.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("test key")
}

fn signing_key(alg: Algorithm) -> (EncodingKey, &'static str) {
    match alg {
        Algorithm::ES256 => (EncodingKey::from_ec_pem(&pem("ec")).expect("ec"), "ec-1"),
        Algorithm::EdDSA => (EncodingKey::from_ed_pem(&pem("ed")).expect("ed"), "ed-1"),
        _ => (
            EncodingKey::from_rsa_pem(&pem("rsa")).expect("rsa"),
            "rsa-1",
        ),
    }
}

fn jwks() -> Value {
    let mut keys = Vec::new();
    for (alg, kid) in [
        (Algorithm::RS256, "rsa-1"),
        (Algorithm::ES256, "ec-1"),
        (Algorithm::EdDSA, "ed-1"),
    ] {
        let (key, _) = signing_key(alg);
        let mut jwk =
            serde_json::to_value(Jwk::from_encoding_key(&key, alg).expect("jwk")).expect("json");
        jwk["kid"] = kid.into();
        // The RSA key serves RS256 and PS256 alike.
        if alg == Algorithm::RS256 {
            jwk.as_object_mut().expect("object").remove("alg");
        }
        keys.push(jwk);
    }
    json!({ "keys": keys })
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

impl Idp {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address: SocketAddr = listener.local_addr().expect("address");
        let issuer = format!("http://{address}");
        let idp = Idp {
            state: Arc::new(Mutex::new(IdpState {
                issuer: issuer.clone(),
                fault: Fault::None,
                alg: Algorithm::RS256,
                grants: HashMap::new(),
                hits: HashMap::new(),
                token_requests: Vec::new(),
                delay: std::time::Duration::ZERO,
            })),
            issuer,
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks_handler))
            .route("/token", post(token))
            .route("/userinfo", get(userinfo))
            .with_state(idp.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("idp serves") });
        idp
    }

    pub fn set(&self, fault: Fault, alg: Algorithm) {
        let mut s = self.state.lock().expect("lock");
        s.fault = fault;
        s.alg = alg;
    }

    /// Makes the token endpoint wait `delay` before answering.
    pub fn set_delay(&self, delay: std::time::Duration) {
        self.state.lock().expect("lock").delay = delay;
    }

    pub fn hits(&self, route: &str) -> usize {
        self.state
            .lock()
            .expect("lock")
            .hits
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// What the provider's authorization page does: records the grant and returns a code.
    pub fn authorize(&self, params: &HashMap<String, String>) -> String {
        let code = format!("code-{}", rand_hex());
        self.state.lock().expect("lock").grants.insert(
            code.clone(),
            Grant {
                challenge: params.get("code_challenge").cloned(),
                nonce: params.get("nonce").cloned(),
                redirect_uri: params.get("redirect_uri").cloned().unwrap_or_default(),
            },
        );
        code
    }

    fn id_token(&self, nonce: Option<String>) -> String {
        let s = self.state.lock().expect("lock");
        let mut claims = json!({
            "iss": s.issuer, "sub": "user-42", "aud": CLIENT_ID,
            "exp": now() + 300, "iat": now(),
            "email": "Octo@Example.com", "name": "Octo Cat", "picture": "https://img.test/octo.png",
        });
        match s.fault {
            Fault::WrongIssInToken => claims["iss"] = "https://evil.test".into(),
            Fault::WrongAud => claims["aud"] = "someone-else".into(),
            Fault::Expired => {
                claims["exp"] = (now() - 120).into();
                claims["iat"] = (now() - 600).into();
            }
            Fault::WrongNonce => claims["nonce"] = "not-the-nonce".into(),
            Fault::MissingNonce => {}
            _ => {
                if let Some(n) = nonce {
                    claims["nonce"] = n.into();
                }
            }
        }
        match s.fault {
            Fault::AlgNone => {
                let header = b64(br#"{"alg":"none","kid":"rsa-1"}"#);
                format!("{header}.{}.", b64(claims.to_string().as_bytes()))
            }
            Fault::HmacWithPublicKey => {
                // The classic confusion: HMAC keyed with the RSA public key everyone can read.
                let public = jwks()["keys"][0]["n"].as_str().expect("n").to_owned();
                let mut header = Header::new(Algorithm::HS256);
                header.kid = Some("rsa-1".into());
                jsonwebtoken::encode(
                    &header,
                    &claims,
                    &EncodingKey::from_secret(public.as_bytes()),
                )
                .expect("sign")
            }
            Fault::BadSignature | Fault::UnknownKid => {
                let mut header = Header::new(Algorithm::RS256);
                header.kid = Some(
                    if s.fault == Fault::UnknownKid {
                        "ghost"
                    } else {
                        "rsa-1"
                    }
                    .into(),
                );
                let key = EncodingKey::from_rsa_pem(&pem("rsa-other")).expect("rsa");
                jsonwebtoken::encode(&header, &claims, &key).expect("sign")
            }
            _ => {
                let (key, kid) = signing_key(s.alg);
                let mut header = Header::new(s.alg);
                header.kid = Some(kid.into());
                jsonwebtoken::encode(&header, &claims, &key).expect("sign")
            }
        }
    }
}

fn rand_hex() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    format!("{:x}{:x}", now(), N.fetch_add(1, Ordering::Relaxed))
}

fn hit(idp: &Idp, route: &'static str) {
    *idp.state
        .lock()
        .expect("lock")
        .hits
        .entry(route)
        .or_default() += 1;
}

async fn discovery(State(idp): State<Idp>) -> Response {
    hit(&idp, "discovery");
    let i = &idp.issuer;
    axum::Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "jwks_uri": format!("{i}/jwks"),
        "authorization_response_iss_parameter_supported": true,
        "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
    }))
    .into_response()
}

async fn jwks_handler(State(idp): State<Idp>) -> Response {
    hit(&idp, "jwks");
    axum::Json(jwks()).into_response()
}

async fn token(State(idp): State<Idp>, headers: HeaderMap, body: Bytes) -> Response {
    hit(&idp, "token");
    let delay = idp.state.lock().expect("lock").delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    idp.state
        .lock()
        .expect("lock")
        .token_requests
        .push((headers, body.clone()));
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(grant) = idp.state.lock().expect("lock").grants.remove(&code) else {
        // Unknown or already used: a replayed code.
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    if let Some(challenge) = grant.challenge {
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        if b64(&Sha256::digest(verifier.as_bytes())) != challenge {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"error": "invalid_grant"})),
            )
                .into_response();
        }
    }
    let fault = idp.state.lock().expect("lock").fault;
    let mut answer = json!({
        "access_token": "access-123", "token_type": "Bearer", "expires_in": 3600,
        "refresh_token": "refresh-456", "scope": "openid profile email",
        "id_token": idp.id_token(grant.nonce),
    });
    if fault == Fault::NoTokenType {
        answer.as_object_mut().expect("object").remove("token_type");
    }
    axum::Json(answer).into_response()
}

async fn userinfo(State(idp): State<Idp>, headers: HeaderMap) -> Response {
    hit(&idp, "userinfo");
    let fault = idp.state.lock().expect("lock").fault;
    if fault == Fault::UserinfoFails
        || headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer access-123")
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "userinfo is down").into_response();
    }
    axum::Json(json!({"sub": "user-42", "id": 42, "name": "Octo Cat", "email": "octo@example.com", "login": "octo"}))
        .into_response()
}

pub fn query_of(url: &str) -> HashMap<String, String> {
    let url = url::Url::parse(url).expect("url");
    url.query_pairs().into_owned().collect()
}

/// POST /auth/signin/<provider>: returns the authorization request's parameters.
pub async fn start(
    c: &mut Client,
    provider: &str,
    query: &str,
) -> (TestResponse, HashMap<String, String>) {
    let csrf = c.csrf().await;
    let r = c
        .post_form(
            &format!("/auth/signin/{provider}{query}"),
            &[("csrfToken", &csrf), ("callbackUrl", "/after")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let params = query_of(r.location().expect("location"));
    (r, params)
}

/// The provider sends the browser back with `extra` parameters.
pub async fn come_back(c: &mut Client, provider: &str, extra: &[(&str, &str)]) -> TestResponse {
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(extra)
        .finish();
    c.get(&format!("/auth/callback/{provider}?{query}")).await
}

/// A full sign-in; `tamper` may change the callback parameters.
pub async fn full_sign_in(
    idp: &Idp,
    c: &mut Client,
    provider: &str,
    tamper: impl FnOnce(&mut Vec<(String, String)>),
) -> TestResponse {
    let (_, params) = start(c, provider, "").await;
    let code = idp.authorize(&params);
    let mut back = vec![("code".to_owned(), code)];
    if let Some(state) = params.get("state") {
        back.push(("state".into(), state.clone()));
    }
    back.push(("iss".into(), idp.issuer.clone()));
    tamper(&mut back);
    let pairs: Vec<(&str, &str)> = back.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    come_back(c, provider, &pairs).await
}
