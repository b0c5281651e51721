//! OAuth 2 / OpenID Connect sign-in against a fault-injecting identity provider that runs on
//! loopback: every hostile answer must end with Auth.js's error code and no session cookie.

mod common;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use auth_core::{
    AuthConfig, Pages, Result as AuthResult, Token,
    callbacks::{Callbacks, JwtParams},
    providers::{Checks, ClientAuth, OAuthProvider},
};
use axum::http::StatusCode;
use base64::Engine as _;
use common::{
    Client, ORIGIN, SECRET, TestResponse,
    idp::{CLIENT_ID, CLIENT_SECRET, Fault, Idp, come_back, full_sign_in, now, start},
};
use jsonwebtoken::Algorithm;
use serde_json::Value;

/// Records what the `jwt` callback received at sign-in.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<Value>>>);

#[async_trait]
impl Callbacks for Seen {
    async fn jwt(&self, params: JwtParams<'_>) -> AuthResult<Option<Token>> {
        if let Some(account) = params.account {
            self.0
                .lock()
                .expect("lock")
                .push(serde_json::to_value(account).expect("account json"));
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
        .checks(Checks {
            pkce: true,
            state: true,
            nonce: false,
        })
}

fn config(idp: &Idp) -> AuthConfig {
    AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(oidc(idp))
        .provider(plain_oauth(idp))
        .provider(common::credentials())
}

fn assert_failed(r: &TestResponse, location: &str) {
    assert_eq!(r.status, StatusCode::FOUND, "{}", r.body);
    assert_eq!(r.location(), Some(location));
    assert!(
        r.set_cookies
            .iter()
            .all(|c| !c.starts_with("authjs.session-token")),
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
    let (r, params) = start(
        &mut c,
        "idp",
        "?prompt=consent&login_hint=octo&redirect_uri=https://evil.test&client_id=x",
    )
    .await;
    let location = r.location().expect("location");
    assert!(location.starts_with(&format!("{}/authorize?", idp.issuer)));
    assert_eq!(params["response_type"], "code");
    assert_eq!(
        params["client_id"], CLIENT_ID,
        "the query cannot replace the client id"
    );
    assert_eq!(
        params["redirect_uri"],
        format!("{ORIGIN}/auth/callback/idp"),
        "nor the redirect URI"
    );
    assert_eq!(params["scope"], "openid profile email");
    assert_eq!(params["prompt"], "consent");
    assert_eq!(params["login_hint"], "octo");
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["code_challenge"].len(), 43);
    assert_eq!(params["nonce"].len(), 43);
    assert!(
        params["state"].starts_with("eyJhbGciOiJkaXIi"),
        "state is itself a JWE"
    );
    for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
        let cookie = r.cookie(name).unwrap_or_else(|| panic!("{name} cookie"));
        assert!(
            cookie.contains("; Path=/; Expires=") && cookie.contains("HttpOnly; SameSite=Lax"),
            "{cookie}"
        );
    }
    assert!(
        r.cookie("authjs.state")
            .expect("state")
            .contains("Max-Age=900")
    );
    // Discovery is fetched once, then cached.
    start(&mut c, "idp", "").await;
    assert_eq!(idp.hits("discovery"), 1);
}

#[tokio::test]
async fn a_full_oidc_sign_in_verifies_the_id_token_and_keeps_the_tokens() {
    let idp = Idp::start().await;
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        idp.set(Fault::None, alg);
        let seen = Seen::default();
        let mut c = Client::new(
            config(&idp)
                .callbacks(seen.clone())
                .build()
                .expect("config"),
        );
        let r = full_sign_in(&idp, &mut c, "idp", |_| {}).await;
        assert_eq!(r.status, StatusCode::FOUND, "{alg:?}: {}", r.body);
        assert_eq!(
            r.location(),
            Some(format!("{ORIGIN}/after").as_str()),
            "{alg:?}"
        );
        for name in ["authjs.state", "authjs.pkce.code_verifier", "authjs.nonce"] {
            assert!(
                r.cookie(name).is_some_and(|c| c.contains("Max-Age=0")),
                "{name} cleared"
            );
        }
        let session = c.get("/auth/session").await.json();
        assert_eq!(session["user"]["name"], "Octo Cat");
        assert_eq!(
            session["user"]["email"], "octo@example.com",
            "email lower-cased"
        );
        assert_eq!(session["user"]["image"], "https://img.test/octo.png");
        let account = seen.0.lock().expect("lock")[0].clone();
        assert_eq!(account["provider"], "idp");
        assert_eq!(account["type"], "oidc");
        assert_eq!(account["providerAccountId"], "user-42");
        assert_eq!(account["access_token"], "access-123");
        assert_eq!(account["refresh_token"], "refresh-456");
        assert_eq!(account["token_type"], "bearer");
        assert!(account["expires_at"].as_i64().expect("expires_at") >= now() + 3500);
        assert!(
            account["id_token"]
                .as_str()
                .is_some_and(|t| t.split('.').count() == 3)
        );
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
    assert_eq!(
        r.location(),
        Some(format!("{ORIGIN}/after").as_str()),
        "{:?}",
        r.set_cookies
    );
    assert_eq!(
        c.get("/auth/session").await.json()["user"]["name"],
        "Octo Cat"
    );
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
            assert_eq!(
                idp.hits("jwks") - before,
                2,
                "the key set is refetched once for an unknown kid"
            );
        }
    }
}

