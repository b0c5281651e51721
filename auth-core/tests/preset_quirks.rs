//! The presets whose token request or id_token is not the standard one (deviations P10, P11):
//! TikTok (`client_key`), WeChat (`appid`/`secret` on the token URL, no `token_type`) and LINE
//! (HS256 id_tokens signed with the channel secret), each through a full sign-in against a
//! hand-written fake of the provider on loopback. The presets keep their real URLs; the HTTP
//! client sends every request to the fake instead, which answers as the provider documents
//! and refuses what the provider refuses.

mod common;

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use auth_core::{
    AuthConfig,
    adapter::{Adapter, MemoryAdapter},
    oauth::{HttpClient, HttpFuture, ReqwestClient},
    providers::presets,
};
use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use common::{
    Client, ORIGIN, SECRET, TestResponse,
    idp::{come_back, now, start},
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

const CLIENT_ID: &str = "app-id";
const CLIENT_SECRET: &str = "channel-secret";

/// One token request as the fake received it.
#[derive(Debug, Clone)]
struct TokenCall {
    path: String,
    query: HashMap<String, String>,
    form: HashMap<String, String>,
}

/// How the fake LINE signs its id_tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineSigning {
    /// HS256 with the channel secret (what LINE does).
    ChannelSecret,
    /// HS256 with some other secret.
    OtherSecret,
    /// `alg: none`, no signature.
    None,
}

struct Fake {
    codes: Vec<String>,
    token_calls: Vec<TokenCall>,
    line: LineSigning,
}

#[derive(Clone)]
struct Provider {
    state: Arc<Mutex<Fake>>,
    address: SocketAddr,
}

fn refuse(what: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": "invalid_request", "error_description": what})),
    )
        .into_response()
}

impl Provider {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let provider = Provider {
            state: Arc::new(Mutex::new(Fake {
                codes: Vec::new(),
                token_calls: Vec::new(),
                line: LineSigning::ChannelSecret,
            })),
            address: listener.local_addr().expect("address"),
        };
        let app = Router::new()
            .route("/v2/oauth/token/", post(tiktok_token))
            .route("/v2/user/info/", get(tiktok_user))
            .route("/sns/oauth2/access_token", post(wechat_token))
            .route("/sns/userinfo", get(wechat_user))
            .route("/.well-known/openid-configuration", get(line_discovery))
            .route("/oauth2/v2.1/token", post(line_token))
            .with_state(provider.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.expect("serves") });
        provider
    }

    fn issue_code(&self) -> String {
        let code = format!("code-{}", self.state.lock().expect("lock").codes.len());
        self.state.lock().expect("lock").codes.push(code.clone());
        code
    }

    /// Records a token request; `None` when its code is not one this fake issued.
    fn take(&self, uri: &Uri, body: &Bytes) -> Option<TokenCall> {
        let call = TokenCall {
            path: uri.path().to_owned(),
            query: form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
            form: form_urlencoded::parse(body).into_owned().collect(),
        };
        let mut state = self.state.lock().expect("lock");
        state.token_calls.push(call.clone());
        let code = call.form.get("code")?;
        let index = state.codes.iter().position(|c| c == code)?;
        state.codes.remove(index);
        Some(call)
    }

    fn token_calls(&self) -> Vec<TokenCall> {
        self.state.lock().expect("lock").token_calls.clone()
    }
}

async fn tiktok_token(State(p): State<Provider>, uri: Uri, body: Bytes) -> Response {
    let Some(call) = p.take(&uri, &body) else {
        return refuse("unknown code");
    };
    // TikTok identifies the app by `client_key`; without it the request is refused.
    if call.form.get("client_key").map(String::as_str) != Some(CLIENT_ID)
        || call.form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return refuse("client_key");
    }
    axum::Json(json!({
        "access_token": "act.tiktok", "token_type": "Bearer", "expires_in": 86400,
        "open_id": "tt-open-1", "refresh_token": "rft.tiktok", "scope": "user.info.basic",
    }))
    .into_response()
}

async fn tiktok_user(headers: HeaderMap) -> Response {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer act.tiktok") {
        return (StatusCode::UNAUTHORIZED, "no token").into_response();
    }
    axum::Json(json!({"data": {"user": {
        "open_id": "tt-open-1", "display_name": "Tik Tokker", "avatar_url": "https://img.test/tt.png",
    }}}))
    .into_response()
}

