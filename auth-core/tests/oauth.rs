//! OAuth 2 / OpenID Connect sign-in against a fault-injecting identity provider that runs on
//! loopback: every hostile answer must end with Auth.js's error code and no session cookie.

mod common;

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;
use auth_core::{
    AuthConfig, Pages, Result as AuthResult, Token,
    callbacks::{Callbacks, JwtParams},
    providers::{Checks, ClientAuth, OAuthProvider},
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
use common::{Client, ORIGIN, SECRET, TestResponse};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const CLIENT_ID: &str = "client";
const CLIENT_SECRET: &str = "s e/cret";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
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

struct Grant {
    challenge: Option<String>,
    nonce: Option<String>,
    redirect_uri: String,
}

struct IdpState {
    issuer: String,
    fault: Fault,
    alg: Algorithm,
    grants: HashMap<String, Grant>,
    hits: HashMap<&'static str, usize>,
    token_requests: Vec<(HeaderMap, String)>,
}

#[derive(Clone)]
struct Idp {
    state: Arc<Mutex<IdpState>>,
    issuer: String,
}

fn pem(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/keys/{name}.pem", env!("CARGO_MANIFEST_DIR"))).expect("test key")
}

fn signing_key(alg: Algorithm) -> (EncodingKey, &'static str) {
    match alg {
        Algorithm::ES256 => (EncodingKey::from_ec_pem(&pem("ec")).expect("ec"), "ec-1"),
        Algorithm::EdDSA => (EncodingKey::from_ed_pem(&pem("ed")).expect("ed"), "ed-1"),
        _ => (EncodingKey::from_rsa_pem(&pem("rsa")).expect("rsa"), "rsa-1"),
    }
}

fn jwks() -> Value {
    let mut keys = Vec::new();
    for (alg, kid) in [(Algorithm::RS256, "rsa-1"), (Algorithm::ES256, "ec-1"), (Algorithm::EdDSA, "ed-1")] {
        let (key, _) = signing_key(alg);
        let mut jwk = serde_json::to_value(Jwk::from_encoding_key(&key, alg).expect("jwk")).expect("json");
        jwk["kid"] = kid.into();
        // The RSA key serves RS256 and PS256 alike.
        if alg == Algorithm::RS256 {
            jwk.as_object_mut().expect("object").remove("alg");
        }
        keys.push(jwk);
    }
    json!({ "keys": keys })
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

impl Idp {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
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

    fn set(&self, fault: Fault, alg: Algorithm) {
        let mut s = self.state.lock().expect("lock");
        s.fault = fault;
        s.alg = alg;
    }

    fn hits(&self, route: &str) -> usize {
        self.state.lock().expect("lock").hits.get(route).copied().unwrap_or(0)
    }

    /// What the provider's authorization page does: records the grant and returns a code.
    fn authorize(&self, params: &HashMap<String, String>) -> String {
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
                jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(public.as_bytes())).expect("sign")
            }
            Fault::BadSignature | Fault::UnknownKid => {
                let mut header = Header::new(Algorithm::RS256);
                header.kid = Some(if s.fault == Fault::UnknownKid { "ghost" } else { "rsa-1" }.into());
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
    *idp.state.lock().expect("lock").hits.entry(route).or_default() += 1;
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
    let body = String::from_utf8_lossy(&body).into_owned();
    idp.state.lock().expect("lock").token_requests.push((headers, body.clone()));
    let form: HashMap<String, String> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(grant) = idp.state.lock().expect("lock").grants.remove(&code) else {
        // Unknown or already used: a replayed code.
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
    };
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
    }
    if let Some(challenge) = grant.challenge {
        let verifier = form.get("code_verifier").cloned().unwrap_or_default();
        if b64(&Sha256::digest(verifier.as_bytes())) != challenge {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": "invalid_grant"}))).into_response();
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
    if fault == Fault::UserinfoFails || headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer access-123") {
        return (StatusCode::INTERNAL_SERVER_ERROR, "userinfo is down").into_response();
    }
    axum::Json(json!({"sub": "user-42", "id": 42, "name": "Octo Cat", "email": "octo@example.com", "login": "octo"}))
        .into_response()
}

/// Records what the `jwt` callback received at sign-in.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Value>>>);

#[async_trait]
impl Callbacks for Seen {
    async fn jwt(&self, params: JwtParams<'_>) -> AuthResult<Option<Token>> {
        if let Some(account) = params.account {
            self.0.lock().expect("lock").push(serde_json::to_value(account).expect("account json"));
        }
        Ok(Some(params.token))
    }
}

fn oidc(idp: &Idp) -> OAuthProvider {
    OAuthProvider::oidc("idp", "Test IdP")
        .issuer(&idp.issuer)
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .checks(Checks::all())
}

fn plain_oauth(idp: &Idp) -> OAuthProvider {
    let i = &idp.issuer;
    OAuthProvider::oauth("plain", "Plain OAuth")
        .authorization_url(format!("{i}/authorize"))
        .token_url(format!("{i}/token"))
        .userinfo_url(format!("{i}/userinfo"))
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .client_auth(ClientAuth::SecretPost)
        .checks(Checks { pkce: true, state: true, nonce: false })
}

fn config(idp: &Idp) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(oidc(idp))
        .provider(plain_oauth(idp))
        .provider(common::credentials())
}

fn query_of(url: &str) -> HashMap<String, String> {
    let url = url::Url::parse(url).expect("url");
    url.query_pairs().into_owned().collect()
}

/// POST /auth/signin/<provider>: returns the authorization request's parameters.
async fn start(c: &mut Client, provider: &str, query: &str) -> (TestResponse, HashMap<String, String>) {
    let csrf = c.csrf().await;
    let r = c
        .post_form(&format!("/auth/signin/{provider}{query}"), &[("csrfToken", &csrf), ("callbackUrl", "/after")])
        .await;
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    let params = query_of(r.location().expect("location"));
    (r, params)
}

/// The provider sends the browser back with `extra` parameters.
async fn come_back(c: &mut Client, provider: &str, extra: &[(&str, &str)]) -> TestResponse {
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(extra).finish();
    c.get(&format!("/auth/callback/{provider}?{query}")).await
}

/// A full sign-in; `tamper` may change the callback parameters.
async fn full_sign_in(idp: &Idp, c: &mut Client, provider: &str, tamper: impl FnOnce(&mut Vec<(String, String)>)) -> TestResponse {
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

fn assert_failed(r: &TestResponse, location: &str) {
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location(), Some(location));
    assert!(
        r.set_cookies.iter().all(|c| !c.starts_with("authjs.session-token")),
        "no session cookie on failure: {:?}",
        r.set_cookies
    );
}

fn configuration() -> String {
    format!("{ORIGIN}/auth/error?error=Configuration")
}

#[tokio::test]
async fn the_authorization_request_carries_every_parameter_and_sealed_cookies() {
    let idp = Idp::start().await;
    let mut c = Client::new(config(&idp).build().expect("config"));
    let (r, params) = start(&mut c, "idp", "?prompt=consent&login_hint=octo&redirect_uri=https://evil.test&client_id=x").await;
    let location = r.location().expect("location");
    assert!(location.starts_with(&format!("{}/authorize?", idp.issuer)));
    assert_eq!(params["response_type"], "code");
    assert_eq!(params["client_id"], CLIENT_ID, "the query cannot replace the client id");
    assert_eq!(params["redirect_uri"], format!("{ORIGIN}/auth/callback/idp"), "nor the redirect URI");
    assert_eq!(params["scope"], "openid profile email");
    assert_eq!(params["prompt"], "consent");
    assert_eq!(params["login_hint"], "octo");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["code_challenge"].len(), 43);
    assert_eq!(params["nonce"].len(), 43);
    assert!(params["state"].starts_with("eyJhbGciOiJkaXIi"), "state is itself a JWE");
    for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        let cookie = r.cookie(name).unwrap_or_else(|| panic!("{name} cookie"));
        assert!(cookie.contains("; Path=/; Expires=") && cookie.contains("HttpOnly; SameSite=Lax"), "{cookie}");
    }
    assert!(r.cookie("authjs.state").expect("state").contains("Max-Age=900"));
    // Discovery is fetched once, then cached.
    start(&mut c, "idp", "").await;
    assert_eq!(idp.hits("discovery"), 1);
}