#[tokio::test]
async fn hostile_callbacks_are_refused() {
    let idp = Idp::start().await;
    let mut c = Client::new(config(&idp).build().expect("config"));
    // Wrong RFC 9207 iss parameter, and a missing one although announced.
    let r = full_sign_in(&idp, &mut c, "idp", |p| {
        p.iter_mut()
            .filter(|(k, _)| k == "iss")
            .for_each(|(_, v)| *v = "https://evil.test".into())
    })
    .await;
    assert_failed(&r, &configuration());
    let r = full_sign_in(&idp, &mut c, "idp", |p| p.retain(|(k, _)| k != "iss")).await;
    assert_failed(&r, &configuration());
    // A forged state.
    let r = full_sign_in(&idp, &mut c, "idp", |p| {
        p.iter_mut()
            .filter(|(k, _)| k == "state")
            .for_each(|(_, v)| *v = "forged".into())
    })
    .await;
    assert_failed(&r, &configuration());
    // The provider's own refusal, with a valid state.
    let (_, params) = start(&mut c, "idp", "").await;
    let r = come_back(
        &mut c,
        "idp",
        &[
            ("error", "access_denied"),
            ("state", &params["state"]),
            ("iss", &idp.issuer),
        ],
    )
    .await;
    assert_failed(
        &r,
        &format!("{ORIGIN}/auth/signin?error=OAuthCallbackError"),
    );
    // A replayed code: the first use signs in, the second is refused by the provider.
    let (_, params) = start(&mut c, "idp", "").await;
    let code = idp.authorize(&params);
    let state = params["state"].clone();
    let jar = c.jar.clone();
    let first = come_back(
        &mut c,
        "idp",
        &[("code", &code), ("state", &state), ("iss", &idp.issuer)],
    )
    .await;
    assert_eq!(first.location(), Some(format!("{ORIGIN}/after").as_str()));
    let mut replay = Client::new(config(&idp).build().expect("config"));
    replay.jar = jar;
    let again = come_back(
        &mut replay,
        "idp",
        &[("code", &code), ("state", &state), ("iss", &idp.issuer)],
    )
    .await;
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
    let r = come_back(
        &mut c,
        "idp",
        &[
            ("code", &code),
            ("state", &params["state"]),
            ("iss", &idp.issuer),
        ],
    )
    .await;
    assert_failed(&r, &configuration());
    // Without the check cookies at all.
    let (_, params) = start(&mut c, "idp", "").await;
    let code = idp.authorize(&params);
    c.jar.retain(|k, _| {
        !k.starts_with("authjs.state")
            && !k.starts_with("authjs.pkce")
            && !k.starts_with("authjs.nonce")
    });
    let r = come_back(
        &mut c,
        "idp",
        &[
            ("code", &code),
            ("state", &params["state"]),
            ("iss", &idp.issuer),
        ],
    )
    .await;
    assert_failed(&r, &configuration());
}