async fn wechat_token(State(p): State<Provider>, uri: Uri, body: Bytes) -> Response {
    let Some(call) = p.take(&uri, &body) else {
        return refuse("unknown code");
    };
    if call.query.get("appid").map(String::as_str) != Some(CLIENT_ID)
        || call.query.get("secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        // WeChat answers its errors with 200 and an `errcode`.
        return axum::Json(json!({"errcode": 40013, "errmsg": "invalid appid"})).into_response();
    }
    // No `token_type`, as WeChat answers.
    axum::Json(json!({
        "access_token": "wx-access", "expires_in": 7200, "refresh_token": "wx-refresh",
        "openid": "wx-open-1", "scope": "snsapi_userinfo", "unionid": "wx-union-1",
    }))
    .into_response()
}

async fn wechat_user(uri: Uri) -> Response {
    let q: HashMap<String, String> =
        form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    if q.get("access_token").map(String::as_str) != Some("wx-access")
        || q.get("openid").map(String::as_str) != Some("wx-open-1")
    {
        return axum::Json(json!({"errcode": 40003, "errmsg": "invalid openid"})).into_response();
    }
    axum::Json(json!({
        "openid": "wx-open-1", "nickname": "Wei Xin", "headimgurl": "https://img.test/wx.png",
        "unionid": "wx-union-1",
    }))
    .into_response()
}