#[tokio::test]
async fn a_full_oidc_sign_in_verifies_the_id_token_and_keeps_the_tokens() {
    let idp = Idp::start().await;
    for alg in [Algorithm::RS256, Algorithm::PS256, Algorithm::ES256, Algorithm::EdDSA] {
        idp.set(Fault::None, alg);
        let seen = Seen::default();
        let mut c = Client::new(config(&idp).callbacks(seen.clone()).build().expect("config"));
        let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
        assert_eq!(r.status, StatusCode::FOUND, "{alg:?}: {}", r.body);
        assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()), "{alg:?}");
        for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
            assert!(r.cookie(name).is_some_and(|c| c.contains("Max-Age=0")), "{name} cleared");
        }
        let session = c.get("/auth/session").await.json();
        assert_eq!(session["user"]["name"], "Octo Cat");
        assert_eq!(session["user"]["email"], "octo@example.com", "email lower-cased");
        assert_eq!(session["user"]["image"], "https://img.test/octo.png");
        let account = seen.0.lock().expect("lock")[0].clone();
        assert_eq!(account["provider"], "idp");
        assert_eq!(account["type"], "oidc");
        assert_eq!(account["providerAccountId"], "user-42");
        assert_eq!(account["access_token"], "access-123");
        assert_eq!(account["refresh_token"], "refresh-456");
        assert_eq!(account["token_type"], "bearer");
        assert!(account["expires_at"].as_i64().expect("expires_at") >= now() + 3500);
        assert!(account["id_token"].as_str().is_some_and(|t| t.split('.').count() == 3));
    }
    // The token request authenticated with client_secret_basic, form-encoded before base64.
    let requests = idp.state.lock().expect("lock").token_requests.clone();
    let (headers, body) = &requests[0];
    let basic = base64::engine::general_purpose::STANDARD.encode("client:s+e%2Fcret");
    assert_eq!(headers["authorization"], format!("Basic {basic}"));
    assert!(!body.contains("client_secret"));
    assert!(body.contains("grant_type=authorization_code") && body.contains("code_verifier="));
}