#[tokio::test]
async fn the_sign_in_page_shows_oauth_buttons_and_new_users_see_their_page() {
    let idp = Idp::start().await;
    let pages = Pages {
        new_user: Some("/welcome".into()),
        ..Pages::default()
    };
    let mut c = Client::new(config(&idp).pages(pages).build().expect("config"));
    let page = c.get("/auth/signin").await;
    assert!(
        page.body
            .contains(&format!("action=\"{ORIGIN}/auth/signin/idp\""))
    );
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
        .provider(
            OAuthProvider::oauth("x", "X")
                .client_id("id")
                .authorization_url("https://a.test/auth"),
        )
        .build()
        .expect_err("no token endpoint");
    assert_eq!(
        err.to_string(),
        "InvalidEndpoints: Provider \"x\" is missing both `issuer` and `token` endpoint config. At least one of them is required"
    );
    let err = AuthConfig::new()
        .secret(SECRET)
        .trust_host(true)
        .provider(OAuthProvider::oidc("my-idp", "X").issuer("https://a.test"))
        .build()
        .expect_err("no client id");
    assert!(err.to_string().contains("AUTH_MY_IDP_ID"), "{err}");
}

#[tokio::test]
async fn a_redirect_proxy_sends_callbacks_back_to_the_deployment_that_started_them() {
    let idp = Idp::start().await;
    let proxied = || config(&idp).redirect_proxy_url(format!("{ORIGIN}/auth"));
    let mut preview = Client::new(proxied().build().expect("config"));
    preview.host = "preview.test:3100".into();
    let (_, params) = start(&mut preview, "idp", "").await;
    assert_eq!(
        params["redirect_uri"],
        format!("{ORIGIN}/auth/callback/idp"),
        "the proxy's callback is registered"
    );
    let code = idp.authorize(&params);

    // The provider sends the browser to the proxy, which has none of the preview's cookies.
    let mut proxy = Client::new(proxied().build().expect("config"));
    let hop = come_back(
        &mut proxy,
        "idp",
        &[
            ("code", &code),
            ("state", &params["state"]),
            ("iss", &idp.issuer),
        ],
    )
    .await;
    let location = hop.location().expect("hop").to_owned();
    assert!(
        location.starts_with("http://preview.test:3100/auth/callback/idp?"),
        "{location}"
    );
    assert!(
        hop.set_cookies
            .iter()
            .all(|c| !c.starts_with("authjs.session-token"))
    );

    // Back on the preview deployment, its own check cookies finish the sign-in.
    let path = location.trim_start_matches("http://preview.test:3100");
    let r = preview.get(path).await;
    assert_eq!(
        r.location(),
        Some("http://preview.test:3100/after"),
        "{:?}",
        r.set_cookies
    );
    assert_eq!(
        preview.get("/auth/session").await.json()["user"]["name"],
        "Octo Cat"
    );

    // A state the proxy cannot decode (another secret) stops at the proxy.
    let mut stranger = Client::new(proxied().secret("another-secret").build().expect("config"));
    stranger.host = "preview.test:3100".into();
    let (_, params) = start(&mut stranger, "idp", "").await;
    let code = idp.authorize(&params);
    let r = come_back(
        &mut proxy,
        "idp",
        &[
            ("code", &code),
            ("state", &params["state"]),
            ("iss", &idp.issuer),
        ],
    )
    .await;
    assert_failed(&r, &configuration());
}