async fn line_discovery() -> Response {
    // LINE's document (trimmed); its HS256 is for web logins, ES256 for the apps.
    axum::Json(json!({
        "issuer": "https://access.line.me",
        "authorization_endpoint": "https://access.line.me/oauth2/v2.1/authorize",
        "token_endpoint": "https://api.line.me/oauth2/v2.1/token",
        "revocation_endpoint": "https://api.line.me/oauth2/v2.1/revoke",
        "userinfo_endpoint": "https://api.line.me/oauth2/v2.1/userinfo",
        "jwks_uri": "https://api.line.me/oauth2/v2.1/certs",
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

async fn line_token(State(p): State<Provider>, uri: Uri, body: Bytes) -> Response {
    if p.take(&uri, &body).is_none() {
        return refuse("unknown code");
    }
    let claims = json!({
        "iss": "https://access.line.me", "sub": "U-line-1", "aud": CLIENT_ID,
        "exp": now() + 3600, "iat": now(), "amr": ["linesso"],
        "name": "Line User", "picture": "https://img.test/line.png", "email": "line@example.com",
    });
    let sign = |key: &str| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(key.as_bytes()),
        )
        .expect("sign")
    };
    let id_token = match p.state.lock().expect("lock").line {
        LineSigning::ChannelSecret => sign(CLIENT_SECRET),
        LineSigning::OtherSecret => sign("not-the-channel-secret"),
        LineSigning::None => {
            let b64 = common::idp::b64;
            format!(
                "{}.{}.",
                b64(br#"{"alg":"none","typ":"JWT"}"#),
                b64(claims.to_string().as_bytes())
            )
        }
    };
    axum::Json(json!({
        "access_token": "line-access", "token_type": "Bearer", "expires_in": 2592000,
        "refresh_token": "line-refresh", "scope": "openid profile email", "id_token": id_token,
    }))
    .into_response()
}

/// Sends every request to the fake, keeping path and query (the presets' real URLs).
struct ToFake {
    inner: ReqwestClient,
    address: SocketAddr,
}

impl HttpClient for ToFake {
    fn execute(&self, mut request: http::Request<Vec<u8>>) -> HttpFuture<'_> {
        let path = request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let uri = format!("http://{}{path}", self.address)
            .parse()
            .expect("a loopback URI");
        *request.uri_mut() = uri;
        self.inner.execute(request)
    }
}

fn client(
    provider: &Provider,
    preset: auth_core::providers::OAuthProvider,
) -> (Client, MemoryAdapter) {
    let adapter = MemoryAdapter::default();
    let config = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .adapter(adapter.clone())
        .http_client(ToFake {
            inner: ReqwestClient::new().expect("reqwest"),
            address: provider.address,
        })
        .provider(preset.client_id(CLIENT_ID).client_secret(CLIENT_SECRET));
    (Client::new(config.build().expect("config")), adapter)
}

/// Starts a sign-in, lets the fake issue a code, and comes back with it (and the state).
async fn sign_in(
    provider: &Provider,
    c: &mut Client,
    id: &str,
) -> (TestResponse, HashMap<String, String>) {
    let (_, params) = start(c, id, "").await;
    let code = provider.issue_code();
    let mut back = vec![("code", code.as_str())];
    if let Some(state) = params.get("state") {
        back.push(("state", state.as_str()));
    }
    let r = come_back(c, id, &back).await;
    (r, params)
}

fn signed_in(r: &TestResponse) -> bool {
    r.location() == Some(format!("{ORIGIN}/after").as_str())
        && r.set_cookies
            .iter()
            .any(|c| c.starts_with("authjs.session-token="))
}

#[tokio::test]
async fn tiktok_sends_client_key_and_signs_in() {
    let provider = Provider::start().await;
    let (mut c, adapter) = client(&provider, presets::tiktok());
    let (r, params) = sign_in(&provider, &mut c, "tiktok").await;
    assert_eq!(
        params.get("client_key").map(String::as_str),
        Some(CLIENT_ID)
    );
    assert!(signed_in(&r), "{:?} {}", r.location(), r.body);
    let calls = provider.token_calls();
    let [call] = calls.as_slice() else {
        panic!("one token request: {calls:?}");
    };
    assert_eq!(call.path, "/v2/oauth/token/");
    // What Auth.js sends: the client_secret_post fields, the grant, PKCE, and client_key.
    let form = &call.form;
    assert_eq!(form.get("client_key").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(form.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(
        form.get("client_secret").map(String::as_str),
        Some(CLIENT_SECRET)
    );
    assert_eq!(
        form.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    assert!(form.contains_key("code_verifier"), "{form:?}");
    assert!(call.query.is_empty(), "{:?}", call.query);
    let account = adapter
        .get_account("tiktok", "tt-open-1")
        .await
        .expect("adapter")
        .expect("the account is linked");
    assert_eq!(
        account.access_token.as_ref().map(|t| t.expose()),
        Some("act.tiktok")
    );
}

#[tokio::test]
async fn wechat_sends_appid_and_secret_and_signs_in_without_a_token_type() {
    let provider = Provider::start().await;
    let (mut c, adapter) = client(&provider, presets::wechat());
    let (r, params) = sign_in(&provider, &mut c, "wechat").await;
    assert_eq!(params.get("appid").map(String::as_str), Some(CLIENT_ID));
    assert!(signed_in(&r), "{:?} {}", r.location(), r.body);
    let calls = provider.token_calls();
    let [call] = calls.as_slice() else {
        panic!("one token request: {calls:?}");
    };
    assert_eq!(call.path, "/sns/oauth2/access_token");
    assert_eq!(call.query.get("appid").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(
        call.query.get("secret").map(String::as_str),
        Some(CLIENT_SECRET)
    );
    assert_eq!(
        call.form.get("grant_type").map(String::as_str),
        Some("authorization_code")
    );
    // `state` only: no PKCE verifier (Auth.js deletes it too).
    assert!(!call.form.contains_key("code_verifier"), "{:?}", call.form);
    let account = adapter
        .get_account("wechat", "wx-union-1")
        .await
        .expect("adapter")
        .expect("the account is linked");
    assert_eq!(account.token_type.as_deref(), Some("bearer"));
    assert_eq!(
        account.access_token.as_ref().map(|t| t.expose()),
        Some("wx-access")
    );
}

#[tokio::test]
async fn line_verifies_hs256_id_tokens_with_the_channel_secret() {
    let provider = Provider::start().await;

    let (mut c, adapter) = client(&provider, presets::line());
    let (r, _) = sign_in(&provider, &mut c, "line").await;
    assert!(signed_in(&r), "{:?} {}", r.location(), r.body);
    let user = adapter
        .get_user_by_email("line@example.com")
        .await
        .expect("adapter")
        .expect("the user is stored");
    assert_eq!(user.name.as_deref(), Some("Line User"));
    assert!(
        adapter
            .get_account("line", "U-line-1")
            .await
            .expect("adapter")
            .is_some()
    );

    for signing in [LineSigning::OtherSecret, LineSigning::None] {
        provider.state.lock().expect("lock").line = signing;
        let (mut c, adapter) = client(&provider, presets::line());
        let (r, _) = sign_in(&provider, &mut c, "line").await;
        assert_eq!(
            r.location(),
            Some(format!("{ORIGIN}/auth/error?error=Configuration").as_str()),
            "{signing:?}: {}",
            r.body
        );
        assert!(
            r.set_cookies
                .iter()
                .all(|c| !c.starts_with("authjs.session-token")),
            "{signing:?}"
        );
        assert!(
            adapter
                .get_user_by_email("line@example.com")
                .await
                .expect("adapter")
                .is_none(),
            "{signing:?}: nothing written"
        );
        assert!(
            adapter
                .get_account("line", "U-line-1")
                .await
                .expect("adapter")
                .is_none(),
            "{signing:?}"
        );
    }

    // Without the channel secret there is no key: build() says so.
    let err = AuthConfig::new()
        .secret(SECRET)
        .provider(presets::line().client_id(CLIENT_ID))
        .build()
        .expect_err("no secret");
    assert!(err.to_string().contains("AUTH_LINE_SECRET"), "{err}");
}