#[tokio::test]
async fn an_oauth_provider_reads_userinfo_and_posts_its_secret() {
    let idp = Idp::start().await;
    let mut c = Client::new(config(&idp).build().expect("config"));
    let r = full_sign_in(&idp, &mut c, "plain", |p| p.retain(|(k, _)| k != "iss")).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()), "{:?}", r.set_cookies);
    assert_eq!(c.get("/auth/session").await.json()["user"]["name"], "Octo Cat");
    let requests = idp.state.lock().expect("lock").token_requests.clone();
    let (headers, body) = &requests[0];
    assert!(headers.get("authorization").is_none());
    assert!(body.contains("client_secret=s+e%2Fcret") && body.contains("client_id=client"));
    assert_eq!(idp.hits("discovery"), 0, "no issuer, no discovery");
}

#[tokio::test]
async fn hostile_id_tokens_are_refused() {
    let idp = Idp::start().await;
    let cases = [
        (Fault::BadSignature, "bad signature"),
        (Fault::UnknownKid, "key not in the JWKS"),
        (Fault::AlgNone, "alg none"),
        (Fault::HmacWithPublicKey, "HMAC with the public key"),
        (Fault::WrongIssInToken, "wrong iss in the id_token"),
        (Fault::WrongAud, "wrong aud"),
        (Fault::Expired, "expired"),
        (Fault::WrongNonce, "wrong nonce"),
        (Fault::MissingNonce, "missing nonce"),
        (Fault::NoTokenType, "token response without token_type"),
    ];
    for (fault, what) in cases {
        idp.set(fault, Algorithm::RS256);
        let before = idp.hits("jwks");
        let mut c = Client::new(config(&idp).build().expect("config"));
        let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
        assert_failed(&r, &configuration());
        assert_eq!(c.get("/auth/session").await.body, "null", "{what}");
        if fault == Fault::UnknownKid {
            assert_eq!(idp.hits("jwks") - before, 2, "the key set is refetched once for an unknown kid");
        }
    }
}

#[tokio::test]
async fn hostile_callbacks_are_refused() {
    let idp = Idp::start().await;
    let mut c = Client::new(config(&idp).build().expect("config"));
    // Wrong RFC 9207 iss parameter, and a missing one although announced.
    let r = full_sign_in(&idp, &mut c, "idp", |p| p.iter_mut().filter(|(k, _)| k == "iss").for_each(|(_, v)| *v = "https://evil.test".into())).await;
    assert_failed(&r, &configuration());
    let r = full_sign_in(&idp, &mut c, "idp", |p| p.retain(|(k, _)| k != "iss")).await;
    assert_failed(&r, &configuration());
    // A forged state.
    let r = full_sign_in(&idp, &mut c, "idp", |p| p.iter_mut().filter(|(k, _)| k == "state").for_each(|(_, v)| *v = "forged".into())).await;
    assert_failed(&r, &configuration());
    // The provider's own refusal, with a valid state.
    let (_, params) = start(&mut c, "idp", "").await;
    let r = come_back(&mut c, "idp", &[("error", "access_denied"), ("state", &params["state"]), ("iss", &idp.issuer)]).await;
    assert_failed(&r, &format!("{ORIGIN}/auth/signin?error=OAuthCallbackError"));
    // A replayed code: the first use signs in, the second is refused by the provider.
    let (_, params) = start(&mut c, "idp", "").await;
    let code = idp.authorize(&params);
    let state = params["state"].clone();
    let jar = c.jar.clone();
    let first = come_back(&mut c, "idp", &[("code", &code), ("state", &state), ("iss", &idp.issuer)]).await;
    assert_eq!(first.location(), Some(format!("{ORIGIN}/after").as_str()));
    let mut replay = Client::new(config(&idp).build().expect("config"));
    replay.jar = jar;
    let again = come_back(&mut replay, "idp", &[("code", &code), ("state", &state), ("iss", &idp.issuer)]).await;
    assert_failed(&again, &configuration());
    // Userinfo failing (OAuth provider).
    idp.set(Fault::UserinfoFails, Algorithm::RS256);
    let r = full_sign_in(&idp, &mut c, "plain", |p| p.retain(|(k, _)| k != "iss")).await;
    assert_failed(&r, &configuration());
}

#[tokio::test]
async fn check_cookies_are_bound_to_their_provider_and_required() {
    let idp = Idp::start().await;
    let mut c = Client::new(config(&idp).build().expect("config"));
    // Start with `plain`, come back to `idp` with plain's cookies.
    let (_, params) = start(&mut c, "plain", "").await;
    let code = idp.authorize(&params);
    let r = come_back(&mut c, "idp", &[("code", &code), ("state", &params["state"]), ("iss", &idp.issuer)]).await;
    assert_failed(&r, &configuration());
    // Without the check cookies at all.
    let (_, params) = start(&mut c, "idp", "").await;
    let code = idp.authorize(&params);
    c.jar.retain(|k, _| !k.starts_with("authjs.state") && !k.starts_with("authjs.pkce") && !k.starts_with("authjs.nonce"));
    let r = come_back(&mut c, "idp", &[("code", &code), ("state", &params["state"]), ("iss", &idp.issuer)]).await;
    assert_failed(&r, &configuration());
}

#[tokio::test]
async fn the_sign_in_page_shows_oauth_buttons_and_new_users_see_their_page() {
    let idp = Idp::start().await;
    let pages = Pages { new_user: Some("/welcome".into()), ..Pages::default() };
    let mut c = Client::new(config(&idp).pages(pages).build().expect("config"));
    let page = c.get("/auth/signin").await;
    assert!(page.body.contains(&format!("action=\"{ORIGIN}/auth/signin/idp\"")));
    assert!(page.body.contains("Sign in with Test IdP"));
    // Without an adapter nobody is "new" (Auth.js): the callback URL is used.
    let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
    assert_eq!(r.location(), Some(format!("{ORIGIN}/after").as_str()));
}

#[tokio::test]
async fn providers_without_endpoints_or_client_id_do_not_build() {
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(OAuthProvider::oauth("x", "X").client_id("id").authorization_url("https://a.test/auth"))
        .build()
        .expect_err("no token endpoint");
    assert_eq!(err.to_string(), "InvalidEndpoints: Provider \"x\" is missing both `issuer` and `token` endpoint config. At least one of them is required");
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(OAuthProvider::oidc("my-idp", "X").issuer("https://a.test"))
        .build()
        .expect_err("no client id");
    assert!(err.to_string().contains("AUTH_MY_IDP_ID"), "{err}");
}
